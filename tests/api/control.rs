//! Control of the end user's computer through real HTTP and real sockets: only the end user
//! grants and takes it back (`POST /api/v1/assist/{token}/control`), the timeline says who and
//! when, and `input` and `clipboard` pass only from the agent in control, only in session,
//! bounded and rate-capped.

use std::time::Duration;

use app::domain::Status;
use futures_util::{SinkExt, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::harness::{DEVICE, Socket, TestServer, next_json, send_json};

/// Reads pushes until a `status` one satisfying `done` (other pushes are skipped).
async fn status_until(ws: &mut Socket, done: impl Fn(&Value) -> bool) -> Value {
    loop {
        let m = next_json(ws).await;
        if m["type"] == "status" && done(&m) {
            return m;
        }
    }
}

/// The next push that is not a status one (presence comes and goes meanwhile).
async fn next_msg(ws: &mut Socket) -> Value {
    loop {
        let m = next_json(ws).await;
        if m["type"] != "status" {
            return m;
        }
    }
}

async fn control(t: &TestServer, link: &str, body: Value) -> (StatusCode, Value) {
    let r = t.assist(Method::POST, link, "control", Some(body)).await;
    (r.status, r.body)
}

/// A request in session with both sides' sockets open: (server, admin token, request JSON,
/// the admin's socket, the end user's socket). Nothing read from the sockets yet.
async fn in_session() -> (TestServer, String, Value, Socket, Socket) {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.request_in(&admin, Status::InSession).await;
    let agent = t
        .agent_socket(req["id"].as_str().unwrap(), &admin)
        .await
        .unwrap();
    let user = t
        .end_user_socket(req["link"].as_str().unwrap(), DEVICE)
        .await;
    (t, admin, req, agent, user)
}

fn click() -> Value {
    json!({"type": "input", "event": {"kind": "button", "button": "left", "down": true, "x": 0.5, "y": 0.25}})
}

#[tokio::test]
async fn input_and_clipboard_pass_only_while_the_end_user_grants_control() {
    let (t, admin, req, mut agent, mut user) = in_session().await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());
    let first = next_json(&mut agent).await;
    assert_eq!(
        (first["status"].as_str(), first["in_control"].as_bool()),
        (Some("in_session"), Some(false))
    );
    let first = next_json(&mut user).await;
    assert_eq!(first["control"], Value::Null);

    // Before any grant nothing acts on the computer, from either side.
    send_json(&mut agent, click()).await;
    assert_eq!(next_msg(&mut agent).await["type"], "error");
    send_json(&mut agent, json!({"type": "clipboard", "text": "x"})).await;
    assert_eq!(next_msg(&mut agent).await["type"], "error");
    send_json(&mut user, click()).await;
    assert_eq!(next_msg(&mut user).await["type"], "error");

    // The agent asks; the end user hears who asks, stamped by the server.
    send_json(&mut agent, json!({"type": "control_request"})).await;
    let asked = next_msg(&mut user).await;
    assert_eq!(asked["type"], "control_request");
    assert_eq!(asked["agent_name"], "Ada Admin");
    let agent_id = asked["agent_id"].as_str().unwrap().to_owned();

    // Control goes only to an agent allowed in this session.
    let (other_id, _) = t.agent(&admin, "other@example.com", true, true).await;
    let (code, body) = control(&t, link, json!({"grant": true, "agent_id": other_id})).await;
    assert_eq!(
        (code, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_allowed"))
    );
    let (code, _) = control(&t, link, json!({"grant": true})).await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "a grant names its agent");

    let (code, body) = control(&t, link, json!({"grant": true, "agent_id": agent_id})).await;
    assert_eq!(
        (code, body["status"].as_str()),
        (StatusCode::OK, Some("in_session"))
    );
    status_until(&mut agent, |s| s["in_control"] == true).await;
    let s = status_until(&mut user, |s| !s["control"].is_null()).await;
    assert_eq!(s["control"]["agent_id"], agent_id.as_str());

    // Now input reaches the end user, rewritten from its parsed fields.
    send_json(&mut agent, click()).await;
    let got = next_msg(&mut user).await;
    assert_eq!(got["type"], "input");
    assert_eq!(got["event"], click()["event"]);
    send_json(
        &mut agent,
        json!({"type": "input", "event": {"kind": "key", "code": "ShiftLeft", "down": true}}),
    )
    .await;
    assert_eq!(next_msg(&mut user).await["event"]["code"], "ShiftLeft");
    // Clipboard both ways.
    send_json(
        &mut agent,
        json!({"type": "clipboard", "text": "ticket #42"}),
    )
    .await;
    assert_eq!(next_msg(&mut user).await["text"], "ticket #42");
    send_json(
        &mut user,
        json!({"type": "clipboard", "text": "C:\\Users\\felix"}),
    )
    .await;
    assert_eq!(next_msg(&mut agent).await["text"], "C:\\Users\\felix");
    // Out of bounds: refused, the socket kept.
    for bad in [
        json!({"type": "input", "event": {"kind": "move", "x": 2.0, "y": 0.5}}),
        json!({"type": "input", "event": {"kind": "key", "code": "Launch(calc)", "down": true}}),
        json!({"type": "input", "event": {"kind": "exec", "cmd": "sh"}}),
        json!({"type": "clipboard", "text": "x".repeat(16 * 1024 + 1)}),
    ] {
        send_json(&mut agent, bad.clone()).await;
        assert_eq!(next_msg(&mut agent).await["type"], "error", "{bad}");
    }
    // The end user still sends no input.
    send_json(&mut user, click()).await;
    assert_eq!(next_msg(&mut user).await["type"], "error");

    // Taken back: the next input is refused again, and so is the end user's clipboard.
    let (code, _) = control(&t, link, json!({"grant": false})).await;
    assert_eq!(code, StatusCode::OK);
    status_until(&mut agent, |s| s["in_control"] == false).await;
    status_until(&mut user, |s| s["control"].is_null()).await;
    send_json(&mut agent, click()).await;
    assert_eq!(next_msg(&mut agent).await["type"], "error");
    send_json(&mut user, json!({"type": "clipboard", "text": "secret"})).await;
    assert_eq!(next_msg(&mut user).await["type"], "error");
    // Taking back twice records nothing more.
    assert_eq!(
        control(&t, link, json!({"grant": false})).await.0,
        StatusCode::OK
    );

    // The timeline says who granted, to whom, and when it was taken back.
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    let control_events: Vec<(String, String, String)> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"].as_str().unwrap().starts_with("control_"))
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["actor"]["type"].as_str().unwrap().to_owned(),
                e["details"]["agent_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        control_events,
        vec![
            (
                "control_granted".into(),
                "end_user".into(),
                agent_id.clone()
            ),
            (
                "control_revoked".into(),
                "end_user".into(),
                agent_id.clone()
            ),
        ]
    );

    // A new grant ends with the session.
    assert_eq!(
        control(&t, link, json!({"grant": true, "agent_id": agent_id}))
            .await
            .0,
        StatusCode::OK
    );
    status_until(&mut agent, |s| s["in_control"] == true).await;
    t.post(
        &format!("/api/v1/session-requests/{id}/end"),
        &admin,
        json!({}),
    )
    .await;
    status_until(&mut agent, |s| {
        s["status"] != "in_session" && s["in_control"] == false
    })
    .await;
    let (code, body) = control(&t, link, json!({"grant": true, "agent_id": agent_id})).await;
    assert_eq!(
        (code, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_transition"))
    );
    t.assert_consistent();
}

#[tokio::test]
async fn typing_fast_passes_and_an_input_flood_is_cut_off() {
    let (t, _, req, mut agent, mut user) = in_session().await;
    let link = req["link"].as_str().unwrap();
    next_json(&mut agent).await;
    next_json(&mut user).await;
    send_json(&mut agent, json!({"type": "control_request"})).await;
    let agent_id = next_msg(&mut user).await["agent_id"]
        .as_str()
        .unwrap()
        .to_owned();
    control(&t, link, json!({"grant": true, "agent_id": agent_id})).await;
    status_until(&mut agent, |s| s["in_control"] == true).await;

    // A burst of 100 key events (fast typing, more than the 60 other messages may burst).
    for i in 0..100 {
        let down = i % 2 == 0;
        send_json(
            &mut agent,
            json!({"type": "input", "event": {"kind": "key", "code": "KeyA", "down": down}}),
        )
        .await;
    }
    let mut heard = 0;
    while heard < 100 {
        let m = tokio::time::timeout(Duration::from_secs(5), next_msg(&mut user))
            .await
            .unwrap();
        if m["type"] == "input" {
            heard += 1;
        }
    }

    // Far beyond the input rate: closed with 1008.
    let mv = json!({"type": "input", "event": {"kind": "move", "x": 0.5, "y": 0.5}}).to_string();
    for _ in 0..1000 {
        if agent.send(Message::Text(mv.clone().into())).await.is_err() {
            break;
        }
    }
    let code = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(m)) = agent.next().await {
            if let Message::Close(Some(f)) = m {
                return Some(u16::from(f.code));
            }
        }
        None
    })
    .await
    .unwrap();
    assert_eq!(code, Some(1008));
}

#[tokio::test]
async fn the_screen_list_and_the_agents_choice_pass_between_the_sides() {
    let (_t, _admin, _req, mut agent, mut user) = in_session().await;
    let list = json!({"type": "monitors", "monitors": [
        {"width": 1920, "height": 1080, "primary": true}, {"width": 1280, "height": 1024}
    ], "selected": 0});
    send_json(&mut user, list).await;
    let m = next_msg(&mut agent).await;
    assert_eq!(
        (
            m["type"].as_str(),
            m["monitors"][1]["width"].as_u64(),
            m["selected"].as_u64()
        ),
        (Some("monitors"), Some(1280), Some(0))
    );
    send_json(&mut agent, json!({"type": "monitor", "index": 1})).await;
    let m = next_msg(&mut user).await;
    assert_eq!(
        (m["type"].as_str(), m["index"].as_u64()),
        (Some("monitor"), Some(1))
    );

    // Bounded and one-way: a bad list, a choice from the end user, a screen past the cap.
    send_json(
        &mut user,
        json!({"type": "monitors", "monitors": [], "selected": 0}),
    )
    .await;
    assert_eq!(next_msg(&mut user).await["type"], "error");
    send_json(&mut user, json!({"type": "monitor", "index": 0})).await;
    assert_eq!(next_msg(&mut user).await["type"], "error");
    send_json(&mut agent, json!({"type": "monitor", "index": 99})).await;
    assert_eq!(next_msg(&mut agent).await["type"], "error");
    send_json(
        &mut agent,
        json!({"type": "monitors", "monitors": [{"width": 1, "height": 1}], "selected": 0}),
    )
    .await;
    assert_eq!(next_msg(&mut agent).await["type"], "error");
}
