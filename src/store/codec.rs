//! The stored encoding of records: one version byte, then postcard. A reader refuses a
//! version it does not know rather than guess; a newer layout gets a new version number and
//! a migration (`migrations`). No other module calls postcard.

use app::domain::{Agent, Client, SessionRequest, TimelineEvent};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::records::{AuthToken, OutboxMail, SettingsRecord};

/// A type stored in a table, with its fixed name and current layout version.
pub trait Record: Serialize + DeserializeOwned {
    const TYPE_NAME: &'static str;
    const VERSION: u8;
}

impl Record for SessionRequest {
    const TYPE_NAME: &'static str = "beckon::SessionRequest";
    const VERSION: u8 = 1;
}
impl Record for TimelineEvent {
    const TYPE_NAME: &'static str = "beckon::TimelineEvent";
    const VERSION: u8 = 1;
}
impl Record for Agent {
    const TYPE_NAME: &'static str = "beckon::Agent";
    const VERSION: u8 = 1;
}
impl Record for Client {
    const TYPE_NAME: &'static str = "beckon::Client";
    const VERSION: u8 = 1;
}
impl Record for AuthToken {
    const TYPE_NAME: &'static str = "beckon::AuthToken";
    const VERSION: u8 = 1;
}
impl Record for OutboxMail {
    const TYPE_NAME: &'static str = "beckon::OutboxMail";
    const VERSION: u8 = 1;
}
impl Record for SettingsRecord {
    const TYPE_NAME: &'static str = "beckon::SettingsRecord";
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
        Some((&found, _)) => Err(CodecError::UnknownVersion {
            type_name,
            found,
            known: T::VERSION,
        }),
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
