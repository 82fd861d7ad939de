//! Everything survives a restart on the same data directory.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::TestServer;

#[tokio::test]
async fn restart_with_the_same_data_directory_keeps_everything() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (agent_id, _) = t.agent(&admin, "bob@example.com", true, true).await;
    let client = t
        .post(
            "/api/v1/clients",
            &admin,
            json!({"name": "Desk", "members": [agent_id]}),
        )
        .await
        .body;
    let req = t
        .create(
            &admin,
            json!({"comment": "keep me", "assignee": {"type": "client", "id": client["id"]}}),
        )
        .await;
    let id = req["id"].as_str().unwrap().to_owned();
    let link = req["link"].as_str().unwrap().to_owned();
    t.checkin(&link).await;
    let before = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    let (dir, guard) = t.stop().await;

    let t = TestServer::start_in(&dir, |_| {}).await;
    assert!(
        t.server().setup_token().is_none(),
        "an admin exists: no setup link"
    );
    // The old sign-in still works; the link too (now on the new port).
    let after = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    assert_eq!(before["events"], after["events"]);
    assert_eq!(before["status"], after["status"]);
    assert_eq!(after["comment"], "keep me");
    assert_eq!(token(&before["link"]), token(&after["link"]));
    let link = format!("{}/s/{}", t.base, token(&after["link"]));
    assert_eq!(t.page_status(&link).await, 200);
    let list = t
        .get(
            &format!(
                "/api/v1/session-requests?assignee={}",
                client["id"].as_str().unwrap()
            ),
            &admin,
        )
        .await;
    assert_eq!(list.body["items"][0]["id"], id.as_str());
    assert!(!t.login("bob@example.com", "password123").await.is_empty());
    let r = t
        .post(
            &format!("/api/v1/session-requests/{id}/close"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    t.assert_consistent();
    t.stop().await;
    drop(guard);
}

fn token(link: &serde_json::Value) -> String {
    link.as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn concurrent_creates_are_all_kept_and_indexed() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let mut tasks = Vec::new();
    for c in 0..8 {
        let (http, base, admin) = (t.http.clone(), t.base.clone(), admin.clone());
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..25 {
                let res = http
                    .post(format!("{base}/api/v1/session-requests"))
                    .bearer_auth(&admin)
                    .json(&json!({"recipient_name": format!("Client {c} #{i}")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::CREATED);
                let v: serde_json::Value = res.json().await.unwrap();
                ids.push(v["id"].as_str().unwrap().to_owned());
            }
            ids
        }));
    }
    let mut acknowledged = Vec::new();
    for task in tasks {
        acknowledged.extend(task.await.unwrap());
    }
    t.assert_consistent();
    let (dir, guard) = t.stop().await;

    let t = TestServer::start_in(&dir, |_| {}).await;
    let mut listed = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = t
            .get(
                &format!("/api/v1/session-requests?limit=200&cursor={cursor}"),
                &admin,
            )
            .await
            .body;
        listed.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    acknowledged.sort();
    listed.sort();
    assert_eq!(acknowledged.len(), 200);
    assert_eq!(
        listed, acknowledged,
        "every acknowledged create is listed after a restart"
    );
    t.assert_consistent();
    t.stop().await;
    drop(guard);
}
