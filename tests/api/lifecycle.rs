//! The request lifecycle of docs/DESIGN.md, end to end over HTTP.

use std::time::Duration;

use app::domain::{Action, Status, apply};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{TestServer, kinds};

#[tokio::test]
async fn whole_lifecycle_from_create_to_close_with_timeline() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t
        .create(
            &admin,
            json!({"comment": "printer driver", "assignee": {"type": "me"}}),
        )
        .await;
    let id = req["id"].as_str().unwrap();
    let link = req["link"].as_str().unwrap();
    assert_eq!(req["status"], "open");
    assert_eq!(req["assignee"]["type"], "agent");
    assert!(link.starts_with(&format!("{}/s/", t.base)));

    // The end user opens the link: a real page naming who asks.
    let page = t.http.get(link).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Ada Lovelace") && html.contains("Ada Admin"),
        "{html}"
    );

    let r = t.checkin(link).await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("waiting"))
    );
    // Idempotent: a repeat keeps presence and changes nothing.
    assert_eq!(t.checkin(link).await.body["status"], "waiting");

    let r = t.connect_and_answer(&admin, &req, "allow").await;
    assert_eq!(r.body["status"], "ready");
    let r = t
        .post(
            &format!("/api/v1/session-requests/{id}/start"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("in_session"))
    );
    assert!(r.body["session_started_at"].is_string());

    // The end user is still here: ending goes back to waiting.
    let r = t
        .post(
            &format!("/api/v1/session-requests/{id}/end"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "waiting");
    let r = t
        .post(
            &format!("/api/v1/session-requests/{id}/close"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "closed");
    assert_eq!(t.page_status(link).await, 410);
    assert_eq!(t.checkin(link).await.status, StatusCode::GONE);

    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    assert_eq!(
        kinds(&detail),
        [
            "created",
            "invitation_queued",
            "checked_in",
            "connect_requested",
            "access_allowed",
            "session_started",
            "session_ended",
            "closed"
        ]
    );
    let events = detail["events"].as_array().unwrap();
    assert_eq!(events[2]["actor"]["type"], "end_user");
    assert_eq!(events[2]["details"]["platform"], "Linux");
    assert_eq!(events[4]["actor"]["type"], "end_user");
    assert_eq!(events[7]["actor"]["type"], "agent");
    assert_eq!(
        (events[4]["from"].as_str(), events[4]["to"].as_str()),
        (Some("waiting"), Some("ready"))
    );
    t.assert_consistent();
}

#[tokio::test]
async fn deny_keeps_waiting_and_a_second_ask_can_be_allowed() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let id = req["id"].as_str().unwrap();
    t.checkin(req["link"].as_str().unwrap()).await;

    let r = t.connect_and_answer(&admin, &req, "deny").await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("waiting"))
    );
    assert_eq!(t.status_of(&admin, id).await, "waiting");
    // The prompt is answered: no pending question any more.
    let p = t
        .assist(Method::GET, req["link"].as_str().unwrap(), "prompt", None)
        .await;
    assert_eq!(p.body["prompt"], Value::Null);

    let r = t.connect_and_answer(&admin, &req, "allow").await;
    assert_eq!(r.body["status"], "ready");
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    let k = kinds(&detail);
    let denied = k.iter().position(|k| k == "access_denied").unwrap();
    let allowed = k.iter().position(|k| k == "access_allowed").unwrap();
    assert!(denied < allowed);
}

#[tokio::test]
async fn a_stale_prompt_answer_is_refused() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let link = req["link"].as_str().unwrap();
    t.checkin(link).await;
    let r = t
        .assist(
            Method::POST,
            link,
            "consent",
            Some(json!({"prompt_id": "7", "decision": "allow"})),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "invalid_transition")
    );
    let r = t
        .assist(
            Method::POST,
            link,
            "consent",
            Some(json!({"prompt_id": "1", "decision": "maybe"})),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "invalid_input")
    );
}

#[tokio::test]
async fn ending_a_session_keeps_or_closes_the_request_as_the_agent_chooses() {
    // The setting says close; an explicit choice wins over it.
    let t = TestServer::start_with(|c| c.sweeper.session_end = beckon::config::AfterSession::Close)
        .await;
    let admin = t.admin().await;
    let in_session = async || {
        let req = t.create(&admin, json!({})).await;
        t.checkin(req["link"].as_str().unwrap()).await;
        t.connect_and_answer(&admin, &req, "allow").await;
        let id = req["id"].as_str().unwrap().to_owned();
        t.post(
            &format!("/api/v1/session-requests/{id}/start"),
            &admin,
            json!({}),
        )
        .await;
        id
    };
    let end = async |id: &str, body| {
        t.post(&format!("/api/v1/session-requests/{id}/end"), &admin, body)
            .await
    };

    let id = in_session().await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let r = end(&id, json!({"then": "keep"})).await;
    assert_eq!(
        r.body["status"], "waiting",
        "kept open, though the setting closes"
    );
    assert!(r.body["session_duration_ms"].as_u64().unwrap() >= 300);
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await;
    let ended = detail.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "session_ended")
        .unwrap()
        .clone();
    assert_eq!(ended["details"]["reason"], "agent");
    assert_eq!(ended["actor"]["type"], "agent");
    assert!(ended["details"]["duration_ms"].as_u64().unwrap() >= 300);

    let id = in_session().await;
    let r = end(&id, json!({"then": "someday"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
    assert_eq!(
        t.status_of(&admin, &id).await,
        "in_session",
        "a bad body changes nothing"
    );
    let r = end(&id, json!({})).await;
    assert_eq!(r.body["status"], "closed", "no choice: the setting decides");

    let id = in_session().await;
    let r = end(&id, json!({"then": "close"})).await;
    assert_eq!(r.body["status"], "closed");
}

#[tokio::test]
async fn the_end_user_can_decline() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let link = req["link"].as_str().unwrap();
    let r = t.assist(Method::POST, link, "decline", None).await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("closed"))
    );
    assert_eq!(
        t.status_of(&admin, req["id"].as_str().unwrap()).await,
        "closed"
    );
    assert_eq!(
        t.assist(Method::POST, link, "decline", None).await.status,
        StatusCode::GONE
    );
}

#[tokio::test]
async fn every_refused_transition_is_409_and_changes_nothing() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let agent_actions: [(&str, Action); 6] = [
        ("connect", Action::Connect),
        ("start", Action::Start),
        ("end", Action::End { keep: true }),
        ("close", Action::Close),
        ("reopen", Action::Reopen),
        ("resend", Action::Resend),
    ];
    for status in Status::ALL {
        for (name, action) in agent_actions {
            if apply(status, action).is_ok() {
                continue;
            }
            let req = t.request_in(&admin, status).await;
            let id = req["id"].as_str().unwrap();
            let before = t
                .get(&format!("/api/v1/session-requests/{id}"), &admin)
                .await
                .body;
            let r = t
                .post(
                    &format!("/api/v1/session-requests/{id}/{name}"),
                    &admin,
                    json!({}),
                )
                .await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::CONFLICT, "invalid_transition"),
                "{name} on {status}"
            );
            let after = t
                .get(&format!("/api/v1/session-requests/{id}"), &admin)
                .await
                .body;
            assert_eq!(
                before["events"], after["events"],
                "{name} on {status} wrote to the timeline"
            );
        }
        // Edits are refused on finished requests.
        if status.is_terminal() {
            let req = t.request_in(&admin, status).await;
            let id = req["id"].as_str().unwrap();
            let r = t
                .patch(
                    &format!("/api/v1/session-requests/{id}"),
                    &admin,
                    json!({"comment": "x"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CONFLICT, "edit on {status}");
        }
        // The end user's answers need a pending prompt, i.e. waiting.
        if status != Status::Waiting {
            let req = t.request_in(&admin, status).await;
            let r = t
                .assist(
                    Method::POST,
                    req["link"].as_str().unwrap(),
                    "consent",
                    Some(json!({"prompt_id": "1", "decision": "allow"})),
                )
                .await;
            let expected = if status.is_terminal() {
                StatusCode::GONE
            } else {
                StatusCode::CONFLICT
            };
            assert_eq!(r.status, expected, "consent on {status}");
        }
    }
    t.assert_consistent();
}

#[tokio::test]
async fn edits_are_applied_recorded_and_validated() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t
        .create(
            &admin,
            json!({"send_email": false, "recipient_email": null}),
        )
        .await;
    let id = req["id"].as_str().unwrap();
    let at = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2)).to_string();
    let r = t
        .patch(
            &format!("/api/v1/session-requests/{id}"),
            &admin,
            json!({"recipient_name": "Grace Hopper", "scheduled_at": at, "time_zone": "Europe/Berlin", "email_language": "de"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["recipient_name"], "Grace Hopper");
    assert_eq!(r.body["time_zone"], "Europe/Berlin");
    assert_eq!(r.body["email_language"], "de");
    // null clears an optional field; absent leaves it.
    let r = t
        .patch(
            &format!("/api/v1/session-requests/{id}"),
            &admin,
            json!({"scheduled_at": null}),
        )
        .await;
    assert_eq!(r.body["scheduled_at"], Value::Null);
    assert_eq!(r.body["recipient_name"], "Grace Hopper");
    // Turning mail on needs an address.
    let r = t
        .patch(
            &format!("/api/v1/session-requests/{id}"),
            &admin,
            json!({"send_email": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("recipient_email")
    );
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    let edited = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "edited")
        .unwrap();
    let fields: Vec<&str> = edited["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "recipient_name",
            "email_language",
            "scheduled_at",
            "time_zone"
        ]
    );
    t.assert_consistent();
}

#[tokio::test]
async fn lists_filter_by_view_status_assignee_and_text_with_cursor_pages() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (agent_id, agent) = t.agent(&admin, "bob@example.com", true, true).await;
    let client = t
        .post(
            "/api/v1/clients",
            &admin,
            json!({"name": "Team A", "members": [agent_id]}),
        )
        .await
        .body;
    let mut ids = Vec::new();
    for i in 0..7 {
        let assignee = match i % 3 {
            0 => json!({"type": "unassigned"}),
            1 => json!({"type": "agent", "id": agent_id}),
            _ => json!({"type": "client", "id": client["id"]}),
        };
        let r = t
            .create(
                &admin,
                json!({"recipient_name": format!("Person {i}"), "assignee": assignee}),
            )
            .await;
        ids.push(r["id"].as_str().unwrap().to_owned());
    }
    t.checkin(
        t.get(&format!("/api/v1/session-requests/{}", ids[6]), &admin)
            .await
            .body["link"]
            .as_str()
            .unwrap(),
    )
    .await;
    t.post(
        &format!("/api/v1/session-requests/{}/close", ids[5]),
        &admin,
        json!({}),
    )
    .await;

    let names = |r: &Value| -> Vec<String> {
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["recipient_name"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = t.get("/api/v1/session-requests", &admin).await.body;
    assert_eq!(
        names(&all),
        [
            "Person 6", "Person 5", "Person 4", "Person 3", "Person 2", "Person 1", "Person 0"
        ]
    );
    assert_eq!(
        names(
            &t.get("/api/v1/session-requests?view=active", &admin)
                .await
                .body
        ),
        ["Person 6"]
    );
    assert_eq!(
        names(
            &t.get("/api/v1/session-requests?view=past", &admin)
                .await
                .body
        ),
        ["Person 5"]
    );
    assert_eq!(
        names(
            &t.get("/api/v1/session-requests?view=upcoming", &admin)
                .await
                .body
        )
        .len(),
        5
    );
    assert_eq!(
        names(
            &t.get(
                "/api/v1/session-requests?status=waiting&status=closed",
                &admin
            )
            .await
            .body
        ),
        ["Person 6", "Person 5"]
    );
    // "me" covers the agent's own requests and its clients'.
    assert_eq!(
        names(
            &t.get("/api/v1/session-requests?assignee=me", &agent)
                .await
                .body
        ),
        ["Person 5", "Person 4", "Person 2", "Person 1"]
    );
    assert_eq!(
        names(
            &t.get("/api/v1/session-requests?assignee=unassigned", &admin)
                .await
                .body
        ),
        ["Person 6", "Person 3", "Person 0"]
    );
    assert_eq!(
        names(
            &t.get(
                &format!(
                    "/api/v1/session-requests?assignee={}",
                    client["id"].as_str().unwrap()
                ),
                &admin
            )
            .await
            .body
        ),
        ["Person 5", "Person 2"]
    );
    assert_eq!(
        names(
            &t.get("/api/v1/session-requests?q=person%204", &admin)
                .await
                .body
        ),
        ["Person 4"]
    );

    // Cursor pages: every item once, newest first, then no cursor.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let r = t
            .get(
                &format!("/api/v1/session-requests?limit=3&cursor={cursor}"),
                &admin,
            )
            .await
            .body;
        seen.extend(names(&r));
        match r["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, names(&all));
    t.assert_consistent();
}

#[tokio::test]
async fn resend_queues_the_invitation_again() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let id = req["id"].as_str().unwrap();
    let r = t
        .post(
            &format!("/api/v1/session-requests/{id}/resend"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    assert_eq!(
        kinds(&detail)
            .iter()
            .filter(|k| *k == "invitation_queued")
            .count(),
        2
    );
    // No address, nothing to send.
    let bare = t
        .create(
            &admin,
            json!({"send_email": false, "recipient_email": null}),
        )
        .await;
    let r = t
        .post(
            &format!(
                "/api/v1/session-requests/{}/resend",
                bare["id"].as_str().unwrap()
            ),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn upcoming_lists_by_schedule_soonest_first_then_unscheduled_newest_first() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let at = |days: i64| {
        (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * days)).to_string()
    };
    let a = t.create(&admin, json!({"recipient_name": "A"})).await;
    let b = t
        .create(
            &admin,
            json!({"recipient_name": "B", "scheduled_at": at(2)}),
        )
        .await;
    let c = t
        .create(
            &admin,
            json!({"recipient_name": "C", "scheduled_at": at(1)}),
        )
        .await;
    let d = t.create(&admin, json!({"recipient_name": "D"})).await;
    let closed = t
        .create(
            &admin,
            json!({"recipient_name": "E", "scheduled_at": at(1)}),
        )
        .await;
    let r = t
        .post(
            &format!(
                "/api/v1/session-requests/{}/close",
                closed["id"].as_str().unwrap()
            ),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["recipient_name"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = t
        .get("/api/v1/session-requests?view=upcoming&limit=2", &admin)
        .await;
    assert_eq!(names(&first.body), ["C", "B"]);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = t
        .get(
            &format!("/api/v1/session-requests?view=upcoming&limit=2&cursor={cursor}"),
            &admin,
        )
        .await;
    assert_eq!(names(&second.body), ["D", "A"]);
    assert!(second.body["next_cursor"].is_null());
    for r in [&a, &b, &c, &d] {
        assert_eq!(r["status"], "open");
    }
}

#[tokio::test]
async fn an_edit_based_on_a_stale_read_is_refused_and_edits_without_a_version_still_work() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (_, other) = t.agent(&admin, "other@example.com", true, true).await;
    let req = t.create(&admin, json!({})).await;
    let id = req["id"].as_str().unwrap();
    let read = req["version"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/session-requests/{id}");
    // Both agents read version `read`; the first edit wins, the second is told.
    let first = t
        .http
        .patch(format!("{}{path}", t.base))
        .bearer_auth(&other)
        .header("if-match", format!("\"{read}\""))
        .json(&json!({"comment": "first"}))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let first: Value = first.json().await.unwrap();
    assert_ne!(first["version"], read.as_str(), "the version moved");
    let second = t
        .http
        .patch(format!("{}{path}", t.base))
        .bearer_auth(&admin)
        .header("if-match", format!("\"{read}\""))
        .json(&json!({"comment": "second"}))
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), StatusCode::CONFLICT);
    let body: Value = second.json().await.unwrap();
    assert_eq!(body["error"]["code"], "version_conflict");
    // The version in the body works the same way; the current one is accepted.
    let stale = t
        .patch(&path, &admin, json!({"comment": "x", "version": read}))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let fresh = t
        .patch(
            &path,
            &admin,
            json!({"comment": "second, redone", "version": first["version"]}),
        )
        .await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.body);
    let now = t.get(&path, &admin).await.body;
    assert_eq!(now["comment"], "second, redone");
    // Without a version an edit goes through as before.
    let plain = t.patch(&path, &admin, json!({"comment": "third"})).await;
    assert_eq!(plain.status, StatusCode::OK);
}

#[tokio::test]
async fn a_connect_that_asks_to_start_starts_the_session_on_allow_through_ready() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());
    t.checkin(link).await;
    let consent = async |body: Value, decision: &str| {
        let r = t
            .post(
                &format!("/api/v1/session-requests/{id}/connect"),
                &admin,
                body,
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
        let p = t.assist(Method::GET, link, "prompt", None).await;
        let prompt_id = p.body["prompt"]["id"].as_str().unwrap().to_owned();
        t.assist(
            Method::POST,
            link,
            "consent",
            Some(json!({"prompt_id": prompt_id, "decision": decision})),
        )
        .await
    };

    // Denied: nothing starts, and a later plain prompt does not inherit the wish.
    let r = consent(json!({"start": true}), "deny").await;
    assert_eq!(r.body["status"], "waiting");
    let r = consent(json!({}), "allow").await;
    assert_eq!(
        r.body["status"], "ready",
        "a plain connect leaves the start to the agent"
    );
    t.post(
        &format!("/api/v1/session-requests/{id}/close"),
        &admin,
        json!({}),
    )
    .await;

    let req = t.create(&admin, json!({})).await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());
    t.checkin(link).await;
    let r = t
        .post(
            &format!("/api/v1/session-requests/{id}/connect"),
            &admin,
            json!({"start": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let p = t.assist(Method::GET, link, "prompt", None).await;
    let prompt_id = p.body["prompt"]["id"].as_str().unwrap().to_owned();
    let r = t
        .assist(
            Method::POST,
            link,
            "consent",
            Some(json!({"prompt_id": prompt_id, "decision": "allow"})),
        )
        .await;
    assert_eq!(
        r.body["status"], "in_session",
        "one answer, and the session runs"
    );
    let d = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await;
    let steps: Vec<_> = d.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .take(2)
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["to"].as_str().unwrap().to_owned(),
                e["actor"]["type"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (
                "session_started".into(),
                "in_session".into(),
                "agent".into()
            ),
            ("access_allowed".into(), "ready".into(), "end_user".into()),
        ],
        "through ready, started in the agent's name"
    );
}
