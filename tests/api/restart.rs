//! Everything survives a restart on the same data directory.

use app::domain::{AgentId, RequestId, SessionRequest};
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{TestServer, token_of};

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

/// Links mailed by a Beckon from before links named their request (v1, generation below
/// `FIRST_LINK_GENERATION`, filed by hash) keep opening; a reopen gives the request a v2
/// link and takes the old one's entry away. New requests file nothing.
#[tokio::test]
async fn links_sent_in_the_first_format_open_until_a_reopen_replaces_them() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let me = t.get("/api/v1/me", &admin).await.body;
    let agent: AgentId = me["id"].as_str().unwrap().parse().unwrap();
    let now = jiff::Timestamp::now();
    let id = RequestId::from_u128((now.as_millisecond() as u128) << 80 | 7);
    let old = SessionRequest {
        link_generation: 3,
        ..SessionRequest::new(
            id,
            "Old Link".into(),
            agent,
            now,
            now + jiff::SignedDuration::from_hours(24),
        )
    };
    t.server().service().seed(vec![(old, vec![])]).unwrap();
    assert_eq!(t.filed_links().await, 1);
    let fresh = t
        .create(&admin, json!({"recipient_name": "New Link"}))
        .await;
    assert_eq!(t.filed_links().await, 1, "a new request files no link");
    assert_eq!(token_of(fresh["link"].as_str().unwrap()).len(), 43);

    // The old link, restarted on: still the same 32 characters, and it opens.
    let (dir, guard) = t.stop().await;
    let t = TestServer::start_in(&dir, |_| {}).await;
    let path = format!("/api/v1/session-requests/{id}");
    let v1_link = t.get(&path, &admin).await.body["link"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(token_of(&v1_link).len(), 32);
    assert_eq!(t.checkin(&v1_link).await.status, StatusCode::OK);
    assert_eq!(t.status_of(&admin, &id.to_string()).await, "waiting");
    t.assert_consistent();

    let close = t.post(&format!("{path}/close"), &admin, json!({})).await;
    assert_eq!(close.status, StatusCode::OK);
    let reopened = t.post(&format!("{path}/reopen"), &admin, json!({})).await;
    assert_eq!(reopened.status, StatusCode::OK, "{}", reopened.body);
    let v2_link = reopened.body["link"].as_str().unwrap().to_owned();
    assert_eq!(token_of(&v2_link).len(), 43);
    assert_eq!(t.page_status(&v1_link).await, 404);
    assert_eq!(t.checkin(&v2_link).await.status, StatusCode::OK);
    assert_eq!(
        t.filed_links().await,
        0,
        "the reopen took the v1 link's entry away"
    );
    // A v2 token with its MAC changed names the same request but is no link.
    let token = token_of(&v2_link);
    let last = if token.ends_with('A') { "E" } else { "A" };
    let forged = format!("{}{last}", &v2_link[..v2_link.len() - 1]);
    assert_eq!(t.page_status(&forged).await, 404);
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
