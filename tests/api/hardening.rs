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
            .bearer_auth(crate::harness::METRICS_TOKEN)
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

/// Reads what the server sends until it closes the connection (or `within` passes).
async fn read_until_closed(s: &mut tokio::net::TcpStream, within: std::time::Duration) -> String {
    use tokio::io::AsyncReadExt;
    let mut got = Vec::new();
    let _ = tokio::time::timeout(within, s.read_to_end(&mut got)).await;
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test]
async fn slow_heads_get_408_and_idle_connections_close_but_streams_stay() {
    use std::time::{Duration, Instant};
    use tokio::io::AsyncWriteExt;
    let t = TestServer::start_with(|c| {
        c.connections.header_read_timeout = Duration::from_secs(1);
        c.connections.idle_timeout = Duration::from_secs(2);
    })
    .await;
    let admin = t.admin().await;
    let addr = t.base.trim_start_matches("http://").to_owned();

    // Half a head, then nothing: 408 after the header timeout, and the connection closes.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let answer = read_until_closed(&mut slow, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(answer.contains("request_timeout"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    // A kept-alive connection with nothing in flight closes after the idle timeout.
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let answer = read_until_closed(&mut idle, Duration::from_secs(6)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(1500) && waited < Duration::from_secs(5),
        "closed after {waited:?}"
    );

    // An event stream is a request in flight: it outlives the idle timeout.
    let mut events = t.events(&admin).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    t.create(&admin, json!({})).await;
    let mut buf = String::new();
    crate::live::next_event_within(&mut events, &mut buf, Duration::from_secs(3), |v| {
        v["status"] == "open"
    })
    .await;
}

#[tokio::test]
async fn connections_over_the_per_address_cap_and_event_streams_over_the_per_sign_in_cap_get_429() {
    use std::time::Duration;
    use tokio::io::AsyncWriteExt;
    let t = TestServer::start_with(|c| {
        c.connections.max_per_address = 6;
        c.max_event_streams_per_signin = 3;
    })
    .await;
    let admin = t.admin().await;
    let addr = t.base.trim_start_matches("http://").to_owned();

    let mut streams = Vec::new();
    for _ in 0..3 {
        let s = t.events(&admin).await;
        assert_eq!(s.status(), StatusCode::OK);
        streams.push(s);
    }
    let fourth = t.events(&admin).await;
    assert_eq!(fourth.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: serde_json::Value = fourth.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_streams");
    let other = t.login("admin@example.com", "correct horse").await;
    assert_eq!(
        t.events(&other).await.status(),
        StatusCode::OK,
        "another sign-in has its own"
    );
    drop(streams.pop());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        t.events(&admin).await.status(),
        StatusCode::OK,
        "a closed stream's place comes back"
    );

    // Fill the address's connections with idle ones; the next is refused with 429.
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(tokio::net::TcpStream::connect(&addr).await.unwrap());
    }
    let mut extra = tokio::net::TcpStream::connect(&addr).await.unwrap();
    extra
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut extra, Duration::from_secs(3)).await;
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer:?}");
    assert!(answer.contains("too_many_connections"), "{answer}");
    drop(held);
    drop(streams);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ok = t.http.get(format!("{}/healthz", t.base)).send().await;
    assert!(
        ok.is_ok_and(|r| r.status() == StatusCode::OK),
        "places come back"
    );
}

#[tokio::test]
async fn webhooks_reach_no_internal_address_unless_the_operator_allows_it() {
    let t = TestServer::start_with(|c| c.allow_internal_webhooks = false).await;
    let admin = t.admin().await;
    for url in [
        "http://127.0.0.1:9/in",
        "http://localhost:9/in",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.1.2.3/in",
        "https://[fd00::1]/in",
    ] {
        let r = t
            .post("/api/v1/webhooks", &admin, json!({"url": url}))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{url}: {}", r.body);
    }
    let r = t
        .post(
            "/api/v1/webhooks",
            &admin,
            json!({"url": "https://hooks.example.com/beckon"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn metrics_are_off_unless_the_operator_sets_their_token() {
    let t = TestServer::start_with(|c| c.metrics_token = None).await;
    let res = t
        .http
        .get(format!("{}/metrics", t.base))
        .bearer_auth(crate::harness::METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cookie_mutations_compare_the_origin_with_public_url_not_the_host_header() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    // A DNS-rebinding page: Origin and Host agree with each other, not with public_url.
    let res = t
        .http
        .post(format!("{}/api/v1/session-requests", t.base))
        .header("cookie", format!("beckon_session={admin}"))
        .header("host", "rebound.example")
        .header("origin", "http://rebound.example")
        .json(&json!({"recipient_name": "Mallory", "send_email": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = t
        .http
        .post(format!("{}/api/v1/session-requests", t.base))
        .header("cookie", format!("beckon_session={admin}"))
        .header("origin", &t.base)
        .json(&json!({"recipient_name": "Ada", "send_email": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

/// A sign-in attempt from `from` (named by the trusted proxy's `X-Forwarded-For`).
async fn login_from(t: &TestServer, from: &str, email: &str, password: &str) -> StatusCode {
    t.http
        .post(format!("{}/api/v1/auth/login", t.base))
        .header("x-forwarded-for", from)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn password_guesses_behind_sign_in_are_limited_and_guessers_elsewhere_do_not_lock_the_owner_out()
 {
    let t = TestServer::start_with(|c| {
        c.login_attempts_per_minute = 3;
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let admin = t.admin().await;
    // Behind the sign-in, the current password is a guess like any other.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let r = t
            .post(
                "/api/v1/me/password",
                &admin,
                json!({"current_password": "guess", "new_password": "another long one"}),
            )
            .await;
        statuses.push(r.status.as_u16());
    }
    assert_eq!(statuses[0], 400, "{statuses:?}");
    assert_eq!(*statuses.last().unwrap(), 429, "{statuses:?}");
    let off = t
        .post(
            "/api/v1/me/totp/disable",
            &admin,
            json!({"password": "guess"}),
        )
        .await;
    assert_eq!(
        off.status,
        StatusCode::TOO_MANY_REQUESTS,
        "one allowance for both"
    );

    // Bob signs in from home; someone elsewhere spends his account's allowance.
    t.agent(&admin, "bob@example.com", true, true).await;
    assert_eq!(
        login_from(&t, "192.0.2.10", "bob@example.com", "password123").await,
        StatusCode::OK
    );
    let mut tries = 0;
    while login_from(&t, "203.0.113.9", "bob@example.com", "wrong").await
        != StatusCode::TOO_MANY_REQUESTS
    {
        tries += 1;
        assert!(tries <= 3, "the guesser's address is limited");
    }
    assert_eq!(
        login_from(&t, "198.51.100.4", "bob@example.com", "password123").await,
        StatusCode::TOO_MANY_REQUESTS,
        "from every address Bob never used, the account waits"
    );
    assert_eq!(
        login_from(&t, "192.0.2.10", "bob@example.com", "password123").await,
        StatusCode::OK,
        "Bob at home still gets in"
    );
}

#[tokio::test]
async fn one_agent_cannot_take_every_session_seat_and_the_assignee_always_gets_one() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (assignee_id, assignee) = t.agent(&admin, "assignee@example.com", true, true).await;
    let req = t
        .create(
            &admin,
            json!({"assignee": {"type": "agent", "id": assignee_id}}),
        )
        .await;
    let id = req["id"].as_str().unwrap();
    let mut held = Vec::new();
    for _ in 0..beckon::service::SEATS_PER_AGENT {
        held.push(t.agent_socket(id, &admin).await.unwrap());
    }
    assert!(
        t.agent_socket(id, &admin).await.is_err(),
        "one agent holds at most SEATS_PER_AGENT"
    );
    // Others fill every seat but the one kept for the assignee.
    let mut n = 0;
    while held.len() < beckon::service::AGENT_SEATS - 1 {
        let (_, other) = t
            .agent(&admin, &format!("other{n}@example.com"), true, true)
            .await;
        n += 1;
        held.push(t.agent_socket(id, &other).await.unwrap());
        if held.len() < beckon::service::AGENT_SEATS - 1 {
            held.push(t.agent_socket(id, &other).await.unwrap());
        }
    }
    let (_, late) = t.agent(&admin, "late@example.com", true, true).await;
    assert!(
        t.agent_socket(id, &late).await.is_err(),
        "the last seat is kept"
    );
    assert!(
        t.agent_socket(id, &assignee).await.is_ok(),
        "the assignee gets it"
    );
}
