//! Building the index keys of `tables`.

use std::collections::BTreeSet;

use app::domain::search;
use app::domain::{Assignee, RequestId, SessionRequest, Status};
use jiff::Timestamp;

/// Milliseconds since the epoch, as 8 bytes whose byte order is time order (sign bit flipped).
pub fn time(t: Timestamp) -> [u8; 8] {
    ((t.as_millisecond() as u64) ^ (1 << 63)).to_be_bytes()
}

pub fn status(s: Status, id: RequestId) -> [u8; 17] {
    let mut k = [0u8; 17];
    k[0] = s.code();
    k[1..].copy_from_slice(&id.to_be_bytes());
    k
}

/// The 17-byte prefix of an assignee index key.
pub fn assignee_prefix(a: Assignee) -> [u8; 17] {
    let mut k = [0u8; 17];
    match a {
        Assignee::Unassigned => {}
        Assignee::Agent(id) => {
            k[0] = 1;
            k[1..].copy_from_slice(&id.to_be_bytes());
        }
        Assignee::Client(id) => {
            k[0] = 2;
            k[1..].copy_from_slice(&id.to_be_bytes());
        }
    }
    k
}

/// An assignee's entry for a request in a status: a query for one person's requests in
/// some statuses (their past ones, say) reads only those.
pub fn assignee(a: Assignee, s: Status, id: RequestId) -> [u8; 34] {
    let mut k = [0u8; 34];
    k[..17].copy_from_slice(&assignee_prefix(a));
    k[17] = s.code();
    k[18..].copy_from_slice(&id.to_be_bytes());
    k
}

pub fn timed(t: Timestamp, id: [u8; 16]) -> [u8; 24] {
    let mut k = [0u8; 24];
    k[..8].copy_from_slice(&time(t));
    k[8..].copy_from_slice(&id);
    k
}

pub fn event(id: RequestId, seq: u32) -> [u8; 20] {
    let mut k = [0u8; 20];
    k[..16].copy_from_slice(&id.to_be_bytes());
    k[16..].copy_from_slice(&seq.to_be_bytes());
    k
}

/// The request ID at the end of an index key.
pub fn trailing_id(key: &[u8]) -> RequestId {
    RequestId::from_be_bytes(trailing(key))
}

/// The 16 ID bytes at the end of an index key.
pub fn trailing(key: &[u8]) -> [u8; 16] {
    let mut b = [0u8; 16];
    b.copy_from_slice(&key[key.len() - 16..]);
    b
}

/// The time at the start of a `timed` key.
pub fn leading_time(key: &[u8]) -> Timestamp {
    let mut t = [0u8; 8];
    t.copy_from_slice(&key[..8]);
    Timestamp::from_millisecond((u64::from_be_bytes(t) ^ (1 << 63)) as i64)
        .unwrap_or(Timestamp::MAX)
}

/// An upcoming (open) request's key: scheduled ones first, by time, then the unscheduled
/// ones; the ID last (read backwards, the unscheduled part is newest first).
pub fn upcoming(scheduled_at: Option<Timestamp>, id: RequestId) -> [u8; 25] {
    let mut k = [0u8; 25];
    match scheduled_at {
        Some(t) => k[1..9].copy_from_slice(&time(t)),
        None => k[0] = 1,
    }
    k[9..].copy_from_slice(&id.to_be_bytes());
    k
}

/// A search term's index key: the term (cut to `TERM_BYTES`), a zero byte, the request ID.
pub fn word(term: &str, id: RequestId) -> Vec<u8> {
    let t = search::term_key(term).as_bytes();
    let mut k = Vec::with_capacity(t.len() + 17);
    k.extend_from_slice(t);
    k.push(0);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// The word-index keys of a request (see `tables::IDX_WORDS`).
pub fn words(r: &SessionRequest) -> BTreeSet<Vec<u8>> {
    search::terms(&r.recipient_name, r.recipient_email.as_deref(), &r.comment)
        .iter()
        .map(|t| word(t, r.id))
        .collect()
}

/// Every secondary-index key a request has, so writes can remove the old set and add the new.
pub struct RequestKeys {
    pub status: [u8; 17],
    pub assignee: [u8; 34],
    pub schedule: Option<[u8; 24]>,
    pub expiry: Option<[u8; 24]>,
    pub finished: Option<[u8; 24]>,
    pub upcoming: Option<[u8; 25]>,
    pub prompt: Option<[u8; 24]>,
}

impl RequestKeys {
    pub fn of(r: &SessionRequest) -> RequestKeys {
        let id = r.id.to_be_bytes();
        RequestKeys {
            status: status(r.status, r.id),
            assignee: assignee(r.assignee, r.status, r.id),
            schedule: r.scheduled_at.map(|t| timed(t, id)),
            expiry: r.status.can_expire().then(|| timed(r.expires_at, id)),
            finished: r.finished_at().map(|t| timed(t, id)),
            upcoming: (r.status == app::domain::Status::Open)
                .then(|| upcoming(r.scheduled_at, r.id)),
            prompt: r.prompt.as_ref().map(|p| timed(p.asked_at, id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_keys_sort_like_time_even_before_the_epoch() {
        let a = time(Timestamp::from_millisecond(-5).unwrap());
        let b = time(Timestamp::from_millisecond(3).unwrap());
        let c = time(Timestamp::from_millisecond(4_000_000_000_000).unwrap());
        assert!(a < b && b < c);
        let t = Timestamp::from_millisecond(1_700_000_000_123).unwrap();
        assert_eq!(leading_time(&timed(t, [7; 16])), t);
    }
}
