//! One screen share to one agent's browser: WebRTC over str0m, offered by this side.
//!
//! Threads (str0m is sans-IO, so the loop is ours):
//! - one receiver per UDP socket (one socket per host candidate, so every packet's local
//!   address is known), feeding what arrives into the connection;
//! - a clock that runs the connection's timers (ICE checks, RTCP, retransmissions, pacing);
//! - the capturer: grabs, encodes and writes a picture every frame interval while connected,
//!   asking for a keyframe when the receiver reports a loss, and following the bandwidth
//!   estimate with the encoder's bitrate.
//!
//! The connection sits behind one mutex; each thread holds it only to hand in or take out
//! packets, never while capturing or encoding.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use str0m::bwe::BweKind;
use str0m::change::{SdpAnswer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid, Pt};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc, RtcConfig};

use crate::capture::{self, Monitor, Screen};
use crate::encode::H264;
use crate::{Error, Frame};

/// How a share is set up.
#[derive(Debug, Clone)]
pub struct ShareConfig {
    /// Pictures per second at most.
    pub fps: u32,
    /// The encoder's bitrate until the first bandwidth estimate.
    pub start_bitrate: u32,
    /// Addresses offered as host candidates; empty means loopback plus the address this
    /// computer reaches the internet from.
    pub hosts: Vec<IpAddr>,
    /// A STUN server (the Beckon relay) asked for this computer's public address, which is
    /// offered too: an agent behind the relay reaches the app across the end user's router.
    pub stun: Option<SocketAddr>,
}

impl Default for ShareConfig {
    fn default() -> ShareConfig {
        ShareConfig {
            fps: 30,
            start_bitrate: 1_500_000,
            hosts: Vec::new(),
            stun: None,
        }
    }
}

/// What the share tells its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareEvent {
    /// The agent's browser is connected: pictures flow.
    Connected,
    /// The connection was lost (the owner may offer afresh).
    Disconnected,
    /// The share stopped on an error.
    Failed(String),
}

/// Counters for the owner and the benchmark.
#[derive(Debug, Default)]
pub struct ShareStats {
    pub frames: AtomicU64,
    pub bytes: AtomicU64,
    /// Time spent grabbing, in microseconds.
    pub capture_us: AtomicU64,
    /// Time spent converting and encoding, in microseconds.
    pub encode_us: AtomicU64,
    pub keyframes: AtomicU64,
    /// The encoder's current bitrate, bits per second.
    pub bitrate: AtomicU64,
}

type OnEvent = Box<dyn FnMut(ShareEvent) + Send>;

struct Conn {
    rtc: Rtc,
    sockets: Vec<Arc<UdpSocket>>,
    pending: Option<SdpPendingOffer>,
    mid: Mid,
    pt: Option<Pt>,
    connected: bool,
    want_keyframe: bool,
    estimate: Option<u64>,
    next_timeout: Instant,
    on_event: OnEvent,
}

impl Conn {
    /// Hands everything str0m has to say to the network and the owner, until it waits.
    fn drain(&mut self) {
        loop {
            match self.rtc.poll_output() {
                Ok(Output::Timeout(t)) => {
                    self.next_timeout = t;
                    return;
                }
                Ok(Output::Transmit(t)) => {
                    let socket = self
                        .sockets
                        .iter()
                        .find(|s| s.local_addr().ok() == Some(t.source))
                        .or(self.sockets.first());
                    if let Some(s) = socket {
                        let _ = s.send_to(&t.contents, t.destination);
                    }
                }
                Ok(Output::Event(e)) => self.on(e),
                Err(e) => {
                    (self.on_event)(ShareEvent::Failed(e.to_string()));
                    self.rtc.disconnect();
                    return;
                }
            }
        }
    }

    fn on(&mut self, event: Event) {
        match event {
            Event::Connected => {
                self.connected = true;
                self.want_keyframe = true;
                (self.on_event)(ShareEvent::Connected);
            }
            Event::IceConnectionStateChange(IceConnectionState::Disconnected)
                if std::mem::take(&mut self.connected) =>
            {
                (self.on_event)(ShareEvent::Disconnected);
            }
            Event::KeyframeRequest(_) => self.want_keyframe = true,
            Event::EgressBitrateEstimate(
                BweKind::Twcc { estimate, .. } | BweKind::Remb { estimate, .. },
            ) => self.estimate = Some(estimate.as_u64()),
            _ => {}
        }
    }

    fn handle(&mut self, input: Input) {
        if let Err(e) = self.rtc.handle_input(input) {
            tracing::debug!("WebRTC input refused: {e}");
        }
        self.drain();
    }

    /// The H.264 payload type the answer accepted: packetization mode 1, Constrained
    /// Baseline (what every browser decodes).
    fn payload_type(&mut self) -> Option<Pt> {
        if self.pt.is_none() {
            let writer = self.rtc.writer(self.mid)?;
            self.pt = writer
                .payload_params()
                .find(|p| {
                    let spec = p.spec();
                    spec.codec == Codec::H264
                        && spec.format.packetization_mode == Some(1)
                        && matches!(spec.format.profile_level_id, Some(0x42e01f | 0x42001f))
                })
                .map(|p| p.pt());
        }
        self.pt
    }

    fn write(&mut self, data: Vec<u8>, at: Instant, rtp_time: MediaTime) -> bool {
        let Some(pt) = self.payload_type() else {
            return false;
        };
        let Some(writer) = self.rtc.writer(self.mid) else {
            return false;
        };
        let ok = writer.write(pt, at, rtp_time, data).is_ok();
        self.drain();
        ok
    }
}

/// A running screen share. Dropping it stops the threads and closes the sockets.
pub struct Share {
    conn: Arc<Mutex<Conn>>,
    stop: Arc<AtomicBool>,
    monitors: Vec<Monitor>,
    /// The monitor to show; the capture thread switches when it differs from its own.
    selected: Arc<AtomicUsize>,
    stats: Arc<ShareStats>,
    threads: Vec<JoinHandle<()>>,
}

/// Loopback (a browser on this computer) and the address the default route leaves from.
fn default_hosts() -> Vec<IpAddr> {
    let mut hosts = vec![IpAddr::V4(Ipv4Addr::LOCALHOST)];
    // Connecting a UDP socket sends nothing; it only picks the outgoing address.
    let outgoing = UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").map(|()| s))
        .and_then(|s| s.local_addr());
    if let Ok(a) = outgoing
        && !a.ip().is_loopback()
        && !a.ip().is_unspecified()
    {
        hosts.push(a.ip());
    }
    hosts
}

fn lock(conn: &Mutex<Conn>) -> std::sync::MutexGuard<'_, Conn> {
    // A panicking thread leaves the connection as consistent as str0m keeps it.
    conn.lock().unwrap_or_else(|e| e.into_inner())
}

impl Share {
    /// Opens the display and the sockets and returns the share with its SDP offer; pictures
    /// flow once the answer is in and the browser connects. `on_event` runs on the share's
    /// threads.
    pub fn start(
        config: ShareConfig,
        on_event: impl FnMut(ShareEvent) + Send + 'static,
    ) -> Result<(Share, String), Error> {
        let screen = capture::open()?;
        Self::start_with(screen, config, on_event)
    }

    /// [`Share::start`] with a given screen (tests and benchmarks pick theirs).
    pub fn start_with(
        screen: Box<dyn Screen>,
        config: ShareConfig,
        on_event: impl FnMut(ShareEvent) + Send + 'static,
    ) -> Result<(Share, String), Error> {
        let rtc_err = |e: &dyn std::fmt::Display| Error::Rtc(e.to_string());
        let mut rtc_config = RtcConfig::new()
            .clear_codecs()
            .enable_bwe(Some(str0m::bwe::Bitrate::bps(config.start_bitrate.into())));
        rtc_config
            .codec_config()
            .add_h264(108.into(), Some(109.into()), true, 0x42e01f);
        let mut rtc = rtc_config.build(Instant::now());

        let hosts = if config.hosts.is_empty() {
            default_hosts()
        } else {
            config.hosts.clone()
        };
        let mut sockets = Vec::new();
        for ip in hosts {
            let socket = UdpSocket::bind(SocketAddr::new(ip, 0))?;
            let candidate =
                Candidate::host(socket.local_addr()?, "udp").map_err(|e| rtc_err(&e))?;
            rtc.add_local_candidate(candidate);
            // Asked before the receive threads start, so the answer is ours to read.
            if let Some(server) = config
                .stun
                .filter(|s| !ip.is_loopback() && !s.ip().is_loopback())
                && let Some(public) =
                    crate::stun::public_address(&socket, server, Duration::from_millis(400))
                && public != socket.local_addr()?
            {
                let srflx = Candidate::server_reflexive(public, socket.local_addr()?, "udp")
                    .map_err(|e| rtc_err(&e))?;
                rtc.add_local_candidate(srflx);
            }
            socket.set_read_timeout(Some(Duration::from_millis(200)))?;
            sockets.push(Arc::new(socket));
        }
        let mut api = rtc.sdp_api();
        let mid = api.add_media(
            MediaKind::Video,
            Direction::SendOnly,
            Some("beckon-screen".into()),
            Some("screen".into()),
            None,
        );
        let (offer, pending) = api
            .apply()
            .ok_or_else(|| Error::Rtc("nothing to offer".into()))?;
        let sdp = offer.to_sdp_string();

        let conn = Arc::new(Mutex::new(Conn {
            rtc,
            sockets: sockets.clone(),
            pending: Some(pending),
            mid,
            pt: None,
            connected: false,
            want_keyframe: true,
            estimate: None,
            next_timeout: Instant::now(),
            on_event: Box::new(on_event),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let stats = Arc::new(ShareStats::default());
        let monitors = screen.monitors().to_vec();
        let selected = monitors
            .iter()
            .position(|m| *m == screen.selected())
            .unwrap_or(0);
        let selected = Arc::new(AtomicUsize::new(selected));
        let mut threads = Vec::new();
        for socket in sockets {
            let (conn, stop) = (conn.clone(), stop.clone());
            threads.push(spawn("beckon-rtc-recv", move || {
                receive(&conn, &socket, &stop)
            })?);
        }
        let (c, s) = (conn.clone(), stop.clone());
        threads.push(spawn("beckon-rtc-clock", move || clock(&c, &s))?);
        let (c, s, st, m) = (conn.clone(), stop.clone(), stats.clone(), selected.clone());
        threads.push(spawn("beckon-capture", move || {
            capture_loop(screen, &config, &c, &s, &st, &m)
        })?);
        Ok((
            Share {
                conn,
                stop,
                monitors,
                selected,
                stats,
                threads,
            },
            sdp,
        ))
    }

    /// The agent's answer to this share's offer.
    pub fn accept_answer(&self, sdp: &str) -> Result<(), Error> {
        let answer = SdpAnswer::from_sdp_string(sdp).map_err(|e| Error::Rtc(e.to_string()))?;
        let mut conn = lock(&self.conn);
        let pending = conn
            .pending
            .take()
            .ok_or_else(|| Error::Rtc("this offer was answered already".into()))?;
        conn.rtc
            .sdp_api()
            .accept_answer(pending, answer)
            .map_err(|e| Error::Rtc(e.to_string()))?;
        conn.drain();
        Ok(())
    }

    /// One of the agent's ICE candidates (`candidate:…` as browsers write it). Candidates
    /// this side cannot use (mDNS names) are ignored: the browser's checks reach us anyway.
    pub fn add_remote_candidate(&self, candidate: &str) {
        if let Ok(c) = Candidate::from_sdp_string(candidate) {
            let mut conn = lock(&self.conn);
            conn.rtc.add_remote_candidate(c);
            conn.drain();
        }
    }

    pub fn monitors(&self) -> &[Monitor] {
        &self.monitors
    }

    /// Switches the picture to monitor `index` (from the next frame, with a keyframe).
    pub fn select_monitor(&self, index: usize) -> Result<(), Error> {
        if index >= self.monitors.len() {
            return Err(Error::Capture(format!("there is no monitor {}", index + 1)));
        }
        self.selected.store(index, Ordering::Relaxed);
        Ok(())
    }

    /// The monitor the agent sees (input positions map onto it).
    pub fn monitor(&self) -> Monitor {
        self.monitors[self.selected()]
    }

    /// Its index in `monitors`.
    pub fn selected(&self) -> usize {
        self.selected.load(Ordering::Relaxed)
    }

    pub fn stats(&self) -> &ShareStats {
        &self.stats
    }

    pub fn connected(&self) -> bool {
        lock(&self.conn).connected
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        lock(&self.conn).rtc.disconnect();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> Result<JoinHandle<()>, Error> {
    Ok(std::thread::Builder::new().name(name.into()).spawn(f)?)
}

fn receive(conn: &Mutex<Conn>, socket: &UdpSocket, stop: &AtomicBool) {
    let mut buf = vec![0; 2000];
    let Ok(local) = socket.local_addr() else {
        return;
    };
    while !stop.load(Ordering::Relaxed) {
        let (n, source) = match socket.recv_from(&mut buf) {
            Ok(got) => got,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(_) => return,
        };
        let Ok(contents) = buf[..n].try_into() else {
            continue;
        };
        let input = Input::Receive(
            Instant::now(),
            Receive {
                proto: Protocol::Udp,
                source,
                destination: local,
                contents,
            },
        );
        let mut c = lock(conn);
        if c.rtc.accepts(&input) {
            c.handle(input);
        }
    }
}

/// Runs str0m's timers: at its next deadline, and at least every 10 ms (a write from the
/// capturer may bring a deadline forward while this thread sleeps).
fn clock(conn: &Mutex<Conn>, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        let next = {
            let mut c = lock(conn);
            if !c.rtc.is_alive() {
                return;
            }
            let now = Instant::now();
            if c.next_timeout <= now {
                c.handle(Input::Timeout(now));
            }
            c.next_timeout
        };
        let wait = next
            .saturating_duration_since(Instant::now())
            .min(Duration::from_millis(10));
        std::thread::sleep(wait.max(Duration::from_millis(1)));
    }
}

fn capture_loop(
    mut screen: Box<dyn Screen>,
    config: &ShareConfig,
    conn: &Mutex<Conn>,
    stop: &AtomicBool,
    stats: &ShareStats,
    selected: &AtomicUsize,
) {
    let interval = Duration::from_secs_f64(1.0 / f64::from(config.fps.max(1)));
    let started = Instant::now();
    let mut frame = Frame::default();
    let mut encoder: Option<H264> = None;
    let mut next = Instant::now();
    let fail = |e: Error| {
        let mut c = lock(conn);
        (c.on_event)(ShareEvent::Failed(e.to_string()));
        c.rtc.disconnect();
    };
    while !stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        }
        next = (next + interval).max(Instant::now());
        let (connected, keyframe, estimate) = {
            let mut c = lock(conn);
            if !c.rtc.is_alive() {
                return;
            }
            (
                c.connected,
                std::mem::take(&mut c.want_keyframe),
                c.estimate,
            )
        };
        if !connected {
            // Nothing to send to yet; the keyframe wish waits for the connection.
            if keyframe {
                lock(conn).want_keyframe = true;
            }
            next = Instant::now() + Duration::from_millis(50);
            continue;
        }
        let wanted = selected.load(Ordering::Relaxed);
        if screen.monitors().get(wanted) != Some(&screen.selected())
            && let Err(e) = screen.select(wanted)
        {
            return fail(e);
        }
        let t0 = Instant::now();
        if let Err(e) = screen.grab(&mut frame) {
            return fail(e);
        }
        let t1 = Instant::now();
        let size = frame.even_size();
        if encoder.as_ref().map(H264::size) != Some(size) {
            match H264::new(
                frame.width,
                frame.height,
                config.fps as f32,
                config.start_bitrate,
            ) {
                Ok(e) => encoder = Some(e),
                Err(e) => return fail(e),
            }
        }
        let Some(enc) = encoder.as_mut() else { return };
        if keyframe {
            enc.request_keyframe();
        }
        if let Some(bps) = estimate {
            // Leave room for retransmissions and RTCP.
            enc.set_bitrate((bps * 9 / 10).min(u64::from(u32::MAX)) as u32);
        }
        let encoded = match enc.encode(&frame) {
            Ok(e) => e,
            Err(e) => return fail(e),
        };
        let t2 = Instant::now();
        stats
            .capture_us
            .fetch_add((t1 - t0).as_micros() as u64, Ordering::Relaxed);
        stats
            .encode_us
            .fetch_add((t2 - t1).as_micros() as u64, Ordering::Relaxed);
        stats.bitrate.store(enc.bitrate().into(), Ordering::Relaxed);
        let Some(encoded) = encoded else { continue };
        let rtp_time = MediaTime::new(
            (t0 - started).as_micros() as u64 * 9 / 100,
            Frequency::NINETY_KHZ,
        );
        let len = encoded.data.len() as u64;
        if lock(conn).write(encoded.data, t0, rtp_time) {
            stats.frames.fetch_add(1, Ordering::Relaxed);
            stats.bytes.fetch_add(len, Ordering::Relaxed);
            if encoded.keyframe {
                stats.keyframes.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}
