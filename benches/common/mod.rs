//! What the benchmarks share: the real server with a signed-in admin, and the baseline every
//! HTTP figure is compared with (a bare axum handler in the same process), and a generator of
//! realistic stored requests. Each bench uses a part of it.
#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use app::domain::Agent;
use beckon::config::Config;
use beckon::server::Server;
use beckon::service::Service;
use tokio::task::JoinHandle;

pub struct BenchServer {
    pub server: Server,
    pub svc: Arc<Service>,
    pub addr: SocketAddr,
    /// A sign-in token of `admin`.
    pub token: String,
    pub admin: Agent,
}

/// Starts the real server on a loopback port with its data in `data`, and signs an admin in.
pub async fn start(data: &Path) -> BenchServer {
    start_with(data, |_| {}).await
}

/// `start`, with the config adjusted first.
pub async fn start_with(data: &Path, tweak: impl FnOnce(&mut Config)) -> BenchServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config::with_data_dir(data);
    config.public_url = format!("http://{addr}").parse().unwrap();
    tweak(&mut config);
    let server = Server::start(config, listener).await.unwrap();
    let svc: Arc<Service> = server.service().clone();
    svc.create_admin_unchecked("bench@example.com", "Bench", "bench password")
        .unwrap();
    let (token, admin) = svc
        .login(
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            "bench@example.com",
            "bench password",
        )
        .unwrap();
    BenchServer {
        server,
        svc,
        addr,
        token,
        admin,
    }
}

/// The baseline: a bare axum handler returning a constant. Returns its URL and task.
pub async fn bare_handler() -> (String, JoinHandle<std::io::Result<()>>) {
    let bare = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = bare.local_addr().unwrap();
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "constant" }));
    let task = tokio::spawn(async move { axum::serve(bare, app).await });
    (format!("http://{addr}/"), task)
}

/// Requests per second from `conns` keep-alive connections issuing `total` GETs of `url` in
/// all, each with `headers`; the connections and the server's caches are warmed first.
pub async fn load(url: &str, headers: &[(&str, &str)], conns: usize, total: usize) -> f64 {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(conns)
        .build()
        .unwrap();
    let mut map = reqwest::header::HeaderMap::new();
    for (k, v) in headers {
        map.insert(
            reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    let get = |client: reqwest::Client, url: String, map: reqwest::header::HeaderMap| async move {
        let res = client.get(url).headers(map).send().await.unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        res.bytes().await.unwrap();
    };
    for _ in 0..conns * 4 {
        get(client.clone(), url.to_owned(), map.clone()).await;
    }
    let start = std::time::Instant::now();
    let per = total / conns;
    let tasks: Vec<_> = (0..conns)
        .map(|_| {
            let (client, url, map) = (client.clone(), url.to_owned(), map.clone());
            tokio::spawn(async move {
                for _ in 0..per {
                    get(client.clone(), url.clone(), map.clone()).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    (per * conns) as f64 / start.elapsed().as_secs_f64()
}

/// A realistic stored request number `i` (fields as `create_request` would set them), open,
/// expiring at `expires_at`, a third of them scheduled.
pub fn sample_request(
    i: u64,
    created_by: app::domain::AgentId,
    now: jiff::Timestamp,
    expires_at: jiff::Timestamp,
) -> app::domain::SessionRequest {
    use app::domain::{Assignee, RequestId, SessionRequest};
    let ms = now.as_millisecond().max(0) as u128;
    let scheduled = i
        .is_multiple_of(3)
        .then(|| expires_at - jiff::SignedDuration::from_hours(1));
    SessionRequest {
        recipient_email: Some(format!("person{i}@example.com")),
        email_language: ["en", "de", "ko", "ja"][(i % 4) as usize].into(),
        comment: "printer driver will not install".into(),
        scheduled_at: scheduled,
        time_zone: Some("Europe/Berlin".into()),
        assignee: if i.is_multiple_of(2) {
            Assignee::Agent(created_by)
        } else {
            Assignee::Unassigned
        },
        schedule_set_at: scheduled.map(|_| now),
        // Time-ordered and unique: the creation millisecond, then the number.
        ..SessionRequest::new(
            RequestId::from_u128((ms << 80) | u128::from(i)),
            format!("Person {i}"),
            created_by,
            now,
            expires_at,
        )
    }
}
