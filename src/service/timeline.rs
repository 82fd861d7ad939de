//! Writing a request's timeline: every event is appended once, counted on the record, and an
//! event that changes the status (or creates the request) queues its webhook calls in the
//! same transaction.

use app::domain::{Actor, EventKind, SessionRequest, Status, TimelineEvent};
use jiff::Timestamp;

use super::error::Result;
use crate::store::Tx;

/// Appends a timeline event (never rewritten) and counts it on the record; an event that
/// changes the status (or creates the request) also queues its webhook calls. The caller
/// writes the record afterwards with `put_request`, in the same transaction.
pub fn append_event(
    tx: &mut Tx<'_>,
    rec: &mut SessionRequest,
    at: Timestamp,
    actor: Actor,
    kind: EventKind,
    from: Status,
    to: Status,
) -> Result<()> {
    let event = TimelineEvent {
        at,
        actor,
        kind,
        from,
        to,
    };
    let seq = rec.event_count;
    tx.add_event(rec.id, seq, &event)?;
    rec.event_count += 1;
    if event.from != event.to || event.kind == EventKind::Created {
        super::outbox::queue_webhooks(tx, rec, &event, seq)?;
    }
    Ok(())
}

/// Writes down that `rec` expired: the system did it, at the expiry time, and the stored
/// status becomes `expired`. The sweeper does this; an action that finds a request overdue
/// before the sweeper came does it first, so both leave the same trail.
pub fn record_expiry(tx: &mut Tx<'_>, rec: &mut SessionRequest) -> Result<()> {
    let (from, at) = (rec.status, rec.expires_at);
    let expired = Status::Expired;
    append_event(
        tx,
        rec,
        at,
        Actor::System,
        EventKind::Expired,
        from,
        expired,
    )?;
    rec.status = expired;
    rec.prompt = None;
    Ok(())
}
