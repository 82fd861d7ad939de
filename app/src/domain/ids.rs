//! Typed identifiers. Inside the program an ID is a 128-bit number whose top 48 bits are the
//! creation time in milliseconds (a ULID), so sorting IDs sorts by creation time; at the edges it
//! is the 26-character ULID string. The kinds cannot be mixed up: an `AgentId` is not a
//! `RequestId`.

use core::fmt;
use core::marker::PhantomData;
use core::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A 128-bit, time-ordered identifier of one kind of thing.
pub struct Id<K> {
    raw: u128,
    kind: PhantomData<fn() -> K>,
}

#[derive(Debug)]
pub enum RequestKind {}
#[derive(Debug)]
pub enum AgentKind {}
#[derive(Debug)]
pub enum ClientKind {}
#[derive(Debug)]
pub enum MailKind {}
#[derive(Debug)]
pub enum WebhookKind {}

pub type RequestId = Id<RequestKind>;
pub type AgentId = Id<AgentKind>;
pub type ClientId = Id<ClientKind>;
pub type MailId = Id<MailKind>;
pub type WebhookId = Id<WebhookKind>;

impl<K> Id<K> {
    pub const fn from_u128(raw: u128) -> Self {
        Self {
            raw,
            kind: PhantomData,
        }
    }

    pub const fn as_u128(&self) -> u128 {
        self.raw
    }

    /// Milliseconds since the Unix epoch at which this ID was made.
    pub const fn created_ms(&self) -> u64 {
        (self.raw >> 80) as u64
    }

    /// Fixed-width big-endian bytes: byte order equals numeric (and so time) order.
    pub const fn to_be_bytes(&self) -> [u8; 16] {
        self.raw.to_be_bytes()
    }

    pub const fn from_be_bytes(bytes: [u8; 16]) -> Self {
        Self::from_u128(u128::from_be_bytes(bytes))
    }
}

impl<K> Clone for Id<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K> Copy for Id<K> {}
impl<K> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}
impl<K> Eq for Id<K> {}
impl<K> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.raw.cmp(&other.raw)
    }
}
impl<K> core::hash::Hash for Id<K> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.raw.hash(state)
    }
}

impl<K> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&ulid::Ulid(self.raw), f)
    }
}

impl<K> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({self})")
    }
}

/// A string that is not an ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid ID")]
pub struct IdError;

impl<K> FromStr for Id<K> {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        ulid::Ulid::from_string(s)
            .map(|u| Self::from_u128(u.0))
            .map_err(|_| IdError)
    }
}

/// The ULID string in human-readable formats (JSON); the number in binary ones (the store),
/// where it is compact and fixed.
impl<K> Serialize for Id<K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            self.raw.serialize(s)
        }
    }
}

impl<'de, K> Deserialize<'de> for Id<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            s.parse()
                .map_err(|_| serde::de::Error::custom(format!("`{s}` is not a valid ID")))
        } else {
            u128::deserialize(d).map(Self::from_u128)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_form_round_trips_and_rejects_garbage() {
        let id = RequestId::from_u128(0x0192_3456_789a_bcde_f012_3456_789a_bcde);
        let s = id.to_string();
        assert_eq!(s.len(), 26);
        assert_eq!(s.parse::<RequestId>().unwrap(), id);
        assert_eq!("not-an-id".parse::<RequestId>(), Err(IdError));
        assert_eq!("".parse::<RequestId>(), Err(IdError));
    }

    #[test]
    fn json_carries_the_string_and_the_store_the_number() {
        let id = AgentId::from_u128(0x0192_3456_789a_bcde_f012_3456_789a_bcde);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        assert_eq!(serde_json::from_str::<AgentId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<AgentId>("\"nope\"").is_err());
        let bytes = postcard::to_allocvec(&id).unwrap();
        assert!(bytes.len() <= 19);
        assert_eq!(postcard::from_bytes::<AgentId>(&bytes).unwrap(), id);
    }

    #[test]
    fn byte_order_is_time_order() {
        let older = RequestId::from_u128(1u128 << 80);
        let newer = RequestId::from_u128(2u128 << 80);
        assert!(older.to_be_bytes() < newer.to_be_bytes());
        assert_eq!(newer.created_ms(), 2);
    }
}
