//! The portal and the support session end to end in a real browser: Debian's Chromium driven
//! by Playwright (`tests/e2e/portal.mjs`, `tests/e2e/assist.mjs`) against this test's own
//! server. Screenshots of every open page land in `target/e2e/` when a step fails.

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

/// Installs playwright-core (the driver only; the browser is Debian's) once. Both browser
/// tests call this at the same time: behind a `Once`, so the second waits for the first's
/// `npm ci` (which empties `node_modules` first) instead of importing from a half-made tree.
fn install_driver() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(install_driver_now);
}

fn install_driver_now() {
    let dir = e2e_dir();
    let modules = dir.join("node_modules");
    if modules.join("playwright-core").exists() && modules.join("axe-core").exists() {
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

/// Runs one e2e script with `vars` and the Chromium path; fails the test on its failure.
async fn run_script(script: &'static str, vars: Vec<(&'static str, String)>) {
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e");
    std::fs::create_dir_all(&shots).unwrap();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(script)
            .current_dir(e2e_dir())
            .envs(vars)
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
        "{script} failed:\n{stdout}\n{stderr}"
    );
    // Shown with --nocapture: the steps and what they measured.
    println!("{stdout}");
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
    run_script(
        "portal.mjs",
        vec![
            ("BASE", t.base.clone()),
            ("ADMIN_EMAIL", "admin@example.com".into()),
            ("ADMIN_PASSWORD", "correct horse".into()),
            ("VIEWER_EMAIL", "viewer@example.com".into()),
            ("VIEWER_PASSWORD", "password123".into()),
        ],
    )
    .await;
    t.assert_consistent();
}

/// axe-core over every portal page and the link page, light and dark, desktop and phone, with
/// requests in every tab (waiting, upcoming, closed) so that every kind of row is on screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_the_accessibility_check_in_light_and_dark_on_desktop_and_phone() {
    if !tools_present() {
        return;
    }
    tokio::task::spawn_blocking(install_driver).await.unwrap();
    let t = TestServer::start_with(|c| c.organisation = "Acme Support".into()).await;
    let admin = t.admin().await;
    t.agent(&admin, "viewer@example.com", true, false).await;
    let waiting = t
        .create(&admin, serde_json::json!({"assignee": {"type": "me"}}))
        .await;
    t.checkin(waiting["link"].as_str().unwrap()).await;
    let tomorrow = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24))
        .round(jiff::Unit::Minute)
        .unwrap();
    let upcoming = t
        .create(
            &admin,
            serde_json::json!({"scheduled_at": tomorrow.to_string(), "time_zone": "Europe/Berlin"}),
        )
        .await;
    t.request_in(&admin, app::domain::Status::Closed).await;
    run_script(
        "a11y.mjs",
        vec![
            ("BASE", t.base.clone()),
            ("ADMIN_EMAIL", "admin@example.com".into()),
            ("ADMIN_PASSWORD", "correct horse".into()),
            ("REQUEST_ID", waiting["id"].as_str().unwrap().to_owned()),
            ("LINK", upcoming["link"].as_str().unwrap().to_owned()),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_end_user_shares_their_screen_with_the_agent_in_chromium() {
    if !tools_present() {
        return;
    }
    tokio::task::spawn_blocking(install_driver).await.unwrap();
    let t = TestServer::start_with(|c| c.organisation = "Acme Support".into()).await;
    let admin = t.admin().await;
    let tomorrow = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24))
        .round(jiff::Unit::Minute)
        .unwrap();
    let req = t
        .create(
            &admin,
            serde_json::json!({
                "assignee": {"type": "me"},
                "email_language": "de",
                "time_zone": "Europe/Berlin",
                "scheduled_at": tomorrow.to_string(),
                "comment": "Drucker druckt nicht",
                "share_comment": true,
            }),
        )
        .await;
    run_script(
        "assist.mjs",
        vec![
            ("BASE", t.base.clone()),
            ("ADMIN_EMAIL", "admin@example.com".into()),
            ("ADMIN_PASSWORD", "correct horse".into()),
            ("LINK", req["link"].as_str().unwrap().to_owned()),
            ("REQUEST_ID", req["id"].as_str().unwrap().to_owned()),
        ],
    )
    .await;
    t.assert_consistent();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_native_app_shares_a_real_x_display_with_the_agent_in_chromium() {
    if !tools_present() || !crate::xdisplay::tools_present() {
        return;
    }
    tokio::task::spawn_blocking(install_driver).await.unwrap();
    let x = tokio::task::spawn_blocking(|| crate::xdisplay::XDisplay::start(1280, 720))
        .await
        .unwrap();
    let t = TestServer::start_with(|c| {
        c.organisation = "Acme Support".into();
        // The script ends by quitting the app: the session ends after this.
        c.sweeper.disconnect_grace = std::time::Duration::from_secs(3);
    })
    .await;
    let admin = t.admin().await;
    let req = t
        .create(&admin, serde_json::json!({"assignee": {"type": "me"}}))
        .await;
    // The app as the link page hands it out.
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = crate::apps::download(
        &t,
        req["link"].as_str().unwrap(),
        "linux-x86_64",
        dir.path(),
    )
    .await;
    run_script(
        "native.mjs",
        vec![
            ("BASE", t.base.clone()),
            ("ADMIN_EMAIL", "admin@example.com".into()),
            ("ADMIN_PASSWORD", "correct horse".into()),
            ("LINK", req["link"].as_str().unwrap().to_owned()),
            ("REQUEST_ID", req["id"].as_str().unwrap().to_owned()),
            ("ASSIST_APP", app.display().to_string()),
            ("DISPLAY", x.display.clone()),
            // The script reads the server's CPU time from /proc: this process serves.
            ("SERVER_PID", std::process::id().to_string()),
        ],
    )
    .await;
    t.assert_consistent();
}
