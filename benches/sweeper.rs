//! Sweeper benchmark: the expiry job's cost must follow the work due, not the data stored.
//!
//! - one expiry tick with 0 due, at 1,000,000 stored against 1,000 stored (goal ≤ 2×);
//! - clearing 100,000 due requests (goal ≤ 5 s on this machine);
//! - `GET /api/v1/session-requests/{id}` latency over loopback while that clear runs, against
//!   the same GET on the idle server in the same run (goal p99 < 10 ms).
//!
//! Stores are filled with `Service::seed` (10,000 requests a transaction, written as
//! `create_request` would write them). Run: `cargo bench --bench sweeper`
//! (BENCH_QUICK=1: 100,000 instead of a million, 20,000 due).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use beckon::config::CronSpec;
use beckon::service::Service;
use beckon::sweep::Sweeper;
use jiff::{SignedDuration, Timestamp};

fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some()
}

/// Stores `n` requests expiring at `expires_at`.
fn fill(svc: &Service, admin: &app::domain::Agent, n: u64, expires_at: Timestamp) {
    let now = Timestamp::now();
    let mut i = 0;
    while i < n {
        let batch: Vec<_> = (i..(i + 10_000).min(n))
            .map(|j| (common::sample_request(j, admin.id, now, expires_at), vec![]))
            .collect();
        i += batch.len() as u64;
        svc.seed(batch).unwrap();
    }
}

/// Median time of an expiry tick that finds nothing due.
async fn idle_tick(sweeper: &Sweeper) -> Duration {
    let mut times: Vec<Duration> = (0..301).map(|_| Duration::ZERO).collect();
    for t in times.iter_mut() {
        let start = Instant::now();
        assert_eq!(sweeper.expire(Timestamp::now()).await.unwrap(), 0);
        *t = start.elapsed();
    }
    times.sort();
    times[times.len() / 2]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// GET latencies from one client on one keep-alive connection until `stop` is set.
async fn latencies(
    url: String,
    token: String,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Vec<Duration> {
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let start = Instant::now();
        let res = client.get(&url).bearer_auth(&token).send().await.unwrap();
        assert!(res.status().is_success());
        res.bytes().await.unwrap();
        out.push(start.elapsed());
    }
    out.sort();
    out
}

fn main() {
    let (big, due) = if quick() {
        (100_000, 20_000)
    } else {
        (1_000_000, 100_000)
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let root = tempfile::tempdir_in(std::env::current_dir().unwrap()).unwrap();
    let later = Timestamp::now() + SignedDuration::from_hours(24 * 7);

    // Idle ticks at two sizes.
    let fill_started = Instant::now();
    let (small_svc, small_admin) = common::service(&root.path().join("small"));
    fill(&small_svc, &small_admin, 1_000, later);
    let (big_svc, big_admin) = common::service(&root.path().join("big"));
    fill(&big_svc, &big_admin, big, later);
    let fill_secs = fill_started.elapsed().as_secs_f64();
    let config = beckon::config::SweeperConfig::default();
    let (small_tick, big_tick) = rt.block_on(async {
        let small = Sweeper::new(small_svc.clone(), config.clone());
        let bigs = Sweeper::new(big_svc.clone(), config.clone());
        (idle_tick(&small).await, idle_tick(&bigs).await)
    });
    drop((small_svc, big_svc));

    // Clearing a backlog on its own.
    let (alone_svc, alone_admin) = common::service(&root.path().join("alone"));
    let soon = Timestamp::now() + SignedDuration::from_secs(1);
    fill(&alone_svc, &alone_admin, due, soon);
    std::thread::sleep(Duration::from_millis(1100));
    let clear_alone = rt.block_on(async {
        let sweeper = Sweeper::new(alone_svc.clone(), config.clone());
        let start = Instant::now();
        assert_eq!(sweeper.expire(Timestamp::now()).await.unwrap() as u64, due);
        start.elapsed()
    });
    drop(alone_svc);
    if std::env::var_os("SWEEP_PROFILE").is_some() {
        return;
    }

    // Clearing a backlog, with the API under read load.
    let (clear, idle_lat, busy_lat) = rt.block_on(async {
        let server = common::start_with(&root.path().join("clear"), |c| {
            // The benchmark runs the job itself.
            c.sweeper.expiry = CronSpec("0 0 0 1 1 *".into());
        })
        .await;
        let svc = server.svc.clone();
        let probe = svc
            .create_request(
                &server.admin,
                serde_json::from_value(serde_json::json!({"recipient_name": "Probe"})).unwrap(),
            )
            .unwrap();
        // Due a second from now; seeded first, so they are due when the clear starts.
        let soon = Timestamp::now() + SignedDuration::from_secs(1);
        fill(&svc, &server.admin, due, soon);
        tokio::time::sleep_until(tokio::time::Instant::now() + Duration::from_millis(1200)).await;
        let url = format!(
            "http://{}/api/v1/session-requests/{}",
            server.addr, probe.id
        );

        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let idle = tokio::spawn(latencies(url.clone(), server.token.clone(), stop.clone()));
        tokio::time::sleep(Duration::from_secs(2)).await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let idle = idle.await.unwrap();

        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let busy = tokio::spawn(latencies(url, server.token.clone(), stop.clone()));
        let sweeper = Sweeper::new(svc.clone(), beckon::config::SweeperConfig::default());
        let start = Instant::now();
        let cleared = sweeper.expire(Timestamp::now()).await.unwrap();
        let clear = start.elapsed();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let busy = busy.await.unwrap();
        assert_eq!(cleared as u64, due);
        server.server.stop().await.unwrap();
        (clear, idle, busy)
    });

    println!();
    println!(
        "Beckon sweeper benchmark ({} cores; stores filled in {fill_secs:.0} s)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("| figure | value | baseline (same run) | baseline | ratio | goal |");
    println!("|---|---:|---|---:|---:|---|");
    println!(
        "| expiry tick, 0 due, {big} stored | {:.1} µs | the same tick, 1,000 stored | {:.1} µs | {:.2}× | ≤ 2× |",
        big_tick.as_secs_f64() * 1e6,
        small_tick.as_secs_f64() * 1e6,
        big_tick.as_secs_f64() / small_tick.as_secs_f64()
    );
    println!(
        "| clearing {due} due requests | {:.2} s | the goal | 5.00 s | {:.2}× | ≤ 1× |",
        clear_alone.as_secs_f64(),
        clear_alone.as_secs_f64() / 5.0
    );
    println!(
        "| the same while a client reads without pause | {:.2} s | the clear alone | {:.2} s | {:.2}× | |",
        clear.as_secs_f64(),
        clear_alone.as_secs_f64(),
        clear.as_secs_f64() / clear_alone.as_secs_f64()
    );
    let (p50i, p99i) = (percentile(&idle_lat, 0.5), percentile(&idle_lat, 0.99));
    let (p50b, p99b) = (percentile(&busy_lat, 0.5), percentile(&busy_lat, 0.99));
    println!(
        "| GET by id during the clear, p50 ({} reads) | {:.2} ms | the same GET, idle server, p50 | {:.2} ms | {:.2}× | |",
        busy_lat.len(),
        p50b.as_secs_f64() * 1e3,
        p50i.as_secs_f64() * 1e3,
        p50b.as_secs_f64() / p50i.as_secs_f64()
    );
    println!(
        "| GET by id during the clear, p99 | {:.2} ms | the same GET, idle server, p99 | {:.2} ms | {:.2}× | < 10 ms |",
        p99b.as_secs_f64() * 1e3,
        p99i.as_secs_f64() * 1e3,
        p99b.as_secs_f64() / p99i.as_secs_f64()
    );
}
