//! What browsers and proxies see at the edge: security headers on every response, a
//! per-response script nonce on pages, and `X-Forwarded-*` believed from trusted proxies only.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::TestServer;

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers().get(name).map_or("", |v| v.to_str().unwrap())
}

/// The nonce in a page's CSP; every `<script` of the page must carry it.
fn nonce_of(csp: &str) -> String {
    let start = csp
        .find("'nonce-")
        .expect("a script nonce in the page's CSP")
        + 7;
    csp[start..].split('\'').next().unwrap().to_owned()
}

#[tokio::test]
async fn every_response_carries_the_browser_security_headers() {
    let t = TestServer::start().await;
    for path in [
        "/healthz",
        "/api/v1/openapi.json",
        "/api/v1/nope",
        "/assets/beckon.css",
    ] {
        let res = t
            .http
            .get(format!("{}{path}", t.base))
            .send()
            .await
            .unwrap();
        assert_eq!(header(&res, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(&res, "referrer-policy"), "no-referrer", "{path}");
        assert_eq!(header(&res, "x-frame-options"), "DENY", "{path}");
        let csp = header(&res, "content-security-policy");
        assert!(csp.starts_with("default-src 'none';"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        // Plain HTTP: HSTS would be ignored, and is not sent.
        assert!(res.headers().get("strict-transport-security").is_none());
    }

    // Rendered pages: the sign-in page and a link page (unknown link: still a page).
    let mut nonces = Vec::new();
    for path in ["/signin", "/signin", "/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
        let res = t
            .http
            .get(format!("{}{path}", t.base))
            .send()
            .await
            .unwrap();
        // Portal forms return to their page (the Referer); a link's address is a credential.
        let referrer = if path.starts_with("/s/") {
            "no-referrer"
        } else {
            "same-origin"
        };
        assert_eq!(header(&res, "referrer-policy"), referrer, "{path}");
        let csp = header(&res, "content-security-policy").to_owned();
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("object-src 'none'"), "{path}: {csp}");
        let nonce = nonce_of(&csp);
        assert!(nonce.len() >= 22, "a 128-bit nonce: {nonce}");
        // A page leaves in one piece (`http::page`): a length, not a chunked stream.
        let length = header(&res, "content-length").to_owned();
        assert!(res.headers().get("transfer-encoding").is_none(), "{path}");
        let html = res.text().await.unwrap();
        assert_eq!(length, html.len().to_string(), "{path}");
        let scripts = html.matches("<script").count();
        assert!(scripts >= 1, "{path}: the hydration script");
        assert_eq!(
            html.matches(&format!("nonce=\"{nonce}\"")).count(),
            scripts,
            "{path}: every script carries this response's nonce:\n{html}"
        );
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a fresh nonce for each response");
}

/// The link page carries its data as JSON inside a `<script>` for the bundle to hydrate from.
/// A name or comment that tries to close that script stays data: no script of its own, the
/// page's text escaped, and the JSON gives back exactly what was stored.
#[tokio::test]
async fn a_name_cannot_break_out_of_the_link_pages_data() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let name = "</script><script>alert(1)</script>";
    let comment = "<!-- </SCRIPT> -->";
    let req = t
        .create(
            &admin,
            json!({"recipient_name": name, "comment": comment, "share_comment": true}),
        )
        .await;
    let res = t
        .http
        .get(req["link"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let nonce = nonce_of(header(&res, "content-security-policy"));
    let html = res.text().await.unwrap();
    assert!(!html.contains("<script>alert"), "{html}");
    assert_eq!(
        html.matches("<script").count(),
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        "no script but ours:\n{html}"
    );
    assert!(
        html.contains("&lt;/script&gt;&lt;script&gt;alert(1)"),
        "{html}"
    );

    let open = format!("<script type=\"application/json\" id=\"link-data\" nonce=\"{nonce}\">");
    let start = html.find(&open).expect("the page's data") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    let info = &data["Ok"]["Active"];
    assert_eq!(info["comment"], comment);
    assert!(
        info["texts"][1].as_str().unwrap().contains(name),
        "the greeting names them as stored: {}",
        info["texts"][1]
    );
}

#[tokio::test]
async fn a_trusted_proxy_names_the_client_and_its_scheme() {
    let t = TestServer::start_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        c.link_lookups_per_minute = 3;
    })
    .await;
    t.admin().await;
    let lookup = |client: &'static str| {
        let req = t
            .http
            .get(format!("{}/s/{:0>32}", t.base, 7))
            .header("x-forwarded-for", client);
        async move { req.send().await.unwrap().status().as_u16() }
    };
    // Each forwarded client has its own budget; the proxy's address is not the key.
    let mut first = Vec::new();
    for _ in 0..4 {
        first.push(lookup("198.51.100.1").await);
    }
    assert_eq!(first, [404, 404, 404, 429]);
    assert_eq!(lookup("198.51.100.2").await, 404);
    // A client-made entry to the left of the proxy's changes nothing.
    assert_eq!(lookup("203.0.113.50, 198.51.100.1").await, 429);

    // TLS ends at the proxy: cookies are Secure and HSTS is sent when it says https.
    let login = |proto: &'static str| {
        let req = t
            .http
            .post(format!("{}/api/v1/auth/login", t.base))
            .header("x-forwarded-proto", proto)
            .json(&json!({"email": "admin@example.com", "password": "correct horse"}));
        async move { req.send().await.unwrap() }
    };
    let res = login("https").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header(&res, "set-cookie").contains("Secure"));
    assert!(header(&res, "strict-transport-security").starts_with("max-age="));
    let res = login("http").await;
    assert!(!header(&res, "set-cookie").contains("Secure"));
    assert!(res.headers().get("strict-transport-security").is_none());
}

#[tokio::test]
async fn forwarded_headers_from_anyone_else_are_ignored() {
    let t = TestServer::start_with(|c| c.link_lookups_per_minute = 3).await;
    t.admin().await;
    let mut statuses = Vec::new();
    for i in 0..4 {
        let res = t
            .http
            .get(format!("{}/s/{:0>32}", t.base, 7))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    // A fresh made-up address per request does not buy a fresh budget.
    assert_eq!(statuses, [404, 404, 404, 429]);
    let res = t
        .http
        .post(format!("{}/api/v1/auth/login", t.base))
        .header("x-forwarded-proto", "https")
        .json(&json!({"email": "admin@example.com", "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!header(&res, "set-cookie").contains("Secure"));
    assert!(res.headers().get("strict-transport-security").is_none());
}
