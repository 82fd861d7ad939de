//! Concurrent actions on one request: two agents, the end user and the sweeper acting at once
//! (connect × connect, close × start × decline, edit × expiry, consent × consent time-out),
//! each race run many times. Whatever order wins, every request's timeline is one unbroken
//! chain of transitions the state machine allows, ending at its stored status; the indexes
//! match the records; and each transition queued its mail and webhook exactly once.

use std::collections::BTreeMap;

use app::domain::{Action, Status, apply};
use beckon::config::SweeperConfig;
use beckon::sweep::Sweeper;
use jiff::{SignedDuration, Timestamp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestServer;

const ROUNDS: usize = 12;

fn status(s: &str) -> Status {
    Status::parse(s).unwrap_or_else(|| panic!("unknown status {s}"))
}

/// The timeline's chain is unbroken, each step is one the state machine allows for some
/// action, and it ends where the record says.
fn assert_chain(detail: &Value) {
    let events = detail["events"].as_array().unwrap();
    let mut at = Status::Open;
    for e in events {
        let (from, to) = (
            status(e["from"].as_str().unwrap()),
            status(e["to"].as_str().unwrap()),
        );
        assert_eq!(from, at, "the chain breaks before {e}: {detail}");
        let allowed = Action::ALL
            .iter()
            .any(|a| apply(from, *a).is_ok_and(|t| t.to == to));
        assert!(allowed, "{from:?} → {to:?} is no transition: {e}");
        at = to;
    }
    assert_eq!(
        at,
        status(detail["status"].as_str().unwrap()),
        "the timeline ends where the record is"
    );
}

async fn post(t: &TestServer, token: &str, id: &str, what: &str) -> StatusCode {
    t.post(
        &format!("/api/v1/session-requests/{id}/{what}"),
        token,
        json!({}),
    )
    .await
    .status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_actions_on_one_request_keep_its_timeline_whole_and_each_mail_and_webhook_single() {
    let t =
        TestServer::start_with(|c| c.sweeper.consent_timeout = std::time::Duration::from_secs(1))
            .await;
    let admin = t.admin().await;
    let (_, bob) = t.agent(&admin, "bob@example.com", true, true).await;
    // A webhook endpoint (nobody listens: its calls stay queued, each counted once).
    let hook = t
        .post(
            "/api/v1/webhooks",
            &admin,
            json!({"url": "http://127.0.0.1:9/hook"}),
        )
        .await;
    assert_eq!(hook.status, StatusCode::CREATED, "{}", hook.body);
    let sweeper = Sweeper::new(t.server().service().clone(), SweeperConfig::default());
    let mut ids = Vec::new();

    for _ in 0..ROUNDS {
        // connect × connect: both asks are recorded in turn; one prompt stays open.
        let req = t.request_in(&admin, Status::Waiting).await;
        let id = req["id"].as_str().unwrap().to_owned();
        let (a, b) = tokio::join!(
            post(&t, &admin, &id, "connect"),
            post(&t, &bob, &id, "connect")
        );
        assert!(a.is_success() && b.is_success(), "{a} {b}");
        ids.push(id);

        // close × start × decline on a ready request: exactly one of close and decline ends
        // it; start may come first or be refused.
        let req = t.request_in(&admin, Status::Ready).await;
        let id = req["id"].as_str().unwrap().to_owned();
        let link = req["link"].as_str().unwrap().to_owned();
        let (start, close, decline) = tokio::join!(
            post(&t, &admin, &id, "start"),
            post(&t, &bob, &id, "close"),
            t.assist(Method::POST, &link, "decline", None)
        );
        assert!(
            close.is_success() != decline.status.is_success(),
            "exactly one of close ({close}) and decline ({}) ends it",
            decline.status
        );
        assert!(
            start.is_success() || start == StatusCode::CONFLICT,
            "{start}"
        );
        assert_eq!(t.status_of(&admin, &id).await, "closed");
        ids.push(id);

        // edit × expiry: the sweeper expires it (with a "now" past the expiry) while an agent
        // edits; the edit lands before or is refused after, never half.
        let soon = (Timestamp::now() + SignedDuration::from_mins(5))
            .round(jiff::Unit::Second)
            .unwrap();
        let req = t
            .create(&admin, json!({"expires_at": soon.to_string()}))
            .await;
        let id = req["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/session-requests/{id}");
        let later = soon + SignedDuration::from_secs(1);
        let (edit, expired) = tokio::join!(
            t.patch(&path, &bob, json!({"comment": "racing the sweeper"})),
            sweeper.expire(later)
        );
        assert!(
            edit.status.is_success() || edit.status == StatusCode::CONFLICT,
            "{}",
            edit.status
        );
        assert!(expired.unwrap() <= 1);
        sweeper.expire(later).await.unwrap();
        ids.push(id);

        // consent × time-out: the end user allows as the prompts job denies the stale prompt.
        let req = t.request_in(&admin, Status::Waiting).await;
        let id = req["id"].as_str().unwrap().to_owned();
        let link = req["link"].as_str().unwrap().to_owned();
        assert!(post(&t, &admin, &id, "connect").await.is_success());
        let prompt = t.assist(Method::GET, &link, "prompt", None).await;
        let prompt_id = prompt.body["prompt"]["id"].as_str().unwrap().to_owned();
        let stale = Timestamp::now() + SignedDuration::from_secs(5);
        let (allow, denied) = tokio::join!(
            t.assist(
                Method::POST,
                &link,
                "consent",
                Some(json!({"prompt_id": prompt_id, "decision": "allow"}))
            ),
            sweeper.deny_stale_prompts(stale)
        );
        let denied = denied.unwrap();
        assert!(
            allow.status.is_success() != (denied == 1),
            "exactly one answer: allow {} / time-out {denied}",
            allow.status
        );
        ids.push(id);
    }

    // Every request: an unbroken chain, and each status change (and creation) queued one
    // webhook call; each closing and expiry one mail to the end user.
    let mut outbox = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = t
            .get(&format!("/api/v1/outbox?limit=200&cursor={cursor}"), &admin)
            .await
            .body;
        outbox.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    let mut per_request: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for item in &outbox {
        if let Some(r) = item["request_id"].as_str() {
            per_request.entry(r.to_owned()).or_default().push(item);
        }
    }
    for id in &ids {
        let detail = t
            .get(&format!("/api/v1/session-requests/{id}"), &admin)
            .await
            .body;
        assert_chain(&detail);
        let events = detail["events"].as_array().unwrap();
        let changes = events
            .iter()
            .filter(|e| e["kind"] == "created" || e["from"] != e["to"])
            .count();
        let items = per_request.get(id).map(Vec::as_slice).unwrap_or_default();
        let count = |kind: &str| items.iter().filter(|i| i["kind"] == kind).count();
        assert_eq!(
            count("webhook"),
            changes,
            "one webhook call per change: {detail}"
        );
        let closed_by_agent = events.iter().filter(|e| e["kind"] == "closed").count();
        assert_eq!(
            count("closed"),
            closed_by_agent,
            "one closing mail: {detail}"
        );
        let expired = events.iter().filter(|e| e["kind"] == "expired").count();
        assert!(expired <= 1, "expired once at most: {detail}");
    }
    t.assert_consistent();
}
