//! Expiry is decided on every read and action, not by a sweeper; reopen gives a new link.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::TestServer;

fn in_secs(s: i64) -> String {
    (jiff::Timestamp::now() + jiff::SignedDuration::from_secs(s)).to_string()
}

#[tokio::test]
async fn a_request_past_its_expiry_is_expired_on_read_without_any_sweeper() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({"expires_at": in_secs(2)})).await;
    let id = req["id"].as_str().unwrap();
    let link = req["link"].as_str().unwrap();
    t.checkin(link).await;
    assert_eq!(t.status_of(&admin, id).await, "waiting");

    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(t.status_of(&admin, id).await, "expired");
    let past = t
        .get("/api/v1/session-requests?view=past", &admin)
        .await
        .body;
    assert_eq!(past["items"][0]["id"], id);
    // Stored as waiting, listed as expired: once, through either index a query reads.
    for query in [
        "status=waiting&status=expired",
        "view=past&assignee=unassigned",
        "status=expired",
    ] {
        let page = t
            .get(&format!("/api/v1/session-requests?{query}"), &admin)
            .await
            .body;
        let ids: Vec<_> = page["items"].as_array().unwrap().iter().collect();
        assert_eq!(ids.len(), 1, "{query}: {page}");
        assert_eq!(ids[0]["id"], id, "{query}");
    }
    let active = t
        .get("/api/v1/session-requests?view=active", &admin)
        .await
        .body;
    assert!(active["items"].as_array().unwrap().is_empty());
    let r = t
        .post(
            &format!("/api/v1/session-requests/{id}/connect"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "invalid_transition")
    );
    assert_eq!(t.page_status(link).await, 410);
    assert_eq!(t.checkin(link).await.status, StatusCode::GONE);
}

#[tokio::test]
async fn a_running_session_is_never_cut_off_by_expiry() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({"expires_at": in_secs(2)})).await;
    let id = req["id"].as_str().unwrap();
    t.checkin(req["link"].as_str().unwrap()).await;
    t.connect_and_answer(&admin, &req, "allow").await;
    t.post(
        &format!("/api/v1/session-requests/{id}/start"),
        &admin,
        json!({}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(t.status_of(&admin, id).await, "in_session");
    let r = t
        .post(
            &format!("/api/v1/session-requests/{id}/end"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn reopen_gives_a_new_link_and_kills_the_old_one() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({"expires_at": in_secs(1)})).await;
    let id = req["id"].as_str().unwrap();
    let old = req["link"].as_str().unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let r = t
        .post(
            &format!("/api/v1/session-requests/{id}/reopen"),
            &admin,
            json!({"expires_at": in_secs(3600)}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("open"))
    );
    let new = r.body["link"].as_str().unwrap();
    assert_ne!(old, new);
    assert_eq!(t.page_status(old).await, 404);
    assert_eq!(t.checkin(old).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.page_status(new).await, 200);
    assert_eq!(t.checkin(new).await.body["status"], "waiting");

    // The lazily-noticed expiry is written down before the reopen, by the system.
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    let events = detail["events"].as_array().unwrap();
    let expired = events.iter().position(|e| e["kind"] == "expired").unwrap();
    assert_eq!(events[expired]["actor"]["type"], "system");
    assert_eq!(events[expired + 1]["kind"], "reopened");
    t.assert_consistent();
}

#[tokio::test]
async fn expiry_must_be_in_the_future_and_within_the_maximum() {
    let t = TestServer::start_with(|c| {
        c.max_expiry = Duration::from_secs(86_400);
        c.default_expiry = Duration::from_secs(3600);
    })
    .await;
    let admin = t.admin().await;
    for (at, why) in [
        (in_secs(-10), "past"),
        (in_secs(2 * 86_400), "beyond the maximum"),
    ] {
        let r = t
            .post(
                "/api/v1/session-requests",
                &admin,
                json!({"recipient_name": "A", "expires_at": at}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "invalid_input"),
            "{why}"
        );
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("expires_at"),
            "{why}"
        );
    }
    // Omitted: the configured default.
    let r = t
        .post(
            "/api/v1/session-requests",
            &admin,
            json!({"recipient_name": "A"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let expires: jiff::Timestamp = r.body["expires_at"].as_str().unwrap().parse().unwrap();
    let from_now = expires.duration_since(jiff::Timestamp::now()).as_secs();
    assert!((3590..=3600).contains(&from_now), "{from_now}");
}
