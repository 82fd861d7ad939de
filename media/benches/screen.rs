//! The assist app's screen pipeline on this machine: frames per second and CPU per frame of
//! capture + H.264 encoding at 1280×720 and 1920×1080, on a still desktop (an xterm) and on
//! full-screen motion, next to a bare capture loop (the limit any encoder stays under), with
//! the bitrate each produces. Runs its own Xvfb; prints one table.
//!
//! `cargo bench -p media --bench screen` (needs Xvfb and xterm; `SECONDS_PER_ROW` to change
//! the 5 s each row runs).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use media::Frame;
use media::capture::{PlatformScreen, Screen};
use media::encode::H264;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt as _, CreateGCAux, ImageFormat};

struct Xvfb {
    display: String,
    children: Vec<Child>,
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn xvfb(width: u32, height: u32) -> Xvfb {
    let mut server = Command::new("Xvfb")
        .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
        .arg(format!("{width}x{height}x24"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb starts (apt-get install xvfb)");
    let mut n = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut n)
        .unwrap();
    let display = format!(":{}", n.trim());
    let xterm = Command::new("xterm")
        .args(["-geometry", "100x30+0+0", "-bg", "white", "-fg", "black"])
        .arg("-e")
        .arg("sh -c 'ls -l /usr/bin | head -40; sleep 1000'")
        .env("DISPLAY", &display)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("xterm starts (apt-get install xterm)");
    std::thread::sleep(Duration::from_millis(1500));
    Xvfb {
        display,
        children: vec![server, xterm],
    }
}

/// This process's CPU time so far (user + system), from /proc.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
    // After the name come field 3 (the state) onwards, so utime (14) is the 12th of them.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let ticks = field(11) + field(12);
    Duration::from_millis(ticks * 10)
}

/// Paints the whole root window with a moving pattern about 30 times a second, until
/// stopped: the worst case for an encoder (every pixel changes every frame). Runs in a child
/// process (this binary again), so its CPU is not counted as the pipeline's.
fn motion(display: &str, width: u16, height: u16, stop: Arc<AtomicBool>) {
    let (conn, n) = x11rb::connect(Some(display)).unwrap();
    let root = conn.setup().roots[n].root;
    let gc = conn.generate_id().unwrap();
    conn.create_gc(gc, root, &CreateGCAux::new()).unwrap();
    // Band by band: one request per 64 rows keeps each under the request size limit.
    let band = 64u16;
    let mut t = 0u32;
    while !stop.load(Ordering::Relaxed) {
        for y0 in (0..height).step_by(band as usize) {
            let rows = band.min(height - y0);
            let mut data = Vec::with_capacity(width as usize * rows as usize * 4);
            for y in y0..y0 + rows {
                for x in 0..width {
                    let v = (u32::from(x) * 3 + u32::from(y) * 5 + t * 7) as u8;
                    data.extend_from_slice(&[v, v.wrapping_mul(3), v ^ 0x5a, 0]);
                }
            }
            conn.put_image(
                ImageFormat::Z_PIXMAP,
                root,
                gc,
                width,
                rows,
                0,
                y0 as i16,
                0,
                24,
                &data,
            )
            .unwrap();
        }
        conn.flush().unwrap();
        let _ = conn.get_input_focus().unwrap().reply();
        t += 1;
        std::thread::sleep(Duration::from_millis(33));
    }
}

struct Row {
    what: String,
    fps: f64,
    ms_per_frame: f64,
    core: f64,
    kbps: Option<f64>,
}

/// Runs capture (and encoding when `encode`) for `secs`, paced at `target_fps` (0: flat out).
fn run(display: &str, encode: bool, target_fps: u32, secs: f64) -> (f64, f64, f64, Option<f64>) {
    let mut screen = PlatformScreen::open(Some(display)).expect("the display opens");
    let mut frame = Frame::default();
    screen.grab(&mut frame).unwrap();
    let mut enc = encode.then(|| H264::new(frame.width, frame.height, 30.0, 2_500_000).unwrap());
    let interval = (target_fps > 0).then(|| Duration::from_secs_f64(1.0 / f64::from(target_fps)));
    let (cpu0, t0) = (cpu_time(), Instant::now());
    let (mut frames, mut bytes, mut busy) = (0u64, 0u64, Duration::ZERO);
    let mut next = Instant::now();
    while t0.elapsed().as_secs_f64() < secs {
        if let Some(i) = interval {
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            }
            next += i;
        }
        let start = Instant::now();
        screen.grab(&mut frame).unwrap();
        if let Some(e) = enc.as_mut()
            && let Some(out) = e.encode(&frame).unwrap()
        {
            bytes += out.data.len() as u64;
        }
        busy += start.elapsed();
        frames += 1;
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu = (cpu_time() - cpu0).as_secs_f64();
    (
        frames as f64 / wall,
        busy.as_secs_f64() * 1000.0 / frames as f64,
        cpu / wall,
        encode.then(|| bytes as f64 * 8.0 / wall / 1000.0),
    )
}

fn main() {
    if let Ok(spec) = std::env::var("BECKON_BENCH_PAINT") {
        // "DISPLAY WIDTH HEIGHT": the painter child.
        let mut p = spec.split(' ');
        let (d, w, h) = (p.next().unwrap(), p.next().unwrap(), p.next().unwrap());
        motion(
            d,
            w.parse().unwrap(),
            h.parse().unwrap(),
            Arc::new(AtomicBool::new(false)),
        );
        return;
    }
    let secs: f64 = std::env::var("SECONDS_PER_ROW")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    let mut rows = Vec::new();
    for (w, h) in [(1280u16, 720u16), (1920, 1080)] {
        let x = xvfb(w.into(), h.into());
        let size = format!("{w}×{h}");
        let mut add = |what: &str, (fps, ms, core, kbps): (f64, f64, f64, Option<f64>)| {
            rows.push(Row {
                what: format!("{size} {what}"),
                fps,
                ms_per_frame: ms,
                core,
                kbps,
            });
        };
        add(
            "capture only, flat out (baseline: the limit)",
            run(&x.display, false, 0, secs),
        );
        add(
            "still desktop, capture + encode at 30 fps",
            run(&x.display, true, 30, secs),
        );
        let mut painter = Command::new(std::env::current_exe().unwrap())
            .env("BECKON_BENCH_PAINT", format!("{} {w} {h}", x.display))
            .spawn()
            .expect("the painter starts");
        std::thread::sleep(Duration::from_millis(500));
        add(
            "full-screen motion, capture + encode at 30 fps",
            run(&x.display, true, 30, secs),
        );
        add(
            "full-screen motion, capture + encode flat out",
            run(&x.display, true, 0, secs),
        );
        let _ = painter.kill();
        let _ = painter.wait();
    }
    println!();
    println!(
        "| case | fps | ms per frame (capture + encode) | CPU, share of one core | bitrate kbit/s |"
    );
    println!("|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {:.1} | {:.1} | {:.0} % | {} |",
            r.what,
            r.fps,
            r.ms_per_frame,
            r.core * 100.0,
            r.kbps.map_or("–".into(), |k| format!("{k:.0}"))
        );
    }
    println!();
    println!("Goal: ≥ 30 fps at 1280×720 using ≤ 50 % of one core on a still desktop.");
    println!("CPU is this process's (capture requests and encoding); the X server's share of a");
    println!("capture and the painter drawing the motion run in other processes.");
}
