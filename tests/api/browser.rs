//! The portal bundle hydrates in a real browser (Debian's headless Chromium): proof that the
//! WASM pipeline of build.rs, the embedded bundle and Leptos' hydration fit together.

use std::process::Command;

use crate::harness::TestServer;

const CHROMIUM: &str = "/usr/bin/chromium";

#[tokio::test]
async fn the_portal_page_hydrates_in_a_real_browser() {
    if !std::path::Path::new(CHROMIUM).exists() {
        // CI installs it (.ci/run); there its absence is a failure, not a skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "{CHROMIUM} is missing on CI"
        );
        eprintln!("skipping: {CHROMIUM} not installed (apt-get install chromium)");
        return;
    }
    let t = TestServer::start().await;
    let profile = tempfile::tempdir().unwrap();
    let url = format!("{}/", t.base);
    let out = tokio::task::spawn_blocking(move || {
        Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                // Run the page's clock ahead until idle (at most 10 s): the bundle loads,
                // instantiates and hydrates within it.
                "--virtual-time-budget=10000",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains(r#"data-hydrated="true""#),
        "the page did not hydrate; DOM:\n{dom}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
