//! Notifier benchmark: drain 10,000 queued invitations to a local SMTP sink, against the
//! sink's own acceptance rate measured in the same run with a trivial client: raw SMTP over
//! the same number of connections, one small pre-built message sent over and over, nothing
//! rendered, nothing stored. A second baseline is lettre's own pooled transport with the
//! same concurrency (what Beckon used before `notify::smtp`: Nagle's algorithm holds each
//! message's final dot until the relay's delayed ACK).
//!
//! The sink is `tests/support/smtp_sink.rs` (the `mailin` protocol machine on tokio), in
//! this process. Beckon's figure includes everything the worker does per mail: reading the
//! due rows and their requests, rendering both parts from the Fluent texts and templates,
//! the SMTP exchange, and recording the outcomes durably.
//!
//! Run: `cargo bench --bench notify` (BENCH_QUICK=1 for a smoke run).

#[path = "../tests/support/smtp_sink.rs"]
mod smtp_sink;

use std::time::Instant;

use beckon::config::{Config, SmtpConfig, SmtpTls};
use beckon::notify::Notifier;
use beckon::notify::transport::POOL_SIZE;
use beckon::service::{NewRequest, Service};
use futures_util::StreamExt;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use smtp_sink::SmtpSink;

fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some()
}

/// Mails per second the sink accepts from `conns` raw SMTP connections (TCP_NODELAY, the
/// whole message and its dot in one write, one command at a time as SMTP without pipelining).
async fn raw_rate(sink: &SmtpSink, conns: usize, n: usize) -> f64 {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    async fn reply(r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) {
        let mut line = String::new();
        loop {
            line.clear();
            r.read_line(&mut line).await.unwrap();
            assert!(line.starts_with(['2', '3']), "sink said {line}");
            if line.as_bytes().get(3) != Some(&b'-') {
                return;
            }
        }
    }
    let before = sink.count();
    let per = n / conns;
    let start = Instant::now();
    let tasks: Vec<_> = (0..conns)
        .map(|_| {
            let addr = sink.addr;
            tokio::spawn(async move {
                let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
                tcp.set_nodelay(true).unwrap();
                let (r, mut w) = tcp.into_split();
                let mut r = BufReader::new(r);
                reply(&mut r).await;
                w.write_all(b"EHLO bench\r\n").await.unwrap();
                reply(&mut r).await;
                for _ in 0..per {
                    for cmd in [
                        &b"MAIL FROM:<bench@example.com>\r\n"[..],
                        b"RCPT TO:<sink@example.com>\r\n",
                        b"DATA\r\n",
                    ] {
                        w.write_all(cmd).await.unwrap();
                        reply(&mut r).await;
                    }
                    w.write_all(b"Subject: baseline\r\n\r\na short line of text\r\n.\r\n")
                        .await
                        .unwrap();
                    reply(&mut r).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let rate = (per * conns) as f64 / start.elapsed().as_secs_f64();
    assert_eq!(sink.count() - before, per * conns);
    rate
}

/// Mails per second through lettre's pooled transport.
async fn lettre_rate(sink: &SmtpSink, n: usize) -> f64 {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(sink.addr.port())
        .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(POOL_SIZE))
        .build();
    let message = Message::builder()
        .from("bench@example.com".parse::<Mailbox>().unwrap())
        .to("sink@example.com".parse::<Mailbox>().unwrap())
        .subject("baseline")
        .body("a short line of text".to_owned())
        .unwrap();
    let before = sink.count();
    let start = Instant::now();
    futures_util::stream::iter(0..n)
        .map(|_| {
            let (t, m) = (transport.clone(), message.clone());
            async move { t.send(m).await.unwrap() }
        })
        .buffer_unordered(POOL_SIZE as usize)
        .collect::<Vec<_>>()
        .await;
    let rate = n as f64 / start.elapsed().as_secs_f64();
    assert_eq!(sink.count() - before, n);
    rate
}

fn main() {
    let mails = if quick() { 1_000 } else { 10_000 };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir_in(std::env::current_dir().unwrap()).unwrap();
    let (beckon_rate, baseline, lettre, queue_secs) = rt.block_on(async {
        let sink = SmtpSink::start().await;
        // Warm the sink, then the baselines.
        raw_rate(&sink, POOL_SIZE as usize, 320).await;
        let baseline = raw_rate(&sink, POOL_SIZE as usize, mails).await;
        let lettre = lettre_rate(&sink, mails / 5).await;

        let mut config = Config::with_data_dir(dir.path());
        config.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port: sink.addr.port(),
            tls: SmtpTls::None,
            user: None,
            password: None,
            ca_pem: None,
        });
        config.organisation = "Acme Support".into();
        let store = beckon::store::Store::open(dir.path()).unwrap();
        let links = beckon::links::LinkKey::load_or_create(dir.path()).unwrap();
        let svc = std::sync::Arc::new(Service::new(store, links, &config).unwrap());
        let admin = svc
            .create_admin_unchecked("bench@example.com", "Bench Agent", "bench password")
            .unwrap();
        // Queue the invitations (one durable commit each, as agents would).
        let start = Instant::now();
        for i in 0..mails {
            let language = ["en", "de", "ko", "ja"][i % 4];
            let req: NewRequest = serde_json::from_value(serde_json::json!({
                "recipient_name": format!("Person {i}"),
                "recipient_email": format!("person{i}@example.com"),
                "send_email": true,
                "email_language": language,
                "comment": "printer driver", "share_comment": true,
                "scheduled_at": (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(30)).to_string(),
                "time_zone": "Europe/Berlin",
            }))
            .unwrap();
            svc.create_request(&admin, req).unwrap();
        }
        let queue_secs = start.elapsed().as_secs_f64();

        let before = sink.count();
        let notifier = Notifier::new(svc.clone(), &config, Default::default()).unwrap();
        let start = Instant::now();
        let mut drained = 0;
        loop {
            let n = notifier.deliver_due().await.unwrap();
            if n == 0 {
                break;
            }
            drained += n;
        }
        let rate = drained as f64 / start.elapsed().as_secs_f64();
        assert_eq!(drained, mails);
        assert_eq!(sink.count() - before, mails, "every mail reached the sink once");
        (rate, baseline, lettre, queue_secs)
    });

    println!();
    println!(
        "Beckon notifier benchmark ({} cores, {mails} invitations, {} SMTP connections; queued in {queue_secs:.1} s)",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        POOL_SIZE
    );
    println!(
        "| figure                                    | value          | baseline (same run)                      |  baseline |  ratio |"
    );
    println!(
        "|-------------------------------------------|----------------|------------------------------------------|----------:|-------:|"
    );
    println!(
        "| {:<41} | {:>8.0} mail/s | {:<40} | {:>9.0} | {:>5.2}× |",
        "outbox drained to a local SMTP sink",
        beckon_rate,
        "the sink's rate, trivial raw SMTP client",
        baseline,
        beckon_rate / baseline
    );
    println!(
        "| {:<41} | {:>8.0} mail/s | {:<40} | {:>9.0} | {:>5.2}× |",
        "the same",
        beckon_rate,
        "lettre's pooled transport, same conns",
        lettre,
        beckon_rate / lettre
    );
    println!(
        "| {:<41} | {:>8.0} mail/s | {:<40} | {:>9.0} | {:>5.2}× |",
        "the same",
        beckon_rate,
        "the issue's goal",
        1000.0,
        beckon_rate / 1000.0
    );
}
