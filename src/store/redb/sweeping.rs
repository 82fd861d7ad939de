//! The sweeper's due work over redb's time indexes. Each index is keyed time ‖ request ID
//! (`keys::timed`), so due work is a range from the first entry, read until the bound or the
//! limit. The answers are shared by `Snapshot` and `Txn` through helpers over any readable
//! table.

use std::ops::RangeBounds;

use app::domain::{RequestId, SessionRequest};
use jiff::Timestamp;
use redb::ReadableTable;

use super::keys;
use super::tables;
use super::tx::{Result, Snapshot, Txn, get};
use crate::store::records::{DeliveryState, OutboxItem, PurgeRecord};
use crate::store::{SweepReads, SweepWrites, decode, encode};

/// A `timed` index: time (8) ‖ request ID (16) → ().
type Timed = [u8; 24];

/// Whether the first entry of a `timed` index is at or before `now`.
fn first_due(index: &impl ReadableTable<Timed, ()>, now: Timestamp) -> Result<bool> {
    Ok(match index.first()? {
        Some((k, _)) => keys::leading_time(&k.value()) <= now,
        None => false,
    })
}

/// The request IDs of a `timed` index's entries in `range`, in key order, at most `limit`.
fn ids_in(
    index: &impl ReadableTable<Timed, ()>,
    range: impl RangeBounds<Timed> + 'static,
    limit: usize,
) -> Result<Vec<RequestId>> {
    let mut out = Vec::new();
    if limit == 0 {
        return Ok(out);
    }
    for e in index.range::<Timed>(range)? {
        out.push(keys::trailing_id(&e?.0.value()));
        if out.len() >= limit {
            break;
        }
    }
    Ok(out)
}

/// The requests of a `timed` index's entries in `range`, in key order, that `wanted`
/// accepts; at most `limit`. An entry whose record is gone is passed over.
fn requests_in(
    index: &impl ReadableTable<Timed, ()>,
    requests: &impl ReadableTable<[u8; 16], &'static [u8]>,
    range: impl RangeBounds<Timed> + 'static,
    wanted: &mut dyn FnMut(&SessionRequest) -> bool,
    limit: usize,
) -> Result<Vec<SessionRequest>> {
    let mut out = Vec::new();
    if limit == 0 {
        return Ok(out);
    }
    for e in index.range::<Timed>(range)? {
        let id = keys::trailing(&e?.0.value());
        let Some(rec) = get::<SessionRequest>(requests, id)? else {
            continue;
        };
        if wanted(&rec) {
            out.push(rec);
            if out.len() >= limit {
                break;
            }
        }
    }
    Ok(out)
}

/// Expiry index entries at or before `now`.
fn expiring_by(now: Timestamp) -> impl RangeBounds<Timed> + 'static {
    ..=keys::timed(now, [0xff; 16])
}

/// Schedule index entries from `from` to `until`, both included.
fn scheduled_from(from: Timestamp, until: Timestamp) -> impl RangeBounds<Timed> + 'static {
    keys::timed(from, [0; 16])..=keys::timed(until, [0xff; 16])
}

/// Prompt index entries at or before `cutoff`.
fn asked_by(cutoff: Timestamp) -> impl RangeBounds<Timed> + 'static {
    ..=keys::timed(cutoff, [0xff; 16])
}

/// Finished index entries before `cutoff`.
fn finished_by(cutoff: Timestamp) -> impl RangeBounds<Timed> + 'static {
    ..keys::timed(cutoff, [0; 16])
}

/// Whether `rec`'s unanswered prompt was asked at or before `cutoff`.
fn stale_prompt(rec: &SessionRequest, cutoff: Timestamp) -> bool {
    // Keys hold milliseconds: the record says whether it is stale to the tick.
    rec.prompt.as_ref().is_some_and(|p| p.asked_at <= cutoff)
}

/// Outbox items made before `cutoff` and no longer pending, oldest first, at most `limit`.
fn spent_items(
    outbox: &impl ReadableTable<[u8; 16], &'static [u8]>,
    cutoff: Timestamp,
    limit: usize,
) -> Result<Vec<OutboxItem>> {
    let mut old = Vec::new();
    if limit == 0 {
        return Ok(old);
    }
    // IDs are ULIDs: key order is creation order, so the old ones come first.
    let bound = (cutoff.as_millisecond().max(0) as u128) << 80;
    for e in outbox.range(..bound.to_be_bytes())? {
        let item: OutboxItem = decode(e?.1.value())?;
        if item.state != DeliveryState::Pending {
            old.push(item);
            if old.len() >= limit {
                break;
            }
        }
    }
    Ok(old)
}

/// The newest `limit` records of the retention log, newest first.
fn newest_purges(
    log: &impl ReadableTable<[u8; 8], &'static [u8]>,
    limit: usize,
) -> Result<Vec<PurgeRecord>> {
    let mut out = Vec::new();
    for e in log.iter()?.rev().take(limit) {
        out.push(decode(e?.1.value())?);
    }
    Ok(out)
}

impl SweepReads for Snapshot {
    fn any_expiry_due(&mut self, now: Timestamp) -> Result<bool> {
        first_due(&self.table(tables::IDX_EXPIRY)?, now)
    }

    fn due_expiries(&mut self, now: Timestamp, limit: usize) -> Result<Vec<RequestId>> {
        ids_in(&self.table(tables::IDX_EXPIRY)?, expiring_by(now), limit)
    }

    fn scheduled_between(
        &mut self,
        from: Timestamp,
        until: Timestamp,
        wanted: &mut dyn FnMut(&SessionRequest) -> bool,
        limit: usize,
    ) -> Result<Vec<SessionRequest>> {
        let index = self.table(tables::IDX_SCHEDULE)?;
        let requests = self.table(tables::REQUESTS)?;
        requests_in(
            &index,
            &requests,
            scheduled_from(from, until),
            wanted,
            limit,
        )
    }

    fn prompts_asked_by(&mut self, cutoff: Timestamp) -> Result<Vec<SessionRequest>> {
        let index = self.table(tables::IDX_PROMPTS)?;
        let requests = self.table(tables::REQUESTS)?;
        let stale = &mut |rec: &SessionRequest| stale_prompt(rec, cutoff);
        requests_in(&index, &requests, asked_by(cutoff), stale, usize::MAX)
    }

    fn finished_before(&mut self, cutoff: Timestamp, limit: usize) -> Result<Vec<RequestId>> {
        ids_in(
            &self.table(tables::IDX_FINISHED)?,
            finished_by(cutoff),
            limit,
        )
    }

    fn spent_outbox_before(&mut self, cutoff: Timestamp, limit: usize) -> Result<Vec<OutboxItem>> {
        spent_items(&self.table(tables::OUTBOX)?, cutoff, limit)
    }

    fn purges(&mut self, limit: usize) -> Result<Vec<PurgeRecord>> {
        newest_purges(&self.table(tables::PURGE_LOG)?, limit)
    }
}

impl SweepReads for Txn<'_> {
    fn any_expiry_due(&mut self, now: Timestamp) -> Result<bool> {
        first_due(&self.idx_expiry, now)
    }

    fn due_expiries(&mut self, now: Timestamp, limit: usize) -> Result<Vec<RequestId>> {
        ids_in(&self.idx_expiry, expiring_by(now), limit)
    }

    fn scheduled_between(
        &mut self,
        from: Timestamp,
        until: Timestamp,
        wanted: &mut dyn FnMut(&SessionRequest) -> bool,
        limit: usize,
    ) -> Result<Vec<SessionRequest>> {
        let range = scheduled_from(from, until);
        requests_in(&self.idx_schedule, &self.requests, range, wanted, limit)
    }

    fn prompts_asked_by(&mut self, cutoff: Timestamp) -> Result<Vec<SessionRequest>> {
        let stale = &mut |rec: &SessionRequest| stale_prompt(rec, cutoff);
        requests_in(
            &self.idx_prompts,
            &self.requests,
            asked_by(cutoff),
            stale,
            usize::MAX,
        )
    }

    fn finished_before(&mut self, cutoff: Timestamp, limit: usize) -> Result<Vec<RequestId>> {
        ids_in(&self.idx_finished, finished_by(cutoff), limit)
    }

    fn spent_outbox_before(&mut self, cutoff: Timestamp, limit: usize) -> Result<Vec<OutboxItem>> {
        spent_items(&self.outbox, cutoff, limit)
    }

    fn purges(&mut self, limit: usize) -> Result<Vec<PurgeRecord>> {
        newest_purges(self.purge_log()?, limit)
    }
}

impl SweepWrites for Txn<'_> {
    fn remove_outbox_items(&mut self, items: &[OutboxItem]) -> Result<()> {
        for item in items {
            let id = item.id.to_be_bytes();
            self.outbox.remove(id)?;
            if item.state == DeliveryState::Failed {
                self.outbox_failed.remove(id)?;
            }
        }
        Ok(())
    }

    fn add_purge(&mut self, record: &PurgeRecord) -> Result<()> {
        self.purge_log()?
            .insert(keys::time(record.at), encode(record).as_slice())?;
        Ok(())
    }
}
