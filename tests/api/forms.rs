//! The portal's forms as plain HTML posts, as a browser sends them before (or without) the
//! bundle: the server function sends the browser back to the page it came from (its
//! `Referer`), saying what it did (`done=`) or with the error in the address, which that page
//! then shows beside its field.

use reqwest::redirect::Policy;
use reqwest::{Response, StatusCode};

use crate::harness::TestServer;

fn location(r: &Response) -> String {
    assert!(r.status().is_redirection(), "{}", r.status());
    r.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_plain_form_post_goes_back_to_its_page_with_what_it_did() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    // A browser without script: it follows redirects itself, so this client does not.
    let browser = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let post = |path: &str, referer: String, form: Vec<(&'static str, &'static str)>| {
        browser
            .post(format!("{}{path}", t.base))
            .bearer_auth(&admin)
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", referer)
            .form(&form)
            .send()
    };
    let page = |path: String| {
        let req = browser.get(format!("{}{path}", t.base)).bearer_auth(&admin);
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            res.text().await.unwrap()
        }
    };
    let settings = |max: &'static str| {
        vec![
            ("organisation", "Acme Support"),
            ("default_expiry", "7d"),
            ("max_expiry", max),
        ]
    };
    // Marks of an earlier post are dropped; the page's own query stays.
    let from = format!("{}/admin/settings?x=1&done=settings", t.base);

    // Refused: back with the error, shown beside its field; nothing saved.
    let r = post("/portal/api/settings/save", from.clone(), settings("soon"))
        .await
        .unwrap();
    let back = location(&r);
    assert!(back.starts_with("/admin/settings?x=1&__path="), "{back}");
    assert!(back.contains("__err="), "{back}");
    let html = page(back).await;
    assert!(html.contains(r#"id="err-max_expiry""#), "{html}");
    assert!(!html.contains(r#"id="settings-saved""#));
    assert!(!html.contains("Acme Support"));

    // Saved: back, saying so, with the new value in the form.
    let r = post("/portal/api/settings/save", from, settings("21d"))
        .await
        .unwrap();
    let back = location(&r);
    assert_eq!(back, "/admin/settings?x=1&done=settings");
    let html = page(back).await;
    assert!(html.contains(r#"id="settings-saved""#), "{html}");
    assert!(html.contains(r#"value="Acme Support""#));
    assert!(!html.contains(r#"id="err-max_expiry""#));

    // Only the path of the Referer is used: no post sends a browser to another site.
    for referer in [
        "https://elsewhere.example//elsewhere.example/x",
        "not a url",
    ] {
        let r = post("/portal/api/mail/test", referer.into(), vec![])
            .await
            .unwrap();
        assert_eq!(location(&r), "/?done=test-mail", "{referer}");
    }
    let html = page("/admin/mail?done=test-mail".into()).await;
    assert!(html.contains(r#"id="test-mail-queued""#), "{html}");
    assert!(
        html.contains(r#"data-kind="test""#),
        "the test mail in the outbox"
    );

    // The create dialog posted before its script ran: the new request's page, with its link
    // (the dialog it came from could not show it).
    let r = post(
        "/portal/api/requests/create",
        format!("{}/?view=active&create=1", t.base),
        vec![
            ("form[recipient_name]", "Grace Hopper"),
            ("form[assign]", "me"),
        ],
    )
    .await
    .unwrap();
    let back = location(&r);
    let id = back.strip_prefix("/requests/").expect("the request's page");
    let html = page(back.clone()).await;
    assert!(html.contains("Grace Hopper"), "{html}");
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await;
    let link = detail.body["link"].as_str().unwrap();
    assert!(
        html.contains(&format!(r#"value="{link}""#)),
        "the link to copy: {html}"
    );
}
