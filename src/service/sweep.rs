//! The sweeper's use cases. Each reads a time-ordered index from its oldest entry and stops at
//! the first entry not yet due, so its cost grows with the work due, not with what is stored;
//! each call does one bounded batch in one transaction (`crate::sweep` loops, and lets the API
//! in between batches). None of this is needed for correctness — reads and actions already
//! treat an overdue request as expired — it makes the expiry durable, tells people, and
//! cleans up.

use std::time::Duration;

use app::domain::{Action, Actor, EventKind, RequestId, Status, apply};
use jiff::{SignedDuration, Timestamp};

use super::error::{Result, ServiceError};
use super::outbox::{queue_agent_mails, queue_end_user_mail, queue_reminder};
use super::timeline::record_expiry;
use super::{Change, Service, require_admin};
use crate::store::Tx;
use crate::store::records::{MailKind, PurgeRecord};

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

/// One more than `limit`: a batch reads one entry past its own to know whether more is due.
fn one_past(limit: usize) -> usize {
    limit.saturating_add(1)
}

impl Service {
    /// Moves up to `limit` overdue open, waiting or ready requests to `expired` (actor:
    /// system, at their expiry time), tells the end user if they were invited by mail and
    /// the assigned agents, and pushes the change to live views.
    pub fn expire_due(&self, now: Timestamp, limit: usize) -> Result<Batch> {
        // Most ticks find nothing: find that out with a read, which takes no write lock and
        // costs one index look-up however much is stored.
        if !self.store.read()?.any_expiry_due(now)? {
            return Ok(Batch::default());
        }
        let ((changes, more), queued) = self.store.transact(|tx| {
            let mut ids = tx.due_expiries(now, one_past(limit))?;
            let more = ids.len() > limit;
            ids.truncate(limit);
            let mut changes = Vec::with_capacity(ids.len());
            for id in ids {
                changes.extend(expire_one(tx, id, now)?);
            }
            Ok::<_, ServiceError>((changes, more))
        })?;
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
        let due: Vec<RequestId> = self
            .store
            .read()?
            .scheduled_between(
                now,
                horizon,
                &mut |rec| leads.iter().any(|l| rec.reminder_due(*l, now)),
                one_past(limit),
            )?
            .into_iter()
            .map(|rec| rec.id)
            .collect();
        if due.is_empty() {
            return Ok(Batch::default());
        }
        let more = due.len() > limit;
        let (done, queued) = self.store.transact(|tx| {
            let mut done = 0;
            for id in due.into_iter().take(limit) {
                if remind_one(tx, id, now, leads)? {
                    done += 1;
                }
            }
            Ok::<_, ServiceError>(done)
        })?;
        self.queued(queued);
        Ok(Batch { done, more })
    }

    /// Deletes up to `limit` requests that finished (closed, or expired) before `cutoff`,
    /// with their indexes, timeline and link.
    pub fn purge_finished(&self, cutoff: Timestamp, limit: usize) -> Result<Purged> {
        let (purged, _) = self.store.transact(|tx| {
            let mut ids = tx.finished_before(cutoff, one_past(limit))?;
            let more = ids.len() > limit;
            ids.truncate(limit);
            let mut purged = Purged {
                more,
                ..Purged::default()
            };
            let mut recs = Vec::new();
            for id in ids {
                recs.extend(tx.request(id)?);
            }
            purged.events += tx.remove_requests(&recs, &self.links)?;
            purged.requests += recs.len() as u64;
            Ok::<_, ServiceError>(purged)
        })?;
        Ok(purged)
    }

    /// Deletes up to `limit` delivered, failed or superseded outbox items made before
    /// `cutoff` (the mail log's retention). Pending items stay, however old.
    pub fn purge_outbox(&self, cutoff: Timestamp, limit: usize) -> Result<Purged> {
        let (purged, _) = self.store.transact(|tx| {
            let mut old = tx.spent_outbox_before(cutoff, one_past(limit))?;
            let more = old.len() > limit;
            old.truncate(limit);
            tx.remove_outbox_items(&old)?;
            Ok::<_, ServiceError>(Purged {
                more,
                outbox_items: old.len() as u64,
                ..Purged::default()
            })
        })?;
        Ok(purged)
    }

    /// Keeps what a retention run deleted (append-only).
    pub fn record_purge(&self, record: &PurgeRecord) -> Result<()> {
        self.store
            .transact(|tx| Ok::<_, ServiceError>(tx.add_purge(record)?))?;
        Ok(())
    }

    /// The retention runs, newest first (admins).
    pub fn purge_log(&self, caller: &app::domain::Agent, limit: usize) -> Result<Vec<PurgeRecord>> {
        require_admin(caller)?;
        Ok(self.store.read()?.purges(limit)?)
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
        let stale: Vec<_> = self
            .store
            .read()?
            .prompts_asked_by(cutoff)?
            .into_iter()
            .filter_map(|rec| rec.prompt.map(|p| (rec.id, p.id)))
            .collect();
        let mut denied = 0;
        for (id, prompt_id) in stale {
            let r = self.transition(id, Actor::System, Action::Deny, move |_, rec, _| {
                // Answered (or asked again) since the read: nothing to do.
                if rec.prompt.as_ref().is_none_or(|p| p.id != prompt_id) {
                    return Err(ServiceError::Conflict {
                        code: "invalid_transition",
                        message: "answered meanwhile".into(),
                    });
                }
                rec.prompt = None;
                Ok(EventKind::AccessDenied { prompt_id }.into())
            });
            match r {
                Ok(_) => denied += 1,
                Err(ServiceError::Conflict { .. } | ServiceError::Transition(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(denied)
    }

    /// The stored status of a request, as written (not as of now): for tests and checks that
    /// the sweeper made an expiry durable.
    pub fn stored_status(&self, id: RequestId) -> Result<Option<Status>> {
        Ok(self.store.read()?.request(id)?.map(|r| r.status))
    }
}

/// Expires one request found due, unless it changed since (its status no longer expires, or
/// its expiry moved past `now`): the change to push, if it did.
fn expire_one(tx: &mut Tx<'_>, id: RequestId, now: Timestamp) -> Result<Option<Change>> {
    let Some(mut rec) = tx.request(id)? else {
        return Ok(None);
    };
    if apply(rec.status, Action::Expire).is_err() || rec.expires_at > now {
        return Ok(None);
    }
    let old = rec.clone();
    record_expiry(tx, &mut rec)?;
    rec.updated_at = now;
    queue_end_user_mail(tx, &rec, now, MailKind::Expired)?;
    queue_agent_mails(tx, &rec, now, MailKind::AgentExpired, Actor::System)?;
    tx.put_request(Some(&old), &rec)?;
    Ok(Some(super::requests::change(
        &rec,
        EventKind::Expired.name(),
    )))
}

/// Queues the nearest reminder owed on one request found due (and marks the longer ones
/// passed); whether a reminder was queued.
fn remind_one(tx: &mut Tx<'_>, id: RequestId, now: Timestamp, leads: &[u32]) -> Result<bool> {
    let Some(mut rec) = tx.request(id)? else {
        return Ok(false);
    };
    let mut owed: Vec<u32> = leads
        .iter()
        .copied()
        .filter(|l| rec.reminder_due(*l, now))
        .collect();
    owed.sort_unstable();
    let Some((&nearest, passed)) = owed.split_first() else {
        return Ok(false);
    };
    let old = rec.clone();
    // The longer lead times' moments have passed: they are done, unsent.
    rec.reminders_sent.extend_from_slice(passed);
    let queued = queue_reminder(tx, &mut rec, now, nearest)?;
    tx.put_request(Some(&old), &rec)?;
    Ok(queued)
}

/// `now - period`, or the beginning of time when the period is longer than history.
pub fn cutoff(now: Timestamp, period: Duration) -> Timestamp {
    SignedDuration::try_from(period)
        .ok()
        .and_then(|p| now.checked_sub(p).ok())
        .unwrap_or(Timestamp::MIN)
}
