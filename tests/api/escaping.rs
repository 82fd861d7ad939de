//! Stored text is shown as text everywhere: a comment, recipient name, agent name, client
//! name and organisation holding markup come back escaped on every page the server renders
//! (portal list, new-request form, detail with its edit form, admin pages, account, link page)
//! and in the mails.

use mail_parser::MessageParser;
use serde_json::{Value, json};

use crate::harness::{DEVICE, TestServer};

/// Breaks out of a `<textarea>`, of an attribute, and redirects the page: each part must
/// arrive as text.
/// (Short enough for every name field: the organisation takes 100 characters.)
const PAYLOAD: &str =
    r#"</textarea><form action=/x><meta http-equiv=refresh content=0>"><svg onload=alert(1)>"#;

/// What may never appear in a page's HTML if the payload was escaped.
const RAW: [&str; 4] = [
    "</textarea><form",
    "<form action=/x",
    "<meta http-equiv=refresh",
    "<svg onload",
];

fn assert_escaped(what: &str, html: &str) {
    for raw in RAW {
        assert!(
            !html.contains(raw),
            "{what}: `{raw}` reached the page unescaped"
        );
    }
}

async fn page(t: &TestServer, path: &str, token: &str) -> String {
    let res = t
        .http
        .get(format!("{}{path}", t.base))
        .header("cookie", format!("beckon_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

#[tokio::test]
async fn markup_in_every_stored_name_and_comment_renders_as_text_on_every_page_and_mail() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let named = |v: &str| format!("{PAYLOAD} {v}");
    let r = t
        .patch(
            "/api/v1/settings",
            &admin,
            json!({"organisation": named("Org")}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let r = t
        .post(
            "/api/v1/agents",
            &admin,
            json!({"email": "mark@example.com", "name": named("Agent"), "password": "password123",
                   "role": "agent", "permissions": {"view_session_requests": true, "edit_session_requests": true}}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let agent_id = r.body["id"].as_str().unwrap().to_owned();
    let r = t
        .post(
            "/api/v1/clients",
            &admin,
            json!({"name": named("Client"), "members": [agent_id]}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let client_id = r.body["id"].as_str().unwrap().to_owned();
    let req: Value = t
        .create(
            &admin,
            json!({"recipient_name": named("Recipient"), "comment": PAYLOAD, "share_comment": true,
                   "assignee": {"type": "client", "id": client_id}}),
        )
        .await;
    let id = req["id"].as_str().unwrap();
    let link = req["link"].as_str().unwrap();
    // The end user arrives: the "waiting" mail to the agents names the recipient.
    t.checkin(link).await;
    let agent = t.login("mark@example.com", "password123").await;

    for path in [
        "/".to_owned(),
        "/?create=1".to_owned(),
        format!("/requests/{id}"),
        "/admin/agents".to_owned(),
        "/admin/clients".to_owned(),
        "/admin/settings".to_owned(),
        "/admin/mail".to_owned(),
        "/admin/audit".to_owned(),
        "/account".to_owned(),
    ] {
        let html = page(&t, &path, &admin).await;
        assert_escaped(&path, &html);
    }
    let detail = page(&t, &format!("/requests/{id}"), &admin).await;
    assert!(
        detail.contains("&lt;/textarea&gt;&lt;form"),
        "the comment is in its edit field, as text"
    );
    for path in ["/", &format!("/requests/{id}"), "/account"] {
        let html = page(&t, path, &agent).await;
        assert_escaped(&format!("{path} (the agent)"), &html);
    }

    let link_page = t
        .http
        .get(link)
        .header("beckon-device", DEVICE)
        .send()
        .await
        .unwrap();
    assert_eq!(link_page.status(), 200);
    assert_escaped("link page", &link_page.text().await.unwrap());

    // Mails: the invitation (recipient, organisation, shared comment) and the agents' mails.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let (dir, _guard) = loop {
        let sent = t
            .get("/api/v1/outbox?state=sent&limit=50", &admin)
            .await
            .body;
        if sent["items"].as_array().is_some_and(|a| a.len() >= 2) {
            break t.stop().await;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "mails not sent: {sent}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let mut mails = 0;
    for entry in std::fs::read_dir(dir.join("outbox")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let m = MessageParser::default().parse(&bytes).unwrap();
        let html = m.body_html(0).unwrap_or_default().into_owned();
        assert!(!html.is_empty(), "{path:?} has an HTML part");
        assert_escaped(&format!("mail {path:?}"), &html);
        mails += 1;
    }
    assert!(
        mails >= 2,
        "the invitation and an agent's mail were written"
    );
}
