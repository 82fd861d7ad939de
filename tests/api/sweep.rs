//! The sweeper's jobs, called with an injected "now" against the real server's store: expiry
//! made durable (and announced, and mailed), reminders exactly once per schedule across
//! restarts and reschedules, retention deleting exactly what is old enough.

use std::time::Duration;

use app::domain::{AgentId, RequestId, SessionRequest, Status};
use beckon::config::SweeperConfig;
use beckon::sweep::Sweeper;
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::TestServer;

fn sweeper(t: &TestServer, config: SweeperConfig) -> Sweeper {
    Sweeper::new(t.server().service().clone(), config)
}

fn id_of(req: &Value) -> RequestId {
    req["id"].as_str().unwrap().parse().unwrap()
}

fn later(d: SignedDuration) -> String {
    (Timestamp::now() + d)
        .round(jiff::Unit::Second)
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn due_requests_expire_in_the_store_and_others_never_do() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (bob, _) = t.agent(&admin, "bob@example.com", true, true).await;
    let mut events = t.events(&admin).await;
    let soon = t
        .create(
            &admin,
            json!({"expires_at": later(SignedDuration::from_mins(10)),
                   "assignee": {"type": "agent", "id": bob}}),
        )
        .await;
    let waiting = t
        .create(
            &admin,
            json!({"expires_at": later(SignedDuration::from_mins(20))}),
        )
        .await;
    t.checkin(waiting["link"].as_str().unwrap()).await;
    let far = t.create(&admin, json!({})).await;
    let session = t.request_in(&admin, Status::InSession).await;
    let svc = t.server().service().clone();
    let s = sweeper(&t, SweeperConfig::default());

    // Nothing is due yet.
    assert_eq!(s.expire(Timestamp::now()).await.unwrap(), 0);
    // Half an hour on: the two short ones expire, the 7-day one and the session do not.
    let now = Timestamp::now() + SignedDuration::from_mins(30);
    assert_eq!(s.expire(now).await.unwrap(), 2);
    assert_eq!(
        s.expire(now).await.unwrap(),
        0,
        "a second run finds nothing"
    );
    assert_eq!(
        svc.stored_status(id_of(&soon)).unwrap(),
        Some(Status::Expired)
    );
    assert_eq!(
        svc.stored_status(id_of(&waiting)).unwrap(),
        Some(Status::Expired)
    );
    assert_eq!(svc.stored_status(id_of(&far)).unwrap(), Some(Status::Open));
    // A session is never cut off, however late (the 7-day one goes now).
    let years = Timestamp::now() + SignedDuration::from_hours(24 * 400);
    assert_eq!(s.expire(years).await.unwrap(), 1);
    assert_eq!(
        svc.stored_status(id_of(&session)).unwrap(),
        Some(Status::InSession)
    );

    // The timeline says the system did it, at the expiry time.
    let detail = t
        .get(
            &format!("/api/v1/session-requests/{}", id_of(&soon)),
            &admin,
        )
        .await;
    let last = detail.body["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "expired");
    assert_eq!(last["actor"]["type"], "system");
    assert_eq!(
        last["at"].as_str().unwrap()[..16],
        soon["expires_at"].as_str().unwrap()[..16]
    );
    // Live views heard of it.
    let mut buf = String::new();
    let soon_id = soon["id"].as_str().unwrap().to_owned();
    crate::live::next_event_within(&mut events, &mut buf, Duration::from_secs(5), |v| {
        v["id"] == soon_id.as_str() && v["status"] == "expired"
    })
    .await;
    // The end users (invited by mail) and Bob (assigned) are to be told: the mails are
    // queued in the same transactions, due at the sweep's "now".
    let queued = t.get("/api/v1/outbox?state=pending", &admin).await.body;
    let kinds: Vec<(&str, &str)> = queued["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap(), i["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| k.0 == "expired").count(),
        3,
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("request_expired", "bob@example.com")),
        "{kinds:?}"
    );
    // The expiry index is empty of them: the index is exact.
    t.assert_consistent();
}

#[tokio::test]
async fn reminders_go_once_at_their_lead_time_across_restarts_and_again_after_a_reschedule() {
    let dir = tempfile::tempdir().unwrap();
    let leads = SweeperConfig {
        reminder_leads: vec![Duration::from_secs(24 * 3600), Duration::from_secs(15 * 60)],
        ..SweeperConfig::default()
    };
    let t = TestServer::start_in(dir.path(), |_| {}).await;
    let admin = t.admin().await;
    let at = Timestamp::now() + SignedDuration::from_hours(48);
    let req = t
        .create(
            &admin,
            json!({"scheduled_at": at.round(jiff::Unit::Second).unwrap().to_string(),
                               "expires_at": later(SignedDuration::from_hours(72))}),
        )
        .await;
    let at: Timestamp = req["scheduled_at"].as_str().unwrap().parse().unwrap();
    let before = |m: i64| at - SignedDuration::from_mins(m);
    let s = sweeper(&t, leads.clone());
    assert_eq!(s.remind(before(24 * 60 + 1)).await.unwrap(), 0, "too early");
    assert_eq!(
        s.remind(before(24 * 60)).await.unwrap(),
        1,
        "the day before"
    );
    assert_eq!(s.remind(before(23 * 60)).await.unwrap(), 0, "only once");
    assert_eq!(s.remind(before(16)).await.unwrap(), 0);

    // The server stops before the 15-minute moment and is back 5 minutes before the session:
    // the reminder is late but not skipped, and the day-before one is not repeated.
    drop(s);
    let (path, _) = t.stop().await;
    let t = TestServer::start_in(&path, |_| {}).await;
    let admin = t.login("admin@example.com", "correct horse").await;
    let s = sweeper(&t, leads.clone());
    assert_eq!(s.remind(before(5)).await.unwrap(), 1);
    assert_eq!(s.remind(before(4)).await.unwrap(), 0);
    assert_eq!(
        s.remind(at).await.unwrap(),
        0,
        "not once the session is due"
    );

    // A new time, three days on: both reminders are owed again.
    let new_at = at + SignedDuration::from_hours(20);
    let r = t
        .patch(
            &format!("/api/v1/session-requests/{}", id_of(&req)),
            &admin,
            json!({"scheduled_at": new_at.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let before_new = |m: i64| new_at - SignedDuration::from_mins(m);
    assert_eq!(s.remind(before_new(24 * 60)).await.unwrap(), 1);
    assert_eq!(s.remind(before_new(15)).await.unwrap(), 1);

    let detail = t
        .get(&format!("/api/v1/session-requests/{}", id_of(&req)), &admin)
        .await;
    let leads_sent: Vec<u64> = detail.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "reminder_queued")
        .map(|e| e["details"]["lead_minutes"].as_u64().unwrap())
        .collect();
    assert_eq!(leads_sent, vec![1440, 15, 1440, 15]);
    t.assert_consistent();
}

#[tokio::test]
async fn retention_deletes_exactly_what_finished_before_the_cutoff() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let s = sweeper(&t, SweeperConfig::default());
    // Closed now; expiring in 10 min and in 2 h; open; in a session.
    let closed = t.request_in(&admin, Status::Closed).await;
    let exp_soon = t
        .create(
            &admin,
            json!({"expires_at": later(SignedDuration::from_mins(10))}),
        )
        .await;
    let exp_later = t
        .create(
            &admin,
            json!({"expires_at": later(SignedDuration::from_hours(2))}),
        )
        .await;
    let open = t.create(&admin, json!({})).await;
    let session = t.request_in(&admin, Status::InSession).await;
    let now = Timestamp::now();
    // And one closed by an older Beckon, whose link (v1) is filed by its hash.
    let me = t.get("/api/v1/me", &admin).await.body;
    let agent: AgentId = me["id"].as_str().unwrap().parse().unwrap();
    let v1 = SessionRequest {
        status: Status::Closed,
        link_generation: 0,
        ..SessionRequest::new(
            RequestId::from_u128((now.as_millisecond() as u128) << 80 | 9),
            "Old Link".into(),
            agent,
            now,
            now + SignedDuration::from_hours(24),
        )
    };
    t.server().service().seed(vec![(v1, vec![])]).unwrap();
    assert_eq!(t.filed_links().await, 1);
    assert_eq!(
        s.expire(now + SignedDuration::from_hours(3)).await.unwrap(),
        2
    );

    // 365 days after "now + 1 h": the closed ones and the one that expired at +10 min are past
    // the cutoff; the one that expired at +2 h is not; open and running ones never are.
    let run_at = now + SignedDuration::from_hours(365 * 24 + 1);
    let record = s
        .retain(run_at)
        .await
        .unwrap()
        .expect("retention is on by default");
    assert_eq!(record.requests, 3);
    assert!(record.events >= 5, "{record:?}");
    assert_eq!(
        t.filed_links().await,
        0,
        "the v1 link's entry went with its request"
    );
    // A year on, the admin's sign-in has ended too (and was deleted by the same run).
    assert_eq!(
        t.get("/api/v1/me", &admin).await.status,
        StatusCode::UNAUTHORIZED
    );
    let admin = t.login("admin@example.com", "correct horse").await;
    for (req, kept) in [
        (&closed, false),
        (&exp_soon, false),
        (&exp_later, true),
        (&open, true),
        (&session, true),
    ] {
        let r = t
            .get(&format!("/api/v1/session-requests/{}", id_of(req)), &admin)
            .await;
        assert_eq!(r.status == StatusCode::OK, kept, "{req}");
        if !kept {
            // The link is gone with it.
            assert_eq!(t.page_status(req["link"].as_str().unwrap()).await, 404);
        }
    }
    // Delivered mails made before the cutoff went too; the run is on record.
    assert!(record.outbox_items >= 1, "{record:?}");
    let log = t.get("/api/v1/purges", &admin).await.body;
    assert_eq!(log.as_array().unwrap().len(), 1, "{log}");
    assert_eq!(log[0]["requests"], 3);
    assert_eq!(log[0]["at"], run_at.to_string());
    // A second run finds nothing more.
    assert_eq!(s.retain(run_at).await.unwrap().unwrap().requests, 0);
    t.assert_consistent();

    // Keep forever: nothing is deleted, nothing recorded.
    let forever = sweeper(
        &t,
        SweeperConfig {
            retention_period: None,
            ..SweeperConfig::default()
        },
    );
    assert!(
        forever
            .retain(run_at + SignedDuration::from_hours(24 * 3650))
            .await
            .unwrap()
            .is_none()
    );
}
