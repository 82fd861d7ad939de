//! The sweeper's use cases. Each reads a time-ordered index from its oldest entry and stops at
//! the first entry not yet due, so its cost grows with the work due, not with what is stored;
//! each call does one bounded batch in one transaction (`crate::sweep` loops, and lets the API
//! in between batches). None of this is needed for correctness — reads and actions already
//! treat an overdue request as expired — it makes the expiry durable, tells people, and
//! cleans up.

use std::time::Duration;

use app::domain::{Action, Actor, EventKind, RequestId, Status, apply};
use jiff::{SignedDuration, Timestamp};
use redb::ReadableTable;

use super::error::Result;
use super::outbox::{queue_agent_mails, queue_end_user_mail, queue_reminder};
use super::txn::{self, Tx, put_request};
use super::{Change, Service, require_admin};
use crate::store::keys;
use crate::store::records::{DeliveryState, MailKind, OutboxItem, PurgeRecord};
use crate::store::{decode, encode, tables};

/// What one batch did, and whether more is due.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Batch {
    pub done: usize,
    pub more: bool,
}

/// What one batch of the retention job deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub requests: u64,
    pub events: u64,
    pub outbox_items: u64,
    pub more: bool,
}

/// The first `limit + 1` IDs of a `timed` index up to (and including) `until`.
fn due_ids(
    table: &impl ReadableTable<[u8; 24], ()>,
    until: Timestamp,
    limit: usize,
) -> Result<Vec<[u8; 16]>> {
    let mut out = Vec::new();
    for e in table.range(..=keys::timed(until, [0xff; 16]))? {
        out.push(keys::trailing(&e?.0.value()));
        if out.len() > limit {
            break;
        }
    }
    Ok(out)
}

impl Service {
    /// Moves up to `limit` overdue open, waiting or ready requests to `expired` (actor:
    /// system, at their expiry time), tells the end user if they were invited by mail and
    /// the assigned agents, and pushes the change to live views.
    pub fn expire_due(&self, now: Timestamp, limit: usize) -> Result<Batch> {
        // Most ticks find nothing: find that out with a read, which takes no write lock and
        // costs one index look-up however much is stored.
        {
            let read = self.store.begin_read()?;
            let idx = read.open_table(tables::IDX_EXPIRY)?;
            match idx.first()? {
                Some((k, _)) if keys::leading_time(&k.value()) <= now => {}
                _ => return Ok(Batch::default()),
            }
        }
        let txn = self.store.begin_write()?;
        let mut tx = Tx::open(&txn)?;
        let mut ids = due_ids(&tx.idx_expiry, now, limit)?;
        let more = ids.len() > limit;
        ids.truncate(limit);
        let mut changes = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(mut rec) = txn::load_request(&tx, RequestId::from_be_bytes(id))? else {
                continue;
            };
            if apply(rec.status, Action::Expire).is_err() || rec.expires_at > now {
                continue;
            }
            let old = rec.clone();
            txn::record_expiry(&mut tx, &mut rec)?;
            rec.updated_at = now;
            queue_end_user_mail(&mut tx, &rec, now, MailKind::Expired)?;
            queue_agent_mails(&mut tx, &rec, now, MailKind::AgentExpired, Actor::System)?;
            put_request(&mut tx, Some(&old), &rec)?;
            changes.push(Change {
                id: rec.id,
                status: rec.status,
                assignee: rec.assignee,
                updated_at: rec.updated_at,
                event: EventKind::Expired.name(),
            });
        }
        let queued = tx.close();
        txn.commit()?;
        let done = changes.len();
        for c in &changes {
            self.presence.forget(c.id);
        }
        self.publish(changes);
        self.queued(queued);
        Ok(Batch { done, more })
    }

    /// Queues the reminders due at `now` for every lead time in `leads` (minutes), at most
    /// `limit` requests a call. Each reminder goes once per schedule (kept on the request,
    /// so a restart neither repeats nor skips one); when several lead times are due at once
    /// (after downtime) only the nearest is sent.
    pub fn remind_due(&self, now: Timestamp, leads: &[u32], limit: usize) -> Result<Batch> {
        let Some(&longest) = leads.iter().max() else {
            return Ok(Batch::default());
        };
        let horizon = now
            .saturating_add(SignedDuration::from_mins(i64::from(longest)))
            .unwrap_or(Timestamp::MAX);
        // Read first: most minutes nothing is due, and a read takes no write lock.
        let due: Vec<RequestId> = {
            let read = self.store.begin_read()?;
            let schedule = read.open_table(tables::IDX_SCHEDULE)?;
            let requests = read.open_table(tables::REQUESTS)?;
            let mut due = Vec::new();
            for e in schedule.range(keys::timed(now, [0; 16])..=keys::timed(horizon, [0xff; 16]))? {
                let id = keys::trailing(&e?.0.value());
                let Some(rec) = txn::get::<app::domain::SessionRequest>(&requests, id)? else {
                    continue;
                };
                if leads.iter().any(|l| rec.reminder_due(*l, now)) {
                    due.push(rec.id);
                }
                if due.len() > limit {
                    break;
                }
            }
            due
        };
        if due.is_empty() {
            return Ok(Batch::default());
        }
        let more = due.len() > limit;
        let txn = self.store.begin_write()?;
        let mut tx = Tx::open(&txn)?;
        let mut done = 0;
        for id in due.into_iter().take(limit) {
            let Some(mut rec) = txn::load_request(&tx, id)? else {
                continue;
            };
            let mut owed: Vec<u32> = leads
                .iter()
                .copied()
                .filter(|l| rec.reminder_due(*l, now))
                .collect();
            owed.sort_unstable();
            let Some((&nearest, passed)) = owed.split_first() else {
                continue;
            };
            let old = rec.clone();
            // The longer lead times' moments have passed: they are done, unsent.
            rec.reminders_sent.extend_from_slice(passed);
            if queue_reminder(&mut tx, &mut rec, now, nearest)? {
                done += 1;
            }
            put_request(&mut tx, Some(&old), &rec)?;
        }
        let queued = tx.close();
        txn.commit()?;
        self.queued(queued);
        Ok(Batch { done, more })
    }

    /// Deletes up to `limit` requests that finished (closed, or expired) before `cutoff`,
    /// with their indexes, timeline and link.
    pub fn purge_finished(&self, cutoff: Timestamp, limit: usize) -> Result<Purged> {
        let txn = self.store.begin_write()?;
        let mut tx = Tx::open(&txn)?;
        let mut ids: Vec<[u8; 16]> = Vec::new();
        for e in tx.idx_finished.range(..keys::timed(cutoff, [0; 16]))? {
            ids.push(keys::trailing(&e?.0.value()));
            if ids.len() > limit {
                break;
            }
        }
        let more = ids.len() > limit;
        ids.truncate(limit);
        let mut purged = Purged {
            more,
            ..Purged::default()
        };
        let mut recs = Vec::new();
        for id in ids {
            recs.extend(txn::load_request(&tx, RequestId::from_be_bytes(id))?);
        }
        purged.events += txn::delete_requests(&mut tx, &recs, &self.links)?;
        purged.requests += recs.len() as u64;
        tx.close();
        txn.commit()?;
        Ok(purged)
    }

    /// Deletes up to `limit` delivered, failed or superseded outbox items made before
    /// `cutoff` (the mail log's retention). Pending items stay, however old.
    pub fn purge_outbox(&self, cutoff: Timestamp, limit: usize) -> Result<Purged> {
        let txn = self.store.begin_write()?;
        let mut tx = Tx::open(&txn)?;
        // IDs are ULIDs: key order is creation order, so the old ones come first.
        let bound = (cutoff.as_millisecond().max(0) as u128) << 80;
        let mut old: Vec<OutboxItem> = Vec::new();
        for e in tx.outbox.range(..bound.to_be_bytes())? {
            let item: OutboxItem = decode(e?.1.value())?;
            if item.state != DeliveryState::Pending {
                old.push(item);
            }
            if old.len() > limit {
                break;
            }
        }
        let mut purged = Purged {
            more: old.len() > limit,
            ..Purged::default()
        };
        for item in old.into_iter().take(limit) {
            let id = item.id.to_be_bytes();
            tx.outbox.remove(id)?;
            if item.state == DeliveryState::Failed {
                tx.outbox_failed.remove(id)?;
            }
            purged.outbox_items += 1;
        }
        tx.close();
        txn.commit()?;
        Ok(purged)
    }

    /// Keeps what a retention run deleted (append-only).
    pub fn record_purge(&self, record: &PurgeRecord) -> Result<()> {
        let txn = self.store.begin_write()?;
        txn.open_table(tables::PURGE_LOG)?
            .insert(keys::time(record.at), encode(record).as_slice())?;
        txn.commit()?;
        Ok(())
    }

    /// The retention runs, newest first (admins).
    pub fn purge_log(&self, caller: &app::domain::Agent, limit: usize) -> Result<Vec<PurgeRecord>> {
        require_admin(caller)?;
        let txn = self.store.begin_read()?;
        let mut out = Vec::new();
        for e in txn.open_table(tables::PURGE_LOG)?.iter()?.rev().take(limit) {
            out.push(decode(e?.1.value())?);
        }
        Ok(out)
    }

    /// Connect prompts nobody answered within `timeout` count as denied (by the system), so
    /// the agent is not left waiting on a page nobody is looking at. The prompt index holds
    /// the unanswered ones by the time they were asked: this reads the stale ones and stops.
    pub fn deny_stale_prompts(&self, now: Timestamp, timeout: Duration) -> Result<usize> {
        let timeout = SignedDuration::try_from(timeout).unwrap_or(SignedDuration::MAX);
        // A timeout reaching back before the first timestamp: nothing can be stale.
        let Ok(cutoff) = now.checked_sub(timeout) else {
            return Ok(0);
        };
        let mut stale = Vec::new();
        {
            let read = self.store.begin_read()?;
            let idx = read.open_table(tables::IDX_PROMPTS)?;
            let requests = read.open_table(tables::REQUESTS)?;
            for entry in idx.range(..=keys::timed(cutoff, [0xff; 16]))? {
                let id = keys::trailing(&entry?.0.value());
                let Some(rec) = txn::get::<app::domain::SessionRequest>(&requests, id)? else {
                    continue;
                };
                // Keys hold milliseconds: the record says whether it is stale to the tick.
                if let Some(p) = rec.prompt.filter(|p| p.asked_at <= cutoff) {
                    stale.push((rec.id, p.id));
                }
            }
        }
        let mut denied = 0;
        for (id, prompt_id) in stale {
            let r = self.transition(id, Actor::System, Action::Deny, move |_, rec, _| {
                // Answered (or asked again) since the read: nothing to do.
                if rec.prompt.as_ref().is_none_or(|p| p.id != prompt_id) {
                    return Err(super::ServiceError::Conflict {
                        code: "invalid_transition",
                        message: "answered meanwhile".into(),
                    });
                }
                rec.prompt = None;
                Ok(EventKind::AccessDenied { prompt_id }.into())
            });
            match r {
                Ok(_) => denied += 1,
                Err(super::ServiceError::Conflict { .. } | super::ServiceError::Transition(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(denied)
    }

    /// The stored status of a request, as written (not as of now): for tests and checks that
    /// the sweeper made an expiry durable.
    pub fn stored_status(&self, id: RequestId) -> Result<Option<Status>> {
        let txn = self.store.begin_read()?;
        Ok(txn::get::<app::domain::SessionRequest>(
            &txn.open_table(tables::REQUESTS)?,
            id.to_be_bytes(),
        )?
        .map(|r| r.status))
    }
}

/// `now - period`, or the beginning of time when the period is longer than history.
pub fn cutoff(now: Timestamp, period: Duration) -> Timestamp {
    SignedDuration::try_from(period)
        .ok()
        .and_then(|p| now.checked_sub(p).ok())
        .unwrap_or(Timestamp::MIN)
}
