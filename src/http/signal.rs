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

use app::domain::Status;
use serde::{Deserialize, Serialize};

use crate::service::Side;

/// Longest SDP accepted (a screen share's offer is a few KB).
const MAX_SDP: usize = 32 * 1024;
const MAX_CANDIDATE: usize = 1024;
/// Longest chat message, in characters.
pub const MAX_CHAT: usize = 2000;

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum Incoming {
    Offer { sdp: String },
    Answer { sdp: String },
    Ice { candidate: Candidate },
    Hello,
    Chat { text: String },
    Ping,
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

/// Checks a message from `side` (named `sender` in chat) while the request is `status`.
/// `granted`: the end user allowed this sender (always so for the end user's own side); an
/// agent they did not allow may chat but not take part in the screen's signalling.
pub fn check(raw: &str, side: Side, sender: &str, status: Status, granted: bool) -> Verdict {
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
    }
}

/// The refusal sent back to a socket.
pub fn error_message(message: &str) -> String {
    serde_json::json!({"type": "error", "message": message}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_side_says_only_its_part_and_only_in_time() {
        use Side::*;
        use Status::*;
        let offer = r#"{"type":"offer","sdp":"v=0"}"#;
        assert!(matches!(
            check(offer, EndUser, "", InSession, true),
            Verdict::Relay(_)
        ));
        assert!(matches!(
            check(offer, Agent, "", InSession, true),
            Verdict::Refuse(_)
        ));
        assert!(matches!(
            check(offer, EndUser, "", Ready, true),
            Verdict::Refuse(_)
        ));
        let answer = r#"{"type":"answer","sdp":"v=0"}"#;
        assert!(matches!(
            check(answer, Agent, "", InSession, true),
            Verdict::Relay(_)
        ));
        assert!(matches!(
            check(answer, EndUser, "", InSession, true),
            Verdict::Refuse(_)
        ));
        assert!(
            matches!(
                check(answer, Agent, "", InSession, false),
                Verdict::Refuse(_)
            ),
            "an agent the end user did not allow does not answer their screen"
        );
        let chat = r#"{"type":"chat","text":"  hi  "}"#;
        assert!(matches!(
            check(chat, Agent, "", InSession, false),
            Verdict::Chat(_)
        ));
        match check(chat, Agent, "Grace <b>", Ready, true) {
            Verdict::Chat(m) => {
                let v: serde_json::Value = serde_json::from_str(&m).unwrap();
                assert_eq!(v["text"], "hi");
                assert_eq!(v["from"], "Grace <b>");
                assert_eq!(v["side"], "agent");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            check(chat, EndUser, "", Waiting, true),
            Verdict::Refuse(_)
        ));
        assert_eq!(
            check(r#"{"type":"ping"}"#, EndUser, "", Open, true),
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
                    check(raw, EndUser, "", Status::InSession, true),
                    Verdict::Refuse(_)
                ),
                "{raw}"
            );
        }
        let long = format!(r#"{{"type":"chat","text":"{}"}}"#, "x".repeat(MAX_CHAT + 1));
        assert!(matches!(
            check(&long, Agent, "", Status::InSession, true),
            Verdict::Refuse(_)
        ));
        let sdp = format!(r#"{{"type":"offer","sdp":"{}"}}"#, "x".repeat(MAX_SDP + 1));
        assert!(matches!(
            check(&sdp, EndUser, "", Status::InSession, true),
            Verdict::Refuse(_)
        ));
    }
}
