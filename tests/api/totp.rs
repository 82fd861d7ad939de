//! Two-factor sign-in: setting it up, signing in with a code (each good once), an admin's
//! reset, turning it off, requiring it of administrators, and its secret sealed in the store.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Reply, TestServer};

fn step_now() -> u64 {
    jiff::Timestamp::now().as_second() as u64 / 30
}

fn code(url: &str, step: u64) -> String {
    totp_rs::TOTP::from_url(url).unwrap().generate(step * 30)
}

async fn login(t: &TestServer, email: &str, password: &str, totp: Option<&str>) -> Reply {
    let mut body = json!({"email": email, "password": password});
    if let Some(c) = totp {
        body["totp"] = json!(c);
    }
    t.call(Method::POST, "/api/v1/auth/login", None, Some(body))
        .await
}

/// Sets up and turns on a second factor for `token`'s agent; returns the app's otpauth URL.
async fn turn_on(t: &TestServer, token: &str) -> String {
    let r = t.post("/api/v1/me/totp", token, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let url = r.body["otpauth_url"].as_str().unwrap().to_owned();
    let body = json!({"code": code(&url, step_now())});
    let r = t.post("/api/v1/me/totp/confirm", token, body).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    url
}

#[tokio::test]
async fn an_agent_sets_up_a_second_factor_and_signs_in_with_codes_good_once() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (id, agent) = t.agent(&admin, "tia@example.com", true, true).await;

    let setup = t.post("/api/v1/me/totp", &agent, json!({})).await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.body);
    let url = setup.body["otpauth_url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("otpauth://totp/"), "{url}");
    assert!(url.contains(setup.body["secret"].as_str().unwrap()));
    // Not on until a code proves the app has it.
    assert_eq!(
        login(&t, "tia@example.com", "password123", None)
            .await
            .status,
        StatusCode::OK
    );
    let r = t
        .post("/api/v1/me/totp/confirm", &agent, json!({"code": "000000"}))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "invalid_input")
    );
    let step = step_now();
    let r = t
        .post(
            "/api/v1/me/totp/confirm",
            &agent,
            json!({"code": code(&url, step)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let again = t.post("/api/v1/me/totp", &agent, json!({})).await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "totp_enabled")
    );

    // The password alone is not enough now; a wrong code is wrong credentials.
    let r = login(&t, "tia@example.com", "password123", None).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, "totp_required")
    );
    let r = login(&t, "tia@example.com", "password123", Some("123456")).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, "invalid_credentials")
    );
    // The confirming code was used; the next step's code signs in, once.
    let r = login(
        &t,
        "tia@example.com",
        "password123",
        Some(&code(&url, step)),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "a code is good once");
    let next = code(&url, step + 1);
    let r = login(&t, "tia@example.com", "password123", Some(&next)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = login(&t, "tia@example.com", "password123", Some(&next)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "replayed");

    // Audited: on, a sign-in with a code, the wrong code.
    let audit = t.get("/api/v1/audit?limit=500", &admin).await.body;
    let items = audit["items"].as_array().unwrap();
    let has = |kind: &str, detail: &str| {
        items
            .iter()
            .any(|e| e["kind"] == kind && e["detail"].as_str().unwrap().contains(detail))
    };
    assert!(has("two_factor_enabled", ""));
    assert!(has("sign_in_succeeded", "with a one-time code"));
    assert!(has("sign_in_failed", "wrong one-time code"));

    // A lost phone: an admin removes it, and the password alone works again.
    let r = t
        .patch(
            &format!("/api/v1/agents/{id}"),
            &admin,
            json!({"reset_totp": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = login(&t, "tia@example.com", "password123", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let token = r.body["token"].as_str().unwrap().to_owned();

    // Set up again, then turned off by the agent (password required).
    let url = turn_on(&t, &token).await;
    let r = t
        .post(
            "/api/v1/me/totp/disable",
            &token,
            json!({"password": "nope"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = t
        .post(
            "/api/v1/me/totp/disable",
            &token,
            json!({"password": "password123"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        login(&t, "tia@example.com", "password123", None)
            .await
            .status,
        StatusCode::OK
    );

    // The secret is not readable in the database (sealed with a key kept outside it).
    let secret =
        totp_rs::Secret::Encoded(totp_rs::TOTP::from_url(&url).unwrap().get_secret_base32())
            .to_bytes()
            .unwrap();
    let (raw, _, _keep) = t.stop_and_read_store().await;
    assert!(!raw.windows(secret.len()).any(|w| w == secret.as_slice()));
}

#[tokio::test]
async fn administrators_without_a_second_factor_get_no_rights_when_it_is_required() {
    let t = TestServer::start_with(|c| c.require_totp_for_admins = true).await;
    let admin = t.admin().await;
    assert_eq!(
        t.get("/api/v1/agents", &admin).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.get("/api/v1/session-requests", &admin).await.status,
        StatusCode::FORBIDDEN
    );
    let me: Value = t.get("/api/v1/me", &admin).await.body;
    assert_eq!(me["role"], "agent", "{me}");

    // Setting it up restores the rights, on the same sign-in.
    turn_on(&t, &admin).await;
    assert_eq!(t.get("/api/v1/agents", &admin).await.status, StatusCode::OK);
    // And it cannot be turned off while required.
    let r = t
        .post(
            "/api/v1/me/totp/disable",
            &admin,
            json!({"password": "correct horse"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Agents are not bound by it.
    let (_, agent) = t.agent(&admin, "ali@example.com", true, true).await;
    assert_eq!(
        t.get("/api/v1/session-requests", &agent).await.status,
        StatusCode::OK
    );
}
