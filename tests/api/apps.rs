//! The assist app as end users get it. The link page offers the app for the visitor's
//! computer (by User-Agent); the download carries the link's join code in its name and the
//! server's address in its slot; the code redeems to the link only while it lives; a Windows
//! app the operator signed is handed out signed and verifies. And the real apps run: the
//! Linux one under Xvfb, opened the way a downloaded file is and driven through its window;
//! the Windows one under Wine.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::harness::{DEVICE, TestServer, token_of};

pub const WINDOWS_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";
pub const LINUX_UA: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const MAC_UA: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15";
const ANDROID_UA: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36";
const IPHONE_UA: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

/// Whether a command runs here; on CI its absence fails the test.
fn have(tool: &str, why: &str) -> bool {
    let ok = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "{tool} is missing on CI");
        eprintln!("skipping: {why} needs {tool}");
    }
    ok
}

/// Whether this server build carries the Windows app (CI's always does).
fn windows_app_built() -> bool {
    let ok = beckon::assist_apps::export(wire::Platform::WindowsX86_64, "http://x").is_ok();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "the Windows app is not built on CI"
        );
        eprintln!("skipping: this build has no Windows app (MinGW missing)");
    }
    ok
}

async fn page_for(t: &TestServer, link: &str, ua: &str) -> String {
    let r = t
        .http
        .get(link)
        .header("beckon-device", DEVICE)
        .header("user-agent", ua)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.text().await.unwrap()
}

/// The value of `attr="…"` of the first element with `class` (a plain scan of the page).
fn checksum_on(page: &str, platform_label: &str) -> String {
    let at = page
        .find(&format!("data-platform=\"{platform_label}\""))
        .unwrap_or_else(|| panic!("no {platform_label} download on the page"));
    let rest = &page[at..];
    let start = rest.find("class=\"checksum\">").unwrap() + "class=\"checksum\">".len();
    rest[start..start + 64].to_owned()
}

/// Downloads the app like the link page's button: saved under the name the server gives,
/// executable. Returns its path and bytes.
pub async fn download(
    t: &TestServer,
    link: &str,
    platform: &str,
    dir: &Path,
) -> (PathBuf, Vec<u8>) {
    let r = t
        .http
        .get(format!("{}/s/{}/app/{platform}", t.base, token_of(link)))
        .header("beckon-device", DEVICE)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "downloading the {platform} app");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    let name = disposition
        .split("filename=\"")
        .nth(1)
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_else(|| panic!("no file name in {disposition}"))
        .to_owned();
    assert_eq!(r.headers()["cache-control"], "no-store");
    let bytes = r.bytes().await.unwrap().to_vec();
    let path = dir.join(&name);
    std::fs::write(&path, &bytes).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    (path, bytes)
}

#[tokio::test]
async fn the_link_page_offers_what_the_visitors_computer_can_run() {
    let t = TestServer::start_with(|c| {
        c.organisation = "Acme Support".into();
        c.support_phone = Some("+49 30 1234567".into());
    })
    .await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({"assignee": {"type": "me"}})).await;
    let link = req["link"].as_str().unwrap();
    let windows = windows_app_built();

    let linux = page_for(&t, link, LINUX_UA).await;
    assert!(
        linux.contains("data-platform=\"Linux (x86-64)\""),
        "{linux}"
    );
    assert!(!linux.contains("data-platform=\"Windows"));
    assert!(linux.contains(&format!("/s/{}/app/linux-x86_64", token_of(link))));
    // Both ways in, the three steps, where they are and whom to call.
    for want in [
        "id=\"continue\"",
        "id=\"join-code\"",
        "id=\"steps\"",
        "Check that it names",
        "You are on 127.0.0.1.",
        "on a number you already know, such as",
        "+49 30 1234567",
        "Not signed",
    ] {
        assert!(linux.contains(want), "{want}");
    }
    if windows {
        let page = page_for(&t, link, WINDOWS_UA).await;
        assert!(page.contains("data-platform=\"Windows (64-bit)\""));
        assert!(!page.contains("data-platform=\"Linux"));
        assert!(page.contains("id=\"continue\""));
    }
    let mac = page_for(&t, link, MAC_UA).await;
    assert!(mac.contains("id=\"mac-note\"") && mac.contains("id=\"continue\""));
    assert!(!mac.contains("download-app"));
    for phone in [ANDROID_UA, IPHONE_UA] {
        let page = page_for(&t, link, phone).await;
        assert!(page.contains("id=\"use-computer\""), "{phone}");
        assert!(page.contains("id=\"send-link\" href=\"mailto:?subject="));
        assert!(page.contains("body=http%3A%2F%2F127.0.0.1"));
        // Before any check-in: no way in that needs a computer.
        assert!(!page.contains("id=\"continue\"") && !page.contains("download-app"));
    }
    assert_eq!(
        t.status_of(&admin, req["id"].as_str().unwrap()).await,
        "open"
    );

    // The checksums shown are those of the files served.
    let dir = tempfile::tempdir().unwrap();
    let mut platforms = vec![("linux-x86_64", "Linux (x86-64)", LINUX_UA)];
    if windows {
        platforms.push(("windows-x86_64", "Windows (64-bit)", WINDOWS_UA));
    }
    for (platform, label, ua) in platforms {
        let page = page_for(&t, link, ua).await;
        let (_, bytes) = download(&t, link, platform, dir.path()).await;
        assert_eq!(
            checksum_on(&page, label),
            format!("{:x}", Sha256::digest(&bytes)),
            "{platform}"
        );
        assert!(
            bytes.len() < 15_000_000,
            "{platform}: {} bytes",
            bytes.len()
        );
    }
    t.assert_consistent();
}

#[tokio::test]
async fn a_download_carries_a_join_code_that_redeems_to_the_link_while_it_lives() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());
    let page = page_for(&t, link, LINUX_UA).await;
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = download(&t, link, "linux-x86_64", dir.path()).await;
    let name = path.file_name().unwrap().to_str().unwrap();
    let code = wire::JoinCode::find_in_file_name(name).expect("the file name carries a code");
    assert!(name.starts_with("beckon-support-"), "{name}");
    // The page shows the same code, for typing.
    assert!(
        page.contains(&format!("id=\"join-code\">{code}<")),
        "{code}"
    );
    // The file names this server.
    assert_eq!(
        wire::slot::read_file(&bytes).unwrap(),
        Some(t.base.as_str())
    );
    // A second download is the same file under the same name.
    let (again, bytes2) = download(&t, link, "linux-x86_64", dir.path()).await;
    assert_eq!((again, bytes2 == bytes), (path.clone(), true));

    let join = |code: String| {
        let http = t.http.clone();
        let url = format!("{}/api/v1/assist/join", t.base);
        async move {
            let r = http
                .post(url)
                .json(&json!({"code": code}))
                .send()
                .await
                .unwrap();
            let status = r.status();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, body) = join(code.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["link"], link);
    // Typed loosely: the same.
    let loose = code.to_string().to_lowercase().replace('-', " ");
    assert_eq!(join(loose).await.1["link"], link);
    let (status, body) = join("12*4-5678".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_input", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("code:"),
        "{body}"
    );
    let other = wire::JoinCode::from_bits(code.bits() ^ 1).to_string();
    assert_eq!(join(other).await.0, StatusCode::NOT_FOUND);
    // Nothing without a live link: no download for an unknown token or platform.
    let r = t
        .http
        .get(format!("{}/s/{}/app/linux-x86_64", t.base, "A".repeat(43)))
        .header("beckon-device", DEVICE)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = t
        .http
        .get(format!("{}/s/{}/app/plan9-mips", t.base, token_of(link)))
        .header("beckon-device", DEVICE)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Closed: the code says the request is over. Reopened: the old code is gone, a new
    // link has a new one.
    t.post(
        &format!("/api/v1/session-requests/{id}/close"),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(join(code.to_string()).await.0, StatusCode::GONE);
    let reopened = t
        .post(
            &format!("/api/v1/session-requests/{id}/reopen"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(reopened.status, StatusCode::OK, "{}", reopened.body);
    assert_eq!(join(code.to_string()).await.0, StatusCode::NOT_FOUND);
    let new_link = reopened.body["link"].as_str().unwrap();
    let (new_path, _) = download(&t, new_link, "linux-x86_64", dir.path()).await;
    let new_code =
        wire::JoinCode::find_in_file_name(new_path.file_name().unwrap().to_str().unwrap()).unwrap();
    assert_ne!(new_code, code);
    assert_eq!(join(new_code.to_string()).await.1["link"], new_link);
    t.assert_consistent();
}

#[tokio::test]
async fn an_operator_signed_windows_app_is_handed_out_signed_and_verifies() {
    if !have("osslsigncode", "signing") || !have("openssl", "signing") || !windows_app_built() {
        return;
    }
    let keys = tempfile::tempdir().unwrap();
    let (cert, key) = (keys.path().join("cert.pem"), keys.path().join("key.pem"));
    let ok = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
        ])
        .args(["-subj", "/CN=Acme Support Ltd/O=Acme"])
        .args(["-addext", "extendedKeyUsage=codeSigning"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(ok.success());
    let signed = keys.path().join("signed.exe");
    let (signed2, cert2, key2) = (signed.clone(), cert.clone(), key.clone());
    let t = TestServer::start_with(move |c| {
        // The operator's steps: export the app for this server, sign it, point at it.
        let url = c.public_url.as_str().trim_end_matches('/').to_owned();
        let unsigned = signed2.with_file_name("unsigned.exe");
        std::fs::write(
            &unsigned,
            beckon::assist_apps::export(wire::Platform::WindowsX86_64, &url).unwrap(),
        )
        .unwrap();
        let out = std::process::Command::new("osslsigncode")
            .args(["sign", "-h", "sha256", "-n", "Beckon remote support"])
            .arg("-certs")
            .arg(&cert2)
            .arg("-key")
            .arg(&key2)
            .arg("-in")
            .arg(&unsigned)
            .arg("-out")
            .arg(&signed2)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        c.assist_app_files = vec![(wire::Platform::WindowsX86_64, signed2)];
    })
    .await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let link = req["link"].as_str().unwrap();
    let page = page_for(&t, link, WINDOWS_UA).await;
    assert!(
        page.contains("Signed by \u{2068}Acme Support Ltd\u{2069}"),
        "{page}"
    );
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = download(&t, link, "windows-x86_64", dir.path()).await;
    assert_eq!(bytes, std::fs::read(&signed).unwrap(), "served as signed");
    assert_eq!(
        checksum_on(&page, "Windows (64-bit)"),
        format!("{:x}", Sha256::digest(&bytes))
    );
    let out = std::process::Command::new("osslsigncode")
        .args(["verify", "-CAfile"])
        .arg(&cert)
        .arg("-in")
        .arg(&path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Signature verification: ok"), "{said}");

    // A file written for another server is refused at start-up, with what to do.
    let elsewhere = keys.path().join("elsewhere.exe");
    std::fs::write(
        &elsewhere,
        beckon::assist_apps::export(wire::Platform::WindowsX86_64, "https://elsewhere.example")
            .unwrap(),
    )
    .unwrap();
    let err =
        beckon::assist_apps::Apps::load(&t.base, &[(wire::Platform::WindowsX86_64, elsewhere)])
            .err()
            .expect("refused");
    assert!(format!("{err:#}").contains("export it again"), "{err:#}");
}

/// A screenshot of the display into `target/test-artifacts/` when a test fails while this
/// lives (CI keeps the folder).
struct ShotOnFailure<'a> {
    display: &'a str,
    name: &'static str,
}

impl Drop for ShotOnFailure<'_> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
        let _ = std::fs::create_dir_all(&dir);
        let out = dir.join(format!("{}.xwd", self.name));
        let _ = std::process::Command::new("xwd")
            .args(["-root", "-silent", "-display", self.display, "-out"])
            .arg(&out)
            .status();
        eprintln!("screenshot: {}", out.display());
    }
}

/// The first window whose name contains `part`, waited for.
fn window_named(display: &str, part: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = std::process::Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", part])
            .env("DISPLAY", display)
            .output()
            .unwrap();
        let id = String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .map(str::to_owned);
        if let Some(id) = id {
            return id;
        }
        assert!(
            Instant::now() < deadline,
            "no window named like {part:?} on {display}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn window_name(display: &str, id: &str) -> String {
    let out = std::process::Command::new("xdotool")
        .args(["getwindowname", id])
        .env("DISPLAY", display)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Presses `keys` in the window `id` (focused first, as a person clicking into it would).
fn keys_to(display: &str, id: &str, keys: &[&str]) {
    let out = std::process::Command::new("xdotool")
        // Focus, not activate: Xvfb runs no window manager to activate windows.
        .args(["windowfocus", id, "sleep", "0.3", "key", "--delay", "80"])
        .args(keys)
        .env("DISPLAY", display)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xdotool: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Reads the app's lines until one contains `want` (failing after `secs`).
async fn expect_line(
    lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    want: &str,
    secs: u64,
) {
    let mut said = Vec::new();
    let found = tokio::time::timeout(Duration::from_secs(secs), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains(want) {
                return true;
            }
            said.push(line);
        }
        false
    })
    .await;
    assert!(
        matches!(found, Ok(true)),
        "the app never said {want:?}; it said {said:#?}"
    );
}

async fn wait_status(t: &TestServer, admin: &str, id: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while t.status_of(admin, id).await != want {
        assert!(Instant::now() < deadline, "the request never became {want}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_linux_app_joins_without_typing_and_is_driven_through_its_window() {
    if !crate::xdisplay::tools_present() || !have("xwd", "screenshots on failure") {
        return;
    }
    let x = tokio::task::spawn_blocking(|| crate::xdisplay::XDisplay::start(1280, 720))
        .await
        .unwrap();
    let display = x.display.clone();
    let _shot = ShotOnFailure {
        display: &x.display,
        name: "linux-app",
    };
    let t = TestServer::start_with(|c| c.organisation = "Acme Support".into()).await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({"assignee": {"type": "me"}})).await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = download(&t, link, "linux-x86_64", dir.path()).await;

    // Opened from the Downloads folder: no argument, nothing typed.
    let mut child = tokio::process::Command::new(&app)
        .current_dir(dir.path())
        .env("DISPLAY", &display)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // (The window and the check-in come in either order.)
    expect_line(&mut lines, "Checked in with Acme Support", 20).await;
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    assert_eq!(
        (
            detail["status"].as_str(),
            detail["end_user_client"].as_str()
        ),
        (Some("waiting"), Some("native"))
    );
    // The window names the organisation and the agent, from the server.
    let d = display.clone();
    let main = tokio::task::spawn_blocking(move || {
        // (xdotool's patterns are ASCII-safe only; the title's "·" is checked as text.)
        let id = window_named(&d, "Ada Admin");
        let name = window_name(&d, &id);
        assert!(name.contains("Ada Admin \u{b7} Acme Support"), "{name}");
        id
    })
    .await
    .unwrap();

    // Deny through the window: the question takes the focus on Allow; Tab, then Enter.
    let connect = format!("/api/v1/session-requests/{id}/connect");
    t.post(&connect, &admin, json!({})).await;
    expect_line(
        &mut lines,
        "Ada Admin from Acme Support asks to see your screen",
        10,
    )
    .await;
    let (d, w) = (display.clone(), main.clone());
    tokio::task::spawn_blocking(move || {
        window_named(&d, "asks to see your screen");
        keys_to(&d, &w, &["Tab", "Return"]);
    })
    .await
    .unwrap();
    expect_line(&mut lines, "Access denied.", 10).await;
    assert_eq!(t.status_of(&admin, id).await, "waiting");

    // Allow: Enter on the focused Allow.
    t.post(&connect, &admin, json!({})).await;
    expect_line(&mut lines, "asks to see your screen", 10).await;
    let (d, w) = (display.clone(), main.clone());
    tokio::task::spawn_blocking(move || {
        window_named(&d, "asks to see your screen");
        keys_to(&d, &w, &["Return"]);
    })
    .await
    .unwrap();
    expect_line(&mut lines, "Access allowed.", 10).await;
    wait_status(&t, &admin, id, "ready").await;

    // In session the screen is shared, the window stays on top with the indicator bar, and
    // its Stop (the first control) ends the session.
    t.post(
        &format!("/api/v1/session-requests/{id}/start"),
        &admin,
        json!({}),
    )
    .await;
    expect_line(&mut lines, "Indicator shown.", 15).await;
    let d = display.clone();
    tokio::task::spawn_blocking(move || {
        keys_to(&d, &main, &["Tab", "Return"]);
    })
    .await
    .unwrap();
    expect_line(&mut lines, "The support session is over", 15).await;
    wait_status(&t, &admin, id, "waiting").await;
    let ended = crate::departures::ended_entry(&t, &admin, id).await;
    assert_eq!(ended["details"]["reason"], "end_user", "{ended}");
    child.kill().await.unwrap();
    t.assert_consistent();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_windows_app_runs_under_wine_joins_and_answers_the_consent() {
    if !crate::xdisplay::tools_present()
        || !have("wine", "the Windows app's test")
        || !have("x86_64-w64-mingw32-gcc", "the Windows app's test")
        || !windows_app_built()
    {
        return;
    }
    let x = tokio::task::spawn_blocking(|| crate::xdisplay::XDisplay::start(1280, 720))
        .await
        .unwrap();
    let display = x.display.clone();
    let _shot = ShotOnFailure {
        display: &x.display,
        name: "windows-app-wine",
    };
    let t = TestServer::start_with(|c| c.organisation = "Acme Support".into()).await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({"assignee": {"type": "me"}})).await;
    let (id, link) = (req["id"].as_str().unwrap(), req["link"].as_str().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = download(&t, link, "windows-x86_64", dir.path()).await;
    // Wine 8 lacks one DLL Rust's standard library calls: a stand-in beside the app (see
    // tests/fixtures/wine). Everything else is the app as downloaded.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wine");
    let ok = std::process::Command::new("x86_64-w64-mingw32-gcc")
        .args(["-shared", "-O2", "-o"])
        .arg(dir.path().join("bcryptprimitives.dll"))
        .arg(fixtures.join("bcryptprimitives.c"))
        .arg(fixtures.join("bcryptprimitives.def"))
        .arg("-ladvapi32")
        .status()
        .unwrap();
    assert!(ok.success());
    let prefix = dir.path().join("wine");
    let mut child = tokio::process::Command::new("wine")
        .arg(&app)
        .current_dir(dir.path())
        .env("WINEPREFIX", &prefix)
        .env("WINEDEBUG", "-all")
        .env("DISPLAY", &display)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // A fresh Wine prefix takes a while the first time.
    expect_line(&mut lines, "Checked in with Acme Support", 120).await;
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await
        .body;
    assert_eq!(detail["end_user_client"], "native");
    let d = display.clone();
    let main = tokio::task::spawn_blocking(move || {
        // (xdotool's patterns are ASCII-safe only; the title's "·" is checked as text.)
        let id = window_named(&d, "Ada Admin");
        let name = window_name(&d, &id);
        assert!(name.contains("Ada Admin \u{b7} Acme Support"), "{name}");
        id
    })
    .await
    .unwrap();
    t.post(
        &format!("/api/v1/session-requests/{id}/connect"),
        &admin,
        json!({}),
    )
    .await;
    expect_line(&mut lines, "asks to see your screen", 15).await;
    let d = display.clone();
    tokio::task::spawn_blocking(move || {
        window_named(&d, "asks to see your screen");
        keys_to(&d, &main, &["Return"]);
    })
    .await
    .unwrap();
    expect_line(&mut lines, "Access allowed.", 15).await;
    wait_status(&t, &admin, id, "ready").await;
    let _ = child.kill().await;
    let _ = std::process::Command::new("wineserver")
        .arg("-k")
        .env("WINEPREFIX", &prefix)
        .status();
}
