//! Settings an administrator changes at run time: validated, applied at once (new requests,
//! the link page), kept across a restart, and refused to everyone else.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::TestServer;

#[tokio::test]
async fn an_admin_changes_settings_that_apply_at_once_and_survive_a_restart() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (_, agent) = t.agent(&admin, "bob@example.com", true, true).await;

    let before = t.get("/api/v1/settings", &admin).await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(before.body["max_expiry_secs"], 30 * 86_400);

    // Refused: non-admins; durations that are not durations; a default beyond the maximum.
    let r = t
        .patch("/api/v1/settings", &agent, json!({"organisation": "Evil"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.get("/api/v1/settings", &agent).await.status,
        StatusCode::FORBIDDEN
    );
    for (body, field) in [
        (json!({"default_expiry": "soon"}), "default_expiry"),
        (json!({"max_expiry": "400d"}), "max_expiry"),
        (
            json!({"default_expiry": "20d", "max_expiry": "10d"}),
            "default_expiry",
        ),
        (json!({"organisation": "  "}), "organisation"),
    ] {
        let r = t.patch("/api/v1/settings", &admin, body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(field),
            "{}",
            r.body
        );
    }
    assert_eq!(
        t.get("/api/v1/settings", &admin).await.body,
        before.body,
        "nothing changed"
    );

    let r = t
        .patch(
            "/api/v1/settings",
            &admin,
            json!({"organisation": "Acme Support", "default_expiry": "2d", "max_expiry": "10d"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["default_expiry_secs"], 2 * 86_400);

    // New requests get the new default and cap; the link page names the new organisation.
    let req = t.create(&admin, json!({})).await;
    let created = jiff::Timestamp::now();
    let expires: jiff::Timestamp = req["expires_at"].as_str().unwrap().parse().unwrap();
    let days = (expires - created).get_seconds() as f64 / 86_400.0;
    assert!((1.99..=2.01).contains(&days), "{days}");
    let too_late = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 11)).to_string();
    let r = t
        .post(
            "/api/v1/session-requests",
            &admin,
            json!({"recipient_name": "X", "expires_at": too_late}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let page = t
        .http
        .get(req["link"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Acme Support"), "{page}");

    let (dir, _guard) = t.stop().await;
    let t = TestServer::start_in(&dir, |_| {}).await;
    let after = t.get("/api/v1/settings", &admin).await.body;
    assert_eq!(after["organisation"], "Acme Support");
    assert_eq!(after["max_expiry_secs"], 10 * 86_400);
}
