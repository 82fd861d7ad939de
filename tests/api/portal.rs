//! The portal end to end in a real browser: Debian's Chromium driven by Playwright
//! (`tests/e2e/portal.mjs`) against this test's own server. Screenshots of every open page
//! land in `target/e2e/` when a step fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::TestServer;

const CHROMIUM: &str = "/usr/bin/chromium";

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e")
}

/// Chromium and Node are installed by `.ci/run`; on CI their absence is a failure, elsewhere
/// a loud skip.
fn tools_present() -> bool {
    let node = Command::new("node").arg("--version").output().is_ok();
    let ok = node && Path::new(CHROMIUM).exists();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "node or {CHROMIUM} is missing on CI"
        );
        eprintln!("skipping: needs node and {CHROMIUM} (apt-get install nodejs chromium)");
    }
    ok
}

/// Installs playwright-core (the driver only; the browser is Debian's) once.
fn install_driver() {
    let dir = e2e_dir();
    if dir.join("node_modules/playwright-core").exists() {
        return;
    }
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .output()
        .expect("npm runs");
    assert!(
        out.status.success(),
        "npm ci in tests/e2e failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_and_an_end_user_go_through_a_whole_request_in_chromium() {
    if !tools_present() {
        return;
    }
    tokio::task::spawn_blocking(install_driver).await.unwrap();
    let t = TestServer::start().await;
    let admin = t.admin().await;
    t.agent(&admin, "viewer@example.com", true, false).await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e");
    std::fs::create_dir_all(&shots).unwrap();
    let base = t.base.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("portal.mjs")
            .current_dir(e2e_dir())
            .env("BASE", base)
            .env("ADMIN_EMAIL", "admin@example.com")
            .env("ADMIN_PASSWORD", "correct horse")
            .env("VIEWER_EMAIL", "viewer@example.com")
            .env("VIEWER_PASSWORD", "password123")
            .env("SHOTS", &shots)
            .env("CHROMIUM", CHROMIUM)
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("all steps passed"),
        "the portal e2e run failed:\n{stdout}\n{stderr}"
    );
    t.assert_consistent();
}
