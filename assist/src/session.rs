//! The session engine: speaks the public end-user API like the browser page does. It checks
//! in, keeps presence over the session socket, asks (through its front end) when an agent
//! wants access or control, shares the screen over WebRTC while the session runs (`screen`,
//! on the `media` crate), plays the agent's input while control is given (`control`), and
//! carries chat. What happens goes to the front end as `Note`s and the `View`; what the end
//! user does comes back as `Command`s.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::net::answer;
use crate::view::{ChatLine, Command, Note, Ui};
use crate::{control, screen};

/// How often the app says it is still here.
const PING: Duration = Duration::from_secs(15);

/// A request to join: the server's base URL and the link's token.
pub struct Joined {
    pub base: String,
    pub token: String,
    pub tls: rustls::ClientConfig,
}

/// Runs until the request ends, the server goes away, or the front end quits.
pub async fn run(
    joined: Joined,
    ui: Ui,
    mut commands: UnboundedReceiver<Command>,
) -> anyhow::Result<()> {
    let Joined { base, token, tls } = joined;
    let device = crate::net::device_id(&token);
    let http = crate::net::http_client(Some(&device), tls.clone())?;
    let api = Api {
        http: http.clone(),
        base: base.clone(),
        token: token.clone(),
    };

    let checkin = http
        .post(format!("{base}/api/v1/assist/{token}/checkin"))
        .json(&json!({"client": "native", "platform": crate::net::platform()}))
        .send()
        .await
        .with_context(|| format!("cannot reach {base}"))?;
    let body = answer(checkin).await?;
    let org = body["organisation"]
        .as_str()
        .unwrap_or("your support team")
        .to_owned();
    ui.update(|v| {
        v.org = org.clone();
        v.named_agent = body["agent_name"].as_str().map(str::to_owned);
        v.status = body["status"].as_str().unwrap_or("waiting").to_owned();
        if let Some(texts) = body["texts"].as_object() {
            v.texts = texts
                .iter()
                .filter_map(|(k, t)| Some((k.clone(), t.as_str()?.to_owned())))
                .collect();
        }
    });
    ui.note(Note::CheckedIn { org: org.clone() });

    let ws_url = format!(
        "{}/api/v1/assist/{token}/ws",
        base.replacen("http", "ws", 1)
    );
    let mut request = ws_url.into_client_request()?;
    request
        .headers_mut()
        .insert(wire::DEVICE_HEADER, device.parse()?);
    let connector = tokio_tungstenite::Connector::Rustls(Arc::new(tls));
    let (socket, _) =
        tokio_tungstenite::connect_async_tls_with_config(request, None, false, Some(connector))
            .await
            .context("cannot open the session socket")?;
    let (mut tx, mut rx) = socket.split();

    let mut ping = tokio::time::interval(PING);
    // While an agent has control, the end user's copies are looked for this often.
    let mut clipboard_tick = tokio::time::interval(Duration::from_millis(500));
    let mut status = String::from("waiting");
    // Whether an agent holds a socket (the server's `peer`).
    let mut peer = true;
    let mut prompt: Option<String> = None;
    let mut session_start: Option<Instant> = None;
    let mut screen = screen::Screen::new(crate::net::stun_server(&body).await, ui.clone());
    let mut control = control::Control::new(ui.clone());
    loop {
        let command = tokio::select! {
            _ = clipboard_tick.tick(), if control.is_granted() => {
                if let Some(text) = control.clipboard_changed() {
                    tx.send(Message::Text(json!({"type": "clipboard", "text": text}).to_string().into())).await?;
                }
                continue;
            }
            Some(()) = control.hotkey_pressed() => {
                if control.is_granted() {
                    take_back(&mut control, &api).await?;
                }
                continue;
            }
            Some(event) = screen.next_event() => {
                if let Some(say) = screen.on_event(event) {
                    tx.send(Message::Text(say.to_string().into())).await?;
                }
                continue;
            }
            _ = ping.tick() => {
                tx.send(Message::Text(json!({"type": "ping"}).to_string().into())).await?;
                continue;
            }
            command = commands.recv() => command.unwrap_or(Command::Quit),
            msg = rx.next() => {
                let text = match msg {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Close(_))) | None => {
                        ui.note(Note::ServerClosed);
                        return Ok(());
                    }
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => bail!("the session socket failed: {e}"),
                };
                let Ok(push) = serde_json::from_str::<Value>(&text) else { continue };
                match push["type"].as_str() {
                    Some("status") => {
                        let new = push["status"].as_str().unwrap_or("").to_owned();
                        control.sync(&push);
                        let asked = push["prompt"].as_object().map(|p| {
                            let id = p.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
                            let agent = p.get("agent_name").and_then(Value::as_str).unwrap_or("An agent").to_owned();
                            (id, agent)
                        });
                        if let Some((id, agent)) = asked {
                            if prompt.as_deref() != Some(&id) {
                                ui.update(|v| v.view_prompt = Some(agent.clone()));
                                ui.note(Note::ViewAsked { agent, org: org.clone() });
                                prompt = Some(id);
                            }
                        } else if prompt.take().is_some() {
                            ui.update(|v| v.view_prompt = None);
                            if new == "waiting" {
                                ui.note(Note::ViewWithdrawn);
                            }
                        }
                        // The agent's side dropped mid-session: say so once, and again when back.
                        let agents_here = push["peer"].as_bool().unwrap_or(true);
                        let grace_secs = push["grace_secs"].as_u64().unwrap_or(0);
                        if new == "in_session" && agents_here != peer {
                            ui.note(if agents_here { Note::AgentBack } else { Note::AgentLost { grace_secs } });
                        }
                        peer = agents_here;
                        ui.update(|v| {
                            v.peer = agents_here || new != "in_session";
                            v.grace_secs = grace_secs;
                        });
                        if new != status {
                            if new == "in_session" {
                                if let Some(offer) = screen.start() {
                                    tx.send(Message::Text(offer.to_string().into())).await?;
                                }
                            } else if status == "in_session" {
                                screen.stop();
                            }
                            let ended = status == "in_session";
                            if ended {
                                let secs = session_start.take().map_or(0, |s| s.elapsed().as_secs());
                                ui.note(Note::SessionOver { secs });
                            }
                            ui.update(|v| {
                                v.status = new.clone();
                                v.over = (v.over || ended) && new != "in_session";
                            });
                            match new.as_str() {
                                "ready" => ui.note(Note::Ready),
                                "in_session" => {
                                    session_start = Some(Instant::now());
                                    ui.note(Note::SessionStarted);
                                }
                                "waiting" if status != "open" && !ended => ui.note(Note::Waiting),
                                "closed" | "expired" => {
                                    if !ended {
                                        ui.note(Note::RequestEnded);
                                    }
                                    return Ok(());
                                }
                                "released" => {
                                    ui.note(Note::Released);
                                    return Ok(());
                                }
                                _ => {}
                            }
                            status = new;
                        }
                    }
                    Some("chat") if push["side"] == "agent" => {
                        let from = push["from"].as_str().unwrap_or("Support").to_owned();
                        let text = push["text"].as_str().unwrap_or("").to_owned();
                        ui.update(|v| v.chat.push(ChatLine { from: from.clone(), text: text.clone(), mine: false }));
                        ui.note(Note::Chat { from, text });
                    }
                    Some("answer") => {
                        if let Some(offer) = screen.on_answer(push["sdp"].as_str().unwrap_or("")) {
                            tx.send(Message::Text(offer.to_string().into())).await?;
                        }
                    }
                    Some("ice") => screen.on_candidate(push["candidate"]["candidate"].as_str().unwrap_or("")),
                    Some("control_request") => control.asked(&push, &org),
                    Some("input") => control.play(&push),
                    Some("clipboard") => control.put_clipboard(&push),
                    Some("monitor") => {
                        if let Some(list) = screen.select(push["index"].as_u64()) {
                            tx.send(Message::Text(list.to_string().into())).await?;
                        }
                    }
                    Some("hello") => {
                        if let Some(offer) = screen.on_hello() {
                            tx.send(Message::Text(offer.to_string().into())).await?;
                        }
                    }
                    Some("error") => ui.note(Note::Problem(push["message"].as_str().unwrap_or("error").to_owned())),
                    _ => {}
                }
                continue;
            }
        };
        // A terminal line means what the state asks: an answer, `stop`, or chat.
        let command = match command {
            Command::Line(line) => match line_command(&line, &control, prompt.is_some(), &status) {
                Ok(Some(c)) => c,
                Ok(None) => continue,
                Err(hint) => {
                    ui.note(Note::Problem(hint.into()));
                    continue;
                }
            },
            other => other,
        };
        match command {
            Command::Line(_) => continue,
            Command::Quit => {
                ui.note(Note::Left);
                return Ok(());
            }
            Command::AnswerControl(grant) => {
                let Some(asker) = control.pending.take() else {
                    continue;
                };
                ui.update(|v| v.control_prompt = None);
                if !grant {
                    ui.note(Note::ControlDenied);
                    continue;
                }
                let r = api
                    .post("control", json!({"grant": true, "agent_id": asker.id}))
                    .await;
                match r {
                    Ok(_) => control.granted(asker, &org, screen.monitor()),
                    Err(e) => ui.note(Note::Problem(e.to_string())),
                }
            }
            Command::TakeBack => {
                if control.is_granted() {
                    take_back(&mut control, &api).await?;
                }
            }
            Command::AnswerView(allow) => {
                let Some(id) = prompt.take() else { continue };
                ui.update(|v| v.view_prompt = None);
                let decision = if allow { "allow" } else { "deny" };
                match api
                    .post("consent", json!({"prompt_id": id, "decision": decision}))
                    .await
                {
                    Ok(_) => ui.note(Note::ViewAnswered { allowed: allow }),
                    Err(e) => ui.note(Note::Problem(e.to_string())),
                }
            }
            Command::Chat(text) => {
                let text = text.trim().to_owned();
                if !text.is_empty() && matches!(status.as_str(), "ready" | "in_session") {
                    tx.send(Message::Text(
                        json!({"type": "chat", "text": text}).to_string().into(),
                    ))
                    .await?;
                    ui.update(|v| {
                        v.chat.push(ChatLine {
                            from: String::new(),
                            text,
                            mine: true,
                        })
                    });
                }
            }
            Command::End => {
                control.end("the session ended");
                screen.stop();
                if let Err(e) = api.post("end", json!({})).await {
                    ui.note(Note::Problem(e.to_string()));
                }
            }
            Command::Decline => match api.post("decline", json!({})).await {
                Ok(_) => {
                    control.end("the session ended");
                    screen.stop();
                    ui.update(|v| {
                        v.declined = true;
                        v.status = "closed".into();
                    });
                    ui.note(Note::RequestEnded);
                    return Ok(());
                }
                Err(e) => ui.note(Note::Problem(e.to_string())),
            },
        }
    }
}

/// What a terminal line means now; `Err` holds the hint for a line that answers nothing.
fn line_command(
    line: &str,
    control: &control::Control,
    view_asked: bool,
    status: &str,
) -> Result<Option<Command>, &'static str> {
    let line = line.trim();
    let yes_no = || match line.to_ascii_lowercase().as_str() {
        "y" | "yes" | "allow" => Some(true),
        "n" | "no" | "deny" => Some(false),
        _ => None,
    };
    if control.pending.is_some() {
        return yes_no()
            .map(|g| Some(Command::AnswerControl(g)))
            .ok_or("Please answer y (allow control) or n (deny).");
    }
    if control.is_granted() && line.eq_ignore_ascii_case("stop") {
        return Ok(Some(Command::TakeBack));
    }
    if view_asked {
        return yes_no()
            .map(|a| Some(Command::AnswerView(a)))
            .ok_or("Please answer y (allow) or n (deny).");
    }
    if !line.is_empty() && matches!(status, "ready" | "in_session") {
        return Ok(Some(Command::Chat(line.to_owned())));
    }
    Ok(None)
}

/// The link's routes.
struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn post(&self, what: &str, body: Value) -> anyhow::Result<Value> {
        let r = self
            .http
            .post(format!("{}/api/v1/assist/{}/{what}", self.base, self.token))
            .json(&body)
            .send()
            .await?;
        answer(r).await
    }
}

/// The end user takes control back: input stops here at once, then the server (and so the
/// agent) hears.
async fn take_back(control: &mut control::Control, api: &Api) -> anyhow::Result<()> {
    control.end("you took it back");
    if let Err(e) = api.post("control", json!({"grant": false})).await {
        control.ui().note(Note::Problem(e.to_string()));
    }
    Ok(())
}
