//! Live channels are tied to the sign-in that opened them: when it ends or loses its right,
//! an agent's event stream ends and their session socket closes (1008, with a reason) within
//! a second. And the end user's screen goes only to the agent they allowed.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::harness::{DEVICE, Socket, TestServer, next_json, send_json};

/// How long a revocation may take to reach a live channel (the promise is a second; the
/// rest is the test's own scheduling on a busy machine).
const WITHIN: Duration = Duration::from_millis(1500);

/// Waits for the socket to be closed by the server with 1008; returns the reason.
async fn policy_close(ws: &mut Socket, within: Duration) -> String {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("the socket closed in time");
        match msg {
            Some(Ok(Message::Close(Some(frame)))) => {
                assert_eq!(frame.code, CloseCode::Policy, "{frame:?}");
                return frame.reason.to_string();
            }
            Some(Ok(Message::Close(None))) | None | Some(Err(_)) => {
                panic!("the socket ended without a 1008 close frame")
            }
            Some(Ok(_)) => continue,
        }
    }
}

/// Waits for the event stream to end (the body finishes).
async fn stream_ends(events: &mut reqwest::Response, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, events.chunk()).await {
            Err(_) => panic!("the event stream is still open after {within:?}"),
            Ok(Ok(None)) | Ok(Err(_)) => return,
            Ok(Ok(Some(_))) => continue,
        }
    }
}

/// An agent with the right to connect, their open event stream and session socket on a
/// waiting request.
struct Live {
    id: String,
    token: String,
    events: reqwest::Response,
    socket: Socket,
}

async fn live_agent(t: &TestServer, admin: &str, email: &str) -> Live {
    let (id, token) = t.agent(admin, email, true, true).await;
    let req = t.create(admin, json!({})).await;
    t.checkin(req["link"].as_str().unwrap()).await;
    let events = t.events(&token).await;
    assert_eq!(events.status(), StatusCode::OK);
    let mut socket = t
        .agent_socket(req["id"].as_str().unwrap(), &token)
        .await
        .unwrap();
    assert_eq!(next_json(&mut socket).await["type"], "status");
    Live {
        id,
        token,
        events,
        socket,
    }
}

/// An administrator's change to an agent, which must succeed.
async fn change_agent(t: &TestServer, admin: &str, id: &str, body: serde_json::Value) {
    let r = t.patch(&format!("/api/v1/agents/{id}"), admin, body).await;
    assert!(r.status.is_success(), "{}", r.body);
}

async fn assert_cut_off(live: &mut Live, what: &str) {
    let started = Instant::now();
    let reason = policy_close(&mut live.socket, WITHIN).await;
    assert!(!reason.is_empty(), "{what}: the close says why");
    stream_ends(&mut live.events, WITHIN).await;
    eprintln!("{what}: cut off after {:?} ({reason})", started.elapsed());
}

#[tokio::test]
async fn an_agents_stream_and_socket_end_when_their_sign_in_ends_or_loses_its_right() {
    let t = TestServer::start().await;
    let admin = t.admin().await;

    let mut l = live_agent(&t, &admin, "out@example.com").await;
    let r = t.post("/api/v1/auth/logout", &l.token, json!({})).await;
    assert!(r.status.is_success(), "{}", r.body);
    assert_cut_off(&mut l, "signed out").await;

    let mut l = live_agent(&t, &admin, "everywhere@example.com").await;
    let r = t.post("/api/v1/auth/logout-all", &l.token, json!({})).await;
    assert!(r.status.is_success(), "{}", r.body);
    assert_cut_off(&mut l, "signed out everywhere").await;

    // A password change ends the agent's *other* sign-ins: the channel opened by another.
    let mut l = live_agent(&t, &admin, "pw@example.com").await;
    let other = t.login("pw@example.com", "password123").await;
    let r = t
        .post(
            "/api/v1/me/password",
            &other,
            json!({"current_password": "password123", "new_password": "another password"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    assert_cut_off(&mut l, "own password changed elsewhere").await;

    let mut l = live_agent(&t, &admin, "reset@example.com").await;
    change_agent(&t, &admin, &l.id, json!({"password": "reset by admin"})).await;
    assert_cut_off(&mut l, "password reset by an admin").await;

    let mut l = live_agent(&t, &admin, "disabled@example.com").await;
    change_agent(&t, &admin, &l.id, json!({"disabled": true})).await;
    assert_cut_off(&mut l, "disabled").await;

    // Losing a permission: without *edit* the socket closes, without *view* the stream ends.
    let mut l = live_agent(&t, &admin, "demoted@example.com").await;
    change_agent(
        &t,
        &admin,
        &l.id,
        json!({"permissions": {"view_session_requests": true, "edit_session_requests": false}}),
    )
    .await;
    policy_close(&mut l.socket, WITHIN).await;
    change_agent(
        &t,
        &admin,
        &l.id,
        json!({"permissions": {"view_session_requests": false, "edit_session_requests": false}}),
    )
    .await;
    stream_ends(&mut l.events, WITHIN).await;

    // An admin who loses the role (and so every right) is cut off too.
    let mut l = live_agent(&t, &admin, "former-admin@example.com").await;
    change_agent(&t, &admin, &l.id, json!({"role": "admin"})).await;
    change_agent(&t, &admin, &l.id, json!({"role": "agent", "permissions": {"view_session_requests": false, "edit_session_requests": false}})).await;
    assert_cut_off(&mut l, "role and permissions removed").await;

    // Unrelated agents keep theirs.
    let mut kept = live_agent(&t, &admin, "kept@example.com").await;
    change_agent(&t, &admin, &l.id, json!({"disabled": true})).await;
    assert!(
        tokio::time::timeout(Duration::from_millis(1200), kept.socket.next())
            .await
            .is_err(),
        "another agent's change left this socket alone"
    );
}

#[tokio::test]
async fn an_idle_sign_in_that_times_out_ends_its_live_channels() {
    let t = TestServer::start_with(|c| c.session_idle_timeout = Duration::from_secs(3)).await;
    let admin = t.admin().await;
    let mut l = live_agent(&t, &admin, "idle@example.com").await;
    let opened = Instant::now();
    // An open stream is not activity: the sign-in times out after 3 s idle.
    let reason = policy_close(&mut l.socket, Duration::from_secs(3) + WITHIN).await;
    stream_ends(&mut l.events, WITHIN).await;
    assert!(
        opened.elapsed() >= Duration::from_secs(2),
        "closed before the idle timeout: {:?} ({reason})",
        opened.elapsed()
    );
    assert_eq!(
        t.get("/api/v1/me", &l.token).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn only_the_agent_the_end_user_allowed_receives_their_screen() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (_, other) = t.agent(&admin, "other@example.com", true, true).await;
    let req = t.create(&admin, json!({})).await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());
    t.checkin(link).await;
    let mut asked = t.agent_socket(id, &admin).await.unwrap();
    let mut bystander = t.agent_socket(id, &other).await.unwrap();
    let mut user = t.end_user_socket(link, DEVICE).await;
    next_json(&mut asked).await;
    next_json(&mut bystander).await;
    next_json(&mut user).await;

    assert_eq!(
        t.connect_and_answer(&admin, &req, "allow").await.status,
        StatusCode::OK
    );
    let r = t
        .post(
            &format!("/api/v1/session-requests/{id}/start"),
            &admin,
            json!({}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    while next_json(&mut asked).await["status"] != "in_session" {}
    while next_json(&mut bystander).await["status"] != "in_session" {}
    while next_json(&mut user).await["status"] != "in_session" {}

    send_json(&mut user, json!({"type": "offer", "sdp": "v=0 screen"})).await;
    let candidate = json!({"candidate": "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "sdpMid": "0", "sdpMLineIndex": 0});
    send_json(&mut user, json!({"type": "ice", "candidate": candidate})).await;
    send_json(
        &mut user,
        json!({"type": "chat", "text": "can you see it?"}),
    )
    .await;
    assert_eq!(next_json(&mut asked).await["sdp"], "v=0 screen");
    assert_eq!(next_json(&mut asked).await["type"], "ice");
    assert_eq!(next_json(&mut asked).await["type"], "chat");
    // The bystander hears the chat, and neither the offer nor the candidate before it.
    let first = next_json(&mut bystander).await;
    assert_eq!(
        (first["type"].as_str(), first["text"].as_str()),
        (Some("chat"), Some("can you see it?")),
        "the agent the end user did not allow got {first}"
    );
    send_json(
        &mut bystander,
        json!({"type": "answer", "sdp": "v=0 hijack"}),
    )
    .await;
    let refused = next_json(&mut bystander).await;
    assert_eq!(refused["type"], "error", "{refused}");
    send_json(&mut asked, json!({"type": "answer", "sdp": "v=0 answer"})).await;
    // The end user sees its own chat echoed, then only the allowed agent's answer.
    assert_eq!(next_json(&mut user).await["type"], "chat");
    assert_eq!(next_json(&mut user).await["sdp"], "v=0 answer");
}
