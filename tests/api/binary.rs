//! The real `beckon` binary: start-up on defaults, config errors, the admin CLI against a
//! running server, graceful shutdown on SIGTERM, and no link token in its logs.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_beckon");

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn beckon(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_remove("BECKON_LOG")
        .env("NO_COLOR", "1");
    for (k, _) in std::env::vars() {
        if k.starts_with("BECKON_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

pub(crate) fn wait_healthy(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(res) = reqwest::blocking_get(&format!("{base}/healthz"))
            && res
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("server at {base} did not become healthy");
}

mod reqwest {
    /// A tiny blocking GET over std (the tests' async client needs a runtime).
    pub fn blocking_get(url: &str) -> std::io::Result<bool> {
        use std::io::{Read, Write};
        let rest = url.strip_prefix("http://").unwrap();
        let (host, path) = rest
            .split_once('/')
            .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
        let mut s = std::net::TcpStream::connect(host)?;
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )?;
        let mut out = String::new();
        s.read_to_string(&mut out)?;
        Ok(out.starts_with("HTTP/1.1 200"))
    }
}

/// POSTs JSON (as `token`, if any) to the running binary and returns the JSON answer.
pub(crate) async fn post_json(
    http: &::reqwest::Client,
    url: String,
    token: Option<&str>,
    body: Value,
) -> Value {
    let mut req = http.post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap().json().await.unwrap()
}

/// `beckon admin create … --password-stdin`, with the password piped in.
pub(crate) fn admin_create(dir: &std::path::Path) -> std::process::Output {
    let mut cli = beckon(dir)
        .args([
            "admin",
            "create",
            "--email",
            "ops@example.com",
            "--name",
            "Ops",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    cli.stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery\n")
        .unwrap();
    cli.wait_with_output().unwrap()
}

pub(crate) fn sigterm(child: &Child) {
    Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
}

#[test]
fn serve_on_defaults_then_admin_cli_then_sigterm_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = beckon(dir.path())
        .arg("serve")
        .env("BECKON_LISTEN", format!("127.0.0.1:{port}"))
        // Its relay on a port of its own (tests run side by side).
        .env("BECKON_RELAY_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The setup link is printed on stdout.
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(line.contains(&format!("{base}/setup/")), "{line}");
    wait_healthy(&base);
    // The default data directory is ./beckon-data.
    assert!(dir.path().join("beckon-data/beckon.redb").exists());

    // While the server holds the database, the CLI says so clearly.
    let out = admin_create(dir.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("server is running") && err.contains("stop it first"),
        "{err}"
    );

    // Use a link, so the log would show the token if it leaked.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let link_token = rt.block_on(async {
        let http = ::reqwest::Client::new();
        let setup = line.trim().rsplit('/').next().unwrap().to_owned();
        http.post(format!("{base}/setup/{setup}"))
            .form(&[
                ("email", "a@example.com"),
                ("name", "A"),
                ("password", "password123"),
            ])
            .send()
            .await
            .unwrap();
        let login = json!({"email": "a@example.com", "password": "password123"});
        let login = post_json(&http, format!("{base}/api/v1/auth/login"), None, login).await;
        let token = login["token"].as_str().unwrap();
        let url = format!("{base}/api/v1/session-requests");
        let req = post_json(&http, url, Some(token), json!({"recipient_name": "Ada"})).await;
        let link = req["link"].as_str().unwrap().to_owned();
        assert_eq!(http.get(&link).send().await.unwrap().status(), 200);
        assert_eq!(
            http.get(format!("{link}x")).send().await.unwrap().status(),
            404
        );
        link.rsplit('/').next().unwrap().to_owned()
    });

    // The health check subcommand agrees.
    let hc = beckon(dir.path())
        .args(["healthcheck"])
        .env("BECKON_LISTEN", format!("127.0.0.1:{port}"))
        // Its relay on a port of its own (tests run side by side).
        .env("BECKON_RELAY_LISTEN", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(
        hc.status.success(),
        "{}",
        String::from_utf8_lossy(&hc.stderr)
    );

    sigterm(&server);
    let status = server.wait().unwrap();
    assert!(status.success(), "SIGTERM should exit 0, got {status}");
    let mut log = String::new();
    std::io::Read::read_to_string(&mut server.stderr.take().unwrap(), &mut log).unwrap();
    assert!(log.contains("beckon is serving"), "{log}");
    assert!(!log.contains(&link_token), "a link token reached the log");

    // Stopped: now the CLI may create an admin.
    let out = admin_create(dir.path());
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("created administrator Ops"));
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    for (var, value) in [
        ("BECKON_LISTEN", "not-an-address"),
        ("BECKON_PUBLIC_URL", "ftp://x"),
        ("BECKON_SMTP_URL", "nonsense"),
        ("BECKON_TLS_CERT", "/does/not/exist.pem"),
        ("BECKON_DEFAULT_EXPIRY", "forever"),
        ("BECKON_EXPIRY_SCHEDULE", "every minute"),
        ("BECKON_REMINDERS", "15m,whenever"),
    ] {
        let out = beckon(dir.path())
            .arg("serve")
            .env(var, value)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{var}");
        let err = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{var}: {err}");
        assert!(lines[0].contains(var), "{var}: {err}");
    }
}

#[test]
fn a_database_from_a_newer_beckon_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    {
        let store = beckon::store::Store::open(&data).unwrap();
        store
            .force_schema_version(beckon::store::SCHEMA_VERSION + 1)
            .unwrap();
    }
    let out = beckon(dir.path())
        .arg("serve")
        .env("BECKON_DATA_DIR", &data)
        .env("BECKON_LISTEN", "127.0.0.1:0")
        // Its relay on a port of its own (tests run side by side).
        .env("BECKON_RELAY_LISTEN", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("newer than this build"), "{err}");
}

/// `beckon send-test-mail`: through the relay when one is set (the sink receives it), to an
/// `.eml` file otherwise; a relay that is down is a clear failure, not a hang.
#[tokio::test]
async fn send_test_mail_checks_the_mail_setup() {
    let dir = tempfile::tempdir().unwrap();
    let sink = crate::smtp_sink::SmtpSink::start().await;
    let path = dir.path().to_path_buf();
    let run = move |url: Option<String>| {
        let mut cmd = beckon(&path);
        cmd.args(["send-test-mail", "--to", "ops@example.com"])
            .env("BECKON_DATA_DIR", path.join("data"));
        if let Some(u) = url {
            cmd.env("BECKON_SMTP_URL", u);
        }
        cmd.output().unwrap()
    };
    let url = format!("smtp://127.0.0.1:{}?tls=none", sink.addr.port());
    let out = tokio::task::spawn_blocking({
        let run = run.clone();
        move || run(Some(url))
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("accepted by SMTP relay 127.0.0.1"));
    let mails = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(mails[0].to, vec!["ops@example.com".to_owned()]);

    let out = run(None);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(".eml files in"));
    let files = std::fs::read_dir(dir.path().join("data/outbox"))
        .unwrap()
        .count();
    assert_eq!(files, 1);

    let down = crate::smtp_sink::SmtpSink::free_port();
    let out = run(Some(format!("smtp://{down}?tls=none")));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("did not take the mail") && err.contains("cannot connect"),
        "{err}"
    );
}

/// `beckon serve` with a one-second expiry job: a request with a two-second expiry turns
/// `expired` in the store itself (not only when read), and the event stream says so.
#[test]
fn the_real_server_expires_a_request_on_its_own_and_announces_it() {
    let dir = tempfile::tempdir().unwrap();
    assert!(admin_create(dir.path()).status.success());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = beckon(dir.path())
        .arg("serve")
        .env("BECKON_LISTEN", format!("127.0.0.1:{port}"))
        // Its relay on a port of its own (tests run side by side).
        .env("BECKON_RELAY_LISTEN", "127.0.0.1:0")
        .env("BECKON_EXPIRY_SCHEDULE", "* * * * * *")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_healthy(&base);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let id = rt.block_on(async {
        let http = ::reqwest::Client::new();
        let login = json!({"email": "ops@example.com", "password": "correct horse battery"});
        let login = post_json(&http, format!("{base}/api/v1/auth/login"), None, login).await;
        let token = login["token"].as_str().unwrap().to_owned();
        let mut events = http
            .get(format!("{base}/api/v1/events"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2);
        let body = json!({"recipient_name": "Ada", "expires_at": expires.to_string()});
        let url = format!("{base}/api/v1/session-requests");
        let req = post_json(&http, url, Some(&token), body).await;
        let id = req["id"].as_str().unwrap().to_owned();
        let mut buf = String::new();
        let ev =
            crate::live::next_event_within(&mut events, &mut buf, Duration::from_secs(8), |v| {
                v["id"] == id.as_str() && v["status"] == "expired"
            })
            .await;
        assert_eq!(ev["event"], "expired", "{ev}");
        id
    });
    sigterm(&server);
    assert!(server.wait().unwrap().success());
    // The stored record, read with the server stopped.
    let store = beckon::store::Store::open(&dir.path().join("beckon-data")).unwrap();
    let links = beckon::links::LinkKey::load_or_create(&dir.path().join("beckon-data")).unwrap();
    let config = beckon::config::Config::with_data_dir(dir.path().join("beckon-data"));
    let svc = beckon::service::Service::new(store, links, &config).unwrap();
    assert_eq!(
        svc.stored_status(id.parse().unwrap()).unwrap(),
        Some(app::domain::Status::Expired)
    );
}

/// `contrib/beckon.service` is a unit systemd accepts, pointing at this binary, and its
/// sandboxing rates "OK" or better in `systemd-analyze security`.
#[test]
fn the_systemd_unit_in_contrib_verifies() {
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "systemd-analyze is missing on CI"
        );
        eprintln!("skipping: needs systemd-analyze (apt-get install systemd)");
        return;
    }
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/contrib/beckon.service"
    ))
    .unwrap();
    assert!(unit.contains("ExecReload=/bin/kill -HUP $MAINPID"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("beckon.service");
    std::fs::write(&path, unit.replace("/usr/local/bin/beckon", BIN)).unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
    let out = Command::new("systemd-analyze")
        .args(["security", "--offline=yes"])
        .arg(&path)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    let level = report
        .lines()
        .find_map(|l| {
            l.split("Overall exposure level for beckon.service: ")
                .nth(1)
        })
        .unwrap_or_else(|| panic!("no exposure level in:\n{report}"));
    let score: f32 = level.split_whitespace().next().unwrap().parse().unwrap();
    assert!(score <= 2.0, "exposure {level}");
}
