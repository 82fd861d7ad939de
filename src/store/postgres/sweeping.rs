//! The sweeper's due work in PostgreSQL: each query reads one partial index on a time column
//! from its start and stops at the bound or the limit, as the embedded store's ranges do.

use app::domain::{RequestId, SessionRequest};
use jiff::Timestamp;

use super::requests::{id_of, ms};
use super::tx::{Conn, PgRead, PgTx, Result};
use crate::store::records::{OutboxItem, PurgeRecord};
use crate::store::{SweepReads, SweepWrites, encode};

/// A `LIMIT` from a count (PostgreSQL's is a signed 64-bit number).
fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn ids(c: &Conn, sql: &str, at: i64, n: usize) -> Result<Vec<RequestId>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    Ok(c.query(sql, &[&at, &limit(n)])?
        .iter()
        .map(|row| id_of(row.get(0)))
        .collect())
}

fn any_expiry_due(c: &Conn, now: Timestamp) -> Result<bool> {
    Ok(c.query_opt(
        "SELECT 1 FROM requests WHERE expires_at IS NOT NULL AND expires_at <= $1 LIMIT 1",
        &[&ms(now)],
    )?
    .is_some())
}

fn due_expiries(c: &Conn, now: Timestamp, n: usize) -> Result<Vec<RequestId>> {
    ids(
        c,
        "SELECT id FROM requests WHERE expires_at IS NOT NULL AND expires_at <= $1 \
         ORDER BY expires_at, id LIMIT $2",
        ms(now),
        n,
    )
}

fn scheduled_between(
    c: &Conn,
    from: Timestamp,
    until: Timestamp,
    wanted: &mut dyn FnMut(&SessionRequest) -> bool,
    n: usize,
) -> Result<Vec<SessionRequest>> {
    let mut out = Vec::new();
    if n == 0 {
        return Ok(out);
    }
    let rows = c.query(
        "SELECT record FROM requests WHERE scheduled_at BETWEEN $1 AND $2 \
         ORDER BY scheduled_at, id",
        &[&ms(from), &ms(until)],
    )?;
    for row in &rows {
        let rec: SessionRequest = Conn::record(row, 0)?;
        if wanted(&rec) {
            out.push(rec);
            if out.len() >= n {
                break;
            }
        }
    }
    Ok(out)
}

fn prompts_asked_by(c: &Conn, cutoff: Timestamp) -> Result<Vec<SessionRequest>> {
    let rows = c.query(
        "SELECT record FROM requests WHERE prompt_at IS NOT NULL AND prompt_at <= $1 \
         ORDER BY prompt_at, id",
        &[&ms(cutoff)],
    )?;
    let mut out = Vec::new();
    for row in &rows {
        let rec: SessionRequest = Conn::record(row, 0)?;
        // The column holds milliseconds: the record says whether it is stale to the tick.
        if rec.prompt.as_ref().is_some_and(|p| p.asked_at <= cutoff) {
            out.push(rec);
        }
    }
    Ok(out)
}

/// Inside a write (`lock`), the rows are locked and checked again once the lock is theirs:
/// a request reopened meanwhile is no longer finished and is left alone.
fn finished_before(c: &Conn, cutoff: Timestamp, n: usize, lock: bool) -> Result<Vec<RequestId>> {
    let sql = if lock {
        "SELECT id FROM requests WHERE finished_at IS NOT NULL AND finished_at < $1 \
         ORDER BY finished_at, id LIMIT $2 FOR UPDATE"
    } else {
        "SELECT id FROM requests WHERE finished_at IS NOT NULL AND finished_at < $1 \
         ORDER BY finished_at, id LIMIT $2"
    };
    ids(c, sql, ms(cutoff), n)
}

/// Locked inside a write, like `finished_before`: an item an operator retried meanwhile is
/// pending again and stays.
fn spent_outbox_before(
    c: &Conn,
    cutoff: Timestamp,
    n: usize,
    lock: bool,
) -> Result<Vec<OutboxItem>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    // IDs are ULIDs: ID order is creation order, so the old ones come first.
    let bound = ((cutoff.as_millisecond().max(0) as u128) << 80).to_be_bytes();
    let sql = if lock {
        "SELECT record FROM outbox WHERE id < $1 AND state <> 0 ORDER BY id LIMIT $2 FOR UPDATE"
    } else {
        "SELECT record FROM outbox WHERE id < $1 AND state <> 0 ORDER BY id LIMIT $2"
    };
    c.query(sql, &[&bound.as_slice(), &limit(n)])?
        .iter()
        .map(|row| Conn::record(row, 0))
        .collect()
}

fn purges(c: &Conn, n: usize) -> Result<Vec<PurgeRecord>> {
    c.query(
        "SELECT record FROM purge_log ORDER BY at DESC LIMIT $1",
        &[&limit(n)],
    )?
    .iter()
    .map(|row| Conn::record(row, 0))
    .collect()
}

macro_rules! sweep_reads {
    ($t:ty, $lock:expr) => {
        impl SweepReads for $t {
            fn any_expiry_due(&mut self, now: Timestamp) -> Result<bool> {
                any_expiry_due(&self.c, now)
            }
            fn due_expiries(&mut self, now: Timestamp, n: usize) -> Result<Vec<RequestId>> {
                due_expiries(&self.c, now, n)
            }
            fn scheduled_between(
                &mut self,
                from: Timestamp,
                until: Timestamp,
                wanted: &mut dyn FnMut(&SessionRequest) -> bool,
                n: usize,
            ) -> Result<Vec<SessionRequest>> {
                scheduled_between(&self.c, from, until, wanted, n)
            }
            fn prompts_asked_by(&mut self, cutoff: Timestamp) -> Result<Vec<SessionRequest>> {
                prompts_asked_by(&self.c, cutoff)
            }
            fn finished_before(&mut self, cutoff: Timestamp, n: usize) -> Result<Vec<RequestId>> {
                finished_before(&self.c, cutoff, n, $lock)
            }
            fn spent_outbox_before(
                &mut self,
                cutoff: Timestamp,
                n: usize,
            ) -> Result<Vec<OutboxItem>> {
                spent_outbox_before(&self.c, cutoff, n, $lock)
            }
            fn purges(&mut self, n: usize) -> Result<Vec<PurgeRecord>> {
                purges(&self.c, n)
            }
        }
    };
}
sweep_reads!(PgRead, false);
sweep_reads!(PgTx, true);

impl SweepWrites for PgTx {
    fn remove_outbox_items(&mut self, items: &[OutboxItem]) -> Result<()> {
        let ids: Vec<Vec<u8>> = items.iter().map(|i| i.id.to_be_bytes().to_vec()).collect();
        self.c.execute(
            "DELETE FROM outbox WHERE id = ANY($1) AND state <> 0",
            &[&ids],
        )?;
        Ok(())
    }

    fn add_purge(&mut self, record: &PurgeRecord) -> Result<()> {
        self.c.execute(
            "INSERT INTO purge_log (at, record) VALUES ($1, $2) \
             ON CONFLICT (at) DO UPDATE SET record = excluded.record",
            &[&ms(record.at), &encode(record).as_slice()],
        )?;
        Ok(())
    }
}
