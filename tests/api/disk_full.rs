//! A full disk: writes answer 503 and change nothing, reads go on, and once space is freed
//! the next write goes through, with nothing restarted and nothing acknowledged lost. The data
//! directory sits on a small tmpfs of the test's own (mounting needs root, which CI has).

use std::path::{Path, PathBuf};
use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::TestServer;

/// A tmpfs mounted for the test, unmounted when dropped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(at: &Path, size_mb: u32) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size_mb}m,mode=0700"),
                "tmpfs",
            ])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs as root and must be able to mount a tmpfs"
            );
            eprintln!("skipping: mounting a tmpfs needs root");
            return None;
        }
        Some(SmallDisk(at.to_path_buf()))
    }

    fn free(&self) -> u64 {
        let st = rustix::fs::statvfs(&self.0).unwrap();
        st.f_bavail * st.f_frsize
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

async fn create_status(t: &TestServer, admin: &str, name: &str) -> (StatusCode, Value) {
    let res = t
        .http
        .post(format!("{}/api/v1/session-requests", t.base))
        .bearer_auth(admin)
        .json(&json!({"recipient_name": name, "send_email": false}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn a_full_disk_refuses_writes_with_503_keeps_reads_and_recovers_once_space_is_freed() {
    if crate::backend::postgres() {
        // The reserve guards the embedded store's disk; a PostgreSQL server's disk is its
        // own to watch (a full one answers like a database that is down: 503, retry).
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let Some(disk) = SmallDisk::mount(&tmp.path().join("disk"), 48) else {
        return;
    };
    const RESERVE_MB: u64 = 8;
    let t = TestServer::start_in(&disk.0.join("data"), |c| {
        c.disk_reserve_mb = RESERVE_MB as u32;
    })
    .await;
    let admin = t.admin().await;
    let mut acknowledged = Vec::new();
    for i in 0..5 {
        let (status, body) = create_status(&t, &admin, &format!("Before {i}")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        acknowledged.push(body["id"].as_str().unwrap().to_owned());
    }

    // Something else fills the disk until less than the reserve is left (half of it).
    let junk = disk.0.join("junk");
    let fill = disk.free().saturating_sub(RESERVE_MB * 1024 * 1024 / 2);
    std::fs::write(&junk, vec![0u8; fill as usize]).unwrap();
    assert!(disk.free() < RESERVE_MB * 1024 * 1024);

    let (status, body) = create_status(&t, &admin, "During").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "storage_full");
    let health = t
        .http
        .get(format!("{}/healthz", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    // Reads go on.
    let list = t
        .get("/api/v1/session-requests?view=upcoming", &admin)
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 5);
    let one = t
        .get(
            &format!("/api/v1/session-requests/{}", acknowledged[0]),
            &admin,
        )
        .await;
    assert_eq!(one.status, StatusCode::OK);

    // Space comes back: the next write goes through, with nothing restarted.
    std::fs::remove_file(&junk).unwrap();
    let (status, body) = create_status(&t, &admin, "After").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for id in &acknowledged {
        let r = t
            .get(&format!("/api/v1/session-requests/{id}"), &admin)
            .await;
        assert_eq!(r.status, StatusCode::OK, "acknowledged {id} is there");
    }
    let list = t
        .get("/api/v1/session-requests?view=upcoming", &admin)
        .await;
    assert_eq!(
        list.body["items"].as_array().unwrap().len(),
        6,
        "no refused write landed"
    );
    t.assert_consistent();
    drop(t);
    drop(disk);
}
