//! How sign-ins end: signing out everywhere, a password change (own or by an admin),
//! disabling, the idle timeout and the absolute lifetime.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::TestServer;

async fn me(t: &TestServer, token: &str) -> StatusCode {
    t.get("/api/v1/me", token).await.status
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_sign_in_of_that_agent_only() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (_, first) = t.agent(&admin, "bo@example.com", true, true).await;
    let second = t.login("bo@example.com", "password123").await;
    assert_eq!(me(&t, &second).await, StatusCode::OK);

    let r = t.post("/api/v1/auth/logout-all", &first, json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(me(&t, &first).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&t, &second).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&t, &admin).await, StatusCode::OK, "other agents stay in");
    // Signing in again works as before.
    let again = t.login("bo@example.com", "password123").await;
    assert_eq!(me(&t, &again).await, StatusCode::OK);
}

#[tokio::test]
async fn a_password_change_ends_the_other_sign_ins() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (id, here) = t.agent(&admin, "cy@example.com", true, true).await;
    let laptop = t.login("cy@example.com", "password123").await;

    let wrong = json!({"current_password": "not it", "new_password": "new password 1"});
    let r = t.post("/api/v1/me/password", &here, wrong).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("current_password")
    );
    let short = json!({"current_password": "password123", "new_password": "short"});
    assert_eq!(
        t.post("/api/v1/me/password", &here, short).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        me(&t, &laptop).await,
        StatusCode::OK,
        "a refused change ends nothing"
    );

    let ok = json!({"current_password": "password123", "new_password": "new password 1"});
    let r = t.post("/api/v1/me/password", &here, ok).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(
        me(&t, &here).await,
        StatusCode::OK,
        "the sign-in in use stays"
    );
    assert_eq!(me(&t, &laptop).await, StatusCode::UNAUTHORIZED);
    let old = json!({"email": "cy@example.com", "password": "password123"});
    let r = t
        .call(reqwest::Method::POST, "/api/v1/auth/login", None, Some(old))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let phone = t.login("cy@example.com", "new password 1").await;

    // An admin setting the password ends all of them.
    let r = t
        .patch(
            &format!("/api/v1/agents/{id}"),
            &admin,
            json!({"password": "reset by admin"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(me(&t, &here).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&t, &phone).await, StatusCode::UNAUTHORIZED);

    // Disabling ends them too, and enabling again does not bring them back.
    let back = t.login("cy@example.com", "reset by admin").await;
    let path = format!("/api/v1/agents/{id}");
    t.patch(&path, &admin, json!({"disabled": true})).await;
    t.patch(&path, &admin, json!({"disabled": false})).await;
    assert_eq!(me(&t, &back).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn idle_and_absolute_timeouts_end_sign_ins() {
    let t = TestServer::start_with(|c| {
        c.session_idle_timeout = Duration::from_secs(3);
        c.session_lifetime = Duration::from_secs(5);
    })
    .await;
    let admin = t.admin().await;
    let idle = t.login("admin@example.com", "correct horse").await;
    // In use every second: past the idle timeout since sign-in, still signed in...
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(me(&t, &admin).await, StatusCode::OK);
    }
    // ...while the one left alone for longer than the idle timeout has ended.
    assert_eq!(me(&t, &idle).await, StatusCode::UNAUTHORIZED);
    // The absolute lifetime ends even a busy one.
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(800)).await;
        me(&t, &admin).await;
    }
    assert_eq!(
        me(&t, &admin).await,
        StatusCode::UNAUTHORIZED,
        "5 s lifetime"
    );
    // Ended sign-ins are deleted by the retention run, not just refused.
    let now = jiff::Timestamp::now();
    let purged = t.server().service().purge_sessions(now).unwrap();
    assert_eq!(purged, 2);
}
