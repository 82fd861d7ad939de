//! The performance suite: every figure of docs/PERFORMANCE.md, each next to a baseline
//! measured in the same run on the same machine, printed as one table.
//!
//! The server is the real `beckon serve` binary in its own process; the load comes from this
//! process over loopback (a keep-alive reqwest client, bounded request counts). The HTTP
//! baseline, a bare axum handler returning a constant, also runs in a process of its own
//! (this bench binary started again with `SUITE_BARE_ADDR`), so both sides are measured alike.
//!
//! 1. An empty store: idle RSS, durable creates/s at 1, 16 and 64 concurrent clients against
//!    the fsync rate of the data disk, authed GET by id and the end user's SSR landing page
//!    against the bare handler.
//! 2. A store of 1,000,000 requests made by the generator (`common::lived_request`: a year of
//!    use, every status, timelines, 20 agents): how fast it fills, its size on disk, the
//!    server's start-up time and RSS, and each list view and filter (page of 50), p50/p99,
//!    against GET by id on the same store.
//! 3. Sizes: the binary, the two WASM bundles as served (gzip).
//!
//! Run: `cargo bench --bench suite` (BENCH_QUICK=1: 100,000 stored, fewer requests;
//! SUITE_ONLY=empty or SUITE_ONLY=stored runs one part; SUITE_STORE=DIR keeps the filled
//! store in DIR and, when DIR holds one already, reuses it instead of filling again, for
//! reruns and profiles of the stored part).

mod common;

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some()
}

/// fsyncs per second of the disk under `dir`: the ceiling for one-commit-per-write stores.
fn fsync_rate(dir: &Path, n: usize) -> f64 {
    let path = dir.join("fsync.probe");
    let mut f = std::fs::File::create(&path).unwrap();
    let block = [7u8; 512];
    let start = Instant::now();
    for _ in 0..n {
        f.write_all(&block).unwrap();
        f.sync_data().unwrap();
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    std::fs::remove_file(path).ok();
    rate
}

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// A child process, killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    /// Asks it to stop first (SIGTERM), so a kept store (`SUITE_STORE`) is closed cleanly:
    /// after a SIGKILL, redb checks the whole file on the next open, which at a million
    /// requests took 3.7 s warm and 35 s cold, and would be measured as start-up.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The real server over `data`, in its own process.
struct Beckon {
    child: Killed,
    base: String,
}

impl Beckon {
    /// Starts it and waits for `/healthz`; returns it with the time that took.
    async fn start(data: &Path) -> (Beckon, Duration) {
        Beckon::start_on(data, None).await
    }

    /// `start`, with the store on the PostgreSQL database at `database` when one is given.
    async fn start_on(data: &Path, database: Option<&str>) -> (Beckon, Duration) {
        let addr = free_addr();
        let start = Instant::now();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_beckon"));
        if let Some(url) = database {
            cmd.env("BECKON_DATABASE_URL", url);
        }
        let child = cmd
            .arg("serve")
            .env("BECKON_DATA_DIR", data)
            .env("BECKON_LISTEN", addr.to_string())
            // Its relay on a port of its own (tests run side by side).
            .env("BECKON_RELAY_LISTEN", "127.0.0.1:0")
            .env("BECKON_PUBLIC_URL", format!("http://{addr}"))
            .env("BECKON_LINK_LOOKUPS_PER_MINUTE", "100000000")
            .env("BECKON_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://{addr}");
        let client = reqwest::Client::new();
        loop {
            if let Ok(r) = client.get(format!("{base}/healthz")).send().await
                && r.status().is_success()
            {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(120), "no start-up");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let child = Killed(child);
        (Beckon { child, base }, start.elapsed())
    }

    fn rss(&self) -> u64 {
        common::proc_usage(self.child.0.id()).rss
    }

    async fn login(&self) -> String {
        let res: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&serde_json::json!({"email": "bench@example.com", "password": "bench password"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        format!("Bearer {}", res["token"].as_str().unwrap())
    }
}

/// The bare-handler baseline in a process of its own: this binary, started again.
struct Bare {
    _child: Killed,
    url: String,
}

impl Bare {
    async fn start() -> Bare {
        let addr = free_addr();
        let child = Command::new(std::env::current_exe().unwrap())
            .env("SUITE_BARE_ADDR", addr.to_string())
            .spawn()
            .unwrap();
        let url = format!("http://{addr}/");
        while reqwest::get(&url).await.is_err() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        Bare {
            _child: Killed(child),
            url,
        }
    }
}

/// The child side of `Bare`: serve a constant until killed.
fn serve_bare(addr: &str) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let app = axum::Router::new().route("/", axum::routing::get(|| async { "constant" }));
        axum::serve(listener, app).await.unwrap();
    });
}

/// Durable creates per second from `clients` concurrent HTTP clients, `total` creates in all
/// (no invitation mail). Each client is one keep-alive connection driven by hyper directly,
/// with its bodies made before the clock starts: on a small machine the load shares the
/// server's cores, and a heavier client (reqwest, a JSON value built per request) took CPU
/// the server would otherwise have used, so it measured the client as much as the server.
///
/// The clients run on one thread of their own (a current-thread runtime), as `wrk -t1` does:
/// on the bench's two-worker runtime they woke each other across threads and took about a
/// fifth more CPU for the same load.
async fn creates(base: &str, auth: &str, clients: usize, total: usize) -> f64 {
    let (base, auth) = (base.to_owned(), auth.to_owned());
    tokio::task::spawn_blocking(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(creates_on_this_thread(&base, &auth, clients, total))
    })
    .await
    .unwrap()
}

async fn creates_on_this_thread(base: &str, auth: &str, clients: usize, total: usize) -> f64 {
    use http_body_util::{BodyExt, Full};
    let per = total / clients;
    let host = base.trim_start_matches("http://").to_owned();
    let mut conns = Vec::new();
    for c in 0..clients {
        let stream = tokio::net::TcpStream::connect(&host).await.unwrap();
        stream.set_nodelay(true).unwrap();
        let (sender, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .unwrap();
        tokio::spawn(conn);
        let bodies: Vec<bytes::Bytes> = (0..per)
            .map(|i| {
                serde_json::to_vec(&serde_json::json!({
                    "recipient_name": format!("Person {c}-{i}"),
                    "recipient_email": format!("p{c}x{i}@example.com"),
                    // Without mail: the server would deliver each invitation at once, and
                    // with no SMTP relay set it writes each to a file with an fsync of its
                    // own, which measures the disk twice. The notify bench measures delivery.
                    "send_email": false,
                    "comment": "printer driver",
                }))
                .unwrap()
                .into()
            })
            .collect();
        conns.push((sender, bodies));
    }
    let start = Instant::now();
    let tasks: Vec<_> = conns
        .into_iter()
        .map(|(mut sender, bodies)| {
            let (host, auth) = (host.clone(), auth.to_owned());
            tokio::spawn(async move {
                for body in bodies {
                    let req = hyper::Request::post("/api/v1/session-requests")
                        .header("host", &host)
                        .header("authorization", &auth)
                        .header("content-type", "application/json")
                        .body(Full::new(body))
                        .unwrap();
                    sender.ready().await.unwrap();
                    let res = sender.send_request(req).await.unwrap();
                    assert_eq!(res.status(), 201);
                    res.into_body().collect().await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    (per * clients) as f64 / start.elapsed().as_secs_f64()
}

/// Durable creates per second through the service layer (no HTTP) from `threads` threads,
/// `total` in all, on a fresh store; with the number of fsync rounds (durable commits) used.
fn service_creates(data: &Path, threads: usize, total: usize) -> (f64, u64) {
    let (svc, admin) = common::service(data);
    let per = total / threads;
    let syncs = svc.store().syncs();
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            let (svc, admin) = (&svc, &admin);
            s.spawn(move || {
                for i in 0..per {
                    let input = serde_json::from_value(serde_json::json!({
                        "recipient_name": format!("Person {t}-{i}"),
                        "recipient_email": format!("p{t}x{i}@example.com"),
                        "send_email": true,
                        "comment": "printer driver",
                    }))
                    .unwrap();
                    svc.create_request(admin, input).unwrap();
                }
            });
        }
    });
    let rate = (per * threads) as f64 / start.elapsed().as_secs_f64();
    (rate, svc.store().syncs() - syncs)
}

/// Latencies of `n` sequential GETs of `url` on one keep-alive connection, sorted (after a
/// warm-up of a tenth as many). Driven by hyper directly, like `creates`: reqwest's pool and
/// per-request work ran on the cores the server needs, and added its own tail (a run took
/// 2.68 ms p50 with reqwest where `wrk -c1` saw 2.05 ms on the same query).
async fn latencies(url: &str, auth: &str, n: usize) -> Vec<Duration> {
    use http_body_util::{BodyExt, Empty};
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let stream = tokio::net::TcpStream::connect(host).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(conn);
    let mut get = async || {
        let start = Instant::now();
        let req = hyper::Request::get(path)
            .header("host", host)
            .header("authorization", auth)
            .body(Empty::<bytes::Bytes>::new())
            .unwrap();
        // The connection takes the next request once it has finished the last one.
        sender.ready().await.unwrap();
        let res = sender.send_request(req).await.unwrap();
        assert!(res.status().is_success(), "{url}: {}", res.status());
        res.into_body().collect().await.unwrap();
        start.elapsed()
    };
    for _ in 0..n / 10 {
        get().await;
    }
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        times.push(get().await);
    }
    times.sort();
    times
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0
}

/// Bytes on the wire of `path` fetched with `Accept-Encoding: gzip`.
async fn gzip_size(base: &str, path: &str) -> f64 {
    let res = reqwest::Client::builder()
        .no_gzip()
        .build()
        .unwrap()
        .get(format!("{base}{path}"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    res.bytes().await.unwrap().len() as f64
}

/// Fills `data` with `n` generated requests, 10,000 per transaction; returns requests/s.
fn fill(data: &Path, n: u64) -> f64 {
    fill_on(data, None, n)
}

/// `fill`, on the PostgreSQL database at `database` when one is given.
fn fill_on(data: &Path, database: Option<&str>, n: u64) -> f64 {
    let (svc, admin) = common::service_on(data, database);
    let mut agents = vec![admin.id];
    for a in 1..20 {
        let input = serde_json::from_value(serde_json::json!({
            "email": format!("agent{a}@example.com"),
            "name": format!("Agent {a}"),
            "password": "agent password",
            "role": "agent",
        }))
        .unwrap();
        agents.push(svc.create_agent(&admin, input).unwrap().id);
    }
    let now = jiff::Timestamp::now();
    let start = Instant::now();
    let mut i = 0;
    while i < n {
        let batch: Vec<_> = (i..(i + 10_000).min(n))
            .map(|j| common::lived_request(j, &agents, now))
            .collect();
        i += batch.len() as u64;
        svc.seed(batch).unwrap();
    }
    n as f64 / start.elapsed().as_secs_f64()
}

struct Table(Vec<[String; 5]>);

impl Table {
    fn row(&mut self, figure: &str, value: String, baseline: &str, base: String, ratio: String) {
        self.0
            .push([figure.into(), value, baseline.into(), base, ratio]);
    }

    fn print(&self) {
        println!("| figure | value | baseline (same run) | baseline | ratio |");
        println!("|---|---:|---|---:|---:|");
        for r in &self.0 {
            println!("| {} | {} | {} | {} | {} |", r[0], r[1], r[2], r[3], r[4]);
        }
    }
}

fn mb(b: f64) -> String {
    format!("{:.1} MB", b / 1e6)
}

/// KiB, as the README's bundle figures (written KB there).
fn kb(b: f64) -> String {
    format!("{:.1} KB", b / 1024.0)
}

fn rate(r: f64) -> String {
    format!("{r:.0} /s")
}

fn x(a: f64, b: f64) -> String {
    format!("{:.2}×", a / b)
}

fn main() {
    if let Ok(addr) = std::env::var("SUITE_BARE_ADDR") {
        return serve_bare(&addr);
    }
    let q = quick();
    let stored: u64 = if q { 100_000 } else { 1_000_000 };
    let gets = if q { 4_000 } else { 40_000 };
    let samples = if q { 100 } else { 1_000 };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir_in(std::env::current_dir().unwrap()).unwrap();
    let mut t = Table(vec![]);

    let fsyncs = fsync_rate(dir.path(), if q { 500 } else { 3_000 });
    let only = std::env::var("SUITE_ONLY").unwrap_or_default();
    if only == "stores" {
        rt.block_on(stores::compare(dir.path(), stored, &mut t));
        println!();
        println!(
            "Beckon on PostgreSQL against the embedded store ({} cores, {} stored)",
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            stored
        );
        t.print();
        return;
    }
    rt.block_on(async {
        // 1. An empty store. Its idle RSS is measured in every run: the stored part compares
        // against it.
        let empty = dir.path().join("empty");
        fill(&empty, 0);
        let (server, _) = Beckon::start(&empty).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let idle = server.rss() as f64;
        if only.is_empty() || only == "empty" {
            let auth = server.login().await;
            for threads in [1, 64] {
                let total = if q { 256 } else { 4_000 };
                let data = dir.path().join(format!("svc{threads}"));
                let (r, syncs) =
                    tokio::task::block_in_place(|| service_creates(&data, threads, total));
                t.row(
                    &format!(
                        "durable creates/s, service layer, {threads} threads ({:.1} per fsync round)",
                        total as f64 / syncs.max(1) as f64
                    ),
                    rate(r),
                    "fsync/s of the data disk (512 B + fdatasync)",
                    rate(fsyncs),
                    x(r, fsyncs),
                );
            }
            for clients in [1, 16, 64] {
                let total = if q { 64 * 4 } else { clients.max(4) * 300 };
                let r = creates(&server.base, &auth, clients, total).await;
                t.row(
                    &format!("durable creates/s, {clients} concurrent clients (HTTP, no mail)"),
                    rate(r),
                    "fsync/s of the data disk (512 B + fdatasync)",
                    rate(fsyncs),
                    x(r, fsyncs),
                );
            }
            let created: serde_json::Value = reqwest::Client::new()
                .post(format!("{}/api/v1/session-requests", server.base))
                .header("authorization", &auth)
                .json(&serde_json::json!({"recipient_name": "Ada", "send_email": false}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let by_id = format!(
                "{}/api/v1/session-requests/{}",
                server.base,
                created["id"].as_str().unwrap()
            );
            let landing = created["link"].as_str().unwrap().to_owned();
            let bare = Bare::start().await;
            // Alternate halves, so drift on the machine hits both alike.
            let (mut get, mut page, mut base) = (0.0, 0.0, 0.0);
            for _ in 0..2 {
                base += common::load(&bare.url, &[], 16, gets / 2).await / 2.0;
                get += common::load(&by_id, &[("authorization", &auth)], 16, gets / 2).await / 2.0;
                page += common::load(&landing, &[], 16, gets / 4).await / 2.0;
            }
            drop(bare);
            t.row(
                "authed GET by id, 16 connections",
                format!("{get:.0} req/s"),
                "bare axum handler (own process), same client",
                format!("{base:.0} req/s"),
                x(get, base),
            );
            t.row(
                "SSR landing page `/s/TOKEN`, 16 connections",
                format!("{page:.0} req/s"),
                "bare axum handler (own process), same client",
                format!("{base:.0} req/s"),
                x(page, base),
            );
            t.row(
                "idle RSS (empty store, after start)",
                mb(idle),
                "goal",
                "20.0 MB".into(),
                x(idle, 20e6),
            );
            let wasm_link = gzip_size(&server.base, "/pkg/link_bg.wasm").await;
            let wasm_portal = gzip_size(&server.base, "/pkg/beckon_bg.wasm").await;
            t.row(
                "WASM gzip, end user's page",
                kb(wasm_link),
                "goal",
                "250.0 KB".into(),
                x(wasm_link, 250.0 * 1024.0),
            );
            t.row(
                "WASM gzip, portal",
                kb(wasm_portal),
                "goal",
                "250.0 KB".into(),
                x(wasm_portal, 250.0 * 1024.0),
            );
        }
        drop(server);

        // 2. A million stored requests.
        if !(only.is_empty() || only == "stored") {
            return;
        }
        let kept = std::env::var_os("SUITE_STORE").map(std::path::PathBuf::from);
        let big = kept.clone().unwrap_or_else(|| dir.path().join("big"));
        let fill_rate = match kept {
            Some(k) if k.join(beckon::store::DB_FILE).exists() => f64::NAN,
            _ => tokio::task::block_in_place(|| fill(&big, stored)),
        };
        let size = std::fs::metadata(big.join(beckon::store::DB_FILE))
            .unwrap()
            .len() as f64;
        t.row(
            &format!("generator: {stored} requests stored"),
            if fill_rate.is_nan() {
                "reused (SUITE_STORE)".into()
            } else {
                rate(fill_rate)
            },
            "durable creates/s, 1 client (above)",
            String::new(),
            String::new(),
        );
        t.row(
            &format!("database size at {stored}"),
            mb(size),
            "per request",
            format!("{:.0} B", size / stored as f64),
            String::new(),
        );
        let (server, startup) = Beckon::start(&big).await;
        t.row(
            &format!("start-up to /healthz with {stored} stored"),
            format!("{:.0} ms", startup.as_secs_f64() * 1000.0),
            "goal",
            "1000 ms".into(),
            x(startup.as_secs_f64(), 1.0),
        );
        let auth = server.login().await;
        let first: serde_json::Value = reqwest::Client::new()
            .get(format!("{}/api/v1/session-requests?limit=1", server.base))
            .header("authorization", &auth)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = first["items"][0]["id"].as_str().unwrap().to_owned();
        let get = latencies(
            &format!("{}/api/v1/session-requests/{id}", server.base),
            &auth,
            samples,
        )
        .await;
        let (g50, g99) = (pct(&get, 0.5), pct(&get, 0.99));
        t.row(
            "GET by id at size, 1 connection, p50 / p99",
            format!("{g50:.2} / {g99:.2} ms"),
            "",
            String::new(),
            String::new(),
        );
        for (name, query) in [
            ("all, newest first", ""),
            ("view=upcoming", "view=upcoming"),
            ("view=active", "view=active"),
            ("view=past", "view=past"),
            ("status=waiting", "status=waiting"),
            ("assignee=me", "assignee=me"),
            ("assignee=unassigned", "assignee=unassigned"),
            ("view=past&assignee=me", "view=past&assignee=me"),
            // Searches (see `common::lived_request` for how often each word occurs).
            ("q= a full name (1 in 2,304)", "q=grace%20huang"),
            ("q= a last name (1 in 48)", "q=fischer"),
            ("q= a comment's word (1 in 18)", "q=printer"),
            ("q= a mail domain (1 in 12)", "q=acme.example"),
            ("q= a two-letter prefix", "q=gr"),
            ("q= a ticket number's prefix", "q=40012"),
            ("q= no match", "q=zzyzx"),
            ("view=past&q= a full name", "view=past&q=anna%20schmidt"),
            ("view=upcoming&q= a comment's word", "view=upcoming&q=printer"),
            ("view=upcoming&q= a full name", "view=upcoming&q=grace%20huang"),
            ("view=upcoming&q= a last name", "view=upcoming&q=fischer"),
            ("view=upcoming&q= a mail domain", "view=upcoming&q=acme.example"),
            ("view=upcoming&q= a two-letter prefix", "view=upcoming&q=gr"),
            ("view=active&q= a full name", "view=active&q=grace%20huang"),
            ("status=in_session&q= a comment's word", "status=in_session&q=printer"),
        ] {
            let url = format!("{}/api/v1/session-requests?limit=50&{query}", server.base);
            let l = latencies(&url, &auth, samples).await;
            let (p50, p99) = (pct(&l, 0.5), pct(&l, 0.99));
            t.row(
                &format!("list page of 50 at {stored}: {name}, p50 / p99"),
                format!("{p50:.2} / {p99:.2} ms"),
                "GET by id, p50 / p99 (goal p99 ≤ 5 ms)",
                format!("{g50:.2} / {g99:.2} ms"),
                format!("{} / {}", x(p50, g50), x(p99, g99)),
            );
        }
        let loaded = server.rss() as f64;
        t.row(
            &format!("RSS at {stored} stored, after the list loads"),
            mb(loaded),
            "idle RSS, empty store",
            mb(idle),
            x(loaded, idle),
        );
        // Crash recovery: SIGKILL while creates are being written, then start again. Durable
        // commits save the allocator state (quick repair), so the open needs no walk of the
        // file; the clean start above is the baseline.
        let writes = tokio::spawn({
            let (base, auth) = (server.base.clone(), auth.clone());
            async move {
                let client = reqwest::Client::new();
                loop {
                    let _ = client
                        .post(format!("{base}/api/v1/session-requests"))
                        .header("authorization", &auth)
                        .json(&serde_json::json!({"recipient_name": "Crash Test", "send_email": false}))
                        .send()
                        .await;
                }
            }
        });
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut crashed = server;
        let _ = crashed.child.0.kill();
        let _ = crashed.child.0.wait();
        writes.abort();
        let (again, recovery) = Beckon::start(&big).await;
        t.row(
            &format!("restart after kill -9 during writes, {stored} stored"),
            format!("{:.0} ms", recovery.as_secs_f64() * 1000.0),
            "clean start-up (above); goal 1000 ms",
            format!("{:.0} ms", startup.as_secs_f64() * 1000.0),
            x(recovery.as_secs_f64(), startup.as_secs_f64()),
        );
        drop(again);
        drop(crashed);
    });
    let bin = std::fs::metadata(env!("CARGO_BIN_EXE_beckon"))
        .unwrap()
        .len() as f64;
    t.row(
        "binary size (this build's profile)",
        mb(bin),
        "",
        String::new(),
        String::new(),
    );

    println!();
    println!(
        "Beckon performance suite ({} cores, {} stored)",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        stored
    );
    t.print();
}

/// Part 4 of the suite: the same server on PostgreSQL against the embedded store, measured
/// alike in the same run (`SUITE_ONLY=stores`): durable creates at 1, 16 and 64 clients,
/// authed GET by id, and list pages and searches at size. The cluster is `SUITE_POSTGRES` (a
/// superuser URL) or one `.ci/postgres` starts in `target/bench-pg` (fsync on, as in
/// production).
mod stores {
    use super::*;

    /// A new database on the cluster; its URL.
    async fn database(cluster: &str) -> String {
        let (client, conn) = tokio_postgres::connect(cluster, tokio_postgres::NoTls)
            .await
            .unwrap();
        let conn = tokio::spawn(conn);
        let name = format!("bench_{:016x}", rand::random::<u64>());
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        drop(client);
        let _ = conn.await;
        let mut url: url::Url = cluster.parse().unwrap();
        url.set_path(&name);
        url.to_string()
    }

    fn cluster() -> String {
        if let Ok(url) = std::env::var("SUITE_POSTGRES") {
            return url;
        }
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/postgres");
        let out = Command::new(script)
            .args(["target/bench-pg", "55433"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The script's cluster skips fsync (for tests); a benchmark of durable writes needs it.
        let url = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let conf = "target/bench-pg/data/postgresql.conf";
        let text = std::fs::read_to_string(conf).unwrap();
        std::fs::write(
            conf,
            text.replace("fsync = off", "fsync = on")
                .replace("full_page_writes = off", "full_page_writes = on"),
        )
        .unwrap();
        Command::new(script)
            .args(["--stop", "target/bench-pg"])
            .status()
            .unwrap();
        Command::new(script)
            .args(["--start", "target/bench-pg"])
            .status()
            .unwrap();
        url
    }

    /// One store's figures, by name, in the order measured.
    type Figures = Vec<(String, String, f64)>;

    async fn measure(dir: &Path, database: Option<&str>, stored: u64) -> Figures {
        let q = quick();
        let samples = if q { 200 } else { 1_000 };
        let mut out: Figures = Vec::new();
        let empty = dir.join(if database.is_some() {
            "pg-empty"
        } else {
            "redb-empty"
        });
        let empty_db = match database {
            Some(c) => Some(database_for(c).await),
            None => None,
        };
        tokio::task::block_in_place(|| fill_on(&empty, empty_db.as_deref(), 0));
        let (server, _) = Beckon::start_on(&empty, empty_db.as_deref()).await;
        let auth = server.login().await;
        for clients in [1, 16, 64] {
            let total = if q { 64 * 4 } else { clients.max(4) * 300 };
            let r = creates(&server.base, &auth, clients, total).await;
            out.push((format!("durable creates/s, {clients} clients"), rate(r), r));
        }
        let created: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/api/v1/session-requests", server.base))
            .header("authorization", &auth)
            .json(&serde_json::json!({"recipient_name": "Ada", "send_email": false}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let by_id = format!(
            "{}/api/v1/session-requests/{}",
            server.base,
            created["id"].as_str().unwrap()
        );
        let gets = if q { 4_000 } else { 20_000 };
        let r = common::load(&by_id, &[("authorization", &auth)], 16, gets).await;
        out.push((
            "authed GET by id, 16 connections".into(),
            format!("{r:.0} req/s"),
            r,
        ));
        drop(server);

        let big = dir.join(if database.is_some() {
            "pg-big"
        } else {
            "redb-big"
        });
        let big_db = match database {
            Some(c) => Some(database_for(c).await),
            None => None,
        };
        let filled = tokio::task::block_in_place(|| fill_on(&big, big_db.as_deref(), stored));
        out.push((format!("generator: {stored} stored"), rate(filled), filled));
        let (server, _) = Beckon::start_on(&big, big_db.as_deref()).await;
        let auth = server.login().await;
        let first: serde_json::Value = reqwest::Client::new()
            .get(format!("{}/api/v1/session-requests?limit=1", server.base))
            .header("authorization", &auth)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = first["items"][0]["id"].as_str().unwrap().to_owned();
        let url = format!("{}/api/v1/session-requests/{id}", server.base);
        let l = latencies(&url, &auth, samples).await;
        let (p50, p99) = (pct(&l, 0.5), pct(&l, 0.99));
        out.push((
            format!("GET by id at {stored}, p50 / p99"),
            format!("{p50:.2} / {p99:.2} ms"),
            p99,
        ));
        for (name, query) in [
            ("all, newest first", ""),
            ("view=upcoming", "view=upcoming"),
            ("view=active", "view=active"),
            ("view=past", "view=past"),
            ("assignee=me", "assignee=me"),
            ("view=past&assignee=me", "view=past&assignee=me"),
            ("q= a full name (1 in 2,304)", "q=grace%20huang"),
            ("q= a last name (1 in 48)", "q=fischer"),
            ("q= a comment's word (1 in 18)", "q=printer"),
            ("q= a mail domain (1 in 12)", "q=acme.example"),
            ("q= a two-letter prefix", "q=gr"),
            ("q= no match", "q=zzyzx"),
            ("view=upcoming&q= a last name", "view=upcoming&q=fischer"),
            ("view=active&q= a full name", "view=active&q=grace%20huang"),
        ] {
            let url = format!("{}/api/v1/session-requests?limit=50&{query}", server.base);
            let l = latencies(&url, &auth, samples).await;
            let (p50, p99) = (pct(&l, 0.5), pct(&l, 0.99));
            out.push((
                format!("list page of 50 at {stored}: {name}, p50 / p99"),
                format!("{p50:.2} / {p99:.2} ms"),
                p99,
            ));
        }
        out
    }

    async fn database_for(cluster: &str) -> String {
        database(cluster).await
    }

    pub async fn compare(dir: &Path, stored: u64, t: &mut Table) {
        let cluster = cluster();
        let redb = measure(dir, None, stored).await;
        let pg = measure(dir, Some(&cluster), stored).await;
        for ((name, redb_text, redb_v), (_, pg_text, pg_v)) in redb.into_iter().zip(pg) {
            t.row(
                &format!("{name} (PostgreSQL)"),
                pg_text,
                "embedded store, same run",
                redb_text,
                x(pg_v, redb_v),
            );
        }
    }
}
