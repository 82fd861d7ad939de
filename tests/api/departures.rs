//! Sessions that end by themselves: a side whose socket drops shows *Disconnected* to the
//! other side at once; back within the grace period, the session goes on; gone longer, it
//! ends (actor *system*, with the reason and duration on the timeline). A session nobody
//! ever joined, or that both sides left, ends too: no request stays *in session* empty.
//! Real server, real sockets, the real sweeper on its one-second schedule.

use std::time::{Duration, Instant};

use app::domain::Status;
use serde_json::Value;

use crate::harness::{DEVICE, Socket, TestServer, next_json};

const GRACE: Duration = Duration::from_secs(2);

async fn server() -> TestServer {
    TestServer::start_with(|c| c.sweeper.disconnect_grace = GRACE).await
}

/// Reads pushes until a `status` one satisfying `done`.
async fn status_until(ws: &mut Socket, done: impl Fn(&Value) -> bool) -> Value {
    loop {
        let m = next_json(ws).await;
        if m["type"] == "status" && done(&m) {
            return m;
        }
    }
}

/// The timeline's last `session_ended` entry.
pub async fn ended_entry(t: &TestServer, admin: &str, id: &str) -> Value {
    let d = t
        .get(&format!("/api/v1/session-requests/{id}"), admin)
        .await;
    d.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["kind"] == "session_ended")
        .cloned()
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_dropped_end_user_shows_disconnected_and_the_session_ends_after_the_grace_period() {
    let t = server().await;
    let admin = t.admin().await;
    let req = t.request_in(&admin, Status::InSession).await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());
    let mut agent = t.agent_socket(id, &admin).await.unwrap();
    let user = t.end_user_socket(link, DEVICE).await;
    let first = status_until(&mut agent, |m| m["peer"] == true).await;
    assert_eq!(first["status"], "in_session");
    assert_eq!(first["grace_secs"], 2);

    drop(user);
    let dropped = Instant::now();
    let m = status_until(&mut agent, |m| m["peer"] == false).await;
    assert_eq!(m["status"], "in_session", "disconnected, not ended yet");
    assert!(
        dropped.elapsed() < Duration::from_secs(1),
        "the agent hears of it at once, not after the grace period"
    );

    let m = status_until(&mut agent, |m| m["status"] != "in_session").await;
    assert_eq!(m["status"], "waiting", "the default keeps the request open");
    assert!(dropped.elapsed() >= GRACE, "not before the grace period");
    let e = ended_entry(&t, &admin, id).await;
    assert_eq!(e["actor"]["type"], "system");
    assert_eq!(e["details"]["reason"], "end_user_disconnected");
    assert!(e["details"]["duration_ms"].as_u64().is_some());

    // The end user coming back later is told the session is over.
    let mut user = t.end_user_socket(link, DEVICE).await;
    let m = status_until(&mut user, |_| true).await;
    assert_eq!(
        (m["status"].as_str(), m["over"].as_bool()),
        (Some("waiting"), Some(true))
    );
}

#[tokio::test]
async fn an_agent_back_within_the_grace_period_keeps_the_session_and_one_who_stays_away_ends_it() {
    let t = server().await;
    let admin = t.admin().await;
    let req = t.request_in(&admin, Status::InSession).await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());
    let mut user = t.end_user_socket(link, DEVICE).await;
    let agent = t.agent_socket(id, &admin).await.unwrap();
    status_until(&mut user, |m| m["peer"] == true).await;

    // A reload: gone and back well within the grace period.
    drop(agent);
    status_until(&mut user, |m| m["peer"] == false).await;
    let agent = t.agent_socket(id, &admin).await.unwrap();
    status_until(&mut user, |m| m["peer"] == true).await;
    tokio::time::sleep(GRACE + Duration::from_millis(1500)).await;
    assert_eq!(
        t.status_of(&admin, id).await,
        "in_session",
        "the reload did not end it"
    );

    drop(agent);
    let m = status_until(&mut user, |m| m["status"] != "in_session").await;
    assert_eq!(
        (m["status"].as_str(), m["over"].as_bool()),
        (Some("waiting"), Some(true))
    );
    let e = ended_entry(&t, &admin, id).await;
    assert_eq!(e["details"]["reason"], "agent_disconnected");
}

#[tokio::test]
async fn a_session_nobody_is_in_ends_as_abandoned_and_the_close_setting_closes_it() {
    let t = TestServer::start_with(|c| {
        c.sweeper.disconnect_grace = GRACE;
        c.sweeper.session_end = beckon::config::AfterSession::Close;
    })
    .await;
    let admin = t.admin().await;
    // Started through the API with no socket on either side (as after a restart).
    let req = t.request_in(&admin, Status::InSession).await;
    let id = req["id"].as_str().unwrap();
    let started = Instant::now();
    let deadline = started + GRACE + Duration::from_secs(5);
    while t.status_of(&admin, id).await == "in_session" {
        assert!(Instant::now() < deadline, "never ended");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(started.elapsed() >= GRACE);
    assert_eq!(
        t.status_of(&admin, id).await,
        "closed",
        "session_end = close"
    );
    let e = ended_entry(&t, &admin, id).await;
    assert_eq!(
        (
            e["actor"]["type"].as_str(),
            e["details"]["reason"].as_str(),
            e["to"].as_str()
        ),
        (Some("system"), Some("abandoned"), Some("closed"))
    );
}
