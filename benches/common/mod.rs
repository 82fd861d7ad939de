//! What the benchmarks share: the real server with a signed-in admin, and the baseline every
//! HTTP figure is compared with (a bare axum handler in the same process), and a generator of
//! realistic stored requests. Each bench uses a part of it.
#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use app::domain::Agent;
use beckon::config::Config;
use beckon::server::Server;
use beckon::service::Service;
use tokio::task::JoinHandle;

pub struct BenchServer {
    pub server: Server,
    pub svc: Arc<Service>,
    pub addr: SocketAddr,
    /// A sign-in token of `admin`.
    pub token: String,
    pub admin: Agent,
}

/// Starts the real server on a loopback port with its data in `data`, and signs an admin in.
pub async fn start(data: &Path) -> BenchServer {
    start_with(data, |_| {}).await
}

/// `start`, with the config adjusted first.
pub async fn start_with(data: &Path, tweak: impl FnOnce(&mut Config)) -> BenchServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config::with_data_dir(data);
    config.public_url = format!("http://{addr}").parse().unwrap();
    tweak(&mut config);
    let server = Server::start(config, listener).await.unwrap();
    let svc: Arc<Service> = server.service().clone();
    svc.create_admin_unchecked("bench@example.com", "Bench", "bench password")
        .unwrap();
    let (token, admin) = svc
        .login(
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            "bench@example.com",
            "bench password",
        )
        .unwrap();
    BenchServer {
        server,
        svc,
        addr,
        token,
        admin,
    }
}

/// The service over a store in `dir` (opened or created) on the embedded defaults, with the
/// bench's admin (`bench@example.com` / `bench password`).
pub fn service(dir: &Path) -> (Arc<Service>, Agent) {
    service_on(dir, None)
}

/// `service`, on the PostgreSQL database at `database` when one is given.
pub fn service_on(dir: &Path, database: Option<&str>) -> (Arc<Service>, Agent) {
    let config = Config::with_data_dir(dir);
    let store =
        beckon::store::Store::open_for(dir, database, beckon::store::Options::default()).unwrap();
    let links = beckon::links::LinkKey::load_or_create(dir).unwrap();
    let svc = Arc::new(Service::new(store, links, &config).unwrap());
    let admin = svc
        .create_admin_unchecked("bench@example.com", "Bench", "bench password")
        .unwrap();
    (svc, admin)
}

/// The baseline: a bare axum handler returning a constant. Returns its URL and task.
pub async fn bare_handler() -> (String, JoinHandle<std::io::Result<()>>) {
    let bare = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = bare.local_addr().unwrap();
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "constant" }));
    let task = tokio::spawn(async move { axum::serve(bare, app).await });
    (format!("http://{addr}/"), task)
}

/// Requests per second from `conns` keep-alive connections issuing `total` GETs of `url` in
/// all, each with `headers`; the connections and the server's caches are warmed first.
pub async fn load(url: &str, headers: &[(&str, &str)], conns: usize, total: usize) -> f64 {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(conns)
        .build()
        .unwrap();
    let mut map = reqwest::header::HeaderMap::new();
    for (k, v) in headers {
        map.insert(
            reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    let get = |client: reqwest::Client, url: String, map: reqwest::header::HeaderMap| async move {
        let res = client.get(url).headers(map).send().await.unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        res.bytes().await.unwrap();
    };
    for _ in 0..conns * 4 {
        get(client.clone(), url.to_owned(), map.clone()).await;
    }
    let start = std::time::Instant::now();
    let per = total / conns;
    let tasks: Vec<_> = (0..conns)
        .map(|_| {
            let (client, url, map) = (client.clone(), url.to_owned(), map.clone());
            tokio::spawn(async move {
                for _ in 0..per {
                    get(client.clone(), url.clone(), map.clone()).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    (per * conns) as f64 / start.elapsed().as_secs_f64()
}

/// A realistic stored request number `i` (fields as `create_request` would set them), open,
/// expiring at `expires_at`, a third of them scheduled.
pub fn sample_request(
    i: u64,
    created_by: app::domain::AgentId,
    now: jiff::Timestamp,
    expires_at: jiff::Timestamp,
) -> app::domain::SessionRequest {
    use app::domain::{Assignee, RequestId, SessionRequest};
    let ms = now.as_millisecond().max(0) as u128;
    let scheduled = i
        .is_multiple_of(3)
        .then(|| expires_at - jiff::SignedDuration::from_hours(1));
    SessionRequest {
        recipient_email: Some(format!("person{i}@example.com")),
        email_language: ["en", "de", "ko", "ja"][(i % 4) as usize].into(),
        comment: "printer driver will not install".into(),
        scheduled_at: scheduled,
        time_zone: Some("Europe/Berlin".into()),
        assignee: if i.is_multiple_of(2) {
            Assignee::Agent(created_by)
        } else {
            Assignee::Unassigned
        },
        schedule_set_at: scheduled.map(|_| now),
        // Time-ordered and unique: the creation millisecond, then the number.
        ..SessionRequest::new(
            RequestId::from_u128((ms << 80) | u128::from(i)),
            format!("Person {i}"),
            created_by,
            now,
            expires_at,
        )
    }
}

/// First names of the generated end users.
pub const FIRST_NAMES: [&str; 48] = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ingrid",
    "Jonas",
    "Kemal",
    "Laura",
    "Mateo",
    "Nadia",
    "Oscar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tomoko",
    "Umar",
    "Vera",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zofia",
    "Aiko",
    "Bruno",
    "Chloe",
    "Dmitri",
    "Emma",
    "Felix",
    "Greta",
    "Hamid",
    "Iris",
    "Jakob",
    "Kira",
    "Luca",
    "Maya",
    "Nils",
    "Olga",
    "Pablo",
    "Rania",
    "Simon",
    "Tara",
    "Ugo",
    "Valentina",
    "Minjun",
];
/// Last names of the generated end users.
pub const LAST_NAMES: [&str; 48] = [
    "Fischer",
    "Garcia",
    "Huang",
    "Ito",
    "Jones",
    "Kowalski",
    "Lopez",
    "Müller",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmermann",
    "Andersen",
    "Bianchi",
    "Costa",
    "Dubois",
    "Eriksson",
    "Fernandes",
    "Gomez",
    "Hansen",
    "Ivanova",
    "Jensen",
    "Kim",
    "Larsen",
    "Martin",
    "Novak",
    "Olsen",
    "Park",
    "Quinn",
    "Richter",
    "Silva",
    "Thomas",
    "Umarov",
    "Vogel",
    "Wagner",
    "Young",
    "Zhang",
    "Becker",
    "Moreau",
    "Svensson",
];
const DOMAINS: [&str; 12] = [
    "example.com",
    "acme.example",
    "contoso.example",
    "globex.example",
    "initech.example",
    "umbrella.example",
    "hooli.example",
    "stark.example",
    "wayne.example",
    "wonka.example",
    "tyrell.example",
    "cyberdyne.example",
];
/// What the generated requests are about.
pub const COMMENTS: [&str; 24] = [
    "Printer driver will not install after the update",
    "VPN drops every few minutes",
    "Outlook keeps asking for the password",
    "Laptop is very slow since Monday",
    "Cannot open the shared drive",
    "Teams camera shows a black screen",
    "Excel crashes when opening large files",
    "New monitor is not detected",
    "Password reset for the payroll system",
    "Install the accounting software",
    "Scanner sends empty pages",
    "Wi-Fi disconnects in the meeting room",
    "Blue screen after the latest Windows update",
    "Set up the new phone with company mail",
    "Browser opens unwanted pop-ups",
    "Backup failed last night",
    "Keyboard layout switches by itself",
    "Remote desktop to the office PC fails",
    "License expired for the design tool",
    "Printer prints garbled characters",
    "Calendar invites do not arrive",
    "Disk almost full on the work laptop",
    "Microphone not working in calls",
    "Migrate files to the new computer",
];

/// A realistic stored request number `i` of a store that has been in use for a year, with
/// the timeline that led to its status, as of `now`. `agents` take turns as creators and
/// assignees (one request in five is unassigned). The mix: 45 % closed after a session,
/// 25 % expired unanswered, 20 % open (a third of them scheduled), 5 % waiting, 3 % ready,
/// 2 % in session; the unfinished ones were created in the last five days, so none is overdue.
pub fn lived_request(
    i: u64,
    agents: &[app::domain::AgentId],
    now: jiff::Timestamp,
) -> (app::domain::SessionRequest, Vec<app::domain::TimelineEvent>) {
    use app::domain::{
        Actor, Assignee, EndUserClient, EventKind as K, RequestId, SessionRequest, Status as S,
        TimelineEvent,
    };
    use jiff::SignedDuration as D;
    // A cheap deterministic spread (splitmix64), so runs are comparable.
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    let r = z ^ (z >> 31);
    let pct = r % 100;
    let status = match pct {
        0..45 => S::Closed,
        45..70 => S::Expired,
        70..90 => S::Open,
        90..95 => S::Waiting,
        95..98 => S::Ready,
        _ => S::InSession,
    };
    let span_days = if status.is_terminal() { 365 } else { 5 };
    let created = now - D::from_secs(((r >> 8) % (span_days * 86_400)) as i64 + 60);
    let creator = agents[(i as usize) % agents.len()];
    let assignee = match (r >> 20) % 5 {
        0 => Assignee::Unassigned,
        n => Assignee::Agent(agents[((i + n) as usize) % agents.len()]),
    };
    let expires = created + D::from_hours(24 * 7);
    // Scheduled 30 to 130 hours ahead: no reminder is due yet, so the server under test is
    // not busy mailing a backlog of them while it is measured.
    let scheduled = (status == S::Open && i.is_multiple_of(3))
        .then(|| now + D::from_hours(30 + ((r >> 40) % 100) as i64));
    let ms = created.as_millisecond().max(0) as u128;
    // People and problems from short lists, so words repeat as they do in life: a first
    // name is in about one request in 48, a full name in one in 2,304, a comment's words in
    // one in 24 to one in 3; a third of the comments carry a ticket number, a word of its own.
    let p = r.rotate_left(29).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let first = FIRST_NAMES[((p >> 10) % FIRST_NAMES.len() as u64) as usize];
    let last = LAST_NAMES[((p >> 16) % LAST_NAMES.len() as u64) as usize];
    let comment = COMMENTS[((p >> 44) % COMMENTS.len() as u64) as usize];
    let mut rec = SessionRequest {
        recipient_email: Some(format!(
            "{}.{}{}@{}",
            first.to_lowercase(),
            last.to_lowercase(),
            (p >> 52) % 100,
            DOMAINS[((p >> 30) % DOMAINS.len() as u64) as usize]
        )),
        email_language: ["en", "de", "fr", "ja", "es"][(i % 5) as usize].into(),
        comment: match (p >> 36) % 3 {
            0 => format!("Ticket {} {comment}", 400_000 + i),
            1 => comment.to_owned(),
            _ => String::new(),
        },
        scheduled_at: scheduled,
        time_zone: Some("Europe/Berlin".into()),
        assignee,
        schedule_set_at: scheduled.map(|_| created),
        send_email: true,
        ..SessionRequest::new(
            RequestId::from_u128((ms << 80) | u128::from(i)),
            format!("{first} {last}"),
            creator,
            created,
            expires,
        )
    };
    let agent = Actor::Agent(creator);
    let mut at = created;
    let mut events = vec![];
    let mut step = |events: &mut Vec<TimelineEvent>, kind, from, to, actor, after: i64| {
        at += D::from_secs(after);
        events.push(TimelineEvent {
            at,
            actor,
            kind,
            from,
            to,
        });
    };
    step(&mut events, K::Created, S::Open, S::Open, agent, 0);
    step(&mut events, K::InvitationQueued, S::Open, S::Open, agent, 0);
    if matches!(status, S::Open | S::Expired) {
        if status == S::Expired {
            events.push(TimelineEvent {
                at: expires,
                actor: Actor::System,
                kind: K::Expired,
                from: S::Open,
                to: S::Expired,
            });
        }
    } else {
        let user = Actor::EndUser;
        let checked_in = K::CheckedIn {
            client: EndUserClient::Web,
            platform: "Windows".into(),
        };
        step(&mut events, checked_in, S::Open, S::Waiting, user, 900);
        rec.end_user_client = Some(EndUserClient::Web);
        rec.end_user_platform = Some("Windows".into());
        if status != S::Waiting {
            let p = 1;
            step(
                &mut events,
                K::ConnectRequested { prompt_id: p },
                S::Waiting,
                S::Waiting,
                agent,
                60,
            );
            step(
                &mut events,
                K::AccessAllowed { prompt_id: p },
                S::Waiting,
                S::Ready,
                user,
                10,
            );
            rec.prompt_seq = 1;
        }
        if matches!(status, S::InSession | S::Closed) {
            step(
                &mut events,
                K::SessionStarted,
                S::Ready,
                S::InSession,
                agent,
                5,
            );
            rec.session_started_at = events.last().map(|e| e.at);
        }
        if status == S::Closed {
            let ms = 600_000 + (r % 1_800_000);
            step(
                &mut events,
                K::SessionEnded { duration_ms: ms },
                S::InSession,
                S::Ready,
                agent,
                (ms / 1000) as i64,
            );
            rec.session_ended_at = events.last().map(|e| e.at);
            rec.session_total_ms = ms;
            step(&mut events, K::Closed, S::Ready, S::Closed, agent, 30);
        }
    }
    rec.status = status;
    rec.updated_at = events.last().map_or(created, |e| e.at);
    (rec, events)
}

/// What /proc says of a running process.
#[derive(Debug, Clone, Copy)]
pub struct ProcUsage {
    /// Resident set, bytes.
    pub rss: u64,
    /// Proportional set (shared pages split among their users), bytes; 0 where the kernel
    /// has no `smaps_rollup`.
    pub pss: u64,
    /// User and system CPU time so far, seconds.
    pub cpu_secs: f64,
}

pub fn proc_usage(pid: u32) -> ProcUsage {
    let kb = |file: &str, field: &str| -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/{file}"))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
            * 1024
    };
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // After the command name (which may hold spaces and parentheses), utime and stime are
    // the 12th and 13th fields (14 and 15 of the whole line).
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ProcUsage {
        rss: kb("status", "VmRSS:"),
        pss: kb("smaps_rollup", "Pss:"),
        cpu_secs: ticks / 100.0,
    }
}
