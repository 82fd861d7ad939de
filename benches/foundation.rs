//! Foundation benchmark: prints a table, each figure next to a baseline measured in the same
//! run on the same machine.
//!
//! - durable creates per second through the service layer (one writer), against the raw
//!   fsync rate of the same disk (write 512 bytes + fdatasync, in a loop);
//! - authenticated `GET /api/v1/session-requests/{id}` over loopback HTTP, against a bare axum
//!   handler returning a constant, served by the same process and driven by the same client.
//!
//! Run: `cargo bench --bench foundation` (set BENCH_QUICK=1 for a short smoke run).

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use beckon::config::Config;
use beckon::service::{NewRequest, Service};

fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some()
}

/// fsyncs per second of the disk under `dir`: the ceiling for one-commit-per-write stores.
fn fsync_rate(dir: &std::path::Path, n: usize) -> f64 {
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

fn new_request(i: usize) -> NewRequest {
    serde_json::from_value(serde_json::json!({
        "recipient_name": format!("Person {i}"),
        "recipient_email": format!("person{i}@example.com"),
        "send_email": true,
        "comment": "printer driver",
    }))
    .unwrap()
}

fn row(name: &str, value: f64, unit: &str, baseline_name: &str, baseline: f64) {
    println!(
        "| {name:<44} | {value:>10.0} {unit:<6} | {baseline_name:<34} | {baseline:>10.0} | {:>6.2}× |",
        value / baseline
    );
}

fn main() {
    let creates = if quick() { 200 } else { 2_000 };
    let gets = if quick() { 2_000 } else { 40_000 };
    let conns = 16;

    let dir = tempfile::tempdir_in(std::env::current_dir().unwrap()).unwrap();
    let fsyncs = fsync_rate(dir.path(), creates);

    // Durable creates through the service layer.
    let create_rate = {
        let data = dir.path().join("svc");
        let config = Config::with_data_dir(&data);
        let store = beckon::store::Store::open(&data).unwrap();
        let links = beckon::links::LinkKey::load_or_create(&data).unwrap();
        let svc = Service::new(store, links, &config).unwrap();
        let admin = svc
            .create_admin_unchecked("bench@example.com", "Bench", "bench password")
            .unwrap();
        let start = Instant::now();
        for i in 0..creates {
            svc.create_request(&admin, new_request(i)).unwrap();
        }
        creates as f64 / start.elapsed().as_secs_f64()
    };

    // HTTP: the real server and a bare axum handler, in this process, one client.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (get_rate, bare_rate) = rt.block_on(async {
        let common::BenchServer {
            server,
            svc,
            addr,
            token,
            admin,
        } = common::start(&dir.path().join("http")).await;
        let mut last = None;
        for i in 0..1_000 {
            last = Some(svc.create_request(&admin, new_request(i)).unwrap().id);
        }
        let url = format!("http://{addr}/api/v1/session-requests/{}", last.unwrap());

        let (bare_url, bare_task) = common::bare_handler().await;

        // Alternate, so drift on the machine hits both alike.
        let mut get_rate = 0.0;
        let mut bare_rate = 0.0;
        for _ in 0..2 {
            bare_rate += common::load(&bare_url, &[], conns, gets / 2).await;
            let bearer = format!("Bearer {token}");
            get_rate += common::load(&url, &[("authorization", &bearer)], conns, gets / 2).await;
        }
        bare_task.abort();
        server.stop().await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        (get_rate / 2.0, bare_rate / 2.0)
    });

    println!();
    println!(
        "Beckon foundation benchmark ({} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "| figure                                       | value             | baseline (same run)                |   baseline |  ratio |"
    );
    println!(
        "|----------------------------------------------|-------------------|------------------------------------|-----------:|-------:|"
    );
    row(
        "durable creates/s, service layer, 1 writer",
        create_rate,
        "/s",
        "fsync/s of the data disk",
        fsyncs,
    );
    row(
        &format!("authed GET by id over loopback, {conns} conns"),
        get_rate,
        "req/s",
        "bare axum handler, same client",
        bare_rate,
    );
}
