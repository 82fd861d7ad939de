//! The end user's side through real HTTP and WebSockets: the link bound to one device, the
//! agent's release, decline alerts by real mail, the consent timeout, the session relay
//! between the two sockets (and its limits), and the native client, the real binary driven
//! through its stdin and stdout.

use std::process::Stdio;
use std::time::Duration;

use beckon::config::SweeperConfig;
use beckon::sweep::Sweeper;
use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::harness::{DEVICE, TestServer, kinds, next_json, send_json, token_of};
use crate::notify::{parse, smtp_to};
use crate::smtp_sink::SmtpSink;

const OTHER: &str = "another-device-0002";

async fn checkin_from(t: &TestServer, link: &str, device: &str) -> reqwest::Response {
    t.http
        .post(format!(
            "{}/api/v1/assist/{}/checkin",
            t.base,
            token_of(link)
        ))
        .header("beckon-device", device)
        .json(&json!({"client": "web"}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_link_belongs_to_the_first_device_until_an_agent_releases_it() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({"email_language": "de"})).await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());

    assert_eq!(
        checkin_from(&t, link, DEVICE).await.status(),
        StatusCode::OK
    );
    let second = checkin_from(&t, link, OTHER).await;
    assert_eq!(second.status(), StatusCode::CONFLICT);
    let body: Value = second.json().await.unwrap();
    assert_eq!(body["error"]["code"], "link_in_use");
    // The page says so, in the request's language, to the second device only.
    let page = t
        .http
        .get(link)
        .header("beckon-device", OTHER)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::CONFLICT);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Dieser Link wird bereits verwendet")
    );
    assert_eq!(t.page_status(link).await, 200);
    // Every other end-user route refuses the second device too.
    let prompt = t
        .http
        .get(format!(
            "{}/api/v1/assist/{}/prompt",
            t.base,
            token_of(link)
        ))
        .header("beckon-device", OTHER)
        .send()
        .await
        .unwrap();
    assert_eq!(prompt.status(), StatusCode::CONFLICT);

    // The first device's socket is told and hangs up when the agent releases the link.
    let mut first = t.end_user_socket(link, DEVICE).await;
    assert_eq!(next_json(&mut first).await["status"], "waiting");
    let r = t
        .post(
            &format!("/api/v1/session-requests/{id}/release"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(next_json(&mut first).await["status"], "released");
    let again = t
        .post(
            &format!("/api/v1/session-requests/{id}/release"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "not_bound")
    );

    assert_eq!(checkin_from(&t, link, OTHER).await.status(), StatusCode::OK);
    assert_eq!(
        checkin_from(&t, link, DEVICE).await.status(),
        StatusCode::CONFLICT
    );
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    assert!(kinds(&detail).contains(&"link_released".to_owned()));

    // An unknown link leaves no device cookie behind.
    let unknown = t
        .http
        .get(format!("{}/s/{}", t.base, "A".repeat(32)))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(unknown.headers().get("set-cookie").is_none());
    // A browser without a device gets one on its first visit to a live link, and keeps it.
    let live = t.create(&admin, json!({})).await;
    let fresh = t
        .http
        .get(live["link"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let status = fresh.status();
    let cookie = match fresh.headers().get("set-cookie") {
        Some(c) => c.to_str().unwrap().to_owned(),
        // Seen once in CI, not reproduced: say what came instead.
        None => panic!(
            "no device cookie on {status}: {:?} {}",
            fresh.headers().clone(),
            fresh.text().await.unwrap_or_default()
        ),
    };
    assert!(cookie.starts_with("beckon_device="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    t.assert_consistent();
}

#[tokio::test]
async fn this_wasnt_me_closes_the_request_and_alerts_the_assignee_and_admins_by_mail() {
    let sink = SmtpSink::start().await;
    let t = TestServer::start_with(smtp_to(sink.addr)).await;
    let admin = t.admin().await;
    let (agent_id, agent) = t.agent(&admin, "grace@example.com", true, true).await;
    let req = t
        .create(
            &agent,
            json!({"send_email": false, "assignee": {"type": "agent", "id": agent_id}}),
        )
        .await;
    let link = req["link"].as_str().unwrap();
    t.checkin(link).await;
    // The "end user is waiting" mail comes first (Grace assigned it to herself: no
    // assignment mail); only the alerts count here.
    let before = sink.wait_for(1, Duration::from_secs(10)).await.len();
    let r = t.assist(Method::POST, link, "decline", None).await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("closed"))
    );

    let mails = sink.wait_for(before + 2, Duration::from_secs(10)).await;
    let alerts: Vec<_> = mails[before..].iter().map(parse).collect();
    let mut to: Vec<_> = alerts.iter().map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(to, ["admin@example.com", "grace@example.com"]);
    for m in &alerts {
        assert!(
            m.subject.contains("Declined as unexpected: Ada Lovelace"),
            "{}",
            m.subject
        );
        assert!(
            m.text.contains("did not ask for this session"),
            "{}",
            m.text
        );
    }
    let detail = t
        .get(
            &format!("/api/v1/session-requests/{}", req["id"].as_str().unwrap()),
            &admin,
        )
        .await
        .body;
    assert_eq!(detail["status"], "closed");
    assert_eq!(kinds(&detail).last().unwrap(), "declined");
    assert_eq!(t.page_status(link).await, 410);
}

#[tokio::test]
async fn an_unanswered_connect_prompt_counts_as_denied() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());
    t.checkin(link).await;
    t.post(
        &format!("/api/v1/session-requests/{id}/connect"),
        &admin,
        json!({}),
    )
    .await;
    let svc = t.server().service().clone();
    let sweeper = Sweeper::new(svc.clone(), SweeperConfig::default());
    let now = jiff::Timestamp::now();
    // Within the timeout: still asking.
    assert_eq!(sweeper.deny_stale_prompts(now).await.unwrap(), 0);
    let later = now + jiff::SignedDuration::from_secs(61);
    assert_eq!(sweeper.deny_stale_prompts(later).await.unwrap(), 1);
    // Denied once: the prompt left its index with it.
    assert_eq!(sweeper.deny_stale_prompts(later).await.unwrap(), 0);
    assert_eq!(svc.store().verify_indexes().unwrap(), Vec::<String>::new());
    let p = t.assist(Method::GET, link, "prompt", None).await;
    assert_eq!(p.body["prompt"], Value::Null);
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    assert_eq!(detail["status"], "waiting");
    let last = detail["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["actor"]["type"].as_str()),
        (Some("access_denied"), Some("system"))
    );
}

#[tokio::test]
async fn the_session_relay_carries_signalling_and_chat_between_the_two_sides_only() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (_, viewer) = t.agent(&admin, "viewer@example.com", true, false).await;
    let req = t.create(&admin, json!({})).await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());
    t.checkin(link).await;

    // Watching a session needs the right to connect, and a browser on this site.
    assert!(t.agent_socket(id, &viewer).await.is_err());
    let url = format!(
        "{}/api/v1/session-requests/{id}/ws",
        t.base.replace("http://", "ws://")
    );
    let mut foreign =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url)
            .unwrap();
    foreign
        .headers_mut()
        .insert("authorization", format!("Bearer {admin}").parse().unwrap());
    foreign
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    match tokio_tungstenite::connect_async(foreign).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 403),
        other => panic!("a socket from another site was let in: {other:?}"),
    }
    let mut agent = t.agent_socket(id, &admin).await.unwrap();
    let mut user = t.end_user_socket(link, DEVICE).await;
    let status = next_json(&mut agent).await;
    assert_eq!(
        (status["status"].as_str(), status["online"].as_bool()),
        (Some("waiting"), Some(true))
    );
    assert_eq!(next_json(&mut user).await["status"], "waiting");

    // Before access is allowed, nothing passes.
    send_json(&mut user, json!({"type": "chat", "text": "hello?"})).await;
    assert_eq!(next_json(&mut user).await["type"], "error");

    assert_eq!(
        t.connect_and_answer(&admin, &req, "allow").await.status,
        StatusCode::OK
    );
    while next_json(&mut agent).await["status"] != "ready" {}
    while next_json(&mut user).await["status"] != "ready" {}

    // Chat both ways once ready, stamped with the sender's name by the server.
    send_json(&mut agent, json!({"type": "chat", "text": "Hi, I am here"})).await;
    let heard = next_json(&mut user).await;
    assert_eq!(
        (heard["from"].as_str(), heard["text"].as_str()),
        (Some("Ada Admin"), Some("Hi, I am here"))
    );
    assert_eq!(
        next_json(&mut agent).await["text"],
        "Hi, I am here",
        "echoed to its sender"
    );
    send_json(&mut user, json!({"type": "chat", "text": "<b>thanks</b>"})).await;
    let heard = next_json(&mut agent).await;
    assert_eq!(
        (heard["side"].as_str(), heard["text"].as_str()),
        (Some("end_user"), Some("<b>thanks</b>"))
    );
    next_json(&mut user).await;

    // Signalling only in session, and only each side's own part.
    send_json(&mut user, json!({"type": "offer", "sdp": "v=0"})).await;
    assert_eq!(next_json(&mut user).await["type"], "error");
    t.post(
        &format!("/api/v1/session-requests/{id}/start"),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(next_json(&mut agent).await["status"], "in_session");
    assert_eq!(next_json(&mut user).await["status"], "in_session");
    send_json(&mut agent, json!({"type": "hello"})).await;
    assert_eq!(next_json(&mut user).await["type"], "hello");
    send_json(&mut user, json!({"type": "offer", "sdp": "v=0 offer"})).await;
    assert_eq!(
        next_json(&mut agent).await,
        json!({"type": "offer", "sdp": "v=0 offer"})
    );
    send_json(&mut agent, json!({"type": "answer", "sdp": "v=0 answer"})).await;
    assert_eq!(next_json(&mut user).await["sdp"], "v=0 answer");
    let candidate = json!({"candidate": "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "sdpMid": "0", "sdpMLineIndex": 0});
    send_json(&mut agent, json!({"type": "ice", "candidate": candidate})).await;
    assert_eq!(next_json(&mut user).await["candidate"], candidate);
    send_json(&mut agent, json!({"type": "offer", "sdp": "v=0"})).await;
    assert_eq!(
        next_json(&mut agent).await["type"],
        "error",
        "agents answer, they do not offer"
    );
    send_json(&mut user, json!({"type": "ping"})).await;
    assert_eq!(next_json(&mut user).await["type"], "pong");

    // Another request's sockets hear none of it.
    let other = t.create(&admin, json!({})).await;
    let mut other_agent = t
        .agent_socket(other["id"].as_str().unwrap(), &admin)
        .await
        .unwrap();
    next_json(&mut other_agent).await;
    send_json(&mut user, json!({"type": "chat", "text": "private"})).await;
    assert_eq!(next_json(&mut agent).await["text"], "private");
    assert!(
        tokio::time::timeout(Duration::from_millis(300), other_agent.next())
            .await
            .is_err(),
        "another request's agent heard it"
    );

    // The end user ends the session from their page: back to waiting (they are still here).
    let stop = t
        .http
        .post(format!("{}/portal/api/link/act", t.base))
        .header("beckon-device", DEVICE)
        .form(&[("token", token_of(link)), ("step", "end")])
        .send()
        .await
        .unwrap();
    assert!(stop.status().is_success(), "{}", stop.status());
    assert_eq!(next_json(&mut agent).await["status"], "waiting");
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    let ended = detail["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (ended["kind"].as_str(), ended["actor"]["type"].as_str()),
        (Some("session_ended"), Some("end_user"))
    );
    assert!(ended["details"]["duration_ms"].as_u64().is_some());
}

#[tokio::test]
async fn sockets_are_capped_per_link_and_oversized_or_flooding_messages_are_cut_off() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let link = req["link"].as_str().unwrap();
    t.checkin(link).await;
    let mut open = Vec::new();
    for _ in 0..beckon::service::END_USER_SEATS {
        open.push(t.end_user_socket(link, DEVICE).await);
    }
    let url = format!(
        "{}/api/v1/assist/{}/ws",
        t.base.replace("http://", "ws://"),
        token_of(link)
    );
    let mut extra =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url)
            .unwrap();
    extra
        .headers_mut()
        .insert("beckon-device", DEVICE.parse().unwrap());
    match tokio_tungstenite::connect_async(extra).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 409),
        other => panic!("a fourth socket was let in: {other:?}"),
    }

    // A message over 64 KiB closes the socket with a policy close, as documented.
    let mut ws = open.pop().unwrap();
    next_json(&mut ws).await;
    let big = json!({"type": "chat", "text": "x".repeat(70 * 1024)});
    let _ = futures_util::SinkExt::send(
        &mut ws,
        tokio_tungstenite::tungstenite::Message::Text(big.to_string().into()),
    )
    .await;
    let code = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(m)) = ws.next().await {
            if let tokio_tungstenite::tungstenite::Message::Close(f) = m {
                return f.map(|f| u16::from(f.code));
            }
        }
        None
    })
    .await
    .expect("an oversized message ends the socket");
    assert_eq!(code, Some(1008), "closed with 1008");

    // A flood is cut off with a policy close.
    let mut ws = open.pop().unwrap();
    next_json(&mut ws).await;
    for _ in 0..200 {
        let ping = json!({"type": "ping"}).to_string();
        if futures_util::SinkExt::send(
            &mut ws,
            tokio_tungstenite::tungstenite::Message::Text(ping.into()),
        )
        .await
        .is_err()
        {
            break;
        }
    }
    let code = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(m)) = ws.next().await {
            if let tokio_tungstenite::tungstenite::Message::Close(Some(f)) = m {
                return Some(u16::from(f.code));
            }
        }
        None
    })
    .await
    .unwrap();
    assert_eq!(code, Some(1008));
    // The server is fine: the link still works.
    assert_eq!(t.page_status(link).await, 200);
}

/// Reads the client's lines until one contains `want` (failing on exit or after 10 s).
async fn expect_line(
    lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    want: &str,
) -> String {
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains(want) {
                return Some(line);
            }
        }
        None
    })
    .await;
    match found {
        Ok(Some(line)) => line,
        other => panic!("the client never said {want:?} ({other:?})"),
    }
}

#[tokio::test]
async fn the_native_client_checks_in_asks_for_consent_and_follows_the_session() {
    let t = TestServer::start_with(|c| c.organisation = "Acme Support".into()).await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());
    // The app as downloaded from the link page, in the terminal: its file name says which
    // request it joins.
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = crate::apps::download(&t, link, "linux-x86_64", dir.path()).await;
    let mut child = tokio::process::Command::new(&app)
        .arg("--cli")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    expect_line(&mut lines, "Checked in with Acme Support").await;
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    assert_eq!(detail["status"], "waiting");
    assert_eq!(detail["end_user_client"], "native");

    // A browser on another machine cannot take the link over.
    assert_eq!(
        checkin_from(&t, link, OTHER).await.status(),
        StatusCode::CONFLICT
    );

    let mut agent = t.agent_socket(id, &admin).await.unwrap();
    let online = next_json(&mut agent).await;
    assert_eq!(online["online"], true, "the native client keeps presence");
    t.post(
        &format!("/api/v1/session-requests/{id}/connect"),
        &admin,
        json!({}),
    )
    .await;
    expect_line(
        &mut lines,
        "Ada Admin from Acme Support asks to see your screen",
    )
    .await;
    stdin.write_all(b"maybe\n").await.unwrap();
    expect_line(&mut lines, "Please answer y").await;
    stdin.write_all(b"y\n").await.unwrap();
    expect_line(&mut lines, "Access allowed").await;
    expect_line(&mut lines, "Ready").await;

    t.post(
        &format!("/api/v1/session-requests/{id}/start"),
        &admin,
        json!({}),
    )
    .await;
    expect_line(&mut lines, "Session started").await;
    while next_json(&mut agent).await["status"] != "in_session" {}
    send_json(
        &mut agent,
        json!({"type": "chat", "text": "Can you see the chat?"}),
    )
    .await;
    expect_line(&mut lines, "[Ada Admin] Can you see the chat?").await;
    stdin.write_all(b"Yes, loud and clear\n").await.unwrap();
    loop {
        let m = next_json(&mut agent).await;
        if m["type"] == "chat" && m["side"] == "end_user" {
            assert_eq!(m["text"], "Yes, loud and clear");
            break;
        }
    }

    t.post(
        &format!("/api/v1/session-requests/{id}/end"),
        &admin,
        json!({}),
    )
    .await;
    expect_line(&mut lines, "The support session is over").await;
    t.post(
        &format!("/api/v1/session-requests/{id}/close"),
        &admin,
        json!({}),
    )
    .await;
    expect_line(&mut lines, "This support request has ended").await;
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn the_native_client_explains_a_bad_link_a_lost_name_and_takes_a_typed_code() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = crate::apps::download(&t, link, "linux-x86_64", dir.path()).await;
    let name = app.file_name().unwrap().to_str().unwrap().to_owned();
    let code = wire::JoinCode::find_in_file_name(&name).unwrap();
    let run = |app: std::path::PathBuf, args: Vec<String>| async move {
        tokio::process::Command::new(app)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .await
            .unwrap()
    };
    let out = run(
        app.clone(),
        vec!["--cli".into(), format!("{}/s/{}", t.base, "A".repeat(32))],
    )
    .await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("link not found"), "{err}");

    // Renamed, the file has no code: the terminal asks for one instead of guessing.
    let renamed = dir.path().join("beckon-assist");
    std::fs::rename(&app, &renamed).unwrap();
    let out = run(renamed.clone(), vec!["--cli".into()]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the code on the support page"), "{err}");
    // The code typed as its argument joins.
    let mut child = tokio::process::Command::new(renamed)
        .args(["--cli", &code.to_string().to_lowercase()])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    expect_line(&mut lines, "Checked in with").await;
    assert_eq!(t.status_of(&admin, id).await, "waiting");
}

/// The link page's buttons are plain forms posting to one server function (`link_act`), so
/// they work before (or without) the page's script: each step lands and the browser is sent
/// back to the page. A step missing what it needs is a 400 naming the field, never a 500.
#[tokio::test]
async fn the_link_pages_forms_work_without_javascript() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());
    let token = token_of(link);
    // A browser without script: it follows redirects itself, so this client does not.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let step = |form: Vec<(&'static str, String)>| {
        browser
            .post(format!("{}/portal/api/link/act", t.base))
            .header("beckon-device", DEVICE)
            .header("accept", "text/html,application/xhtml+xml")
            .form(&form)
            .send()
    };
    let back = |r: &reqwest::Response| {
        assert!(r.status().is_redirection(), "{}", r.status());
        r.headers()["location"].to_str().unwrap().to_owned()
    };
    let tok = || ("token", token.to_owned());

    let r = step(vec![tok(), ("step", "checkin".into())]).await.unwrap();
    assert_eq!(back(&r), format!("/s/{token}"));
    assert_eq!(t.status_of(&admin, id).await, "waiting");

    t.post(
        &format!("/api/v1/session-requests/{id}/connect"),
        &admin,
        json!({}),
    )
    .await;
    let prompt = t.assist(Method::GET, link, "prompt", None).await.body["prompt"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Answering without saying which prompt: the field is named, nothing changes.
    let r = step(vec![tok(), ("step", "allow".into())]).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("invalid_input"), Some("prompt_id"))
    );
    // A step that does not exist never reaches the page's code (Leptos answers a form whose
    // fields do not decode by sending the browser back with the error); nothing changes.
    let r = step(vec![tok(), ("step", "teleport".into())])
        .await
        .unwrap();
    assert!(
        !r.status().is_success() && !r.status().is_server_error(),
        "{}",
        r.status()
    );
    assert_eq!(t.status_of(&admin, id).await, "waiting");

    let r = step(vec![tok(), ("step", "allow".into()), ("prompt_id", prompt)])
        .await
        .unwrap();
    assert_eq!(back(&r), format!("/s/{token}"));
    assert_eq!(t.status_of(&admin, id).await, "ready");

    let r = step(vec![tok(), ("step", "decline".into())]).await.unwrap();
    assert_eq!(back(&r), format!("/s/{token}"));
    assert_eq!(t.status_of(&admin, id).await, "closed");
}
