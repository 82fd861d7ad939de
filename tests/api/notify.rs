//! The notifier against a real SMTP server over TCP (`support/smtp_sink.rs`: the `mailin`
//! protocol machine on tokio sockets) and a real HTTP webhook receiver: what the mails say,
//! in which language, with which calendar part; outages, restarts, refusals; signed webhooks
//! in order.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::domain::Status;
use beckon::config::{Config, SmtpConfig, SmtpTls};
use mail_parser::{MessageParser, MimeHeaders};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::TestServer;
use crate::smtp_sink::{Received, SinkOptions, SmtpSink};

const WAIT: Duration = Duration::from_secs(15);

/// Points the server at `addr` without TLS, with quick retries.
pub(crate) fn smtp_to(addr: std::net::SocketAddr) -> impl FnOnce(&mut Config) {
    move |c| {
        c.smtp = Some(SmtpConfig {
            host: addr.ip().to_string(),
            port: addr.port(),
            tls: SmtpTls::None,
            user: None,
            password: None,
            ca_pem: None,
        });
        c.mail_retry_delay = Duration::from_millis(100);
        c.mail_max_attempts = 100;
        c.organisation = "Acme Support".into();
    }
}

pub(crate) struct Mail {
    pub raw: String,
    pub subject: String,
    message_id: String,
    pub to: String,
    pub text: String,
    html: String,
    calendar: Option<String>,
    attachments: Vec<String>,
}

pub(crate) fn parse(r: &Received) -> Mail {
    let m = MessageParser::default()
        .parse(&r.data)
        .expect("a MIME message");
    let calendar = m.parts.iter().find_map(|p| {
        let ct = p.content_type()?;
        (ct.ctype() == "text" && ct.subtype() == Some("calendar"))
            .then(|| String::from_utf8_lossy(p.contents()).into_owned())
    });
    Mail {
        raw: r.text(),
        subject: m.subject().unwrap_or_default().to_owned(),
        message_id: m.message_id().unwrap_or_default().to_owned(),
        to: r.to.join(","),
        text: m.body_text(0).unwrap_or_default().into_owned(),
        html: m.body_html(0).unwrap_or_default().into_owned(),
        calendar,
        attachments: m
            .attachments()
            .filter_map(|a| a.attachment_name().map(str::to_owned))
            .collect(),
    }
}

/// The outbox as an admin sees it, by state.
async fn outbox(t: &TestServer, admin: &str, state: &str) -> Vec<Value> {
    let r = t
        .get(&format!("/api/v1/outbox?state={state}&limit=200"), admin)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"].as_array().unwrap().clone()
}

async fn wait_outbox(t: &TestServer, admin: &str, state: &str, n: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let items = outbox(t, admin, state).await;
        if items.len() == n {
            return items;
        }
        assert!(
            start.elapsed() < WAIT,
            "expected {n} {state} items, found {}: {items:?}",
            items.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn in_hours(h: i64) -> String {
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(h))
        .round(jiff::Unit::Minute)
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_invitation_reaches_the_smtp_server_with_link_comment_and_calendar() {
    let sink = SmtpSink::start().await;
    let t = TestServer::start_with(smtp_to(sink.addr)).await;
    let admin = t.admin().await;
    let req = t
        .create(
            &admin,
            json!({"comment": "Printer <b>driver</b> & co", "share_comment": true,
                   "scheduled_at": in_hours(20), "time_zone": "Europe/Berlin"}),
        )
        .await;
    let link = req["link"].as_str().unwrap();
    let mails = sink.wait_for(1, WAIT).await;
    let m = parse(&mails[0]);
    assert_eq!(m.to, "ada@example.com");
    assert_eq!(
        m.subject,
        "Ada Admin from Acme Support invites you to a remote support session"
    );
    assert!(
        m.text.contains(link),
        "the link in the text part:\n{}",
        m.text
    );
    let html_text = html_escape::decode_html_entities(&m.html);
    assert!(
        html_text.contains(&format!("href=\"{link}\"")),
        "the link as a button"
    );
    assert!(
        m.text.contains("Printer <b>driver</b> & co"),
        "the shared comment"
    );
    assert!(!m.html.contains("<b>driver"), "the comment escaped in HTML");
    assert!(html_text.contains("Printer <b>driver</b> & co"));
    assert!(
        m.text.contains("(Europe/Berlin)"),
        "times in the request's zone"
    );
    assert!(
        m.text
            .contains("Nobody from Acme Support will ever ask you for payment")
    );
    let id = req["id"].as_str().unwrap();
    let cal = m.calendar.expect("an inline text/calendar part");
    for line in ["METHOD:REQUEST", "SEQUENCE:0", "STATUS:CONFIRMED"] {
        assert!(cal.contains(line), "{line} in\n{cal}");
    }
    assert!(cal.contains(&format!("UID:{id}@127.0.0.1")), "{cal}");
    assert_eq!(m.attachments, vec!["invite.ics".to_owned()]);
    let sent = wait_outbox(&t, &admin, "sent", 1).await;
    assert_eq!(sent[0]["kind"], "invitation");
    assert_eq!(sent[0]["request_id"], id);
    assert_eq!(
        m.message_id,
        format!("{}.invitation@127.0.0.1", sent[0]["id"].as_str().unwrap()),
        "the Message-ID is derived from the outbox row"
    );
    assert!(m.raw.contains("Reply-To: "), "end users answer the agent");
    t.assert_consistent();
}

#[tokio::test]
async fn a_korean_request_gets_a_korean_mail_and_an_unknown_language_english() {
    let sink = SmtpSink::start().await;
    let t = TestServer::start_with(smtp_to(sink.addr)).await;
    let admin = t.admin().await;
    t.create(
        &admin,
        json!({"email_language": "ko", "recipient_name": "김민수"}),
    )
    .await;
    let m = parse(&sink.wait_for(1, WAIT).await[0]);
    assert_eq!(
        m.subject,
        "Acme Support의 Ada Admin님이 원격 지원 세션에 초대했습니다"
    );
    assert!(m.text.starts_with("김민수님, 안녕하세요."), "{}", m.text);
    assert!(m.html.contains("lang=\"ko\""));
    assert!(m.text.contains("세션 페이지 열기"));
    // A language mails are not written in gets English; a regional tag its language.
    t.create(&admin, json!({"email_language": "tlh"})).await;
    t.create(&admin, json!({"email_language": "pt-BR"})).await;
    let mails = sink.wait_for(3, WAIT).await;
    let subjects: Vec<String> = mails[1..].iter().map(|m| parse(m).subject).collect();
    assert!(
        subjects.contains(
            &"Ada Admin from Acme Support invites you to a remote support session".to_owned()
        ),
        "{subjects:?}"
    );
    assert!(
        subjects.contains(
            &"Ada Admin de Acme Support convida-o para uma sessão de suporte remoto".to_owned()
        ),
        "{subjects:?}"
    );
}

#[tokio::test]
async fn smtp_down_queues_mail_and_after_a_restart_and_recovery_all_arrive_exactly_once() {
    let port = SmtpSink::free_port();
    let dir = tempfile::tempdir().unwrap();
    let t = TestServer::start_in(dir.path(), smtp_to(port)).await;
    let admin = t.admin().await;
    for i in 0..12 {
        t.create(
            &admin,
            json!({"recipient_name": format!("User {i}"),
                                "recipient_email": format!("user{i}@example.com")}),
        )
        .await;
    }
    // Every create answered 201 although the relay is down; the mails wait with an error.
    let start = Instant::now();
    loop {
        let pending = outbox(&t, &admin, "pending").await;
        assert_eq!(pending.len(), 12);
        if pending.iter().all(|p| p["attempts"].as_u64() >= Some(1)) {
            assert!(
                pending[0]["last_error"].as_str().is_some(),
                "{:?}",
                pending[0]
            );
            break;
        }
        assert!(start.elapsed() < WAIT, "no delivery attempts: {pending:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Restart in the middle of the outage; more requests on the new process.
    let (dir_path, _) = t.stop().await;
    let t = TestServer::start_in(&dir_path, smtp_to(port)).await;
    let admin = t.login("admin@example.com", "correct horse").await;
    for i in 12..16 {
        t.create(
            &admin,
            json!({"recipient_name": format!("User {i}"),
                                "recipient_email": format!("user{i}@example.com")}),
        )
        .await;
    }
    // The relay comes back.
    let sink = SmtpSink::start_on(port).await;
    let mails = sink.wait_for(16, Duration::from_secs(30)).await;
    wait_outbox(&t, &admin, "sent", 16).await;
    // Nothing more trickles in: each mail exactly once.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails_after = sink.mails();
    assert_eq!(mails_after.len(), 16, "{} mails", mails_after.len());
    let ids: HashSet<String> = mails.iter().map(|m| parse(m).message_id).collect();
    let recipients: HashSet<String> = mails_after.iter().map(|m| m.to.join(",")).collect();
    assert_eq!(ids.len(), 16);
    assert_eq!(recipients.len(), 16);
    assert!(outbox(&t, &admin, "pending").await.is_empty());
    t.assert_consistent();
}

#[tokio::test]
async fn names_and_comments_cannot_inject_headers_or_markup() {
    let sink = SmtpSink::start().await;
    let t = TestServer::start_with(smtp_to(sink.addr)).await;
    let admin = t.admin().await;
    // A line break in a name is refused outright.
    let r = t
        .post(
            "/api/v1/session-requests",
            &admin,
            json!({"recipient_name": "Eve\r\nBcc: victim@example.com", "recipient_email": "eve@example.com", "send_email": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("recipient_name")
    );
    // Markup in a name and header-looking lines in a comment stay text.
    t.create(
        &admin,
        json!({"recipient_name": "<img src=x onerror=alert(1)> \"Eve\"", "share_comment": true,
               "comment": "line one\r\nBcc: victim@example.com\r\n\r\n<script>alert(1)</script>"}),
    )
    .await;
    let mail = &sink.wait_for(1, WAIT).await[0];
    assert_eq!(
        mail.to,
        vec!["ada@example.com".to_owned()],
        "one recipient only"
    );
    let m = parse(mail);
    let headers = m.raw.split("\r\n\r\n").next().unwrap();
    assert!(!headers.to_ascii_lowercase().contains("bcc:"), "{headers}");
    assert!(!m.html.contains("<img src=x"), "{}", m.html);
    assert!(!m.html.contains("<script>"));
    let html_text = html_escape::decode_html_entities(&m.html);
    assert!(
        html_text.contains("<img src=x onerror=alert(1)>"),
        "the name, as text"
    );
    assert!(
        html_text.contains("<script>alert(1)</script>"),
        "the comment, as text"
    );
}

#[tokio::test]
async fn a_refused_mail_fails_at_once_shows_on_the_timeline_and_can_be_retried() {
    let sink = SmtpSink::start().await;
    let t = TestServer::start_with(smtp_to(sink.addr)).await;
    let admin = t.admin().await;
    let req = t
        .create(&admin, json!({"recipient_email": "bounce@example.com"}))
        .await;
    let failed = wait_outbox(&t, &admin, "failed", 1).await;
    assert_eq!(failed[0]["attempts"], 1, "a 5xx is not retried");
    assert!(
        failed[0]["last_error"].as_str().unwrap().contains("550"),
        "{:?}",
        failed[0]
    );
    let id = req["id"].as_str().unwrap();
    let detail = t
        .get(&format!("/api/v1/session-requests/{id}"), &admin)
        .await;
    let kinds: Vec<&str> = detail.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"mail_failed"), "{kinds:?}");
    // An admin retries: it is tried again (and refused again).
    let item = failed[0]["id"].as_str().unwrap();
    let r = t
        .post(&format!("/api/v1/outbox/{item}/retry"), &admin, json!({}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(r.body["state"], "pending");
    let start = Instant::now();
    loop {
        let f = outbox(&t, &admin, "failed").await;
        if f.len() == 1 && f[0]["finished_at"] != failed[0]["finished_at"] {
            break;
        }
        assert!(start.elapsed() < WAIT);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Retrying something sent is refused.
    let sent = t.create(&admin, json!({})).await;
    let _ = sent;
    let done = wait_outbox(&t, &admin, "sent", 1).await;
    let r = t
        .post(
            &format!("/api/v1/outbox/{}/retry", done[0]["id"].as_str().unwrap()),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    t.assert_consistent();
}

#[tokio::test]
async fn agents_hear_of_assignments_and_of_end_users_waiting() {
    let sink = SmtpSink::start().await;
    let t = TestServer::start_with(smtp_to(sink.addr)).await;
    let admin = t.admin().await;
    let (bob, _) = t.agent(&admin, "bob@example.com", true, true).await;
    let req = t
        .create(
            &admin,
            json!({"send_email": false, "recipient_name": "Grace", "assignee": {"type": "agent", "id": bob}}),
        )
        .await;
    let m = parse(&sink.wait_for(1, WAIT).await[0]);
    assert_eq!(m.to, "bob@example.com");
    assert_eq!(m.subject, "Assigned to you: Grace");
    let id = req["id"].as_str().unwrap();
    assert!(
        m.text.contains(&format!("/requests/{id}")),
        "a link to the request"
    );
    t.checkin(req["link"].as_str().unwrap()).await;
    let mails = sink.wait_for(2, WAIT).await;
    let m = parse(&mails[1]);
    assert_eq!(
        (m.to.as_str(), m.subject.as_str()),
        ("bob@example.com", "Grace is waiting for you")
    );
    // Assigning to yourself tells nobody.
    t.create(
        &admin,
        json!({"send_email": false, "assignee": {"type": "me"}}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.count(), 2);
}

#[tokio::test]
async fn a_reschedule_updates_the_calendar_entry_and_closing_cancels_it() {
    let sink = SmtpSink::start().await;
    let t = TestServer::start_with(smtp_to(sink.addr)).await;
    let admin = t.admin().await;
    let req = t
        .create(
            &admin,
            json!({"scheduled_at": in_hours(5), "email_language": "de"}),
        )
        .await;
    let id = req["id"].as_str().unwrap();
    sink.wait_for(1, WAIT).await;
    let r = t
        .patch(
            &format!("/api/v1/session-requests/{id}"),
            &admin,
            json!({"scheduled_at": in_hours(9)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let m = parse(&sink.wait_for(2, WAIT).await[1]);
    assert_eq!(
        m.subject,
        "Neuer Termin für Ihre Support-Sitzung mit Acme Support"
    );
    let cal = m.calendar.unwrap();
    assert!(
        cal.contains("METHOD:REQUEST") && cal.contains("SEQUENCE:1"),
        "{cal}"
    );
    assert!(cal.contains(&format!("UID:{id}@127.0.0.1")));
    t.post(
        &format!("/api/v1/session-requests/{id}/close"),
        &admin,
        json!({}),
    )
    .await;
    let m = parse(&sink.wait_for(3, WAIT).await[2]);
    assert_eq!(
        m.subject,
        "Ihre Support-Anfrage bei Acme Support ist abgeschlossen"
    );
    let cal = m.calendar.unwrap();
    assert!(
        cal.contains("METHOD:CANCEL") && cal.contains("SEQUENCE:2"),
        "{cal}"
    );
    assert!(
        !m.text.contains("/s/"),
        "a closed request's mail carries no link"
    );
}

#[tokio::test]
async fn without_smtp_mails_become_eml_files_in_the_data_directory() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let req = t.create(&admin, json!({})).await;
    let sent = wait_outbox(&t, &admin, "sent", 1).await;
    let (dir, _guard) = t.stop().await;
    let file = dir
        .join("outbox")
        .join(format!("{}.eml", sent[0]["id"].as_str().unwrap()));
    let text = std::fs::read_to_string(&file).expect("the .eml file");
    let m = MessageParser::default().parse(text.as_bytes()).unwrap();
    assert!(
        m.body_text(0)
            .unwrap()
            .contains(req["link"].as_str().unwrap())
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only the service's user reads it");
    }
}

#[tokio::test]
async fn the_admin_test_mail_and_the_queue_are_for_admins_only() {
    let sink = SmtpSink::start().await;
    let t = TestServer::start_with(smtp_to(sink.addr)).await;
    let admin = t.admin().await;
    let (_, agent) = t.agent(&admin, "eve@example.com", true, true).await;
    for path in ["/api/v1/outbox", "/api/v1/webhooks"] {
        assert_eq!(
            t.get(path, &agent).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    for path in ["/api/v1/outbox/test-mail", "/api/v1/webhooks"] {
        let r = t
            .post(path, &agent, json!({"url": "https://x.example"}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    let r = t.post("/api/v1/outbox/test-mail", &admin, json!({})).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let m = parse(&sink.wait_for(1, WAIT).await[0]);
    assert_eq!(
        (m.to.as_str(), m.subject.as_str()),
        ("admin@example.com", "Beckon test mail")
    );
    let r = t.get("/api/v1/outbox?state=nonsense", &admin).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// A webhook receiver: checks each call's signature, answers 500 to the first `fail_first`
/// calls, and keeps the bodies it accepted.
struct Receiver {
    url: String,
    accepted: Arc<Mutex<Vec<Value>>>,
    secret: Arc<Mutex<String>>,
}

async fn receiver(fail_first: usize) -> Receiver {
    use axum::routing::post;
    let accepted = Arc::new(Mutex::new(Vec::new()));
    let secret = Arc::new(Mutex::new(String::new()));
    let calls = Arc::new(Mutex::new(0usize));
    let (acc, sec) = (accepted.clone(), secret.clone());
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: axum::http::HeaderMap, body: String| {
            let (acc, sec, calls) = (acc.clone(), sec.clone(), calls.clone());
            async move {
                let sig = headers["beckon-signature"].to_str().unwrap().to_owned();
                let t = sig.split(',').next().unwrap().trim_start_matches("t=");
                let at = jiff::Timestamp::from_second(t.parse().unwrap()).unwrap();
                let expected = beckon::notify::webhook::signature(&sec.lock().unwrap(), at, &body);
                if sig != expected {
                    return axum::http::StatusCode::UNAUTHORIZED;
                }
                let mut n = calls.lock().unwrap();
                *n += 1;
                if *n <= fail_first {
                    return axum::http::StatusCode::INTERNAL_SERVER_ERROR;
                }
                acc.lock()
                    .unwrap()
                    .push(serde_json::from_str(&body).unwrap());
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Receiver {
        url,
        accepted,
        secret,
    }
}

#[tokio::test]
async fn webhooks_are_signed_retried_and_delivered_in_order_per_request() {
    let rx = receiver(3).await;
    let t = TestServer::start_with(|c| c.mail_retry_delay = Duration::from_millis(50)).await;
    let admin = t.admin().await;
    let r = t
        .post("/api/v1/webhooks", &admin, json!({"url": rx.url}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    *rx.secret.lock().unwrap() = r.body["secret"].as_str().unwrap().to_owned();
    let listed = t.get("/api/v1/webhooks", &admin).await;
    assert!(
        listed.body[0].get("secret").is_none(),
        "the secret is shown once"
    );
    let r = t
        .post(
            "/api/v1/webhooks",
            &admin,
            json!({"url": "http://example.com/hook"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "plain HTTP only to this machine"
    );

    // Two requests, each through several status changes.
    let mut ids = Vec::new();
    for _ in 0..2 {
        let req = t.request_in(&admin, Status::InSession).await;
        let id = req["id"].as_str().unwrap().to_owned();
        let close = format!("/api/v1/session-requests/{id}/close");
        assert_eq!(
            t.post(&close, &admin, json!({})).await.status,
            StatusCode::OK
        );
        ids.push(id);
    }
    let expected = [
        ("session_request.created", "open"),
        ("session_request.checked_in", "waiting"),
        ("session_request.access_allowed", "ready"),
        ("session_request.session_started", "in_session"),
        ("session_request.closed", "closed"),
    ];
    let start = Instant::now();
    while rx.accepted.lock().unwrap().len() < 10 {
        assert!(start.elapsed() < WAIT, "{:?}", rx.accepted.lock().unwrap());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let got = rx.accepted.lock().unwrap().clone();
    assert_eq!(got.len(), 10, "each event once: {got:?}");
    for id in &ids {
        let mine: Vec<(String, String)> = got
            .iter()
            .filter(|e| e["session_request"]["id"] == id.as_str())
            .map(|e| {
                (
                    e["type"].as_str().unwrap().to_owned(),
                    e["session_request"]["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let want: Vec<(String, String)> = expected
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(mine, want, "in order for {id}");
    }
    // Each body is what the API document's `webhooks` section says: its fields, no others.
    let doc = t.openapi().await;
    let fields = |schema: &str| -> std::collections::BTreeSet<String> {
        doc["components"]["schemas"][schema]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{schema} in the document"))
            .keys()
            .cloned()
            .collect()
    };
    for kind in ["created", "checked_in", "closed"] {
        let hook = &doc["webhooks"][format!("session_request.{kind}")]["post"];
        assert_eq!(
            hook["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/WebhookEvent"
        );
    }
    for body in &got {
        let keys = |v: &Value| -> std::collections::BTreeSet<String> {
            v.as_object().unwrap().keys().cloned().collect()
        };
        assert_eq!(keys(body), fields("WebhookEvent"), "{body}");
        assert_eq!(
            keys(&body["session_request"]),
            fields("WebhookRequest"),
            "{body}"
        );
    }
    // The first calls were refused and retried: the queue shows them sent after >1 attempt.
    let sent: Vec<Value> = wait_outbox(&t, &admin, "sent", 14)
        .await
        .into_iter()
        .filter(|i| i["channel"] == "webhook")
        .collect();
    assert_eq!(sent.len(), 10, "{sent:?}");
    assert!(sent.iter().any(|i| i["attempts"].as_u64() > Some(1)));
    // Removing the endpoint stops further calls.
    let hook = listed.body[0]["id"].as_str().unwrap();
    let r = t
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/webhooks/{hook}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    t.create(&admin, json!({"send_email": false})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.accepted.lock().unwrap().len(), 10);
    t.assert_consistent();
}

/// An in-house CA and a certificate for 127.0.0.1 signed by it: (CA PEM, acceptor).
fn relay_tls() -> (Vec<u8>, tokio_rustls::TlsAcceptor) {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params
        .subject_alt_names
        .push(rcgen::SanType::IpAddress("127.0.0.1".parse().unwrap()));
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(cert.der().to_vec())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
    .unwrap();
    (
        ca.pem().into_bytes(),
        tokio_rustls::TlsAcceptor::from(Arc::new(config)),
    )
}

#[tokio::test]
async fn starttls_and_implicit_tls_with_an_in_house_ca_and_a_password() {
    let (ca, acceptor) = relay_tls();
    let creds = Some(("relay-user".to_owned(), "s3cret p@ss".to_owned()));
    for (tls, implicit) in [(SmtpTls::StartTls, false), (SmtpTls::Tls, true)] {
        let sink = SmtpSink::start_secure(SinkOptions {
            tls: Some((acceptor.clone(), implicit)),
            auth: creds.clone(),
        })
        .await;
        let (addr, ca) = (sink.addr, ca.clone());
        let t = TestServer::start_with(move |c| {
            smtp_to(addr)(c);
            let smtp = c.smtp.as_mut().unwrap();
            smtp.tls = tls;
            smtp.user = Some("relay-user".into());
            smtp.password = Some(beckon::config::Secret("s3cret p@ss".into()));
            smtp.ca_pem = Some(ca);
        })
        .await;
        let admin = t.admin().await;
        t.create(&admin, json!({})).await;
        let m = parse(&sink.wait_for(1, WAIT).await[0]);
        assert_eq!(m.to, "ada@example.com", "{tls:?}");
        wait_outbox(&t, &admin, "sent", 1).await;
    }
    // A wrong password: the mail waits, and the queue says why.
    let sink = SmtpSink::start_secure(SinkOptions {
        tls: Some((acceptor, false)),
        auth: creds,
    })
    .await;
    let addr = sink.addr;
    let t = TestServer::start_with(move |c| {
        smtp_to(addr)(c);
        let smtp = c.smtp.as_mut().unwrap();
        smtp.tls = SmtpTls::StartTls;
        smtp.user = Some("relay-user".into());
        smtp.password = Some(beckon::config::Secret("wrong".into()));
        smtp.ca_pem = Some(ca);
    })
    .await;
    let admin = t.admin().await;
    t.create(&admin, json!({})).await;
    let start = Instant::now();
    loop {
        let pending = outbox(&t, &admin, "pending").await;
        if let Some(e) = pending[0]["last_error"].as_str() {
            assert!(e.contains("signing in"), "{e}");
            assert!(!e.contains("wrong"), "no password in errors: {e}");
            break;
        }
        assert!(start.elapsed() < WAIT);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sink.count(), 0);
}

#[tokio::test]
async fn a_connection_the_relay_dropped_while_idle_is_replaced_without_a_retry() {
    let sink = SmtpSink::start().await;
    let addr = sink.addr;
    // A retry would wait a minute: the second mail must not need one.
    let t = TestServer::start_with(move |c| {
        smtp_to(addr)(c);
        c.mail_retry_delay = Duration::from_secs(60);
    })
    .await;
    let admin = t.admin().await;
    t.create(&admin, json!({})).await;
    sink.wait_for(1, WAIT).await;
    // The relay restarts: the pooled connection is dead.
    sink.stop().await;
    let sink = SmtpSink::start_on(addr).await;
    t.create(&admin, json!({"recipient_email": "second@example.com"}))
        .await;
    let m = parse(&sink.wait_for(1, WAIT).await[0]);
    assert_eq!(m.to, "second@example.com");
    let sent = wait_outbox(&t, &admin, "sent", 2).await;
    assert!(sent.iter().all(|i| i["attempts"] == 1), "{sent:?}");
}

/// Makes the pending reminder due now (an admin's retry), so a reminder queued at a sweep's
/// future "now" is delivered while the test runs.
async fn send_pending_reminder(t: &TestServer, admin: &str) {
    let pending = outbox(t, admin, "pending").await;
    let item = pending
        .iter()
        .find(|i| i["kind"] == "reminder")
        .expect("a queued reminder");
    let path = format!("/api/v1/outbox/{}/retry", item["id"].as_str().unwrap());
    assert_eq!(
        t.post(&path, admin, json!({})).await.status,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn a_reminder_goes_once_per_schedule_and_again_after_a_reschedule() {
    let sink = SmtpSink::start().await;
    let t = TestServer::start_with(smtp_to(sink.addr)).await;
    let admin = t.admin().await;
    let req = t
        .create(
            &admin,
            json!({"scheduled_at": in_hours(2), "time_zone": "Asia/Tokyo", "email_language": "ja"}),
        )
        .await;
    sink.wait_for(1, WAIT).await;
    let at: jiff::Timestamp = req["scheduled_at"].as_str().unwrap().parse().unwrap();
    let quarter = jiff::SignedDuration::from_mins(15);
    let sweeper = beckon::sweep::Sweeper::new(
        t.server().service().clone(),
        beckon::config::SweeperConfig::default(),
    );
    assert_eq!(
        sweeper.remind(at - quarter).await.unwrap(),
        1,
        "the first reminder is queued"
    );
    assert_eq!(
        sweeper.remind(at - quarter).await.unwrap(),
        0,
        "never twice for one schedule"
    );
    send_pending_reminder(&t, &admin).await;
    let m = parse(&sink.wait_for(2, WAIT).await[1]);
    assert_eq!(
        m.subject,
        "リマインダー：Acme Support とのサポートセッションがまもなく始まります"
    );
    assert!(m.text.contains("(Asia/Tokyo)"), "{}", m.text);
    assert!(m.text.contains(req["link"].as_str().unwrap()));
    // A new time re-arms it.
    let id = req["id"].as_str().unwrap();
    let path = format!("/api/v1/session-requests/{id}");
    let new_at = in_hours(3);
    t.patch(&path, &admin, json!({"scheduled_at": new_at}))
        .await;
    sink.wait_for(3, WAIT).await;
    let new_at: jiff::Timestamp = new_at.parse().unwrap();
    assert_eq!(sweeper.remind(new_at - quarter).await.unwrap(), 1);
    send_pending_reminder(&t, &admin).await;
    sink.wait_for(4, WAIT).await;
    let events = t.get(&path, &admin).await.body["events"].clone();
    let reminders = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "reminder_queued")
        .count();
    assert_eq!(reminders, 2);
    drop(sweeper);
    t.assert_consistent();
}
