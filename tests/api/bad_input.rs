//! Bad input gets a 4xx JSON error naming what is wrong; never a 5xx, never lost data.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestServer;

async fn raw(
    t: &TestServer,
    method: Method,
    path: &str,
    token: &str,
    body: &'static str,
) -> (StatusCode, Value) {
    let res = t
        .http
        .request(method, format!("{}{path}", t.base))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: Value = res.json().await.expect("errors are JSON");
    (status, body)
}

#[tokio::test]
async fn malformed_and_invalid_bodies_get_400_naming_the_field() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let path = "/api/v1/session-requests";

    let (s, b) = raw(&t, Method::POST, path, &admin, "{not json").await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_input"))
    );

    let cases: Vec<(Value, &str)> = vec![
        (json!({}), "recipient_name"),
        (json!({"recipient_name": ""}), "recipient_name"),
        (
            json!({"recipient_name": "Ada\r\nBcc: victim@example.com"}),
            "recipient_name",
        ),
        (json!({"recipient_name": "x".repeat(201)}), "recipient_name"),
        (json!({"recipient_name": 42}), "recipient_name"),
        (
            json!({"recipient_name": "Ada", "send_email": true}),
            "recipient_email",
        ),
        (
            json!({"recipient_name": "Ada", "recipient_email": "not-an-email"}),
            "recipient_email",
        ),
        (
            json!({"recipient_name": "Ada", "recipient_email": "a@b.example\r\nBcc: x@y"}),
            "recipient_email",
        ),
        (
            json!({"recipient_name": "Ada", "expires_at": "tomorrow"}),
            "expires_at",
        ),
        (
            json!({"recipient_name": "Ada", "expires_at": "2001-01-01T00:00:00Z"}),
            "expires_at",
        ),
        (
            json!({"recipient_name": "Ada", "expires_at": "2999-01-01T00:00:00Z"}),
            "expires_at",
        ),
        (
            json!({"recipient_name": "Ada", "email_language": "english please"}),
            "email_language",
        ),
        (
            json!({"recipient_name": "Ada", "time_zone": "Mars/Olympus"}),
            "time_zone",
        ),
        (
            json!({"recipient_name": "Ada", "assignee": {"type": "agent", "id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}}),
            "assignee",
        ),
        (
            json!({"recipient_name": "Ada", "assignee": {"type": "nobody"}}),
            "assignee",
        ),
        (
            json!({"recipient_name": "Ada", "comment": "bell\u{7}"}),
            "comment",
        ),
    ];
    for (body, field) in cases {
        let r = t.post(path, &admin, body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        assert_eq!(r.code(), "invalid_input");
        let msg = r.body["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains(field),
            "{body}: message `{msg}` should name {field}"
        );
    }
    // Nothing was stored by any of them.
    let list = t.get(path, &admin).await.body;
    assert!(list["items"].as_array().unwrap().is_empty());

    for q in [
        "view=someday",
        "status=pending",
        "limit=0",
        "limit=201",
        "limit=ten",
        "cursor=zzz",
        "assignee=nobody",
    ] {
        let r = t.get(&format!("{path}?{q}"), &admin).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
    }
}

#[tokio::test]
async fn unknown_ids_and_routes_are_404_json() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    for path in [
        "/api/v1/session-requests/01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "/api/v1/session-requests/not-an-id",
        "/api/v1/nothing-here",
    ] {
        let r = t.get(path, &admin).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{path}"
        );
    }
    let r = t
        .post(
            "/api/v1/session-requests/01ARZ3NDEKTSV4RRFFQ69G5FAV/close",
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t
        .patch(
            "/api/v1/agents/01ARZ3NDEKTSV4RRFFQ69G5FAV",
            &admin,
            json!({"name": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t
        .call(
            Method::DELETE,
            "/api/v1/session-requests",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    // Tokens that are not tokens.
    for token in ["short", "x", &"a".repeat(500)] {
        assert_eq!(t.page_status(&format!("{}/s/{token}", t.base)).await, 404);
    }
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let big = format!(
        "{{\"recipient_name\":\"{}\"}}",
        "a".repeat(1024 * 1024 + 10)
    );
    let res = t
        .http
        .post(format!("{}/api/v1/session-requests", t.base))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");
}

#[tokio::test]
async fn agent_input_is_validated_and_emails_are_unique() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    for (body, field) in [
        (
            json!({"email": "nope", "name": "N", "password": "password123", "role": "agent"}),
            "email",
        ),
        (
            json!({"email": "a@example.com", "name": "N", "password": "short", "role": "agent"}),
            "password",
        ),
        (
            json!({"email": "a@example.com", "name": "N", "password": "password123", "role": "boss"}),
            "role",
        ),
        (
            json!({"email": "a@example.com", "name": "", "password": "password123", "role": "agent"}),
            "name",
        ),
    ] {
        let r = t.post("/api/v1/agents", &admin, body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body["error"]["message"].as_str().unwrap().contains(field));
    }
    let r = t
        .post("/api/v1/agents", &admin, json!({"email": "ADMIN@example.com", "name": "Dup", "password": "password123", "role": "agent"}))
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "email_taken"));
    let r = t
        .post(
            "/api/v1/clients",
            &admin,
            json!({"name": "T", "members": ["01ARZ3NDEKTSV4RRFFQ69G5FAV"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn wrong_credentials_are_401_without_saying_which_part_was_wrong() {
    let t = TestServer::start().await;
    t.admin().await;
    let a = t
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "admin@example.com", "password": "nope"})),
        )
        .await;
    let b = t
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ghost@example.com", "password": "nope"})),
        )
        .await;
    assert_eq!(
        (a.status, b.status),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(a.body, b.body);
    let r = t
        .call(Method::GET, "/api/v1/me", Some("made-up-token"), None)
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );
}

#[tokio::test]
async fn portal_server_functions_answer_bad_input_with_400_or_413_and_the_error_shape() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let post = |name: &'static str, body: String| {
        let (http, base, admin) = (t.http.clone(), t.base.clone(), admin.clone());
        async move {
            let res = http
                .post(format!("{base}/portal/api/{name}"))
                .header("cookie", format!("beckon_session={admin}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let kind = res
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default();
            let text = res.text().await.unwrap();
            (status, kind, text)
        }
    };
    for (name, body, want) in [
        ("requests/act", "id=x".to_owned(), StatusCode::BAD_REQUEST),
        (
            "clients/save",
            "name=Team".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "link/act",
            format!("token={}&step=checkin", "a".repeat(3 * 1024 * 1024)),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        ("no/such/function", String::new(), StatusCode::NOT_FOUND),
    ] {
        let (status, kind, text) = post(name, body).await;
        assert_eq!(status, want, "{name}: {text}");
        assert!(
            kind.starts_with("application/json"),
            "{name}: {kind} {text}"
        );
        // The portal's own error JSON (what its pages decode): code and message.
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{name}: {text}"));
        assert!(
            v["code"].is_string() && v["message"].is_string(),
            "{name}: {v}"
        );
    }
}
