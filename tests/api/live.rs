//! Server push (SSE for agents, WebSocket for the end user), the operations routes, the
//! OpenAPI document and the embedded portal bundle.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::harness::{DEVICE, TestServer, next_json};

/// Reads SSE data lines until one satisfies `want`, or fails after a timeout.
async fn next_event(
    res: &mut reqwest::Response,
    buf: &mut String,
    want: impl Fn(&Value) -> bool,
) -> Value {
    next_event_within(res, buf, Duration::from_secs(5), want).await
}

/// `next_event` with its own timeout.
pub async fn next_event_within(
    res: &mut reqwest::Response,
    buf: &mut String,
    within: Duration,
    want: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        while let Some(pos) = buf.find('\n') {
            let line: String = buf.drain(..=pos).collect();
            if let Some(data) = line.strip_prefix("data:") {
                let v: Value = serde_json::from_str(data.trim()).unwrap();
                if want(&v) {
                    return v;
                }
            }
        }
        let chunk = tokio::time::timeout_at(deadline, res.chunk())
            .await
            .expect("event in time")
            .unwrap()
            .expect("stream open");
        buf.push_str(std::str::from_utf8(&chunk).unwrap());
    }
}

#[tokio::test]
async fn agents_see_status_changes_pushed_as_they_happen() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let mut res = t.events(&admin).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let mut buf = String::new();

    let req = t.create(&admin, json!({})).await;
    let id = req["id"].as_str().unwrap().to_owned();
    let created = next_event(&mut res, &mut buf, |v| v["id"] == id.as_str()).await;
    assert_eq!(created["status"], "open");
    t.checkin(req["link"].as_str().unwrap()).await;
    let waiting = next_event(&mut res, &mut buf, |v| {
        v["id"] == id.as_str() && v["status"] == "waiting"
    })
    .await;
    assert_eq!(waiting["event"], "checked_in");
}

#[tokio::test]
async fn the_end_users_socket_pushes_the_connect_prompt_and_keeps_presence() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let id = req["id"].as_str().unwrap();
    let link = req["link"].as_str().unwrap();
    t.checkin(link).await;
    let mut ws = t.end_user_socket(link, DEVICE).await;
    let first = next_json(&mut ws).await;
    assert_eq!(
        (first["type"].as_str(), first["status"].as_str()),
        (Some("status"), Some("waiting"))
    );
    t.post(
        &format!("/api/v1/session-requests/{id}/connect"),
        &admin,
        json!({}),
    )
    .await;
    let prompted = next_json(&mut ws).await;
    assert_eq!(prompted["prompt"]["agent_name"], "Ada Admin");
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    assert_eq!(detail["end_user_present"], true);
    ws.send(Message::Close(None)).await.unwrap();

    // Unknown links are refused before the upgrade.
    let bad = format!(
        "{}/api/v1/assist/{}/ws",
        t.base.replace("http://", "ws://"),
        "a".repeat(32)
    );
    assert!(tokio_tungstenite::connect_async(&bad).await.is_err());
}

/// The served document and the contract in `docs/API.md` list the same routes (its table
/// "Routes at a glance"), every operation has its own meaningful ID and a summary, and every
/// error answer carries the error body.
#[tokio::test]
async fn openapi_document_and_the_api_contract_list_the_same_routes() {
    let t = TestServer::start().await;
    let doc = t.openapi().await;
    let mut in_doc = std::collections::BTreeSet::new();
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            in_doc.insert(format!("{} {path}", method.to_uppercase()));
            let id = op["operationId"].as_str().unwrap_or_default();
            assert!(
                id.len() > 3 && ids.insert(id.to_owned()),
                "{method} {path}: operation ID `{id}` missing or used twice"
            );
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path} has no summary"
            );
            for (code, answer) in op["responses"].as_object().unwrap() {
                if code.starts_with('4') || code.starts_with('5') {
                    let schema = &answer["content"]["application/json"]["schema"]["$ref"];
                    assert_eq!(
                        schema, "#/components/schemas/ErrorJson",
                        "{method} {path} {code}"
                    );
                }
            }
        }
    }
    // The contract's table: `| GET, PATCH | `/api/v1/settings` | …`.
    let contract =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/API.md")).unwrap();
    let table = contract
        .split("## Routes at a glance")
        .nth(1)
        .and_then(|t| t.split("\n## ").next())
        .expect("the routes table in docs/API.md");
    // Pages and files, not JSON operations: in the contract, not in the document.
    let pages = [
        "/s/{token}",
        "/s/{token}/app/{platform}",
        "/logo",
        "/api/v1/openapi.json",
    ];
    let mut in_contract = std::collections::BTreeSet::new();
    for row in table
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains('`'))
    {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let path = cells[2].trim_matches('`');
        if pages.contains(&path) {
            continue;
        }
        for method in cells[1].split(',') {
            in_contract.insert(format!("{} {path}", method.trim()));
        }
    }
    assert!(
        in_contract.len() > 40,
        "the table was read: {in_contract:?}"
    );
    let only_doc: Vec<_> = in_doc.difference(&in_contract).collect();
    let only_contract: Vec<_> = in_contract.difference(&in_doc).collect();
    assert!(
        only_doc.is_empty() && only_contract.is_empty(),
        "only in the document: {only_doc:?}; only in docs/API.md: {only_contract:?}"
    );
    assert!(doc["components"]["schemas"]["NewRequest"].is_object());
}

#[tokio::test]
async fn health_metrics_and_the_embedded_portal_bundle_are_served() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    t.get("/api/v1/me", &admin).await;
    let health = t
        .http
        .get(format!("{}/healthz", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let off = t
        .http
        .get(format!("{}/metrics", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        off.status(),
        StatusCode::UNAUTHORIZED,
        "metrics need the token"
    );
    let metrics = t
        .http
        .get(format!("{}/metrics", t.base))
        .bearer_auth(crate::harness::METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            r#"beckon_http_requests_total{method="GET",route="/api/v1/me",status="200"} 1"#
        ),
        "{metrics}"
    );
    assert!(metrics.contains("beckon_http_request_duration_seconds_bucket"));

    // Nobody signed in: a browser is sent to sign in, and that page loads the bundle.
    let home = t
        .http
        .get(format!("{}/", t.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(home.url().path(), "/signin");
    let home = home.text().await.unwrap();
    assert!(
        home.contains("/pkg/beckon.js") && home.contains(r#"id="password""#),
        "{home}"
    );
    let js = t
        .http
        .get(format!("{}/pkg/beckon.js", t.base))
        .send()
        .await
        .unwrap();
    assert!(
        js.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let etag = js.headers()["etag"].clone();
    assert!(!js.bytes().await.unwrap().is_empty());
    let wasm = t
        .http
        .get(format!("{}/pkg/beckon_bg.wasm", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    let wasm_etag = wasm.headers()["etag"].clone();
    let plain = wasm.bytes().await.unwrap();
    assert_eq!(&plain[..4], b"\0asm");
    // Browsers get the gzip made at build time.
    let gz = t
        .http
        .get(format!("{}/pkg/beckon_bg.wasm", t.base))
        .header("accept-encoding", "br, gzip;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.headers()["vary"], "accept-encoding");
    assert_ne!(gz.headers()["etag"], wasm_etag);
    let gz = gz.bytes().await.unwrap();
    assert_eq!(&gz[..2], [0x1f, 0x8b]);
    assert!(
        gz.len() < plain.len() / 2,
        "{} vs {}",
        gz.len(),
        plain.len()
    );
    let again = t
        .http
        .get(format!("{}/pkg/beckon.js", t.base))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn link_pages_are_friendly_for_unknown_and_finished_links() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let unknown = t
        .http
        .get(format!("{}/s/{}", t.base, "b".repeat(32)))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .contains("This link is not valid")
    );
    let req = t
        .create(
            &admin,
            json!({"recipient_name": "<script>alert(1)</script>"}),
        )
        .await;
    let link = req["link"].as_str().unwrap();
    let live = t.http.get(link).send().await.unwrap().text().await.unwrap();
    assert!(
        !live.contains("<script>alert(1)</script>") && live.contains("&lt;script&gt;"),
        "names are escaped"
    );
    t.post(
        &format!(
            "/api/v1/session-requests/{}/close",
            req["id"].as_str().unwrap()
        ),
        &admin,
        json!({}),
    )
    .await;
    let gone = t.http.get(link).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::GONE);
    assert!(gone.text().await.unwrap().contains("has ended"));
}

#[tokio::test]
async fn graceful_stop_ends_live_streams_instead_of_waiting_on_them() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let mut sse = t.events(&admin).await;
    let mut ws = t
        .end_user_socket(req["link"].as_str().unwrap(), DEVICE)
        .await;
    let stopped = tokio::time::timeout(Duration::from_secs(5), t.stop()).await;
    assert!(stopped.is_ok(), "stop waited on open streams");
    // Both streams were ended by the server.
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(Some(_)) = sse.chunk().await {}
    })
    .await;
    assert!(end.is_ok(), "the event stream stayed open");
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(msg)) = ws.next().await {
            if matches!(msg, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the socket stayed open");
}
