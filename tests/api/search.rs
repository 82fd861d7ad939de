//! Free-text search (`q=`): each query word begins a word of the recipient's name, email or
//! comment. Answered from the word index, so these check what it finds against the rule, on
//! requests made over HTTP and on a store seeded with thousands.

use app::domain::search;
use app::domain::{AgentId, Assignee, RequestId, SessionRequest, Status};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::TestServer;

fn names(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["recipient_name"].as_str().unwrap().to_owned())
        .collect()
}

async fn found(t: &TestServer, token: &str, query: &str) -> Vec<String> {
    let r = t
        .get(&format!("/api/v1/session-requests?{query}"), token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
    names(&r.body)
}

#[tokio::test]
async fn a_search_finds_the_words_its_words_begin() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let tomorrow = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(26)).to_string();
    let oneil = t
        .create(
            &admin,
            json!({"recipient_name": "Grace O'Neil", "recipient_email": "g.oneil@acme.example",
                   "comment": "VPN drops at 5pm"}),
        )
        .await;
    let lena = t
        .create(
            &admin,
            json!({"recipient_name": "Lena Fischer", "recipient_email": "lena.fischer@contoso.example",
                   "comment": "Printer driver will not install"}),
        )
        .await;
    t.create(
        &admin,
        json!({"recipient_name": "김민준", "recipient_email": "minjun@example.kr",
               "comment": "프린터 오류"}),
    )
    .await;
    t.create(
        &admin,
        json!({"recipient_name": "Grace Hopper", "recipient_email": "grace@navy.example",
               "comment": "printer jams", "scheduled_at": tomorrow}),
    )
    .await;

    let q = |q: &str| format!("q={}", urlencoding(q));
    assert_eq!(
        found(&t, &admin, &q("gra")).await,
        ["Grace Hopper", "Grace O'Neil"]
    );
    assert_eq!(found(&t, &admin, &q("GRACE o")).await, ["Grace O'Neil"]);
    assert!(
        found(&t, &admin, &q("race")).await.is_empty(),
        "not a word's middle"
    );
    assert_eq!(
        found(&t, &admin, &q("printer")).await,
        ["Grace Hopper", "Lena Fischer"]
    );
    assert_eq!(
        found(&t, &admin, &q("printer lena")).await,
        ["Lena Fischer"]
    );
    assert_eq!(found(&t, &admin, &q("acme")).await, ["Grace O'Neil"]);
    assert_eq!(
        found(&t, &admin, &q("lena.fischer@contoso.example")).await,
        ["Lena Fischer"]
    );
    assert_eq!(found(&t, &admin, &q("민준")).await, ["김민준"]);
    assert_eq!(found(&t, &admin, &q("프린")).await, ["김민준"]);
    // No letters or digits: no words to look for, so nothing is left out.
    assert_eq!(found(&t, &admin, &q("@")).await.len(), 4);

    // Upcoming: scheduled first, one per page.
    let first = t
        .get(
            "/api/v1/session-requests?view=upcoming&q=gra&limit=1",
            &admin,
        )
        .await
        .body;
    assert_eq!(names(&first), ["Grace Hopper"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = t
        .get(
            &format!("/api/v1/session-requests?view=upcoming&q=gra&limit=1&cursor={cursor}"),
            &admin,
        )
        .await
        .body;
    assert_eq!(names(&second), ["Grace O'Neil"]);
    assert!(second["next_cursor"].is_null());

    // An edit moves the request's words.
    let id = lena["id"].as_str().unwrap();
    let r = t
        .patch(
            &format!("/api/v1/session-requests/{id}"),
            &admin,
            json!({"comment": "Scanner offline"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(found(&t, &admin, &q("printer")).await, ["Grace Hopper"]);
    assert_eq!(found(&t, &admin, &q("scan")).await, ["Lena Fischer"]);
    // The Upcoming view reads its page in display order and passes over the requests
    // whose prefix filter lacks a word: an edit gives the request its new text's filter.
    let upcoming = |w: &str| format!("view=upcoming&q={w}");
    assert_eq!(found(&t, &admin, &upcoming("scan")).await, ["Lena Fischer"]);
    assert_eq!(
        found(&t, &admin, &upcoming("printer")).await,
        ["Grace Hopper"]
    );

    // With the filters: a closed request is past, not upcoming.
    let id = oneil["id"].as_str().unwrap();
    let r = t
        .post(
            &format!("/api/v1/session-requests/{id}/close"),
            &admin,
            json!({}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    assert_eq!(
        found(&t, &admin, "view=past&q=grace").await,
        ["Grace O'Neil"]
    );
    assert_eq!(
        found(&t, &admin, "view=upcoming&q=grace").await,
        ["Grace Hopper"]
    );
    assert_eq!(
        found(&t, &admin, "assignee=unassigned&q=vpn").await,
        ["Grace O'Neil"]
    );
    t.assert_consistent();

    // Once its words are indexed, a reopen moves them back among the unfinished.
    let start = std::time::Instant::now();
    let pending = || {
        use redb::ReadableTableMetadata;
        if crate::backend::postgres() {
            // PostgreSQL indexes the words with the request: none wait.
            return 0;
        }
        let read = t.server().service().store().redb().begin_read().unwrap();
        read.open_table(beckon::store::redb::tables::WORDS_PENDING)
            .unwrap()
            .len()
            .unwrap()
    };
    while pending() > 0 {
        assert!(
            start.elapsed().as_secs() < 30,
            "the words were never indexed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let r = t
        .post(
            &format!("/api/v1/session-requests/{id}/reopen"),
            &admin,
            json!({}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    assert!(found(&t, &admin, "view=past&q=grace").await.is_empty());
    assert_eq!(
        found(&t, &admin, "view=upcoming&q=grace").await,
        ["Grace Hopper", "Grace O'Neil"]
    );
    t.assert_consistent();
}

fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Request `i` of the seeded store: names, addresses and comments from short lists, so
/// words are shared as they are in life, and numbers (`i`, a ticket number), so some
/// prefixes begin thousands of terms; a quarter scheduled; every third one assigned. Of
/// every ten, two are closed, one expired, one waiting, one ready, and one past its expiry
/// but still stored as open (the sweeper has not come yet), so a view's search must still
/// find those as expired; so must it the one in twenty waiting past its expiry.
fn seeded(i: u64, agent: AgentId, now: jiff::Timestamp) -> SessionRequest {
    const FIRST: [&str; 7] = ["Anna", "Ben", "Chen", "Dana", "Emil", "Fatima", "Zed"];
    const LAST: [&str; 5] = ["Fischer", "Garcia", "Huang", "Ito", "Jones"];
    const COMMENT: [&str; 4] = [
        "Printer driver will not install",
        "VPN drops every hour",
        "Outlook asks for the password",
        "",
    ];
    let first = FIRST[(i % 7) as usize];
    let last = LAST[(i / 7 % 5) as usize];
    let created = now - jiff::SignedDuration::from_secs(100_000 - i as i64);
    let ms = created.as_millisecond() as u128;
    let scheduled = i
        .is_multiple_of(4)
        .then(|| now + jiff::SignedDuration::from_mins(60 + ((i * 37) % 5000) as i64));
    let (week, hour) = (
        jiff::SignedDuration::from_hours(24 * 7),
        jiff::SignedDuration::from_hours(1),
    );
    let (status, expires) = match i % 10 {
        1 | 4 => (Status::Closed, now + week),
        2 => (Status::Expired, now - hour),
        7 => (Status::Open, now - hour),
        5 => (Status::Waiting, now + week),
        8 => (Status::Ready, now + week),
        9 if i % 20 == 9 => (Status::Waiting, now - hour),
        // The oldest request is overdue, older than every one stored as closed or expired.
        0 if i == 0 => (Status::Open, now - hour),
        _ => (Status::Open, now + week),
    };
    SessionRequest {
        status,
        recipient_email: Some(format!(
            "{}.{}{i}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        )),
        comment: format!("Ticket {} {}", 100_000 + i, COMMENT[(i / 35 % 4) as usize]),
        scheduled_at: scheduled,
        schedule_set_at: scheduled.map(|_| created),
        assignee: if i.is_multiple_of(3) {
            Assignee::Agent(agent)
        } else {
            Assignee::Unassigned
        },
        ..SessionRequest::new(
            RequestId::from_u128((ms << 80) | u128::from(i)),
            format!("{first} {last} {i}"),
            agent,
            created,
            expires,
        )
    }
}

/// Every page of a query, following the cursors.
async fn all_pages(t: &TestServer, token: &str, query: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let r = t
            .get(
                &format!("/api/v1/session-requests?limit=200&{query}&cursor={cursor}"),
                token,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
        out.extend(names(&r.body));
        assert!(
            out.len() <= 24_000,
            "{query}: the cursors go round in circles"
        );
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => return out,
        }
    }
}

/// Thousands of requests sharing words: a common word (read newest first), a prefix of
/// thousands of terms (read whole), one of too many entries (checked on records instead),
/// and rare ones, alone and with filters, page by page, against the rule applied to every
/// request.
#[tokio::test]
async fn search_pages_over_thousands_match_the_rule() {
    // No expiry sweep during the test: the overdue requests stay stored as open.
    let t = TestServer::start_with(|c| {
        c.sweeper.expiry = beckon::config::CronSpec("0 0 0 1 1 *".into());
    })
    .await;
    let admin = t.admin().await;
    let me = t.get("/api/v1/me", &admin).await.body;
    let agent: AgentId = me["id"].as_str().unwrap().parse().unwrap();
    let now = jiff::Timestamp::now();
    let n = 24_000;
    let records: Vec<SessionRequest> = (0..n).map(|i| seeded(i, agent, now)).collect();
    for chunk in records.chunks(4000) {
        t.server()
            .service()
            .seed(chunk.iter().map(|r| (r.clone(), vec![])).collect())
            .unwrap();
    }
    // `view`: "", "upcoming" or "past".
    let expect = |q: &str, view: &str, unassigned: bool| -> Vec<String> {
        let words = search::query_words(q);
        let mut hits: Vec<&SessionRequest> = records
            .iter()
            .filter(|r| {
                let status = r.status_at(now);
                search::finds(
                    &search::terms(&r.recipient_name, r.recipient_email.as_deref(), &r.comment),
                    &words,
                ) && (!unassigned || r.assignee == Assignee::Unassigned)
                    && match view {
                        "upcoming" => status == Status::Open,
                        "past" => matches!(status, Status::Closed | Status::Expired),
                        "active" => {
                            matches!(status, Status::Waiting | Status::Ready | Status::InSession)
                        }
                        _ => true,
                    }
            })
            .collect();
        if view == "upcoming" {
            // Scheduled soonest first (then by ID), then the others newest first.
            hits.sort_by_key(|r| {
                let id = r.id.as_u128() as i128;
                (
                    r.scheduled_at.is_none(),
                    r.scheduled_at,
                    if r.scheduled_at.is_some() { id } else { -id },
                )
            });
        } else {
            hits.sort_by_key(|r| std::cmp::Reverse(r.id));
        }
        hits.iter().map(|r| r.recipient_name.clone()).collect()
    };
    for q in [
        "zed huang",             // rare words, intersected
        "zed 2",                 // a rare word and a prefix of thousands of numbers
        "printer",               // a common word
        "printer zed",           // a common word and a rare one
        "10",                    // a prefix of thousands of terms, read whole
        "1",                     // a prefix of too many entries: checked on records
        "ticket 1000",           // a word in every request and a prefix
        "outlook password anna", // three words
        "1234",                  // a number and the ten that begin with it
        "nobody",
    ] {
        let enc = urlencoding(q);
        assert_eq!(
            all_pages(&t, &admin, &format!("q={enc}")).await,
            expect(q, "", false),
            "q={q}"
        );
        assert_eq!(
            all_pages(&t, &admin, &format!("q={enc}&view=upcoming")).await,
            expect(q, "upcoming", false),
            "view=upcoming&q={q}"
        );
        assert_eq!(
            all_pages(&t, &admin, &format!("q={enc}&view=past")).await,
            expect(q, "past", false),
            "view=past&q={q}"
        );
        assert_eq!(
            all_pages(&t, &admin, &format!("q={enc}&view=active")).await,
            expect(q, "active", false),
            "view=active&q={q}"
        );
        assert_eq!(
            all_pages(&t, &admin, &format!("q={enc}&assignee=unassigned")).await,
            expect(q, "", true),
            "assignee=unassigned&q={q}"
        );
    }
    t.assert_consistent();
}
