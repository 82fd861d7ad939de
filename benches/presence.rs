//! Presence benchmark: 10,000 end users holding their session sockets open at once.
//!
//! The server is the real `beckon serve` binary in its own process (so its memory and CPU
//! are its own), over a store of 10,000 requests; this process opens one socket per request
//! (`/api/v1/assist/TOKEN/ws`) over loopback and reports:
//!
//! - the server's RSS with every socket open, against the same server idle (goal ≤ 300 MB
//!   total), and per connection;
//! - the server's CPU while holding them for 30 s (heartbeats included), per connection;
//! - heartbeat latency (`ping` → `pong` through the server's socket loop), p50/p99, with
//!   all sockets open against one socket alone on the idle server.
//!
//! Run: `cargo bench --bench presence` (BENCH_QUICK=1: 2,000 sockets, 10 s hold).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some()
}

/// Fills a store with `n` open requests; returns their link tokens.
fn fill(dir: &std::path::Path, n: u64) -> Vec<String> {
    let (svc, admin) = common::service(dir);
    let now = jiff::Timestamp::now();
    let expires = now + jiff::SignedDuration::from_hours(24 * 7);
    let requests: Vec<_> = (0..n)
        .map(|i| common::sample_request(i, admin.id, now, expires))
        .collect();
    let tokens = requests
        .iter()
        .map(|r| {
            let link = svc.link(r.id, r.link_generation);
            link.rsplit('/').next().unwrap().to_owned()
        })
        .collect();
    for chunk in requests.chunks(10_000) {
        svc.seed(chunk.iter().map(|r| (r.clone(), vec![])).collect())
            .unwrap();
    }
    tokens
}

/// (RSS in bytes, CPU seconds so far) of a process.
fn usage(pid: u32) -> (u64, f64) {
    let u = common::proc_usage(pid);
    (u.rss, u.cpu_secs)
}

async fn open_socket(base: &str, token: &str, i: usize) -> Socket {
    let mut req = format!("{base}/api/v1/assist/{token}/ws")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "beckon-device",
        format!("bench-device-{i:08}").parse().unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    // The first message is the status snapshot.
    loop {
        if let Some(Ok(Message::Text(_))) = ws.next().await {
            return ws;
        }
    }
}

/// One ping → pong round trip on a socket.
async fn ping(ws: &mut Socket) -> Duration {
    let start = Instant::now();
    ws.send(Message::Text(r#"{"type":"ping"}"#.into()))
        .await
        .unwrap();
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) if t.contains("pong") => return start.elapsed(),
            Some(Ok(_)) => {}
            other => panic!("socket ended: {other:?}"),
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Pings every socket once (the rate limit allows it), 200 at a time; sorted latencies.
async fn ping_all(sockets: Vec<Socket>) -> (Vec<Socket>, Vec<Duration>) {
    let mut out = Vec::with_capacity(sockets.len());
    let mut times = Vec::with_capacity(sockets.len());
    let mut iter = sockets.into_iter();
    loop {
        let batch: Vec<Socket> = iter.by_ref().take(200).collect();
        if batch.is_empty() {
            break;
        }
        let tasks: Vec<_> = batch
            .into_iter()
            .map(|mut ws| {
                tokio::spawn(async move {
                    let d = ping(&mut ws).await;
                    (ws, d)
                })
            })
            .collect();
        for t in tasks {
            let (ws, d) = t.await.unwrap();
            out.push(ws);
            times.push(d);
        }
    }
    times.sort();
    (out, times)
}

#[tokio::main]
async fn main() {
    let n: usize = if quick() { 2_000 } else { 10_000 };
    let hold = Duration::from_secs(if quick() { 10 } else { 30 });
    let dir = tempfile::tempdir().unwrap();
    let tokens = fill(dir.path(), n as u64);

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_beckon"))
        .arg("serve")
        .env("BECKON_DATA_DIR", dir.path())
        .env("BECKON_LISTEN", format!("127.0.0.1:{port}"))
        // Its relay on a port of its own (tests run side by side).
        .env("BECKON_RELAY_LISTEN", "127.0.0.1:0")
        .env("BECKON_LINK_LOOKUPS_PER_MINUTE", "1000000")
        .env("BECKON_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = server.id().unwrap();
    let base = format!("ws://127.0.0.1:{port}");
    let health = format!("http://127.0.0.1:{port}/healthz");
    let client = reqwest::Client::new();
    let started = Instant::now();
    while client.get(&health).send().await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "server start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Baselines: the idle server, and one socket alone.
    let (idle_rss, _) = usage(pid);
    let mut alone = vec![open_socket(&base, &tokens[0], 0).await];
    let mut one = Vec::new();
    // Paced under the socket's rate limit (20 messages a second).
    for i in 0..160 {
        let d = ping(&mut alone[0]).await;
        if i >= 10 {
            one.push(d);
        }
        tokio::time::sleep(Duration::from_millis(55)).await;
    }
    one.sort();
    drop(alone);

    // Open them all, 100 at a time.
    let start = Instant::now();
    let base = Arc::new(base);
    let tokens = Arc::new(tokens);
    let mut sockets = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(100) {
        let tasks: Vec<_> = chunk
            .iter()
            .map(|&i| {
                let (base, tokens) = (base.clone(), tokens.clone());
                tokio::spawn(async move { open_socket(&base, &tokens[i], i).await })
            })
            .collect();
        for t in tasks {
            sockets.push(t.await.unwrap());
        }
    }
    let opened = start.elapsed();

    // Hold them; the server sends its heartbeats meanwhile (every 20 s).
    let (_, cpu0) = usage(pid);
    let keep = tokio::spawn(async move {
        // Read (and so answer the server's pings on) every socket while holding.
        let mut all = sockets;
        let deadline = Instant::now() + hold;
        while Instant::now() < deadline {
            for ws in all.iter_mut() {
                while let Ok(Some(_)) =
                    tokio::time::timeout(Duration::from_micros(1), ws.next()).await
                {
                }
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        all
    });
    let sockets = keep.await.unwrap();
    let (held_rss, cpu1) = usage(pid);
    let cpu = cpu1 - cpu0;

    let (sockets, times) = ping_all(sockets).await;
    let (after_rss, _) = usage(pid);

    let mb = |b: u64| b as f64 / 1_048_576.0;
    let per_conn_kb = (held_rss.saturating_sub(idle_rss)) as f64 / 1024.0 / n as f64;
    println!("presence: {n} end-user sockets held {hold:?} against `beckon serve` (pid {pid})");
    println!("| figure | result | baseline (same run) | ratio / goal |");
    println!("|---|---|---|---|");
    println!(
        "| server RSS, {n} sockets open | {:.1} MB | idle server {:.1} MB | {:.2}× idle; goal ≤ 300 MB: {} |",
        mb(held_rss),
        mb(idle_rss),
        held_rss as f64 / idle_rss as f64,
        if mb(held_rss) <= 300.0 {
            "met"
        } else {
            "MISSED"
        },
    );
    println!("| RSS per connection | {per_conn_kb:.1} KB | — | — |");
    println!(
        "| server CPU holding them | {:.2} % of a core | — | {:.3} µs CPU per connection-second |",
        cpu / hold.as_secs_f64() * 100.0,
        cpu / (n as f64 * hold.as_secs_f64()) * 1e6,
    );
    println!(
        "| heartbeat (ping → pong) p50 | {} | one socket alone {} | {:.2}× |",
        ms(percentile(&times, 0.5)),
        ms(percentile(&one, 0.5)),
        percentile(&times, 0.5).as_secs_f64() / percentile(&one, 0.5).as_secs_f64(),
    );
    println!(
        "| heartbeat (ping → pong) p99 | {} | one socket alone {} | {:.2}× |",
        ms(percentile(&times, 0.99)),
        ms(percentile(&one, 0.99)),
        percentile(&times, 0.99).as_secs_f64() / percentile(&one, 0.99).as_secs_f64(),
    );
    println!(
        "| opening all {n} | {:.2} s ({:.0} sockets/s) | — | — |",
        opened.as_secs_f64(),
        n as f64 / opened.as_secs_f64()
    );
    println!("(RSS after the ping round: {:.1} MB)", mb(after_rss));
    drop(sockets);
    let _ = server.kill().await;
}
