//! Small defences found by black-box testing: bounded metrics labels, sign-in only from our
//! own pages, a setup link that makes one administrator, and the like.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestServer;

#[tokio::test]
async fn unknown_http_methods_count_as_other_and_never_grow_the_metrics() {
    let t = TestServer::start().await;
    let metrics = || async {
        t.http
            .get(format!("{}/metrics", t.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let before = metrics().await.len();
    for i in 0..200 {
        let method = Method::from_bytes(format!("X{i:04}{}", "M".repeat(2000)).as_bytes()).unwrap();
        let res = t
            .http
            .request(method, format!("{}/api/v1/me", t.base))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_client_error(), "{}", res.status());
    }
    let after = metrics().await;
    assert!(!after.contains("MMMM"), "an invented method became a label");
    assert!(
        after.contains(r#"method="other""#),
        "they are counted, as other"
    );
    assert!(
        after.len() < before + 4096,
        "the metrics grew from {before} to {} bytes",
        after.len()
    );
}

#[tokio::test]
async fn sign_in_takes_json_from_our_own_pages_only() {
    let t = TestServer::start().await;
    t.admin().await;
    let body = json!({"email": "admin@example.com", "password": "correct horse"}).to_string();
    // A cross-site form can post text/plain without a preflight: refused, no cookie set.
    let res = t
        .http
        .post(format!("{}/api/v1/auth/login", t.base))
        .header("content-type", "text/plain")
        .header("origin", "https://evil.example")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    assert!(res.headers().get("set-cookie").is_none());
    let res = t
        .http
        .post(format!("{}/api/v1/auth/login", t.base))
        .header("content-type", "text/plain")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // JSON from another site (a browser's CORS request that was not preflighted) too.
    let res = t
        .http
        .post(format!("{}/api/v1/auth/login", t.base))
        .header("content-type", "application/json")
        .header("origin", "https://evil.example")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.headers().get("set-cookie").is_none());
    // Our own page, and tools without an Origin, sign in.
    let res = t
        .http
        .post(format!("{}/api/v1/auth/login", t.base))
        .header("content-type", "application/json")
        .header("origin", &t.base)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_setup_link_creates_one_administrator_however_often_it_is_posted_at_once() {
    let t = TestServer::start().await;
    let setup = t.server().setup_token().expect("a setup link");
    let posts = (0..8).map(|i| {
        let (http, url) = (t.http.clone(), format!("{}/setup/{setup}", t.base));
        tokio::spawn(async move {
            http.post(url)
                .form(&[
                    ("email", format!("admin{i}@example.com")),
                    ("name", format!("Admin {i}")),
                    ("password", "correct horse".to_owned()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        })
    });
    let mut created = 0;
    for p in posts {
        if p.await.unwrap() == StatusCode::CREATED {
            created += 1;
        }
    }
    assert_eq!(created, 1, "exactly one post won");
    let mut admins = 0;
    for i in 0..8 {
        let r = t
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(
                    json!({"email": format!("admin{i}@example.com"), "password": "correct horse"}),
                ),
            )
            .await;
        admins += usize::from(r.status == StatusCode::OK);
    }
    assert_eq!(admins, 1);
}

#[tokio::test]
async fn names_refuse_invisible_direction_and_separator_characters_and_the_link_page_isolates_them()
{
    let t = TestServer::start().await;
    let admin = t.admin().await;
    for bad in [
        "Support \u{202E}exe.gnp",
        "Ada\u{200B}Lovelace",
        "Ada\u{2028}Your account is locked",
        "\u{2066}Ada\u{2069}",
        "Ada\u{FEFF}",
    ] {
        let r = t
            .post(
                "/api/v1/session-requests",
                &admin,
                json!({"recipient_name": bad, "send_email": false}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad:?}: {}", r.body);
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("recipient_name"),
            "{}",
            r.body
        );
        let r = t
            .post(
                "/api/v1/agents",
                &admin,
                json!({"email": "x@example.com", "name": bad, "password": "password123", "role": "agent"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "agent name {bad:?}");
        let r = t
            .post("/api/v1/clients", &admin, json!({"name": bad}))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "client name {bad:?}");
        let r = t
            .patch("/api/v1/settings", &admin, json!({"organisation": bad}))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "organisation {bad:?}");
    }
    // Joiners that scripts need stay allowed (Persian ZWNJ).
    let req = t
        .create(
            &admin,
            json!({"recipient_name": "می\u{200C}خواهم عربی", "send_email": false}),
        )
        .await;
    // The page sets a right-to-left name apart from the sentence around it.
    let html = t
        .http
        .get(req["link"].as_str().unwrap())
        .header("beckon-device", crate::harness::DEVICE)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("\u{2068}می\u{200C}خواهم عربی\u{2069}"),
        "the greeting isolates the name"
    );
}
