//! PostgreSQL restarting under load: while it is down every request answers 503
//! `store_unavailable` (nothing half-done, nothing acknowledged), the node reconnects by itself
//! once it is back, and every create that was acknowledged is there.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::TestServer;

/// Runs `.ci/postgres ARGS` (a cluster of this test's own: restarting the shared one would
/// pull it from under the other tests); its standard output.
fn cluster(args: &[&str]) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/postgres");
    let out = std::process::Command::new(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        ".ci/postgres {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// What the load saw: acknowledged IDs, and when each kind of answer came.
#[derive(Default)]
struct Seen {
    created: Vec<(Instant, String)>,
    unavailable: Vec<Instant>,
    other: Vec<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restart_under_load_loses_no_acknowledged_create() {
    if crate::backend::postgres() || !crate::backend::cluster_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // The cluster runs as another user when the tests run as root: it must reach its folder.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let pg = dir.path().join("pg");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let url = cluster(&[pg.to_str().unwrap(), &port]);
    let t = Arc::new(
        TestServer::start_with(|c| c.database_url = Some(beckon::config::Secret(url.clone())))
            .await,
    );
    let admin = t.admin().await;

    let seen = Arc::new(Mutex::new(Seen::default()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut load = Vec::new();
    for worker in 0..4 {
        let (t, admin, seen, stop) = (t.clone(), admin.clone(), seen.clone(), stop.clone());
        load.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                i += 1;
                let body = json!({"recipient_name": format!("Load {worker}-{i}")});
                // Not through the harness, which takes any 5xx for a bug: here 503 is right.
                let r = t
                    .http
                    .post(format!("{}/api/v1/session-requests", t.base))
                    .bearer_auth(&admin)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                let body: serde_json::Value = r.json().await.unwrap_or_default();
                {
                    let mut s = seen.lock().unwrap();
                    match status {
                        StatusCode::CREATED => s
                            .created
                            .push((Instant::now(), body["id"].as_str().unwrap().to_owned())),
                        StatusCode::SERVICE_UNAVAILABLE
                            if body["error"]["code"] == "store_unavailable" =>
                        {
                            s.unavailable.push(Instant::now())
                        }
                        other => s.other.push(format!("{other}: {body}")),
                    }
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let pg_dir = pg.to_str().unwrap().to_owned();
    let stopped = {
        let d = pg_dir.clone();
        tokio::task::spawn_blocking(move || cluster(&["--stop", &d]))
            .await
            .unwrap();
        Instant::now()
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let restarted = {
        let d = pg_dir.clone();
        tokio::task::spawn_blocking(move || cluster(&["--start", &d]))
            .await
            .unwrap();
        Instant::now()
    };
    // Until the node has reconnected and gone on creating for a while.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let after = seen
            .lock()
            .unwrap()
            .created
            .iter()
            .filter(|(at, _)| *at > restarted)
            .count();
        if after >= 20 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no creates after the database came back"
        );
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for l in load {
        l.await.unwrap();
    }

    let seen = std::mem::take(&mut *seen.lock().unwrap());
    assert!(
        seen.other.is_empty(),
        "answers besides 201 and 503: {:?}",
        seen.other
    );
    let down = seen
        .unavailable
        .iter()
        .filter(|at| **at > stopped && **at < restarted)
        .count();
    assert!(down > 0, "no 503 while the database was down");
    let before = seen.created.iter().filter(|(at, _)| *at < stopped).count();
    assert!(before > 0, "no creates before the restart");
    for (_, id) in &seen.created {
        let r = t
            .get(&format!("/api/v1/session-requests/{id}"), &admin)
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "acknowledged create {id} was lost"
        );
    }
    eprintln!(
        "{} creates acknowledged ({before} before the restart), {} answered 503 ({down} while down)",
        seen.created.len(),
        seen.unavailable.len()
    );
    cluster(&["--stop", &pg_dir]);
}
