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
use crate::store::records::{MailKind, MailState, OutboxMail};
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
    Ok(())
}

/// Appends a timeline event (never rewritten) and counts it on the record. The caller writes
/// the record afterwards with `put_request`, in the same transaction.
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
    txn.open_table(tables::REQUEST_EVENTS)?.insert(
        keys::event(rec.id, rec.event_count),
        encode(&event).as_slice(),
    )?;
    rec.event_count += 1;
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

/// Queues the invitation mail for the request's current link, with its timeline event.
/// Does nothing when the request does not send mail.
pub fn queue_invitation(
    txn: &WriteTransaction,
    rec: &mut SessionRequest,
    at: Timestamp,
    actor: Actor,
) -> Result<bool> {
    let Some(to) = rec.recipient_email.clone().filter(|_| rec.send_email) else {
        return Ok(false);
    };
    let mail = OutboxMail {
        id: super::new_id(at),
        kind: MailKind::Invitation,
        request: Some(rec.id),
        to,
        language: rec.email_language.clone(),
        link_generation: rec.link_generation,
        created_at: at,
        state: MailState::Pending,
        attempts: 0,
        next_attempt_at: at,
        last_error: None,
    };
    let id = mail.id.to_be_bytes();
    txn.open_table(tables::OUTBOX)?
        .insert(id, encode(&mail).as_slice())?;
    txn.open_table(tables::IDX_OUTBOX_DUE)?
        .insert(keys::timed(at, id), ())?;
    let status = rec.status;
    append_event(
        txn,
        rec,
        at,
        actor,
        EventKind::InvitationQueued,
        status,
        status,
    )?;
    Ok(true)
}
