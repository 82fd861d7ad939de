//! Assist app benchmark: what the end user downloads and runs, against the goals
//! (≤ 15 MB, window in under a second) and against baselines measured in the same run.
//!
//! - **Size** of each app the server hands out (as downloaded: server address written in),
//!   against the file the link page handed out before the app existed (this build's
//!   `beckon` binary).
//! - **Start to window**: the downloaded Linux app started the way a downloaded file is
//!   opened (no argument; it joins through its file name), until its window is mapped on a
//!   real X server (Xvfb), and until it has checked in; against `xterm` to its window on the
//!   same display. The first run is the cold one (the file was just written); the median is
//!   of the runs after it.
//! - **Idle memory and CPU** of the app waiting in its window (checked in, nobody asking)
//!   for 5 s: RSS, PSS and CPU, against the same app in `--cli` mode (no window) and xterm;
//!   and the PSS without the OpenGL driver's files (Xvfb has no GPU, so Mesa renders in
//!   software, and its libLLVM alone is about 37 MB of it).
//!
//! Needs Xvfb, xterm and xdotool (`.ci/run` installs them). Run: `cargo bench --bench
//! assist_app` (BENCH_QUICK=1: 3 runs instead of 7).

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DEVICE: &str = "bench-browser-device-0001";

fn runs() -> usize {
    if std::env::var_os("BENCH_QUICK").is_some() {
        3
    } else {
        7
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

/// Xvfb on a free display, killed when dropped.
struct Xvfb {
    display: String,
    child: Child,
}

impl Xvfb {
    fn start() -> Xvfb {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
                "1280x720x24",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (apt-get install xvfb)");
        let mut number = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut number)
            .unwrap();
        Xvfb {
            display: format!(":{}", number.trim()),
            child,
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A started program: when its window was mapped and (for the app) when it checked in.
struct Started {
    child: Child,
    window: Duration,
    checked_in: Option<Duration>,
}

/// How a program's window is found: its process (`_NET_WM_PID`, which winit sets) or its
/// class (xterm; one at a time here).
enum Find {
    Pid,
    Class(&'static str),
}

/// Starts `cmd` and waits for a visible window of it (xdotool, polled every 5 ms); when
/// `until_line` is given, also for that line on its standard output.
fn start_and_time(
    mut cmd: Command,
    find: Find,
    display: &str,
    until_line: Option<&str>,
) -> Started {
    let t0 = Instant::now();
    let mut child = cmd
        .env("DISPLAY", display)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let want = until_line.map(str::to_owned);
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if want.as_deref().is_some_and(|w| line.contains(w)) {
                let _ = tx.send(t0.elapsed());
            }
        }
    });
    let pid = child.id().to_string();
    let by = match find {
        Find::Pid => ["--pid", pid.as_str()],
        Find::Class(class) => ["--class", class],
    };
    let window = loop {
        let out = Command::new("xdotool")
            .args(["search", "--onlyvisible"])
            .args(by)
            .env("DISPLAY", display)
            .output()
            .unwrap();
        if !out.stdout.is_empty() {
            break t0.elapsed();
        }
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "no window from {pid}"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    let checked_in = until_line.map(|_| {
        rx.recv_timeout(Duration::from_secs(30))
            .expect("the app checks in")
    });
    Started {
        child,
        window,
        checked_in,
    }
}

/// The PSS of a process's mappings of the OpenGL driver's files (Mesa's software renderer
/// under Xvfb: libLLVM, the DRI driver), which a computer with a graphics driver maps
/// differently.
fn gl_driver_pss(pid: u32) -> u64 {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let (mut in_driver, mut kb) = (false, 0);
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('-') && !first.ends_with(':') {
            let path = line.split_whitespace().nth(5).unwrap_or("");
            in_driver = ["libLLVM", "/dri/", "libgallium", "libGLX_mesa", "libglapi"]
                .iter()
                .any(|p| path.contains(p));
        } else if in_driver && let Some(v) = line.strip_prefix("Pss:") {
            kb += v
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    kb * 1024
}

/// Idle for 5 s: (RSS, PSS at the end, PSS without the GL driver, CPU % over the 5 s).
fn idle(pid: u32) -> (u64, u64, u64, f64) {
    let before = common::proc_usage(pid);
    std::thread::sleep(Duration::from_secs(5));
    let after = common::proc_usage(pid);
    let own = after.pss.saturating_sub(gl_driver_pss(pid));
    let cpu = (after.cpu_secs - before.cpu_secs) / 5.0 * 100.0;
    (after.rss, after.pss, own, cpu)
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// Downloads the app for `platform` from a link page as a browser would; its path, named as
/// the server named it (with the link's join code).
async fn download(base: &str, token: &str, platform: &str, dir: &Path) -> Option<PathBuf> {
    let r = reqwest::Client::new()
        .get(format!("{base}/s/{token}/app/{platform}"))
        .header("beckon-device", DEVICE)
        .send()
        .await
        .unwrap();
    if r.status() != reqwest::StatusCode::OK {
        return None;
    }
    let name = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .split("filename=\"")
        .nth(1)
        .and_then(|s| s.strip_suffix('"'))
        .unwrap()
        .to_owned();
    let path = dir.join(name);
    std::fs::write(&path, r.bytes().await.unwrap()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    Some(path)
}

#[tokio::main]
async fn main() {
    let data = tempfile::tempdir().unwrap();
    let s = common::start_with(data.path(), |c| c.organisation = "Bench Support".into()).await;
    let base = format!("http://{}", s.addr);
    let created: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/session-requests"))
        .bearer_auth(&s.token)
        .json(&serde_json::json!({"recipient_name": "Grace", "assignee": {"type": "me"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link = created["link"].as_str().expect("a request").to_owned();
    let token = link.rsplit('/').next().unwrap().to_owned();
    let downloads = tempfile::tempdir().unwrap();

    println!("assist_app: the end user's app, downloaded from a link page of a real server");
    println!("| figure | result | baseline (same run) | ratio / goal |");
    println!("|---|---|---|---|");
    let server_size = std::fs::metadata(env!("CARGO_BIN_EXE_beckon"))
        .unwrap()
        .len();
    let mut linux = None;
    for platform in ["windows-x86_64", "linux-x86_64"] {
        let Some(path) = download(&base, &token, platform, downloads.path()).await else {
            println!("| {platform} app | not built here | — | — |");
            continue;
        };
        let size = std::fs::metadata(&path).unwrap().len();
        println!(
            "| {platform} app size | {:.1} MB | {:.1} MB (`beckon`, handed out before) | {:.2}× / ≤ 15 MB {} |",
            mb(size),
            mb(server_size),
            size as f64 / server_size as f64,
            if mb(size) <= 15.0 { "met" } else { "MISSED" }
        );
        if platform == "linux-x86_64" {
            linux = Some(path);
        }
    }
    let Some(app) = linux else {
        println!("(no Linux app built: BECKON_SKIP_ASSIST was set)");
        return;
    };
    let x = Xvfb::start();

    // Start to window, app and xterm alternating so both see the same machine.
    let (mut app_window, mut app_joined, mut term_window) = (Vec::new(), Vec::new(), Vec::new());
    let mut idle_app = None;
    let mut idle_term = None;
    for run in 0..runs() {
        let mut cmd = Command::new(&app);
        cmd.current_dir(downloads.path()).env("RUST_LOG", "warn");
        let started = start_and_time(cmd, Find::Pid, &x.display, Some("Checked in with"));
        app_window.push(started.window);
        app_joined.push(started.checked_in.unwrap());
        if run == runs() - 1 {
            idle_app = Some(idle(started.child.id()));
        }
        stop(started.child);
        let mut cmd = Command::new("xterm");
        cmd.args(["-geometry", "80x24+0+0"]);
        let started = start_and_time(cmd, Find::Class("XTerm"), &x.display, None);
        term_window.push(started.window);
        if run == runs() - 1 {
            idle_term = Some(idle(started.child.id()));
        }
        stop(started.child);
    }
    let (cold, cold_term) = (app_window[0], term_window[0]);
    let warm = median(app_window[1..].to_vec());
    let warm_term = median(term_window[1..].to_vec());
    let goal = |d: Duration| {
        if d < Duration::from_secs(1) {
            "met"
        } else {
            "MISSED"
        }
    };
    println!(
        "| start to window, first run | {} | {} (xterm) | {:.1}× / < 1 s {} |",
        ms(cold),
        ms(cold_term),
        cold.as_secs_f64() / cold_term.as_secs_f64(),
        goal(cold)
    );
    println!(
        "| start to window, median of {} | {} | {} (xterm) | {:.1}× / < 1 s {} |",
        runs() - 1,
        ms(warm),
        ms(warm_term),
        warm.as_secs_f64() / warm_term.as_secs_f64(),
        goal(warm)
    );
    println!(
        "| start to checked in, median of {} | {} | — | — |",
        runs() - 1,
        ms(median(app_joined[1..].to_vec()))
    );

    // The same app without a window, waiting the same way.
    let mut cli = Command::new(&app)
        .arg("--cli")
        .current_dir(downloads.path())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(cli.stdout.take().unwrap()).lines();
    assert!(
        lines
            .by_ref()
            .map_while(Result::ok)
            .any(|l| l.contains("Checked in with")),
        "the --cli app checks in"
    );
    let idle_cli = idle(cli.id());
    stop(cli);

    let (rss, pss, own, cpu) = idle_app.unwrap();
    let (term_rss, term_pss, _, term_cpu) = idle_term.unwrap();
    let (cli_rss, cli_pss, _, cli_cpu) = idle_cli;
    println!(
        "| idle RSS, window | {:.1} MB | {:.1} MB (--cli), {:.1} MB (xterm) | {:.1}× the --cli |",
        mb(rss),
        mb(cli_rss),
        mb(term_rss),
        rss as f64 / cli_rss as f64
    );
    println!(
        "| idle PSS, window | {:.1} MB | {:.1} MB (--cli), {:.1} MB (xterm) | {:.1}× the --cli |",
        mb(pss),
        mb(cli_pss),
        mb(term_pss),
        pss as f64 / cli_pss.max(1) as f64
    );
    println!(
        "| idle PSS, window, without the GL driver's files | {:.1} MB | {:.1} MB (--cli) | {:.1}× the --cli |",
        mb(own),
        mb(cli_pss),
        own as f64 / cli_pss.max(1) as f64
    );
    println!(
        "| idle CPU, 5 s | {cpu:.1} % | {cli_cpu:.1} % (--cli), {term_cpu:.1} % (xterm) | — |"
    );
    drop(x);
    s.server.stop().await.unwrap();
}
