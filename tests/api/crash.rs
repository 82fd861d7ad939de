//! Crash safety of the real binary: several clients create requests (each queuing an
//! invitation mail) while the server is killed with SIGKILL at a random moment, five rounds
//! on the same data directory. Every create that got its 201 must be there afterwards with
//! its queued mail, and the database must open clean with its indexes matching its records.
//! This is what group commit must not weaken: a 201 only after the write is durable.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::domain::{RequestId, SessionRequest};
use beckon::store::records::OutboxItem;
use beckon::store::redb::tables;
use beckon::store::{Store, decode};
use redb::ReadableTable;
use serde_json::json;

use crate::binary::{free_port, post_json};

const CLIENTS: usize = 8;
const ROUNDS: usize = 5;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_at_random_moments_loses_no_acknowledged_create_or_queued_mail() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    {
        let config = beckon::config::Config::with_data_dir(&data);
        let store = Store::open(&data).unwrap();
        let links = beckon::links::LinkKey::load_or_create(&data).unwrap();
        let svc = beckon::service::Service::new(store, links, &config).unwrap();
        svc.create_admin_unchecked("ops@example.com", "Ops", "crash test password")
            .unwrap();
    }
    let acked: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    let http = reqwest::Client::new();
    for round in 0..ROUNDS {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut server = Command::new(env!("CARGO_BIN_EXE_beckon"))
            .arg("serve")
            .env("BECKON_DATA_DIR", &data)
            .env("BECKON_LISTEN", format!("127.0.0.1:{port}"))
            // Its relay on a port of its own (tests run side by side).
            .env("BECKON_RELAY_LISTEN", "127.0.0.1:0")
            .env("BECKON_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while http.get(format!("{base}/healthz")).send().await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "round {round}: no start"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let login = post_json(
            &http,
            format!("{base}/api/v1/auth/login"),
            None,
            json!({"email": "ops@example.com", "password": "crash test password"}),
        )
        .await;
        let token = login["token"].as_str().unwrap().to_owned();
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let (http, base, token, acked) =
                    (http.clone(), base.clone(), token.clone(), acked.clone());
                tokio::spawn(async move {
                    for i in 0.. {
                        let res = http
                            .post(format!("{base}/api/v1/session-requests"))
                            .bearer_auth(&token)
                            .json(&json!({
                                "recipient_name": format!("Crash {round}-{c}-{i}"),
                                "recipient_email": format!("c{round}x{c}x{i}@example.com"),
                                "send_email": true,
                            }))
                            .send()
                            .await;
                        // The kill cuts requests off mid-way: those were never acknowledged.
                        let Ok(res) = res else { return };
                        if res.status() != 201 {
                            return;
                        }
                        let Ok(body) = res.json::<serde_json::Value>().await else {
                            return;
                        };
                        let id = body["id"].as_str().unwrap().to_owned();
                        acked.lock().unwrap().insert(id);
                    }
                })
            })
            .collect();
        // A random moment in the middle of the writing.
        let ms = 150 + rand::random::<u64>() % 600;
        tokio::time::sleep(Duration::from_millis(ms)).await;
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        for c in clients {
            c.await.unwrap();
        }
    }

    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > ROUNDS * CLIENTS,
        "too few creates to prove anything: {}",
        acked.len()
    );
    let store = Store::open(&data).expect("the database opens after the kills");
    assert_eq!(store.verify_indexes().unwrap(), Vec::<String>::new());
    let read = store.redb().begin_read().unwrap();
    let requests = read.open_table(tables::REQUESTS).unwrap();
    let mut mailed = BTreeSet::new();
    for row in read.open_table(tables::OUTBOX).unwrap().iter().unwrap() {
        let item: OutboxItem = decode(row.unwrap().1.value()).unwrap();
        if item.kind_name() == "invitation" {
            mailed.extend(item.request);
        }
    }
    for id in &acked {
        let rid: RequestId = id.parse().unwrap();
        let rec = requests
            .get(rid.to_be_bytes())
            .unwrap()
            .unwrap_or_else(|| panic!("acknowledged create {id} was lost"));
        let rec: SessionRequest = decode(rec.value()).unwrap();
        assert!(rec.recipient_name.starts_with("Crash "));
        assert!(mailed.contains(&rid), "the invitation of {id} was lost");
    }
}
