//! What the session sockets may say to each other. Every message is parsed, checked against
//! the sender's side and the request's status, and re-written from the parsed fields before
//! it is passed on: the relay never forwards bytes it did not understand, and chat carries a
//! sender name the server chose.
//!
//! | type     | from              | while                 |
//! |----------|-------------------|-----------------------|
//! | `offer`  | end user          | `in_session`          |
//! | `answer` | agent             | `in_session`          |
//! | `ice`    | either            | `in_session`          |
//! | `hello`  | agent (asks for a fresh offer) | `in_session` |
//! | `chat`   | either            | `ready`, `in_session` |
//! | `ping`   | either (keeps presence; not passed on) | any |
//! | `control_request` | allowed agent (asks the end user for control) | `in_session` |
//! | `input`  | the agent in control (mouse, keys, text) | `in_session` |
//! | `clipboard` | the agent in control, or the end user while someone has control | `in_session` |
//! | `monitors` | end user (their screens, and the one shown) | `in_session` |
//! | `monitor` | allowed agent (show screen `index` instead) | `in_session` |
//!
//! Everything but `ping` and `chat` needs the end user's consent to connect; `input` and
//! `clipboard` need their grant of control too (`POST /api/v1/assist/{token}/control`).

use app::domain::{AgentId, Status};
use serde::{Deserialize, Serialize};
use wire::input::InputEvent;

use crate::service::Side;

/// Longest SDP accepted (a screen share's offer is a few KB).
const MAX_SDP: usize = 32 * 1024;
const MAX_CANDIDATE: usize = 1024;
/// Longest chat message, in characters.
pub const MAX_CHAT: usize = 2000;
/// Longest clipboard text passed on, in characters.
pub const MAX_CLIPBOARD: usize = 16 * 1024;

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum Incoming {
    Offer {
        sdp: String,
    },
    Answer {
        sdp: String,
    },
    Ice {
        candidate: Candidate,
    },
    Hello,
    Chat {
        text: String,
    },
    Ping,
    /// A struct variant: unit variants of a tagged enum let unknown fields through.
    ControlRequest {},
    Input {
        event: InputEvent,
    },
    Clipboard {
        text: String,
    },
    Monitors {
        monitors: Vec<MonitorInfo>,
        selected: usize,
    },
    Monitor {
        index: usize,
    },
}

/// Most screens an end user's list may name.
const MAX_MONITORS: usize = 16;

/// One of the end user's screens, as the agent's switcher shows it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MonitorInfo {
    width: u32,
    height: u32,
    #[serde(default)]
    primary: bool,
}

/// Who sent a message, as the socket knows them.
#[derive(Debug, Clone, Copy)]
pub struct Sender<'a> {
    pub side: Side,
    /// Shown as the sender of chat messages.
    pub name: &'a str,
    /// The end user allowed this sender to connect (always so for the end user's side).
    pub granted: bool,
    /// An agent: they have control. The end user: some agent has control.
    pub controls: bool,
    /// An agent's ID, stamped on their control requests.
    pub agent: Option<AgentId>,
}

/// A message's `type`, read without parsing the rest (`None` for anything unreadable).
pub fn message_type(raw: &str) -> Option<&str> {
    #[derive(Deserialize)]
    struct Kind<'a> {
        #[serde(rename = "type", borrow)]
        kind: &'a str,
    }
    serde_json::from_str::<Kind<'_>>(raw).ok().map(|k| k.kind)
}

/// Whether a raw message is an input event (counted against its own, higher rate).
pub fn is_input(raw: &str) -> bool {
    message_type(raw) == Some("input")
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Candidate {
    candidate: String,
    #[serde(default)]
    sdp_mid: Option<String>,
    #[serde(default)]
    sdp_m_line_index: Option<u16>,
}

/// What to do with one message from a socket.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Pass this (re-written) message to the other side.
    Relay(String),
    /// A chat message: pass it on, and show it to its sender too, as the server stamped it.
    Chat(String),
    /// A sign of life only.
    Ping,
    /// Refused; tell the sender why.
    Refuse(String),
}

/// Checks a message from `from` while the request is `status`. An agent the end user did not
/// allow may chat but not take part in the screen's signalling; only the agent in control
/// sends input.
pub fn check(raw: &str, from: Sender<'_>, status: Status) -> Verdict {
    let Sender {
        side,
        name: sender,
        granted,
        controls,
        agent,
    } = from;
    let msg: Incoming = match serde_json::from_str(raw) {
        Ok(m) => m,
        Err(e) => return Verdict::Refuse(format!("not a message this socket takes: {e}")),
    };
    let in_session = status == Status::InSession;
    if !granted && !matches!(msg, Incoming::Ping | Incoming::Chat { .. }) {
        return Verdict::Refuse(format!(
            "{}: the end user has not allowed you to connect; ask them first",
            kind(&msg)
        ));
    }
    let out = match (msg, side) {
        (Incoming::Ping, _) => return Verdict::Ping,
        (Incoming::Offer { sdp }, Side::EndUser) | (Incoming::Answer { sdp }, Side::Agent)
            if in_session =>
        {
            if sdp.len() > MAX_SDP {
                return Verdict::Refuse("sdp: too long".into());
            }
            let kind = if side == Side::EndUser {
                "offer"
            } else {
                "answer"
            };
            serde_json::json!({"type": kind, "sdp": sdp})
        }
        (Incoming::Ice { candidate }, _) if in_session => {
            if candidate.candidate.len() > MAX_CANDIDATE
                || candidate.sdp_mid.as_ref().is_some_and(|m| m.len() > 64)
            {
                return Verdict::Refuse("candidate: too long".into());
            }
            serde_json::json!({"type": "ice", "candidate": candidate})
        }
        (Incoming::Hello, Side::Agent) if in_session => serde_json::json!({"type": "hello"}),
        (Incoming::ControlRequest {}, Side::Agent) if in_session => serde_json::json!({
            "type": "control_request",
            "agent_id": agent.map(|a| a.to_string()),
            "agent_name": sender,
        }),
        (Incoming::Input { .. } | Incoming::Clipboard { .. }, _) if in_session && !controls => {
            return Verdict::Refuse(
                "input and clipboard need the end user's grant of control".into(),
            );
        }
        (Incoming::Input { event }, Side::Agent) if in_session => {
            if let Some(why) = event.invalid() {
                return Verdict::Refuse(why.into());
            }
            serde_json::json!({"type": "input", "event": event})
        }
        (Incoming::Clipboard { text }, _) if in_session => {
            if text.chars().count() > MAX_CLIPBOARD {
                return Verdict::Refuse(format!("text: at most {MAX_CLIPBOARD} characters"));
            }
            serde_json::json!({"type": "clipboard", "text": text})
        }
        (Incoming::Monitors { monitors, selected }, Side::EndUser) if in_session => {
            if monitors.is_empty() || monitors.len() > MAX_MONITORS || selected >= monitors.len() {
                return Verdict::Refuse(format!(
                    "monitors: 1 to {MAX_MONITORS}, and `selected` one of them"
                ));
            }
            serde_json::json!({"type": "monitors", "monitors": monitors, "selected": selected})
        }
        (Incoming::Monitor { index }, Side::Agent) if in_session => {
            if index >= MAX_MONITORS {
                return Verdict::Refuse("index: no such screen".into());
            }
            serde_json::json!({"type": "monitor", "index": index})
        }
        (Incoming::Chat { text }, _) if in_session || status == Status::Ready => {
            let text = text.trim();
            if text.is_empty() || text.chars().count() > MAX_CHAT {
                return Verdict::Refuse(format!("text: 1 to {MAX_CHAT} characters"));
            }
            let msg = serde_json::json!({
                "type": "chat",
                "from": sender,
                "side": match side { Side::Agent => "agent", Side::EndUser => "end_user" },
                "text": text,
                "at": jiff::Timestamp::now().to_string(),
            });
            return Verdict::Chat(msg.to_string());
        }
        (m, _) => {
            return Verdict::Refuse(format!(
                "{} is not allowed from this side while the request is {}",
                kind(&m),
                status.as_str()
            ));
        }
    };
    Verdict::Relay(out.to_string())
}

fn kind(m: &Incoming) -> &'static str {
    match m {
        Incoming::Offer { .. } => "offer",
        Incoming::Answer { .. } => "answer",
        Incoming::Ice { .. } => "ice",
        Incoming::Hello => "hello",
        Incoming::Chat { .. } => "chat",
        Incoming::Ping => "ping",
        Incoming::ControlRequest {} => "control_request",
        Incoming::Input { .. } => "input",
        Incoming::Clipboard { .. } => "clipboard",
        Incoming::Monitors { .. } => "monitors",
        Incoming::Monitor { .. } => "monitor",
    }
}

/// The refusal sent back to a socket.
pub fn error_message(message: &str) -> String {
    serde_json::json!({"type": "error", "message": message}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sender without control.
    fn c(raw: &str, side: Side, name: &str, status: Status, granted: bool) -> Verdict {
        let from = Sender {
            side,
            name,
            granted,
            controls: false,
            agent: None,
        };
        check(raw, from, status)
    }

    fn agent(granted: bool, controls: bool) -> Sender<'static> {
        Sender {
            side: Side::Agent,
            name: "Ada",
            granted,
            controls,
            agent: Some(AgentId::from_u128(7)),
        }
    }

    fn end_user(controls: bool) -> Sender<'static> {
        Sender {
            side: Side::EndUser,
            name: "Felix",
            granted: true,
            controls,
            agent: None,
        }
    }

    fn refused(v: Verdict) -> bool {
        matches!(v, Verdict::Refuse(_))
    }

    #[test]
    fn input_passes_only_from_the_agent_in_control_in_session() {
        let click = r#"{"type":"input","event":{"kind":"button","button":"left","down":true,"x":0.5,"y":0.25}}"#;
        match check(click, agent(true, true), Status::InSession) {
            Verdict::Relay(m) => {
                let v: serde_json::Value = serde_json::from_str(&m).unwrap();
                assert_eq!(v["event"]["kind"], "button");
                assert_eq!(v["event"]["button"], "left");
                assert_eq!(v["event"]["x"], 0.5);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            refused(check(click, agent(true, false), Status::InSession)),
            "no grant of control"
        );
        assert!(
            refused(check(click, agent(false, true), Status::InSession)),
            "not allowed to connect"
        );
        assert!(
            refused(check(click, agent(true, true), Status::Ready)),
            "not in session"
        );
        assert!(
            refused(check(click, end_user(true), Status::InSession)),
            "not from the end user"
        );
        for bad in [
            r#"{"type":"input","event":{"kind":"move","x":1.5,"y":0}}"#,
            r#"{"type":"input","event":{"kind":"move","x":-0.1,"y":0}}"#,
            r#"{"type":"input","event":{"kind":"wheel","dx":0,"dy":500}}"#,
            r#"{"type":"input","event":{"kind":"key","code":"","down":true}}"#,
            r#"{"type":"input","event":{"kind":"key","code":"Key A; rm","down":true}}"#,
            r#"{"type":"input","event":{"kind":"text","text":"a"}}"#,
            r#"{"type":"input","event":{"kind":"launch","path":"/bin/sh"}}"#,
            r#"{"type":"input","event":{"kind":"move","x":0,"y":0,"extra":1}}"#,
        ] {
            assert!(
                refused(check(bad, agent(true, true), Status::InSession)),
                "{bad}"
            );
        }
        let long = format!(
            r#"{{"type":"input","event":{{"kind":"text","text":"{}"}}}}"#,
            "x".repeat(257)
        );
        assert!(refused(check(&long, agent(true, true), Status::InSession)));
        assert!(is_input(click));
        assert!(!is_input(r#"{"type":"chat","text":"input"}"#));
    }

    #[test]
    fn clipboard_goes_both_ways_only_while_someone_has_control() {
        let clip = r#"{"type":"clipboard","text":"ticket #42"}"#;
        assert!(matches!(
            check(clip, agent(true, true), Status::InSession),
            Verdict::Relay(_)
        ));
        assert!(matches!(
            check(clip, end_user(true), Status::InSession),
            Verdict::Relay(_)
        ));
        assert!(refused(check(clip, agent(true, false), Status::InSession)));
        assert!(refused(check(clip, end_user(false), Status::InSession)));
        let long = format!(
            r#"{{"type":"clipboard","text":"{}"}}"#,
            "x".repeat(MAX_CLIPBOARD + 1)
        );
        assert!(refused(check(&long, agent(true, true), Status::InSession)));
    }

    #[test]
    fn a_control_request_is_stamped_with_the_asking_agent() {
        let ask = r#"{"type":"control_request"}"#;
        match check(ask, agent(true, false), Status::InSession) {
            Verdict::Relay(m) => {
                let v: serde_json::Value = serde_json::from_str(&m).unwrap();
                assert_eq!(v["agent_id"], AgentId::from_u128(7).to_string());
                assert_eq!(v["agent_name"], "Ada");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            refused(check(ask, agent(false, false), Status::InSession)),
            "not allowed"
        );
        assert!(refused(check(ask, agent(true, false), Status::Ready)));
        assert!(refused(check(ask, end_user(false), Status::InSession)));
        assert!(refused(check(
            r#"{"type":"control_request","agent_id":"x"}"#,
            agent(true, false),
            Status::InSession
        )));
    }

    #[test]
    fn each_side_says_only_its_part_and_only_in_time() {
        use Side::*;
        use Status::*;
        let offer = r#"{"type":"offer","sdp":"v=0"}"#;
        assert!(matches!(
            c(offer, EndUser, "", InSession, true),
            Verdict::Relay(_)
        ));
        assert!(matches!(
            c(offer, Agent, "", InSession, true),
            Verdict::Refuse(_)
        ));
        assert!(matches!(
            c(offer, EndUser, "", Ready, true),
            Verdict::Refuse(_)
        ));
        let answer = r#"{"type":"answer","sdp":"v=0"}"#;
        assert!(matches!(
            c(answer, Agent, "", InSession, true),
            Verdict::Relay(_)
        ));
        assert!(matches!(
            c(answer, EndUser, "", InSession, true),
            Verdict::Refuse(_)
        ));
        assert!(
            matches!(c(answer, Agent, "", InSession, false), Verdict::Refuse(_)),
            "an agent the end user did not allow does not answer their screen"
        );
        let chat = r#"{"type":"chat","text":"  hi  "}"#;
        assert!(matches!(
            c(chat, Agent, "", InSession, false),
            Verdict::Chat(_)
        ));
        match c(chat, Agent, "Grace <b>", Ready, true) {
            Verdict::Chat(m) => {
                let v: serde_json::Value = serde_json::from_str(&m).unwrap();
                assert_eq!(v["text"], "hi");
                assert_eq!(v["from"], "Grace <b>");
                assert_eq!(v["side"], "agent");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            c(chat, EndUser, "", Waiting, true),
            Verdict::Refuse(_)
        ));
        assert_eq!(
            c(r#"{"type":"ping"}"#, EndUser, "", Open, true),
            Verdict::Ping
        );
    }

    #[test]
    fn bad_and_oversized_messages_are_refused() {
        use Side::*;
        for raw in [
            "",
            "not json",
            r#"{"type":"offer"}"#,
            r#"{"type":"shell","cmd":"rm"}"#,
            r#"{"type":"chat","text":""}"#,
            r#"{"type":"hello","extra":1}"#,
        ] {
            assert!(
                matches!(
                    c(raw, EndUser, "", Status::InSession, true),
                    Verdict::Refuse(_)
                ),
                "{raw}"
            );
        }
        let long = format!(r#"{{"type":"chat","text":"{}"}}"#, "x".repeat(MAX_CHAT + 1));
        assert!(matches!(
            c(&long, Agent, "", Status::InSession, true),
            Verdict::Refuse(_)
        ));
        let sdp = format!(r#"{{"type":"offer","sdp":"{}"}}"#, "x".repeat(MAX_SDP + 1));
        assert!(matches!(
            c(&sdp, EndUser, "", Status::InSession, true),
            Verdict::Refuse(_)
        ));
    }
}
