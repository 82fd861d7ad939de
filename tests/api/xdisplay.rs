//! A real X display for the native app's tests: Xvfb (it picks a free display number and
//! tells us through `-displayfd`) with one xterm on it. Both are killed when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct XDisplay {
    pub display: String,
    server: Child,
    apps: Vec<Child>,
}

/// Xvfb and xterm are installed by `.ci/run`; on CI their absence is a failure, elsewhere a
/// loud skip.
pub fn tools_present() -> bool {
    let ok = ["Xvfb", "xterm", "xdotool", "xclip"].iter().all(|tool| {
        Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "Xvfb, xterm, xdotool or xclip is missing on CI"
        );
        eprintln!(
            "skipping: needs Xvfb, xterm, xdotool and xclip (apt-get install xvfb xterm xdotool xclip)"
        );
    }
    ok
}

impl XDisplay {
    /// A `width`×`height` display with an xterm in its top-left corner.
    pub fn start(width: u32, height: u32) -> XDisplay {
        let mut server = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
            .arg(format!("{width}x{height}x24"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts");
        let mut number = String::new();
        BufReader::new(server.stdout.take().unwrap())
            .read_line(&mut number)
            .expect("Xvfb says its display number");
        let display = format!(":{}", number.trim());
        let mut x = XDisplay {
            display,
            server,
            apps: Vec::new(),
        };
        let xterm = Command::new("xterm")
            .args(["-geometry", "100x30+0+0", "-bg", "white", "-fg", "black"])
            .env("DISPLAY", &x.display)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("xterm starts");
        x.apps.push(xterm);
        x.wait_for_window("xterm");
        x
    }

    /// Waits until a window of `class` is mapped (xterm takes a moment to appear).
    fn wait_for_window(&self, class: &str) {
        // Generous: with the whole suite on two cores (browsers, Wine starting its prefix), an
        // xterm once took over 20 s to map on a cold clone.
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let found = Command::new("xdotool")
                .args(["search", "--onlyvisible", "--class", class])
                .env("DISPLAY", &self.display)
                .output()
                .is_ok_and(|o| o.status.success() && !o.stdout.is_empty());
            if found {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("no {class} window appeared on {}", self.display);
    }
}

impl Drop for XDisplay {
    fn drop(&mut self) {
        for app in &mut self.apps {
            let _ = app.kill();
            let _ = app.wait();
        }
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}
