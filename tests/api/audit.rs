//! The audit log: every security-relevant change leaves exactly one entry, written with the
//! change (a refused change leaves none), readable by administrators only, page by page and
//! as CSV, with no secret in it.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestServer;

async fn entries(t: &TestServer, admin: &str) -> Vec<Value> {
    let r = t.get("/api/v1/audit?limit=500", admin).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"].as_array().unwrap().clone()
}

fn kinds(items: &[Value]) -> Vec<&str> {
    // Oldest first, for reading.
    items
        .iter()
        .rev()
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn security_events_are_audited_once_each_and_only_admins_read_them() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let start = entries(&t, &admin).await;
    assert_eq!(kinds(&start), ["agent_created", "sign_in_succeeded"]);
    assert_eq!(start[1]["actor"], "operator", "the setup link's admin");

    let wrong = json!({"email": "=cmd|' /C calc'!A0", "password": "wrong-pass-1"});
    let r = t
        .call(Method::POST, "/api/v1/auth/login", None, Some(wrong))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let (agent_id, agent) = t.agent(&admin, "eve@example.com", true, true).await;
    let path = format!("/api/v1/agents/{agent_id}");
    let r = t
        .patch(
            &path,
            &admin,
            json!({"permissions": {"view_session_requests": true, "edit_session_requests": false}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let client = t
        .post(
            "/api/v1/clients",
            &admin,
            json!({"name": "Desk", "members": [agent_id]}),
        )
        .await;
    let client_id = client.body["id"].as_str().unwrap().to_owned();
    t.patch(
        &format!("/api/v1/clients/{client_id}"),
        &admin,
        json!({"name": "Front desk"}),
    )
    .await;
    t.patch(
        "/api/v1/settings",
        &admin,
        json!({"organisation": "Acme IT"}),
    )
    .await;
    let hook = t
        .post(
            "/api/v1/webhooks",
            &admin,
            json!({"url": "https://hooks.example.com/x"}),
        )
        .await;
    let hook_id = hook.body["id"].as_str().unwrap().to_owned();
    let r = t
        .call(
            Method::DELETE,
            &format!("/api/v1/webhooks/{hook_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert!(r.status.is_success(), "{}", r.status);

    // A released link and an end user's decline.
    let req = t.create(&admin, json!({"send_email": false})).await;
    let link = req["link"].as_str().unwrap();
    assert_eq!(t.checkin(link).await.status, StatusCode::OK);
    let id = req["id"].as_str().unwrap();
    let r = t
        .post(
            &format!("/api/v1/session-requests/{id}/release"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let other = t.create(&admin, json!({"send_email": false})).await;
    let r = t
        .assist(
            Method::POST,
            other["link"].as_str().unwrap(),
            "decline",
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    let pw = json!({"current_password": "password123", "new_password": "password456"});
    assert_eq!(
        t.post("/api/v1/me/password", &agent, pw).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        t.post("/api/v1/auth/logout-all", &agent, json!({}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    // Refused changes leave no entry: the last admin cannot be disabled.
    let me = t.get("/api/v1/me", &admin).await.body;
    let r = t
        .patch(
            &format!("/api/v1/agents/{}", me["id"].as_str().unwrap()),
            &admin,
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    let all = entries(&t, &admin).await;
    assert_eq!(
        kinds(&all)[2..],
        [
            "sign_in_failed",
            "agent_created",
            "sign_in_succeeded",
            "agent_changed",
            "client_created",
            "client_changed",
            "settings_changed",
            "webhook_added",
            "webhook_removed",
            "link_released",
            "declined_by_end_user",
            "password_changed",
            "signed_out_everywhere",
        ]
    );
    let failed = &all[all.len() - 3];
    assert_eq!(failed["ip"], "127.0.0.1");
    assert_eq!(
        failed["actor"], "=cmd|' /c calc'!a0",
        "the email tried, as looked up"
    );
    assert!(failed["actor_id"].is_null());
    let changed = all.iter().find(|e| e["kind"] == "agent_changed").unwrap();
    assert_eq!(changed["target"], agent_id.as_str());
    assert_eq!(
        changed["detail"],
        "eve@example.com: agent (view, edit) → agent (view)"
    );
    assert!(changed["actor"] == "admin@example.com");
    let everything = serde_json::to_string(&all).unwrap();
    for secret in [
        "wrong-pass-1",
        "password123",
        "password456",
        "correct horse",
        "whsec_",
    ] {
        assert!(!everything.contains(secret), "{secret} in the audit log");
    }

    // Pages of two walk the same entries, newest first.
    let mut walked = Vec::new();
    let mut cursor = String::new();
    loop {
        let r = t
            .get(&format!("/api/v1/audit?limit=2{cursor}"), &admin)
            .await;
        walked.extend(r.body["items"].as_array().unwrap().clone());
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(walked, all);
    let r = t.get("/api/v1/audit?cursor=nonsense", &admin).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "invalid_input")
    );

    // CSV: one row per entry, formulas defused.
    let res = t
        .http
        .get(format!("{}/api/v1/audit.csv", t.base))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), all.len());
    assert_eq!(&rows[2][1], "sign_in_failed");
    assert_eq!(&rows[2][3], "'=cmd|' /c calc'!a0");

    // Agents who are not admins read none of it.
    let viewer = t.login("eve@example.com", "password456").await;
    assert_eq!(
        t.get("/api/v1/audit", &viewer).await.status,
        StatusCode::FORBIDDEN
    );
    let res = t
        .http
        .get(format!("{}/api/v1/audit.csv", t.base))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
