//! The stored encoding of records: one version byte, then postcard. A reader refuses a
//! version it does not know rather than guess; a newer layout gets a new version number and
//! a migration (`migrations`). No other module calls postcard.

use app::domain::{Agent, Client, SessionRequest, TimelineEvent};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::legacy;
use super::records::{
    AuditEvent, AuthToken, LogoRecord, OutboxItem, PurgeRecord, SettingsRecord, TotpRecord,
    WebhookEndpoint,
};

/// A type stored in a table, with its fixed name and current layout version.
pub trait Record: Serialize + DeserializeOwned {
    const TYPE_NAME: &'static str;
    const VERSION: u8;

    /// Decodes a body written with an older layout `version` and upgrades it; `None` when
    /// this type never had that version.
    fn decode_older(version: u8, body: &[u8]) -> Option<Result<Self, postcard::Error>> {
        let _ = (version, body);
        None
    }
}

/// Decodes an older layout `Old` and upgrades it with its `From`.
fn upgrade<Old: DeserializeOwned, New: From<Old>>(body: &[u8]) -> Result<New, postcard::Error> {
    postcard::from_bytes::<Old>(body).map(New::from)
}

impl Record for SessionRequest {
    const TYPE_NAME: &'static str = "beckon::SessionRequest";
    const VERSION: u8 = 2;
    fn decode_older(version: u8, body: &[u8]) -> Option<Result<Self, postcard::Error>> {
        (version == 1).then(|| upgrade::<legacy::SessionRequestV1, _>(body))
    }
}
impl Record for TimelineEvent {
    const TYPE_NAME: &'static str = "beckon::TimelineEvent";
    const VERSION: u8 = 1;
}
impl Record for Agent {
    const TYPE_NAME: &'static str = "beckon::Agent";
    const VERSION: u8 = 2;
    fn decode_older(version: u8, body: &[u8]) -> Option<Result<Self, postcard::Error>> {
        (version == 1).then(|| upgrade::<legacy::AgentV1, _>(body))
    }
}
impl Record for Client {
    const TYPE_NAME: &'static str = "beckon::Client";
    const VERSION: u8 = 1;
}
impl Record for AuthToken {
    const TYPE_NAME: &'static str = "beckon::AuthToken";
    const VERSION: u8 = 2;
    fn decode_older(version: u8, body: &[u8]) -> Option<Result<Self, postcard::Error>> {
        (version == 1).then(|| upgrade::<legacy::AuthTokenV1, _>(body))
    }
}
impl Record for OutboxItem {
    // The name of its first layout (invitations only), kept: names identify the table's type.
    const TYPE_NAME: &'static str = "beckon::OutboxMail";
    const VERSION: u8 = 2;
    fn decode_older(version: u8, body: &[u8]) -> Option<Result<Self, postcard::Error>> {
        (version == 1).then(|| upgrade::<legacy::OutboxMailV1, _>(body))
    }
}
impl Record for AuditEvent {
    const TYPE_NAME: &'static str = "beckon::AuditEvent";
    const VERSION: u8 = 1;
}
impl Record for TotpRecord {
    const TYPE_NAME: &'static str = "beckon::TotpRecord";
    const VERSION: u8 = 1;
}
impl Record for PurgeRecord {
    const TYPE_NAME: &'static str = "beckon::PurgeRecord";
    const VERSION: u8 = 1;
}
impl Record for WebhookEndpoint {
    const TYPE_NAME: &'static str = "beckon::WebhookEndpoint";
    const VERSION: u8 = 1;
}
impl Record for SettingsRecord {
    const TYPE_NAME: &'static str = "beckon::SettingsRecord";
    const VERSION: u8 = 1;
}
impl Record for LogoRecord {
    const TYPE_NAME: &'static str = "beckon::LogoRecord";
    const VERSION: u8 = 1;
}

#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("{type_name}: empty record")]
    Empty { type_name: &'static str },
    #[error("{type_name}: stored version {found} is unknown to this build (knows {known})")]
    UnknownVersion {
        type_name: &'static str,
        found: u8,
        known: u8,
    },
    #[error("{type_name}: undecodable record: {source}")]
    Malformed {
        type_name: &'static str,
        source: postcard::Error,
    },
}

pub fn encode<T: Record>(value: &T) -> Vec<u8> {
    let mut out = vec![T::VERSION];
    // Serializing plain owned data into a Vec cannot fail.
    postcard::to_extend(value, out.split_off(1))
        .map(|body| {
            out.extend_from_slice(&body);
            out
        })
        .expect("postcard encodes in-memory records")
}

pub fn decode<T: Record>(bytes: &[u8]) -> Result<T, CodecError> {
    let type_name = T::TYPE_NAME;
    match bytes.split_first() {
        None => Err(CodecError::Empty { type_name }),
        Some((&v, body)) if v == T::VERSION => {
            postcard::from_bytes(body).map_err(|source| CodecError::Malformed { type_name, source })
        }
        Some((&found, body)) => match T::decode_older(found, body) {
            Some(r) => r.map_err(|source| CodecError::Malformed { type_name, source }),
            None => Err(CodecError::UnknownVersion {
                type_name,
                found,
                known: T::VERSION,
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::{Actor, EventKind, Status};
    use jiff::Timestamp;

    fn event() -> TimelineEvent {
        TimelineEvent {
            at: Timestamp::from_second(1_700_000_000).unwrap(),
            actor: Actor::EndUser,
            kind: EventKind::CheckedIn {
                client: app::domain::EndUserClient::Web,
                platform: "Linux".into(),
            },
            from: Status::Open,
            to: Status::Waiting,
        }
    }

    #[test]
    fn round_trips_with_a_version_byte() {
        let bytes = encode(&event());
        assert_eq!(bytes[0], TimelineEvent::VERSION);
        assert_eq!(decode::<TimelineEvent>(&bytes).unwrap(), event());
    }

    /// Records written by the first build (layout version 1) still read, upgraded.
    #[test]
    fn version_one_records_are_upgraded_on_read() {
        use crate::store::legacy::{MailKindV1, MailStateV1, OutboxMailV1, SessionRequestV1};
        use crate::store::records::{DeliveryState, MailKind, OutboxMessage};
        use app::domain::{AgentId, Assignee, MailId, RequestId, SessionRequest};
        let t = Timestamp::from_second(1_700_000_000).unwrap();
        let v1 = SessionRequestV1 {
            id: RequestId::from_u128(7),
            status: Status::Waiting,
            recipient_name: "Ada".into(),
            recipient_email: Some("ada@example.com".into()),
            send_email: true,
            email_language: "de".into(),
            comment: "private".into(),
            scheduled_at: Some(t),
            time_zone: Some("Europe/Berlin".into()),
            expires_at: t,
            assignee: Assignee::Agent(AgentId::from_u128(3)),
            created_by: AgentId::from_u128(3),
            created_at: t,
            updated_at: t,
            link_generation: 2,
            prompt: None,
            prompt_seq: 1,
            end_user_client: None,
            end_user_platform: None,
            session_started_at: None,
            session_ended_at: None,
            session_total_ms: 5,
            event_count: 4,
        };
        let mut bytes = vec![1u8];
        bytes.extend(postcard::to_allocvec(&v1).unwrap());
        let r: SessionRequest = decode(&bytes).unwrap();
        assert_eq!(
            (r.id, r.status, r.link_generation),
            (v1.id, Status::Waiting, 2)
        );
        assert_eq!(r.email_language, "de");
        assert!(!r.share_comment, "version 1 never showed the comment");
        assert_eq!((r.schedule_seq, r.reminders_sent.len()), (0, 0));
        assert_eq!(encode(&r)[0], 2, "written back as the current version");

        let mail = OutboxMailV1 {
            id: MailId::from_u128(9),
            kind: MailKindV1::Invitation,
            request: Some(RequestId::from_u128(7)),
            to: "ada@example.com".into(),
            language: "de".into(),
            link_generation: 2,
            created_at: t,
            state: MailStateV1::Pending,
            attempts: 0,
            next_attempt_at: t,
            last_error: None,
        };
        let mut bytes = vec![1u8];
        bytes.extend(postcard::to_allocvec(&mail).unwrap());
        let item: crate::store::records::OutboxItem = decode(&bytes).unwrap();
        assert_eq!(item.state, DeliveryState::Pending);
        assert_eq!(
            item.message,
            OutboxMessage::Mail {
                kind: MailKind::Invitation,
                to: "ada@example.com".into(),
                language: "de".into(),
                link_generation: 2
            }
        );

        let token = crate::store::legacy::AuthTokenV1 {
            agent: AgentId::from_u128(3),
            created_at: t,
            expires_at: t + jiff::SignedDuration::from_hours(1),
        };
        let mut bytes = vec![1u8];
        bytes.extend(postcard::to_allocvec(&token).unwrap());
        let token: crate::store::records::AuthToken = decode(&bytes).unwrap();
        assert_eq!(token.last_seen_at, t, "last seen when it was made");
        assert_eq!(encode(&token)[0], 2);

        let agent = crate::store::legacy::AgentV1 {
            id: AgentId::from_u128(4),
            email: "ada@example.com".into(),
            name: "Ada".into(),
            password_hash: "$argon2id$…".into(),
            role: app::domain::Role::Admin,
            permissions: app::domain::Permissions::default(),
            disabled: false,
            created_at: t,
            updated_at: t,
        };
        let mut bytes = vec![1u8];
        bytes.extend(postcard::to_allocvec(&agent).unwrap());
        let agent: app::domain::Agent = decode(&bytes).unwrap();
        assert_eq!(
            (agent.email.as_str(), agent.language.as_deref()),
            ("ada@example.com", None)
        );
        assert!(agent.is_admin());
        assert_eq!(encode(&agent)[0], 2);
    }

    #[test]
    fn refuses_unknown_versions_and_garbage_without_panicking() {
        let mut bytes = encode(&event());
        bytes[0] = 99;
        assert!(matches!(
            decode::<TimelineEvent>(&bytes),
            Err(CodecError::UnknownVersion { found: 99, .. })
        ));
        assert!(matches!(
            decode::<TimelineEvent>(&[]),
            Err(CodecError::Empty { .. })
        ));
        assert!(matches!(
            decode::<TimelineEvent>(&[1, 0xff, 0xff]),
            Err(CodecError::Malformed { .. })
        ));
    }
}
