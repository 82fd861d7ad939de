//! `beckon backup`, `restore` and `check` on the real binary: a backup taken from a running
//! server under write load restores into a working server (links included), a bad or
//! inconsistent backup is refused without touching the store, and check finds a broken index.

use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::json;

use crate::binary::{admin_create, beckon, free_port, post_json, sigterm, wait_healthy};

const PASSWORD: &str = "correct horse battery";

fn run(dir: &Path, args: &[&str]) -> Output {
    beckon(dir).args(args).output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn serve(dir: &Path, port: u16) -> Child {
    let child = beckon(dir)
        .arg("serve")
        .env("BECKON_LISTEN", format!("127.0.0.1:{port}"))
        // Its relay on a port of its own (tests run side by side).
        .env("BECKON_RELAY_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_healthy(&format!("http://127.0.0.1:{port}"));
    child
}

async fn login(http: &reqwest::Client, base: &str) -> String {
    let body = json!({"email": "ops@example.com", "password": PASSWORD});
    let r = post_json(http, format!("{base}/api/v1/auth/login"), None, body).await;
    r["token"].as_str().expect("signed in").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_load_restores_into_a_working_server() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert!(admin_create(a.path()).status.success());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = serve(a.path(), port);
    let http = reqwest::Client::new();
    let token = login(&http, &base).await;
    let url = format!("{base}/api/v1/session-requests");
    let mut before = Vec::new();
    for i in 0..20 {
        let r = post_json(
            &http,
            url.clone(),
            Some(&token),
            json!({"recipient_name": format!("R{i}")}),
        )
        .await;
        before.push((
            r["id"].as_str().unwrap().to_owned(),
            r["link"].as_str().unwrap().to_owned(),
        ));
    }

    // Writers keep going while the backup is taken.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let during: Arc<Mutex<usize>> = Arc::default();
    let mut writers = Vec::new();
    for _ in 0..4 {
        let (http, url, token, stop, during) = (
            http.clone(),
            url.clone(),
            token.clone(),
            stop.clone(),
            during.clone(),
        );
        writers.push(tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let r = post_json(
                    &http,
                    url.clone(),
                    Some(&token),
                    json!({"recipient_name": "Load"}),
                )
                .await;
                assert!(r["id"].is_string(), "{r}");
                *during.lock().unwrap() += 1;
            }
        }));
    }
    let dir = a.path().to_owned();
    let out = tokio::task::spawn_blocking(move || run(&dir, &["backup", "nightly.redb"]))
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("taken by the running server"),
        "{}",
        text(&out)
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(a.path().join("nightly.redb")).unwrap();
        assert_eq!(
            meta.permissions().mode() & 0o077,
            0,
            "a backup holds the link key"
        );
    }
    let dir = a.path().to_owned();
    let checked = tokio::task::spawn_blocking(move || run(&dir, &["check"]))
        .await
        .unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    assert!(
        *during.lock().unwrap() > 0,
        "the backup ran beside live writes"
    );
    assert!(checked.status.success(), "{}", text(&checked));
    assert!(
        text(&checked).contains("checked by the running server"),
        "{}",
        text(&checked)
    );
    // A backup never overwrites a file.
    let again = run(a.path(), &["backup", "nightly.redb"]);
    assert!(!again.status.success());
    assert!(
        text(&again).contains("never overwrites"),
        "{}",
        text(&again)
    );
    sigterm(&server);
    assert!(server.wait().unwrap().success());

    // Restore into an empty place and serve from it.
    let file = a.path().join("nightly.redb");
    let out = run(b.path(), &["restore", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(b.path().join("beckon-data")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o700, "made owner-only");
    }
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut restored = serve(b.path(), port);
    let token = login(&http, &base).await;
    for (id, link) in &before {
        let r = http
            .get(format!("{base}/api/v1/session-requests/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{id} is in the backup");
        // The link key came along: the link mailed before the backup still opens.
        let link = link.replace(&link[..link.find("/s/").unwrap()], &base);
        assert_eq!(
            http.get(&link).send().await.unwrap().status(),
            200,
            "{link}"
        );
    }
    let out = run(b.path(), &["check"]);
    assert!(out.status.success(), "{}", text(&out));
    // Restoring over a running server is refused, and changes nothing.
    let out = run(b.path(), &["restore", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("stop it before restoring"),
        "{}",
        text(&out)
    );
    let r = http
        .get(format!("{base}/api/v1/session-requests/{}", before[0].0))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    sigterm(&restored);
    assert!(restored.wait().unwrap().success());
}

#[test]
fn bad_backups_are_refused_and_check_finds_a_broken_index() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(admin_create(d).status.success());
    // Stopped server: backup and check work on the files.
    let out = run(d, &["backup", "stopped.redb"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(d, &["check"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("OK"), "{}", text(&out));

    // Not a backup at all: refused, and the store is as it was.
    let db = d.join("beckon-data/beckon.redb");
    let digest = |p: &Path| {
        use sha2::Digest;
        format!("{:x}", sha2::Sha256::digest(std::fs::read(p).unwrap()))
    };
    let original = digest(&db);
    std::fs::write(d.join("junk.redb"), b"this is not a database").unwrap();
    let out = run(d, &["restore", "junk.redb"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("not a Beckon backup"), "{}", text(&out));
    assert_eq!(digest(&db), original, "the store was not touched");

    // A stray index entry: check names it and fails; a backup of it does not restore.
    {
        let store = beckon::store::Store::open(&d.join("beckon-data")).unwrap();
        let txn = store.redb().begin_write().unwrap();
        let ghost = app::domain::RequestId::from_u128(99);
        txn.open_table(beckon::store::redb::tables::IDX_STATUS)
            .unwrap()
            .insert(
                beckon::store::redb::keys::status(app::domain::Status::Open, ghost),
                (),
            )
            .unwrap();
        txn.commit().unwrap();
    }
    let out = run(d, &["check"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("problem: status index has a stray entry"),
        "{}",
        text(&out)
    );
    let out = run(d, &["backup", "broken.redb"]);
    assert!(out.status.success(), "{}", text(&out));
    let elsewhere = tempfile::tempdir().unwrap();
    let file = d.join("broken.redb");
    let out = run(elsewhere.path(), &["restore", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out).contains("inconsistent"), "{}", text(&out));
    assert!(!elsewhere.path().join("beckon-data/beckon.redb").exists());

    // The good backup restores over the broken store; the broken one is kept aside.
    let file = d.join("stopped.redb");
    let out = run(d, &["restore", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("before-restore-"), "{}", text(&out));
    let out = run(d, &["check"]);
    assert!(out.status.success(), "{}", text(&out));
}
