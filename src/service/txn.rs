//! Reading and writing records inside one transaction. Every write of a request goes through
//! `put_request`, which keeps all its secondary indexes in step with it, so no use case can
//! forget one.

use app::domain::{
    Actor, Agent, AgentId, Client, ClientId, EventKind, RequestId, SessionRequest, Status,
    TimelineEvent,
};
use jiff::Timestamp;
use redb::{ReadableTable, WriteTransaction};

use super::error::Result;
use crate::store::keys::{self, RequestKeys};
use crate::store::{decode, encode, tables};

/// Reads a codec record by its 16-byte key from any readable table.
pub fn get<T: crate::store::Record>(
    table: &impl ReadableTable<[u8; 16], &'static [u8]>,
    key: [u8; 16],
) -> Result<Option<T>> {
    match table.get(key)? {
        Some(v) => Ok(Some(decode(v.value())?)),
        None => Ok(None),
    }
}

pub fn load_request(txn: &WriteTransaction, id: RequestId) -> Result<Option<SessionRequest>> {
    get(&txn.open_table(tables::REQUESTS)?, id.to_be_bytes())
}

pub fn load_agent(txn: &WriteTransaction, id: AgentId) -> Result<Option<Agent>> {
    get(&txn.open_table(tables::AGENTS)?, id.to_be_bytes())
}

pub fn load_client(txn: &WriteTransaction, id: ClientId) -> Result<Option<Client>> {
    get(&txn.open_table(tables::CLIENTS)?, id.to_be_bytes())
}

/// Writes a request and moves its index entries from `old`'s keys to its own.
pub fn put_request(
    txn: &WriteTransaction,
    old: Option<&SessionRequest>,
    new: &SessionRequest,
) -> Result<()> {
    txn.open_table(tables::REQUESTS)?
        .insert(new.id.to_be_bytes(), encode(new).as_slice())?;
    let mut status = txn.open_table(tables::IDX_STATUS)?;
    let mut assignee = txn.open_table(tables::IDX_ASSIGNEE)?;
    let mut schedule = txn.open_table(tables::IDX_SCHEDULE)?;
    let mut expiry = txn.open_table(tables::IDX_EXPIRY)?;
    let mut finished = txn.open_table(tables::IDX_FINISHED)?;
    if let Some(old) = old {
        let k = RequestKeys::of(old);
        status.remove(k.status)?;
        assignee.remove(k.assignee)?;
        if let Some(s) = k.schedule {
            schedule.remove(s)?;
        }
        if let Some(e) = k.expiry {
            expiry.remove(e)?;
        }
        if let Some(f) = k.finished {
            finished.remove(f)?;
        }
    }
    let k = RequestKeys::of(new);
    status.insert(k.status, ())?;
    assignee.insert(k.assignee, ())?;
    if let Some(s) = k.schedule {
        schedule.insert(s, ())?;
    }
    if let Some(e) = k.expiry {
        expiry.insert(e, ())?;
    }
    if let Some(f) = k.finished {
        finished.insert(f, ())?;
    }
    Ok(())
}

/// Appends a timeline event (never rewritten) and counts it on the record; an event that
/// changes the status (or creates the request) also queues its webhook calls. The caller
/// writes the record afterwards with `put_request`, in the same transaction.
pub fn append_event(
    txn: &WriteTransaction,
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
    txn.open_table(tables::REQUEST_EVENTS)?
        .insert(keys::event(rec.id, seq), encode(&event).as_slice())?;
    rec.event_count += 1;
    if event.from != event.to || event.kind == EventKind::Created {
        super::outbox::queue_webhooks(txn, rec, &event, seq)?;
    }
    Ok(())
}

/// All timeline events of a request, oldest first.
pub fn events(
    table: &impl ReadableTable<[u8; 20], &'static [u8]>,
    id: RequestId,
) -> Result<Vec<TimelineEvent>> {
    let mut out = Vec::new();
    for entry in table.range(keys::event(id, 0)..=keys::event(id, u32::MAX))? {
        let (_, v) = entry?;
        out.push(decode(v.value())?);
    }
    Ok(out)
}
