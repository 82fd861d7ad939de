//! Requests in PostgreSQL: the record with the columns its queries use, its timeline, and
//! what points at it (link entries, device bindings, join codes).

use app::domain::{Assignee, RequestId, SessionRequest, TimelineEvent};

use super::tx::{Conn, PgRead, PgTx, Result};
use crate::links::{LinkKey, token_hash};
use crate::store::{RequestReads, RequestWrites, encode};

/// An ID as stored: its 16 big-endian bytes (byte order is creation order).
pub(super) fn id_bytes<K>(id: app::domain::Id<K>) -> [u8; 16] {
    id.to_be_bytes()
}

/// An ID read back.
pub(super) fn id_of<K>(bytes: &[u8]) -> app::domain::Id<K> {
    let mut b = [0u8; 16];
    b.copy_from_slice(&bytes[..16]);
    app::domain::Id::from_be_bytes(b)
}

pub(super) fn ms(t: jiff::Timestamp) -> i64 {
    t.as_millisecond()
}

/// The assignee as its column holds it: kind ‖ ID.
pub(super) fn assignee_key(a: Assignee) -> Vec<u8> {
    let (kind, id) = match a {
        Assignee::Unassigned => (0, [0; 16]),
        Assignee::Agent(id) => (1, id.to_be_bytes()),
        Assignee::Client(id) => (2, id.to_be_bytes()),
    };
    let mut k = vec![kind];
    k.extend_from_slice(&id);
    k
}

/// A request's columns besides its record: what the queries select and order by, set
/// exactly when the embedded store has the matching index entry (`keys::RequestKeys`).
pub(super) struct Columns {
    pub status: i16,
    pub assignee: Vec<u8>,
    pub scheduled_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub prompt_at: Option<i64>,
    /// The search terms, for `to_tsvector`-free building: `array_to_tsvector`.
    pub terms: Vec<String>,
}

impl Columns {
    pub(super) fn of(r: &SessionRequest) -> Columns {
        Columns {
            status: i16::from(r.status.code()),
            assignee: assignee_key(r.assignee),
            scheduled_at: r.scheduled_at.map(ms),
            expires_at: r.status.can_expire().then(|| ms(r.expires_at)),
            finished_at: r.finished_at().map(ms),
            prompt_at: r.prompt.as_ref().map(|p| ms(p.asked_at)),
            terms: app::domain::search::terms(
                &r.recipient_name,
                r.recipient_email.as_deref(),
                &r.comment,
            )
            .iter()
            .map(|t| app::domain::search::term_key(t).to_owned())
            .collect(),
        }
    }
}

pub(super) fn request(c: &Conn, id: RequestId, lock: bool) -> Result<Option<SessionRequest>> {
    let sql = if lock {
        "SELECT record FROM requests WHERE id = $1 FOR UPDATE"
    } else {
        "SELECT record FROM requests WHERE id = $1"
    };
    c.query_opt(sql, &[&id_bytes(id).as_slice()])?
        .map(|row| Conn::record(&row, 0))
        .transpose()
}

pub(super) fn timeline(c: &Conn, id: RequestId) -> Result<Vec<TimelineEvent>> {
    c.query(
        "SELECT record FROM request_events WHERE request = $1 ORDER BY seq",
        &[&id_bytes(id).as_slice()],
    )?
    .iter()
    .map(|row| Conn::record(row, 0))
    .collect()
}

fn request_by_link(c: &Conn, indexed: [u8; 32]) -> Result<Option<RequestId>> {
    Ok(c.query_opt(
        "SELECT request FROM link_tokens WHERE indexed = $1",
        &[&indexed.as_slice()],
    )?
    .map(|row| id_of(row.get(0))))
}

fn bound_device(c: &Conn, link: [u8; 32], lock: bool) -> Result<Option<[u8; 32]>> {
    let sql = if lock {
        "SELECT device FROM link_devices WHERE link = $1 FOR UPDATE"
    } else {
        "SELECT device FROM link_devices WHERE link = $1"
    };
    Ok(c.query_opt(sql, &[&link.as_slice()])?
        .and_then(|row| <[u8; 32]>::try_from(row.get::<_, &[u8]>(0)).ok()))
}

fn join_code(c: &Conn, code: u64) -> Result<Option<RequestId>> {
    Ok(c.query_opt(
        "SELECT request FROM join_codes WHERE code = $1",
        &[&(code as i64)],
    )?
    .map(|row| id_of(row.get(0))))
}

/// The reads of both sessions. Inside a write (`$lock`), a request read is locked until the
/// commit: two use cases changing one request take turns, as they do in the embedded store's
/// one writer.
macro_rules! request_reads {
    ($t:ty, $lock:expr) => {
        impl RequestReads for $t {
            fn request(&mut self, id: RequestId) -> Result<Option<SessionRequest>> {
                request(&self.c, id, $lock)
            }
            fn timeline(&mut self, id: RequestId) -> Result<Vec<TimelineEvent>> {
                timeline(&self.c, id)
            }
            fn request_by_link(&mut self, indexed: [u8; 32]) -> Result<Option<RequestId>> {
                request_by_link(&self.c, indexed)
            }
            fn bound_device(&mut self, link: [u8; 32]) -> Result<Option<[u8; 32]>> {
                bound_device(&self.c, link, $lock)
            }
            fn join_code(&mut self, code: u64) -> Result<Option<RequestId>> {
                join_code(&self.c, code)
            }
        }
    };
}
request_reads!(PgRead, false);
request_reads!(PgTx, true);

impl RequestWrites for PgTx {
    fn put_request(&mut self, _old: Option<&SessionRequest>, new: &SessionRequest) -> Result<()> {
        let k = Columns::of(new);
        self.c.execute(
            "INSERT INTO requests (id, record, status, assignee, scheduled_at, \
                 expires_at, finished_at, prompt_at, terms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, array_to_tsvector($9::text[])) \
             ON CONFLICT (id) DO UPDATE SET record = excluded.record, status = excluded.status, \
                 assignee = excluded.assignee, \
                 scheduled_at = excluded.scheduled_at, expires_at = excluded.expires_at, \
                 finished_at = excluded.finished_at, prompt_at = excluded.prompt_at, \
                 terms = excluded.terms",
            &[
                &id_bytes(new.id).as_slice(),
                &encode(new).as_slice(),
                &k.status,
                &k.assignee,
                &k.scheduled_at,
                &k.expires_at,
                &k.finished_at,
                &k.prompt_at,
                &k.terms,
            ],
        )?;
        Ok(())
    }

    fn add_event(&mut self, id: RequestId, seq: u32, event: &TimelineEvent) -> Result<()> {
        self.c.execute(
            "INSERT INTO request_events (request, seq, record) VALUES ($1, $2, $3)",
            &[
                &id_bytes(id).as_slice(),
                &(seq as i32),
                &encode(event).as_slice(),
            ],
        )?;
        Ok(())
    }

    fn remove_requests(&mut self, recs: &[SessionRequest], links: &LinkKey) -> Result<u64> {
        let mut events = 0;
        for rec in recs {
            let id = id_bytes(rec.id);
            if let Some(indexed) = links.indexed(rec.id, rec.link_generation) {
                self.remove_link(indexed)?;
            }
            self.unbind_device(token_hash(&links.token(rec.id, rec.link_generation)))?;
            let codes: Vec<i64> = links
                .join_codes(rec.id, rec.link_generation)
                .iter()
                .map(|c| c.bits() as i64)
                .collect();
            self.c.execute(
                "DELETE FROM join_codes WHERE code = ANY($1) AND request = $2",
                &[&codes, &id.as_slice()],
            )?;
            events += self.c.execute(
                "DELETE FROM request_events WHERE request = $1",
                &[&id.as_slice()],
            )?;
            self.c
                .execute("DELETE FROM requests WHERE id = $1", &[&id.as_slice()])?;
        }
        Ok(events)
    }

    fn put_link(&mut self, indexed: [u8; 32], id: RequestId) -> Result<()> {
        self.c.execute(
            "INSERT INTO link_tokens (indexed, request) VALUES ($1, $2) \
             ON CONFLICT (indexed) DO UPDATE SET request = excluded.request",
            &[&indexed.as_slice(), &id_bytes(id).as_slice()],
        )?;
        Ok(())
    }

    fn remove_link(&mut self, indexed: [u8; 32]) -> Result<()> {
        self.c.execute(
            "DELETE FROM link_tokens WHERE indexed = $1",
            &[&indexed.as_slice()],
        )?;
        Ok(())
    }

    fn bind_device(&mut self, link: [u8; 32], device: [u8; 32]) -> Result<()> {
        self.c.execute(
            "INSERT INTO link_devices (link, device) VALUES ($1, $2) \
             ON CONFLICT (link) DO UPDATE SET device = excluded.device",
            &[&link.as_slice(), &device.as_slice()],
        )?;
        Ok(())
    }

    fn unbind_device(&mut self, link: [u8; 32]) -> Result<bool> {
        Ok(self.c.execute(
            "DELETE FROM link_devices WHERE link = $1",
            &[&link.as_slice()],
        )? > 0)
    }

    fn index_now(&mut self) -> Result<()> {
        // The terms are written with each request: nothing waits. After a bulk load the
        // planner's statistics are refreshed at once, rather than when autovacuum comes by:
        // which way a search reads depends on them.
        self.c.execute("ANALYZE requests", &[])?;
        Ok(())
    }

    fn put_join_code(&mut self, code: u64, id: RequestId) -> Result<()> {
        self.c.execute(
            "INSERT INTO join_codes (code, request) VALUES ($1, $2) \
             ON CONFLICT (code) DO UPDATE SET request = excluded.request",
            &[&(code as i64), &id_bytes(id).as_slice()],
        )?;
        Ok(())
    }

    fn remove_join_code(&mut self, code: u64) -> Result<()> {
        self.c
            .execute("DELETE FROM join_codes WHERE code = $1", &[&(code as i64)])?;
        Ok(())
    }
}
