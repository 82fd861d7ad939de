//! The disk format, pinned: one fixed value of every stored record type, encoded, must give
//! exactly the bytes kept in `tests/fixtures/records.golden`, and those bytes must decode to
//! the value. A change to a record's fields or their order (which postcard, having no field
//! names, would read as garbage or silently mis-assign) fails here first; such a change needs
//! a new layout version and an upgrade (`codec.rs`), and then the file is written anew with
//! `BECKON_BLESS=1 cargo test -p beckon --lib golden`.

use std::net::{IpAddr, Ipv4Addr};

use app::domain::{
    Actor, Agent, AgentId, Assignee, Client, ClientId, EndUserClient, EventKind, MailId,
    Permissions, Prompt, RequestId, Role, SessionRequest, Status, TimelineEvent, WebhookId,
};
use jiff::Timestamp;

use super::codec::{Record, decode, encode};
use super::records::{
    AuditEvent, AuditKind, AuthToken, DeliveryState, LogoRecord, MailKind, OutboxItem,
    OutboxMessage, PurgeRecord, SettingsRecord, TotpRecord, WebhookEndpoint,
};

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/records.golden");

fn at(s: i64) -> Timestamp {
    Timestamp::from_second(1_764_000_000 + s).unwrap()
}

/// One value's type name, its encoding, and a check that bytes decode back to it.
type Sample = (&'static str, Vec<u8>, Box<dyn Fn(&[u8]) -> bool>);

fn sample<T: Record + PartialEq + std::fmt::Debug + 'static>(value: T) -> Sample {
    let bytes = encode(&value);
    let check = move |b: &[u8]| decode::<T>(b).is_ok_and(|d| d == value);
    (T::TYPE_NAME, bytes, Box::new(check))
}

fn samples() -> Vec<Sample> {
    let agent = AgentId::from_u128(0x0193_0000_0000_0000_0000_0000_0000_00a1);
    let request = RequestId::from_u128(0x0193_0000_0000_0000_0000_0000_0000_00b2);
    vec![
        sample(SessionRequest {
            id: request,
            status: Status::InSession,
            recipient_name: "Grace Hopper".into(),
            recipient_email: Some("grace@example.com".into()),
            send_email: true,
            email_language: "de".into(),
            comment: "printer, again".into(),
            share_comment: true,
            scheduled_at: Some(at(3600)),
            time_zone: Some("Europe/Berlin".into()),
            expires_at: at(7 * 86_400),
            assignee: Assignee::Client(ClientId::from_u128(5)),
            created_by: agent,
            created_at: at(0),
            updated_at: at(60),
            link_generation: SessionRequest::FIRST_LINK_GENERATION + 1,
            prompt: Some(Prompt {
                id: 2,
                agent,
                agent_name: "Ada".into(),
                asked_at: at(30),
            }),
            prompt_seq: 2,
            end_user_client: Some(EndUserClient::Native),
            end_user_platform: Some("Linux".into()),
            session_started_at: Some(at(40)),
            session_ended_at: None,
            session_total_ms: 1234,
            event_count: 7,
            schedule_seq: 1,
            reminders_sent: vec![15],
            schedule_set_at: Some(at(1)),
        }),
        sample(TimelineEvent {
            at: at(30),
            actor: Actor::Agent(agent),
            kind: EventKind::ConnectRequested { prompt_id: 2 },
            from: Status::Waiting,
            to: Status::Waiting,
        }),
        sample(Agent {
            id: agent,
            email: "ada@example.com".into(),
            name: "Ada".into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            role: Role::Agent,
            permissions: Permissions {
                view_session_requests: true,
                edit_session_requests: false,
            },
            disabled: false,
            created_at: at(0),
            updated_at: at(1),
            language: Some("de".into()),
        }),
        sample(Client {
            id: ClientId::from_u128(5),
            name: "Team".into(),
            members: vec![agent],
            created_at: at(0),
            updated_at: at(2),
        }),
        sample(AuthToken {
            agent,
            created_at: at(0),
            expires_at: at(86_400),
            last_seen_at: at(10),
        }),
        sample(OutboxItem {
            id: MailId::from_u128(9),
            request: Some(request),
            message: OutboxMessage::Mail {
                kind: MailKind::Reminder { lead_minutes: 15 },
                to: "grace@example.com".into(),
                language: "de".into(),
                link_generation: 3,
            },
            created_at: at(0),
            state: DeliveryState::Failed,
            attempts: 4,
            next_attempt_at: at(100),
            last_error: Some("550 no such user".into()),
            finished_at: Some(at(200)),
        }),
        sample(OutboxItem {
            id: MailId::from_u128(10),
            request: None,
            message: OutboxMessage::Webhook {
                endpoint: WebhookId::from_u128(11),
                body: "{}".into(),
            },
            created_at: at(0),
            state: DeliveryState::Pending,
            attempts: 0,
            next_attempt_at: at(1),
            last_error: None,
            finished_at: None,
        }),
        sample(AuditEvent {
            at: at(5),
            kind: AuditKind::SignInFailed,
            actor: None,
            actor_label: "mallory@example.com".into(),
            ip: Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7))),
            target: Some("x".into()),
            detail: "wrong password".into(),
        }),
        sample(TotpRecord {
            nonce: [7; 16],
            sealed: vec![1, 2, 3],
            enabled: true,
            created_at: at(0),
            last_step: 58_800_000,
        }),
        sample(PurgeRecord {
            at: at(9),
            cutoff: at(-86_400),
            requests: 3,
            events: 12,
            outbox_items: 4,
        }),
        sample(WebhookEndpoint {
            id: WebhookId::from_u128(11),
            url: "https://hooks.example.com/beckon".into(),
            secret: "whsec".into(),
            created_by: agent,
            created_at: at(0),
        }),
        sample(SettingsRecord {
            organisation: Some("Acme".into()),
            default_expiry_secs: Some(86_400),
            max_expiry_secs: None,
            updated_at: Some(at(3)),
        }),
        sample(LogoRecord {
            bytes: vec![0x89, b'P', b'N', b'G', 1, 2, 3],
            updated_at: at(4),
        }),
    ]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn every_record_type_encodes_to_its_kept_bytes_and_they_decode_back() {
    let samples = samples();
    let written: String = samples
        .iter()
        .map(|(name, bytes, _)| format!("{name} {}\n", hex(bytes)))
        .collect();
    if std::env::var_os("BECKON_BLESS").is_some() {
        std::fs::write(FILE, &written).unwrap();
    }
    let kept = std::fs::read_to_string(FILE).expect("tests/fixtures/records.golden");
    let kept: Vec<(&str, &str)> = kept
        .lines()
        .map(|l| l.split_once(' ').expect("NAME HEX"))
        .collect();
    assert_eq!(kept.len(), samples.len(), "one line per sample");
    for ((name, bytes, decodes), (kept_name, kept_hex)) in samples.iter().zip(kept) {
        assert_eq!(*name, kept_name);
        assert_eq!(
            hex(bytes),
            kept_hex,
            "{name}: the encoding changed; a new layout needs a new version and an upgrade"
        );
        assert!(
            decodes(&unhex(kept_hex)),
            "{name}: the kept bytes decode to the value"
        );
    }
}
