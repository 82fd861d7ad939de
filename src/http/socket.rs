//! The session sockets, one loop for both sides: the end user's
//! (`/api/v1/assist/{token}/ws`) and an agent's (`/api/v1/session-requests/{id}/ws`).
//!
//! Each pushes the request's status as it changes, relays what `signal` allows to the other
//! side, answers `ping` with `pong` (clients measure latency with it), and keeps the end
//! user's presence while open. Limits: 64 KiB per message, a per-socket message rate, and
//! the relay's seats per request.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use app::domain::{AgentId, RequestId, SessionRequest, Status};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use governor::{Quota, RateLimiter};
use serde_json::json;

use super::AppState;
use super::json::PromptJson;
use super::signal::{self, Verdict};
use super::signin_guard::SignInGuard;
use crate::service::{Device, Grants, Seat, Service, Side};

/// Largest message a session socket accepts (an SDP offer is a few KB).
const MAX_MESSAGE: usize = 64 * 1024;
const HEARTBEAT: Duration = Duration::from_secs(20);
/// Messages per second a socket may send, with a burst for a batch of ICE candidates.
const RATE: u32 = 20;
const BURST: u32 = 60;
/// Input events per second (the portal sends pointer moves at most 60 times a second), with
/// a burst for fast typing; counted apart from the rest.
const INPUT_RATE: u32 = 120;
const INPUT_BURST: u32 = 240;
/// The change event of the end user arriving or leaving (nothing stored changed).
const PRESENCE: &str = "presence";
/// WebSocket close code: the peer broke a rule (RFC 6455 §7.4.1).
const POLICY: u16 = 1008;

/// Who is on the socket.
pub struct Peer {
    id: RequestId,
    side: Side,
    /// Shown as the sender of chat messages.
    name: String,
    seat: Seat,
    /// The end user's credentials, to read their view of the request again.
    link: Option<(String, Device)>,
    status: Status,
    /// An agent's sign-in, checked for as long as the socket is open.
    guard: Option<SignInGuard>,
    agent: Option<AgentId>,
    /// The end user allowed this agent in the current session: they alone receive the
    /// screen (offer, the end user's ICE candidates) and may answer it. The end user's side
    /// is always `true`.
    granted: bool,
    /// An agent: the end user gave them control (input and clipboard pass). The end user:
    /// some agent has control (their clipboard passes, to that agent only).
    controls: bool,
}

impl Peer {
    pub fn end_user(rec: SessionRequest, seat: Seat, token: String, device: Device) -> Peer {
        Peer {
            id: rec.id,
            side: Side::EndUser,
            name: rec.recipient_name.clone(),
            seat,
            link: Some((token, device)),
            status: rec.status_at(jiff::Timestamp::now()),
            guard: None,
            agent: None,
            granted: true,
            controls: false,
        }
    }

    pub fn agent(
        rec: &SessionRequest,
        seat: Seat,
        name: String,
        agent: AgentId,
        guard: SignInGuard,
    ) -> Peer {
        Peer {
            id: rec.id,
            side: Side::Agent,
            name,
            seat,
            link: None,
            status: rec.status_at(jiff::Timestamp::now()),
            guard: Some(guard),
            agent: Some(agent),
            granted: false,
            controls: false,
        }
    }

    /// Whether a message from the other side is for this socket: the screen goes only to the
    /// agents the end user allowed.
    /// The end user's clipboard goes only to the agent in control.
    fn hears(&self, relayed: &str) -> bool {
        match signal::message_type(relayed) {
            None => false,
            Some(kind) => match kind {
                "offer" | "ice" | "monitors" => self.granted,
                "clipboard" => self.controls,
                _ => true,
            },
        }
    }

    fn sender(&self) -> signal::Sender<'_> {
        signal::Sender {
            side: self.side,
            name: &self.name,
            granted: self.granted,
            controls: self.controls,
            agent: self.agent,
        }
    }

    /// The status message for this side, or `None` when the request is gone for it.
    fn snapshot(&mut self, svc: &Service) -> Option<String> {
        let rec = match &self.link {
            Some((token, device)) => svc.assist_request(token, device).ok()?,
            None => svc.session_request(self.id).ok()?,
        };
        self.status = rec.status_at(jiff::Timestamp::now());
        // The grant matters only for the screen's signalling, which needs a session under
        // way or about to start: other changes (presence comes and goes often) read no
        // timeline.
        let live = matches!(self.status, Status::Ready | Status::InSession);
        let grants = if live {
            svc.grants(self.id).ok()?
        } else {
            Grants::default()
        };
        let in_session = self.status == Status::InSession;
        let sides = svc.relay().sides(self.id);
        let grace_secs = svc.settings().disconnect_grace.as_secs();
        if let Some(agent) = self.agent {
            self.granted = grants.allowed.contains(&agent);
            self.controls = in_session && grants.controller == Some(agent);
        } else {
            self.controls = in_session && grants.controller.is_some();
        }
        let msg = match self.side {
            Side::EndUser => {
                let prompt = rec
                    .prompt
                    .as_ref()
                    .filter(|_| self.status == Status::Waiting)
                    .map(PromptJson::from);
                let control = grants
                    .controller
                    .filter(|_| in_session)
                    .map(|a| json!({ "agent_id": a.to_string() }));
                json!({
                    "type": "status",
                    "status": self.status.as_str(),
                    "prompt": prompt,
                    "control": control,
                    "peer": sides.agents,
                    "grace_secs": grace_secs,
                    "over": svc.session_over(&rec).ok()?,
                })
            }
            Side::Agent => json!({
                "type": "status",
                "status": self.status.as_str(),
                "online": svc.presence().is_present(self.id),
                "in_control": self.controls,
                "peer": sides.end_user,
                "grace_secs": grace_secs,
                // A connect prompt awaiting the end user's answer, with the time left.
                "asking": rec.prompt.as_ref().filter(|_| self.status == Status::Waiting).map(|p| {
                    let timeout = svc.settings().consent_timeout.as_secs() as i64;
                    let waited = jiff::Timestamp::now().duration_since(p.asked_at).as_secs();
                    json!({
                        "recipient": rec.recipient_name,
                        "agent_name": p.agent_name,
                        "remaining_secs": (timeout - waited).clamp(0, timeout),
                    })
                }),
            }),
        };
        Some(msg.to_string())
    }
}

pub fn upgrade(ws: WebSocketUpgrade, st: AppState, peer: Peer) -> Response {
    // Small buffers that grow on demand: thousands of mostly idle sockets are the normal
    // case (the defaults reserve 128 KiB each way per socket).
    // The transport takes up to twice the limit, so a message just over it is read and
    // answered with a policy close naming the reason; far larger ones fail in the transport
    // and are answered the same way, as far as the connection allows.
    ws.max_message_size(2 * MAX_MESSAGE)
        .max_frame_size(2 * MAX_MESSAGE)
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .on_upgrade(move |socket| run(socket, st, peer))
}

async fn run(socket: WebSocket, st: AppState, mut peer: Peer) {
    let svc = st.svc.clone();
    let end_user = peer.side == Side::EndUser;
    if end_user && svc.presence().socket_opened(peer.id) {
        announce(&svc, peer.id);
    }
    serve(socket, &st, &mut peer).await;
    if end_user && svc.presence().socket_closed(peer.id) {
        announce(&svc, peer.id);
    }
}

/// The end user came or went: agents' views update their "online" mark.
fn announce(svc: &Arc<Service>, id: RequestId) {
    if let Ok(rec) = svc.session_request(id) {
        svc.announce(&rec, PRESENCE);
    }
}

async fn serve(socket: WebSocket, st: &AppState, peer: &mut Peer) {
    let svc = &st.svc;
    let (mut tx, mut rx) = socket.split();
    let limiter = RateLimiter::direct(
        Quota::per_second(NonZeroU32::new(RATE).expect("non-zero"))
            .allow_burst(NonZeroU32::new(BURST).expect("non-zero")),
    );
    let input_limiter = RateLimiter::direct(
        Quota::per_second(NonZeroU32::new(INPUT_RATE).expect("non-zero"))
            .allow_burst(NonZeroU32::new(INPUT_BURST).expect("non-zero")),
    );
    // Held apart from `peer`, whose fields the loop borrows too.
    let mut guard = peer.guard.take();
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    match peer.snapshot(svc) {
        Some(msg) => {
            if tx.send(Message::Text(msg.into())).await.is_err() {
                return;
            }
        }
        None => return,
    }
    loop {
        tokio::select! {
            _ = st.shutdown.cancelled() => break,
            why = signin_lost(&mut guard) => {
                close(&mut tx, &mut rx, why).await;
                break;
            }
            _ = heartbeat.tick() => {
                if tx.send(Message::Ping(Vec::new().into())).await.is_err() { break; }
            }
            change = peer.seat.changes.recv() => {
                let Some(event) = change else { break };
                if event == PRESENCE && peer.side == Side::EndUser {
                    // Their own coming and going is news to agents only.
                    continue;
                }
                if event == "link_released" && peer.side == Side::EndUser {
                    // An agent gave the link to another device: this one is done.
                    let _ = tx.send(Message::Text(json!({"type":"status","status":"released"}).to_string().into())).await;
                    break;
                }
                let Some(msg) = peer.snapshot(svc) else {
                    // The link ended (closed, expired, reopened): say so and hang up.
                    let _ = tx.send(Message::Text(json!({"type":"status","status":"closed"}).to_string().into())).await;
                    break;
                };
                if tx.send(Message::Text(msg.into())).await.is_err() { break; }
            }
            relayed = peer.seat.inbox.recv() => match relayed {
                Some(m) if peer.hears(&m) => if tx.send(Message::Text(m.to_string().into())).await.is_err() { break; },
                Some(_) => continue,
                None => break,
            },
            incoming = rx.next() => {
                let text = match incoming {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Binary(_))) => {
                        if tx.send(Message::Text(signal::error_message("send text messages").into())).await.is_err() { break; }
                        continue;
                    }
                    Some(Ok(Message::Close(_))) | None => break,
                    Some(Err(_)) => {
                        close(&mut tx, &mut rx, "message too big or malformed").await;
                        break;
                    }
                    // Pings and pongs: signs of life.
                    Some(Ok(_)) => {
                        if peer.side == Side::EndUser { svc.presence().touch(peer.id); }
                        continue;
                    }
                };
                if text.len() > MAX_MESSAGE {
                    close(&mut tx, &mut rx, "message too big (64 KiB at most)").await;
                    break;
                }
                let over = if signal::is_input(&text) {
                    input_limiter.check().is_err()
                } else {
                    limiter.check().is_err()
                };
                if over {
                    close(&mut tx, &mut rx, "too many messages").await;
                    break;
                }
                // Nothing an agent says passes on without their sign-in and right rechecked.
                if let Some(why) = guard.as_ref().and_then(SignInGuard::check) {
                    close(&mut tx, &mut rx, why).await;
                    break;
                }
                if peer.side == Side::EndUser { svc.presence().touch(peer.id); }
                let mut verdict = signal::check(&text, peer.sender(), peer.status);
                if matches!(verdict, Verdict::Refuse(_)) {
                    // The status and grants this socket knows may be a moment behind a change
                    // still queued for it (the other side heard it first and answered): read
                    // them afresh once before refusing.
                    let _ = peer.snapshot(svc);
                    verdict = signal::check(&text, peer.sender(), peer.status);
                }
                let reply = match verdict {
                    Verdict::Relay(m) => {
                        peer.seat.send(m);
                        None
                    }
                    Verdict::Chat(m) => {
                        peer.seat.send(m.clone());
                        Some(m)
                    }
                    Verdict::Ping => Some(json!({"type":"pong"}).to_string()),
                    Verdict::Refuse(why) => Some(signal::error_message(&why)),
                };
                if let Some(r) = reply
                    && tx.send(Message::Text(r.into())).await.is_err()
                {
                    break;
                }
            }
        }
    }
}

/// Resolves when an agent's sign-in ends or loses the right to connect (never for the end
/// user, whose link is checked on every change instead).
async fn signin_lost(guard: &mut Option<SignInGuard>) -> &'static str {
    match guard {
        Some(g) => g.lost().await,
        None => std::future::pending().await,
    }
}

/// Closes the socket for breaking a rule (1008, with the reason), then reads what is still in
/// flight, briefly: closing with unread data makes the kernel reset the connection, and the
/// peer would never see why.
async fn close(
    tx: &mut futures_util::stream::SplitSink<WebSocket, Message>,
    rx: &mut futures_util::stream::SplitStream<WebSocket>,
    why: &'static str,
) {
    let frame = CloseFrame {
        code: POLICY,
        reason: why.into(),
    };
    let _ = tx.send(Message::Close(Some(frame))).await;
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(Ok(m)) = rx.next().await {
            if matches!(m, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}
