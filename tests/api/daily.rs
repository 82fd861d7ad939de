//! Daily use: schedules that cannot lie in the past, scheduled sessions nobody came to flagged
//! in Upcoming, the end user's notice pages in their language, the portal in the eleven
//! languages the mails speak, the queue's waits, counts and outcomes, and forms that name
//! every mistake at once.

use app::domain::{AgentId, RequestId, SessionRequest};
use jiff::{SignedDuration, Timestamp};
use reqwest::{StatusCode, header};
use serde_json::json;

use crate::harness::{DEVICE, TestServer, row_of, token_of};

fn from_now(d: SignedDuration) -> String {
    (Timestamp::now() + d).to_string()
}

#[tokio::test]
async fn a_schedule_in_the_past_is_refused_when_set_or_changed() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let past = t
        .post(
            "/api/v1/session-requests",
            &admin,
            json!({"recipient_name": "Grace", "scheduled_at": from_now(SignedDuration::from_hours(-1))}),
        )
        .await;
    assert_eq!(past.status, StatusCode::BAD_REQUEST, "{}", past.body);
    let message = past.body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("scheduled_at: is in the past"),
        "{message}"
    );

    // A form that stood open a minute is fine.
    let just = t
        .create(
            &admin,
            json!({"scheduled_at": from_now(SignedDuration::from_mins(-1))}),
        )
        .await;
    assert!(just["scheduled_at"].is_string());

    let req = t
        .create(
            &admin,
            json!({"scheduled_at": from_now(SignedDuration::from_hours(3))}),
        )
        .await;
    let path = format!("/api/v1/session-requests/{}", req["id"].as_str().unwrap());
    let moved = t
        .patch(
            &path,
            &admin,
            json!({"scheduled_at": from_now(SignedDuration::from_hours(-2))}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::BAD_REQUEST, "{}", moved.body);
    let kept = t.get(&path, &admin).await.body;
    assert_eq!(kept["scheduled_at"], req["scheduled_at"], "nothing changed");
    let other = t
        .patch(&path, &admin, json!({"comment": "bring coffee"}))
        .await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);
}

#[tokio::test]
async fn a_scheduled_session_nobody_came_to_is_flagged_missed_in_upcoming() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let me = t.get("/api/v1/me", &admin).await.body;
    let me: AgentId = me["id"].as_str().unwrap().parse().unwrap();
    let now = Timestamp::now();
    // Written straight into the store: the API refuses a past schedule.
    let rec = |name: &str, ago: SignedDuration| {
        let id = RequestId::from_u128(ulid::Ulid::new().0);
        SessionRequest {
            scheduled_at: Some(now - ago),
            schedule_set_at: Some(now - SignedDuration::from_hours(24)),
            ..SessionRequest::new(
                id,
                name.into(),
                me,
                now - SignedDuration::from_hours(24),
                now + SignedDuration::from_hours(48),
            )
        }
    };
    let svc = t.server().service().clone();
    svc.seed(vec![
        (rec("Nobody Came", SignedDuration::from_hours(2)), vec![]),
        (rec("Just Now", SignedDuration::from_mins(5)), vec![]),
    ])
    .unwrap();
    let page = t.portal_page("/?view=upcoming", &admin).await;
    let row =
        |name: &str| row_of(&page, name).unwrap_or_else(|| panic!("no row for {name}: {page}"));
    assert!(row("Nobody Came").contains("data-missed=\"true\""));
    assert!(!row("Just Now").contains("data-missed"), "within the grace");
}

/// The closed, unknown and in-use pages speak the request's language (or, for a link that
/// names no request, the browser's), and say so in `<html lang>`.
#[tokio::test]
async fn the_end_users_notice_pages_speak_their_language() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let page = |url: String, device: &'static str, accept: &'static str| {
        let http = t.http.clone();
        async move {
            let res = http
                .get(url)
                .header("beckon-device", device)
                .header(header::ACCEPT_LANGUAGE, accept)
                .send()
                .await
                .unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let lang_of = |html: &str| {
        html.split("<html lang=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or("")
            .to_owned()
    };

    let german = t.create(&admin, json!({"email_language": "de"})).await;
    let id = german["id"].as_str().unwrap();
    t.post(
        &format!("/api/v1/session-requests/{id}/close"),
        &admin,
        json!({}),
    )
    .await;
    let link = format!(
        "{}/s/{}",
        t.base,
        token_of(german["link"].as_str().unwrap())
    );
    let (status, html) = page(link, DEVICE, "en-US").await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(lang_of(&html), "de");
    assert!(html.contains("Diese Supportanfrage ist beendet"), "{html}");

    let unknown = format!("{}/s/{}", t.base, "A".repeat(43));
    let (status, html) = page(unknown, DEVICE, "ja,en;q=0.5").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(lang_of(&html), "ja");
    assert!(html.contains("このリンクは無効です"), "{html}");

    let french = t.create(&admin, json!({"email_language": "fr"})).await;
    let link = french["link"].as_str().unwrap();
    assert_eq!(t.checkin(link).await.status, StatusCode::OK);
    let other = format!("{}/s/{}", t.base, token_of(link));
    let (status, html) = page(other, "another-device-0002", "en").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(lang_of(&html), "fr");
    assert!(html.contains("Ce lien est déjà utilisé"), "{html}");
}

/// The portal speaks the mails' eleven languages: the browser's, or the one chosen.
#[tokio::test]
async fn the_portal_speaks_the_browsers_language_among_the_eleven() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    for (accept, lang, words) in [
        ("de-DE,de;q=0.9", "de", "Neue Anfrage"),
        ("ja", "ja", "新規リクエスト"),
        ("zh-CN", "zh-Hans", "新建请求"),
        ("pl", "pl", "Nowa prośba"),
        ("tlh", "en", "New request"),
    ] {
        let html = t
            .portal_get("/", &admin)
            .header(header::ACCEPT_LANGUAGE, accept)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(&format!("<html lang=\"{lang}\"")),
            "{accept}: {html}"
        );
        assert!(html.contains(words), "{accept}");
        // The bundle's islands get the same language with the page (`pages::texts`).
        let texts = html
            .split("id=\"portal-texts\"")
            .nth(1)
            .and_then(|s| s.split_once('>'))
            .and_then(|(_, s)| s.split_once("</script>"))
            .map(|(json, _)| json)
            .unwrap_or_else(|| panic!("{accept}: no texts for the bundle"));
        let texts: Vec<String> = serde_json::from_str(texts).unwrap();
        assert!(
            texts.iter().any(|w| w == words),
            "{accept}: {words} is not among the bundle's texts"
        );
    }
}

/// The API and the portal's form start a new agent alike: may view and edit.
#[tokio::test]
async fn an_agent_created_without_permissions_may_view_and_edit_as_in_the_portal() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let made = t
        .post(
            "/api/v1/agents",
            &admin,
            json!({"email": "bo@example.com", "name": "Bo", "password": "password123", "role": "agent"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(
        made.body["permissions"],
        json!({"view_session_requests": true, "edit_session_requests": true})
    );
    let watcher = t
        .post(
            "/api/v1/agents",
            &admin,
            json!({"email": "wa@example.com", "name": "Wa", "password": "password123", "role": "agent",
                   "permissions": {"view_session_requests": true, "edit_session_requests": false}}),
        )
        .await;
    assert_eq!(watcher.body["permissions"]["edit_session_requests"], false);
}

/// Mails to an agent are in their language (set by an admin, or chosen in the portal's
/// language menu); an agent who may not open requests is neither offered nor mailed.
#[tokio::test]
async fn agents_get_mail_in_their_language_and_only_about_requests_they_may_open() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let made = t
        .post(
            "/api/v1/agents",
            &admin,
            json!({"email": "jo@example.com", "name": "Jo", "password": "password123", "role": "agent", "language": "ja"}),
        )
        .await;
    assert_eq!(made.body["language"], "ja", "{}", made.body);
    let jo = made.body["id"].as_str().unwrap().to_owned();
    let blind = t
        .post(
            "/api/v1/agents",
            &admin,
            json!({"email": "no@example.com", "name": "No", "password": "password123", "role": "agent",
                   "permissions": {"view_session_requests": false, "edit_session_requests": false}}),
        )
        .await;
    let blind = blind.body["id"].as_str().unwrap().to_owned();

    // Refused as an assignee, by the API and absent from the portal's choices.
    let r = t
        .post(
            "/api/v1/session-requests",
            &admin,
            json!({"recipient_name": "X", "assignee": {"type": "agent", "id": blind}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("assignee:")
    );

    // A client's member who may not view is not mailed about its requests.
    let client = t
        .post(
            "/api/v1/clients",
            &admin,
            json!({"name": "Desk", "members": [jo, blind]}),
        )
        .await;
    assert_eq!(client.status, StatusCode::CREATED, "{}", client.body);
    t.create(
        &admin,
        json!({"assignee": {"type": "client", "id": client.body["id"]}}),
    )
    .await;
    // Pending or already sent (the test server writes mail to files at once).
    let mut assigned = Vec::new();
    for state in ["pending", "sent"] {
        let outbox = t
            .get(&format!("/api/v1/outbox?state={state}"), &admin)
            .await
            .body;
        assigned.extend(
            outbox["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["kind"] == "assigned")
                .cloned(),
        );
    }
    // (A mail sent between the two reads is seen twice.)
    assigned.sort_by_key(|i| i["id"].as_str().unwrap_or("").to_owned());
    assigned.dedup_by_key(|i| i["id"].clone());
    assert_eq!(
        assigned.len(),
        1,
        "only the member who may view: {assigned:?}"
    );
    assert_eq!(assigned[0]["to"], "jo@example.com");
    assert_eq!(assigned[0]["language"], "ja");

    // An admin sets another language; nonsense is refused.
    let path = format!("/api/v1/agents/{jo}");
    let r = t.patch(&path, &admin, json!({"language": "de"})).await;
    assert_eq!(r.body["language"], "de");
    let r = t
        .patch(&path, &admin, json!({"language": "not a language!"}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// The queue says how long the end user has waited, how many requests each tab holds and how
/// many people wait right now, and in Past when and how each request ended, filterable by
/// that outcome.
#[tokio::test]
async fn the_queue_shows_waits_counts_and_how_each_request_ended() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let named = |name: &str| json!({"recipient_name": name, "send_email": false});
    let id_of = |r: &serde_json::Value| r["id"].as_str().unwrap().to_owned();
    let post = |path: String| {
        let (t, admin) = (&t, &admin);
        async move {
            let r = t.post(&path, admin, json!({})).await;
            assert!(r.status.is_success(), "{path}: {}", r.body);
        }
    };

    let waiting = t.create(&admin, named("Wanda Waiting")).await;
    t.checkin(waiting["link"].as_str().unwrap()).await;
    t.create(&admin, named("Una Upcoming")).await;
    let closed = t.create(&admin, named("Carl Closed")).await;
    post(format!("/api/v1/session-requests/{}/close", id_of(&closed))).await;
    let declined = t.create(&admin, named("Dora Declined")).await;
    let r = t
        .assist(
            reqwest::Method::POST,
            declined["link"].as_str().unwrap(),
            "decline",
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let helped = t.create(&admin, named("Hal Helped")).await;
    t.checkin(helped["link"].as_str().unwrap()).await;
    t.connect_and_answer(&admin, &helped, "allow").await;
    let base = format!("/api/v1/session-requests/{}", id_of(&helped));
    post(format!("{base}/start")).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    post(format!("{base}/end")).await;
    post(format!("{base}/close")).await;
    let expired = t
        .create(
            &admin,
            json!({"recipient_name": "Ed Expired", "send_email": false,
                   "expires_at": (Timestamp::now() + SignedDuration::from_secs(1)).to_string()}),
        )
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(t.status_of(&admin, &id_of(&expired)).await, "expired");

    let page = |path: &'static str| t.portal_page(path, &admin);
    let row = row_of;

    let active = page("/?view=active").await;
    let wanda = row(&active, "Wanda Waiting").expect("Wanda in Active");
    assert!(wanda.contains("class=\"waiting-for\"><time"), "{wanda}");
    assert!(
        wanda.contains("1 min"),
        "waiting for under a minute reads 1 min: {wanda}"
    );
    let tab = |page: &str, name: &str| -> String {
        let from = page.find(&format!("id=\"tab-{name}\"")).expect("the tab");
        page[from..page[from..].find("</a>").unwrap() + from].to_owned()
    };
    assert!(
        tab(&active, "active").contains("<span class=\"count\">1</span>"),
        "{}",
        tab(&active, "active")
    );
    assert!(
        tab(&active, "upcoming").contains("<span class=\"count\">1</span>"),
        "{}",
        tab(&active, "upcoming")
    );
    assert!(
        active.contains("data-waiting=\"1\""),
        "one end user waits right now"
    );

    let past = page("/?view=past").await;
    let outcome = |name: &str| {
        let r = row(&past, name).unwrap_or_else(|| panic!("{name} in Past: {past}"));
        let at = r
            .find("data-outcome=\"")
            .unwrap_or_else(|| panic!("no outcome: {r}"))
            + 14;
        r[at..at + r[at..].find('"').unwrap()].to_owned()
    };
    assert_eq!(outcome("Carl Closed"), "closed");
    assert_eq!(outcome("Dora Declined"), "declined");
    assert_eq!(outcome("Hal Helped"), "after_session");
    assert_eq!(outcome("Ed Expired"), "expired");
    let hal = row(&past, "Hal Helped").unwrap();
    assert!(
        hal.contains("class=\"session-length\">1 min"),
        "the session's length: {hal}"
    );
    assert!(
        row(&past, "Carl Closed")
            .unwrap()
            .contains("class=\"session-length\">—")
    );

    let only = page("/?view=past&outcome=declined").await;
    assert!(row(&only, "Dora Declined").is_some());
    for other in ["Carl Closed", "Hal Helped", "Ed Expired"] {
        assert!(row(&only, other).is_none(), "{other} is not declined");
    }
    let helped_only = page("/?view=past&outcome=after_session").await;
    assert!(row(&helped_only, "Hal Helped").is_some());
    assert!(row(&helped_only, "Carl Closed").is_none());
    assert!(
        helped_only.contains("<option value=\"after_session\" selected"),
        "the filter shows its choice"
    );
}

/// A create with several mistakes names them all in one answer, in plain words.
#[tokio::test]
async fn every_mistake_of_a_form_is_named_at_once() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let r = t
        .post(
            "/api/v1/session-requests",
            &admin,
            json!({
                "recipient_name": "  ",
                "send_email": true,
                "scheduled_at": from_now(-SignedDuration::from_hours(2)),
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let message = r.body["error"]["message"].as_str().unwrap();
    for part in [
        "recipient_name: must not be empty",
        "recipient_email: enter an email address to send the invitation to",
        "scheduled_at: is in the past",
    ] {
        assert!(message.contains(part), "{part} in {message}");
    }
}

/// An administrator may do everything: the agents page never shows them with unchecked
/// permissions, whatever their stored ones say; an agent's own boxes stay editable.
#[tokio::test]
async fn an_administrator_is_never_shown_with_unchecked_permissions() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    t.agent(&admin, "viewer@example.com", true, false).await;
    let page = t.portal_page("/admin/agents", &admin).await;
    let row =
        |email: &str| row_of(&page, email).unwrap_or_else(|| panic!("no row for {email}: {page}"));
    let admin_row = row("admin@example.com");
    assert!(admin_row.contains("admin-all"), "{admin_row}");
    assert!(
        !admin_row.contains("name=\"view\""),
        "nothing to uncheck: {admin_row}"
    );
    let viewer = row("viewer@example.com");
    assert!(
        viewer.contains("name=\"view\" value=\"1\" checked"),
        "{viewer}"
    );
    assert!(!viewer.contains("admin-all"));
}
