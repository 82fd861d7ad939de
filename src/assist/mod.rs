//! `beckon assist LINK`: the end user's native client, in the same binary the server runs
//! (the link page offers it for download). It speaks the public end-user API like the
//! browser page does: checks in, keeps presence over the session socket, asks in the
//! terminal when an agent wants access (Allow / Deny), and reports the session's start and
//! end. Lines typed while a session is ready or running go to the agent as chat. While the
//! session runs, the screen is shared with the agent over WebRTC (`screen`, on the `media`
//! crate), signalled through the same socket.
//!
//! The output is plain lines, one event each, so people read it and scripts (and tests)
//! drive it through stdin and stdout.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// How often the client says it is still here.
const PING: Duration = Duration::from_secs(15);

pub async fn run(link: &str, ca: Option<&Path>) -> anyhow::Result<()> {
    let (base, token) = parse_link(link)?;
    let device = device_id(&token);
    // One TLS setup (public roots plus `--ca`) for both the API calls and the socket.
    let tls = tls_config(roots(ca)?);
    let http = http_client(&device, tls.clone())?;

    let checkin = http
        .post(format!("{base}/api/v1/assist/{token}/checkin"))
        .json(&json!({"client": "native", "platform": crate::http::download::platform()}))
        .send()
        .await
        .with_context(|| format!("cannot reach {base}"))?;
    let body = answer(checkin).await?;
    let org = body["organisation"]
        .as_str()
        .unwrap_or("your support team")
        .to_owned();
    println!("Checked in with {org}. Keep this window open: your support agent will connect.");

    let ws_url = format!(
        "{}/api/v1/assist/{token}/ws",
        base.replacen("http", "ws", 1)
    );
    let mut request = ws_url.into_client_request()?;
    request
        .headers_mut()
        .insert(crate::http::DEVICE_HEADER, device.parse()?);
    let connector = tokio_tungstenite::Connector::Rustls(Arc::new(tls));
    let (socket, _) =
        tokio_tungstenite::connect_async_tls_with_config(request, None, false, Some(connector))
            .await
            .context("cannot open the session socket")?;
    let (mut tx, mut rx) = socket.split();

    let mut stdin = stdin_lines();
    let mut stdin_open = true;
    let mut ping = tokio::time::interval(PING);
    // While an agent has control, the end user's copies are looked for this often.
    let mut clipboard_tick = tokio::time::interval(Duration::from_millis(500));
    let mut status = String::from("waiting");
    // Whether an agent holds a socket (the server's `peer`).
    let mut peer = true;
    let mut prompt: Option<String> = None;
    let mut session_start: Option<Instant> = None;
    let mut screen = screen::Screen::new(stun_server(&body).await);
    let mut control = control::Control::default();
    loop {
        tokio::select! {
            _ = clipboard_tick.tick(), if control.is_granted() => {
                if let Some(text) = control.clipboard_changed() {
                    tx.send(Message::Text(json!({"type": "clipboard", "text": text}).to_string().into())).await?;
                }
            }
            Some(()) = control.hotkey_pressed() => {
                if control.is_granted() {
                    take_back(&mut control, &http, &base, &token).await?;
                }
            }
            Some(event) = screen.next_event() => {
                if let Some(say) = screen.on_event(event) {
                    tx.send(Message::Text(say.to_string().into())).await?;
                }
            }
            _ = ping.tick() => {
                tx.send(Message::Text(json!({"type": "ping"}).to_string().into())).await?;
            }
            _ = tokio::signal::ctrl_c() => {
                println!("Left. The link still works until it expires.");
                return Ok(());
            }
            line = stdin.recv(), if stdin_open => match line {
                None => stdin_open = false,
                Some(line) => {
                    let line = line.trim();
                    if let Some(asker) = control.pending.clone() {
                        let grant = match line.to_ascii_lowercase().as_str() {
                            "y" | "yes" | "allow" => true,
                            "n" | "no" | "deny" => false,
                            _ => {
                                println!("Please answer y (allow control) or n (deny).");
                                continue;
                            }
                        };
                        control.pending = None;
                        if !grant {
                            println!("Control denied. Your agent can still see your screen.");
                            continue;
                        }
                        let r = http
                            .post(format!("{base}/api/v1/assist/{token}/control"))
                            .json(&json!({"grant": true, "agent_id": asker.id}))
                            .send()
                            .await?;
                        match answer(r).await {
                            Ok(_) => control.granted(asker, &org, screen.monitor()),
                            Err(e) => println!("{e}"),
                        }
                    } else if control.is_granted() && line.eq_ignore_ascii_case("stop") {
                        take_back(&mut control, &http, &base, &token).await?;
                    } else if let Some(id) = prompt.clone() {
                        let decision = match line.to_ascii_lowercase().as_str() {
                            "y" | "yes" | "allow" => "allow",
                            "n" | "no" | "deny" => "deny",
                            _ => {
                                println!("Please answer y (allow) or n (deny).");
                                continue;
                            }
                        };
                        let r = http
                            .post(format!("{base}/api/v1/assist/{token}/consent"))
                            .json(&json!({"prompt_id": id, "decision": decision}))
                            .send()
                            .await?;
                        match answer(r).await {
                            Ok(_) if decision == "allow" => println!("Access allowed."),
                            Ok(_) => println!("Access denied."),
                            Err(e) => println!("{e}"),
                        }
                        prompt = None;
                    } else if !line.is_empty() && matches!(status.as_str(), "ready" | "in_session") {
                        tx.send(Message::Text(json!({"type": "chat", "text": line}).to_string().into())).await?;
                    }
                }
            },
            msg = rx.next() => {
                let text = match msg {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Close(_))) | None => {
                        println!("The server closed the connection.");
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
                        if let Some(p) = push["prompt"].as_object() {
                            let id = p.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
                            if prompt.as_deref() != Some(&id) {
                                let agent = p.get("agent_name").and_then(Value::as_str).unwrap_or("An agent");
                                println!("{agent} from {org} asks to see your screen.");
                                println!("Allow access only if you are expecting this support session. Allow access? [y/n]");
                                prompt = Some(id);
                            }
                        } else if prompt.take().is_some() && new == "waiting" {
                            println!("The request for access was withdrawn or timed out.");
                        }
                        // The agent's side dropped mid-session: say so once, and again when back.
                        let agents_here = push["peer"].as_bool().unwrap_or(true);
                        if new == "in_session" && agents_here != peer {
                            if agents_here {
                                println!("Your agent is connected again.");
                            } else {
                                let grace = push["grace_secs"].as_u64().unwrap_or(0);
                                println!("The connection to your agent dropped. The session ends unless it is back within {grace} seconds.");
                            }
                        }
                        peer = agents_here;
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
                                println!("The support session is over (after {}:{:02}). You may close this window.", secs / 60, secs % 60);
                            }
                            match new.as_str() {
                                "ready" => println!("Ready: the session starts when your agent begins."),
                                "in_session" => {
                                    session_start = Some(Instant::now());
                                    println!("Session started. Type a line and press Enter to chat.");
                                }
                                "waiting" if status != "open" && !ended => println!("Waiting for your agent."),
                                "closed" | "expired" => {
                                    if !ended {
                                        println!("This support request has ended.");
                                    }
                                    return Ok(());
                                }
                                "released" => {
                                    println!("This link was released for another device.");
                                    return Ok(());
                                }
                                _ => {}
                            }
                            status = new;
                        }
                    }
                    Some("chat") if push["side"] == "agent" => {
                        println!("[{}] {}", push["from"].as_str().unwrap_or("Support"), push["text"].as_str().unwrap_or(""));
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
                    Some("error") => eprintln!("{}", push["message"].as_str().unwrap_or("error")),
                    _ => {}
                }
            }
        }
    }
}

mod control;
mod screen;

/// The end user takes control back: input stops here at once, then the server (and so the
/// agent) hears.
async fn take_back(
    control: &mut control::Control,
    http: &reqwest::Client,
    base: &str,
    token: &str,
) -> anyhow::Result<()> {
    control.end("you took it back");
    let r = http
        .post(format!("{base}/api/v1/assist/{token}/control"))
        .json(&json!({"grant": false}))
        .send()
        .await?;
    if let Err(e) = answer(r).await {
        println!("{e}");
    }
    Ok(())
}

/// The terminal's lines. Read on a thread of their own: a read blocked on the terminal would
/// otherwise keep tokio from shutting down when the session ends.
fn stdin_lines() -> tokio::sync::mpsc::Receiver<String> {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            let Ok(line) = line else { break };
            if tx.blocking_send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// `https://host[:port][/prefix]/s/TOKEN` → (base URL, token).
fn parse_link(link: &str) -> anyhow::Result<(String, String)> {
    let url = url::Url::parse(link.trim()).context("the link is not a web address")?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("the link must start with https:// (or http://)");
    }
    let path = url.path();
    let Some((prefix, token)) = path.rsplit_once("/s/") else {
        bail!("this is not a Beckon session link (…/s/…)");
    };
    if !crate::links::well_formed(token) {
        bail!("the link is incomplete; copy the whole address from the invitation");
    }
    let mut base = url.clone();
    base.set_path(prefix);
    base.set_query(None);
    base.set_fragment(None);
    Ok((
        base.as_str().trim_end_matches('/').to_owned(),
        token.to_owned(),
    ))
}

/// This machine's ID for the link (stable across restarts, so the client may reconnect to
/// a link bound to it; different per link, so links cannot be tied together).
/// The relay's UDP address from the check-in's `ice_servers` (`turn:HOST:PORT?transport=udp`
/// or `stun:HOST:PORT`), resolved: the share asks it for this computer's public address.
async fn stun_server(checkin: &Value) -> Option<std::net::SocketAddr> {
    let url = checkin["ice_servers"]
        .as_array()?
        .iter()
        .filter_map(|s| s["urls"].as_str())
        .find(|u| u.starts_with("stun:") || u.ends_with("?transport=udp"))?;
    let host_port = url.split_once(':')?.1.split('?').next()?;
    tokio::net::lookup_host(host_port).await.ok()?.next()
}

fn device_id(token: &str) -> String {
    let machine = std::fs::read_to_string("/etc/machine-id")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    let digest = Sha256::new()
        .chain_update(b"beckon-assist\0")
        .chain_update(machine.trim())
        .chain_update(b"\0")
        .chain_update(user)
        .chain_update(b"\0")
        .chain_update(token)
        .finalize();
    format!("native-{:x}", digest)[..39].to_owned()
}

fn roots(ca: Option<&Path>) -> anyhow::Result<rustls::RootCertStore> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca {
        let pem = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        for cert in rustls_pemfile_certs(&pem)? {
            roots.add(cert)?;
        }
    }
    Ok(roots)
}

fn rustls_pemfile_certs(
    pem: &[u8],
) -> anyhow::Result<Vec<rustls::pki_types::CertificateDer<'static>>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .context("the CA file holds no PEM certificate")
}

fn tls_config(roots: rustls::RootCertStore) -> rustls::ClientConfig {
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

fn http_client(device: &str, tls: rustls::ClientConfig) -> anyhow::Result<reqwest::Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(crate::http::DEVICE_HEADER, device.parse()?);
    Ok(reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(concat!("beckon-assist/", env!("CARGO_PKG_VERSION")))
        .timeout(Duration::from_secs(30))
        .use_preconfigured_tls(tls)
        .build()?)
}

/// The JSON of a 2xx reply, or the API's error message.
async fn answer(r: reqwest::Response) -> anyhow::Result<Value> {
    let ok = r.status().is_success();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    if ok {
        return Ok(body);
    }
    match body["error"]["message"]
        .as_str()
        .or(body["message"].as_str())
    {
        Some(m) => bail!("{m}"),
        None => bail!("the server refused the request"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_split_into_server_and_token() {
        let token = "A".repeat(32);
        assert_eq!(
            parse_link(&format!("https://help.example.com/s/{token}")).unwrap(),
            ("https://help.example.com".into(), token.clone())
        );
        assert_eq!(
            parse_link(&format!("http://10.0.0.5:8080/beckon/s/{token}?x=1")).unwrap(),
            ("http://10.0.0.5:8080/beckon".into(), token.clone())
        );
        for bad in [
            "not a link".to_owned(),
            format!("ftp://h/s/{token}"),
            "https://h/s/short".to_owned(),
            format!("https://h/x/{token}"),
        ] {
            assert!(parse_link(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_device_id_is_stable_per_link_and_well_formed() {
        let a = device_id(&"A".repeat(32));
        assert_eq!(a, device_id(&"A".repeat(32)));
        assert_ne!(a, device_id(&"B".repeat(32)));
        assert!(crate::service::Device::parse(&a).is_some());
    }
}
