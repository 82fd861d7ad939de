//! Reading and writing records inside one transaction. Every write of a request goes through
//! `put_request`, which keeps all its secondary indexes in step with it, so no use case can
//! forget one.
//!
//! A write use case opens its tables once, as a `Tx`, and passes that around: opening a redb
//! table costs more than a write to it (it looks the table up and checks its type names), and
//! a sweep or a seed touches a dozen tables a request, thousands of times a transaction.

use app::domain::{
    Actor, Agent, AgentId, Client, ClientId, EventKind, RequestId, SessionRequest, Status,
    TimelineEvent,
};
use jiff::Timestamp;
use redb::{ReadableTable, Table, WriteTransaction};

use super::error::Result;
use crate::links::{LinkKey, token_hash};
use crate::store::keys::{self, RequestKeys};
use crate::store::{decode, encode, tables};
use crate::store::{prefix_filter, word_blocks};

/// The tables a request's use case writes, open for one write transaction. `close` it before
/// committing; it says how many outbox items the transaction queued, so the delivery worker
/// is woken only when there is something for it.
pub struct Tx<'t> {
    /// Outbox items queued so far (counted by `outbox::enqueue`).
    pub queued: usize,
    pub requests: Table<'t, [u8; 16], &'static [u8]>,
    pub events: Table<'t, [u8; 20], &'static [u8]>,
    pub idx_status: Table<'t, [u8; 17], ()>,
    pub idx_assignee: Table<'t, [u8; 34], ()>,
    pub idx_schedule: Table<'t, [u8; 24], ()>,
    pub idx_expiry: Table<'t, [u8; 24], ()>,
    pub idx_finished: Table<'t, [u8; 24], ()>,
    pub idx_upcoming: Table<'t, [u8; 25], prefix_filter::Filter>,
    pub idx_prompts: Table<'t, [u8; 24], ()>,
    pub idx_words: word_blocks::BlockTable<'t>,
    pub words_pending: Table<'t, [u8; 16], ()>,
    pub links: Table<'t, [u8; 32], [u8; 16]>,
    pub devices: Table<'t, [u8; 32], [u8; 32]>,
    pub join_codes: Table<'t, u64, [u8; 16]>,
    pub agents: Table<'t, [u8; 16], &'static [u8]>,
    pub clients: Table<'t, [u8; 16], &'static [u8]>,
    pub outbox: Table<'t, [u8; 16], &'static [u8]>,
    pub outbox_due: Table<'t, [u8; 24], ()>,
    pub outbox_failed: Table<'t, [u8; 16], ()>,
    pub webhook_queue: Table<'t, [u8; 48], ()>,
    pub webhooks: Table<'t, [u8; 16], &'static [u8]>,
    pub audit: Table<'t, [u8; 24], &'static [u8]>,
}

impl<'t> Tx<'t> {
    pub fn open(txn: &'t WriteTransaction) -> Result<Tx<'t>> {
        Ok(Tx {
            queued: 0,
            requests: txn.open_table(tables::REQUESTS)?,
            events: txn.open_table(tables::REQUEST_EVENTS)?,
            idx_status: txn.open_table(tables::IDX_STATUS)?,
            idx_assignee: txn.open_table(tables::IDX_ASSIGNEE)?,
            idx_schedule: txn.open_table(tables::IDX_SCHEDULE)?,
            idx_expiry: txn.open_table(tables::IDX_EXPIRY)?,
            idx_finished: txn.open_table(tables::IDX_FINISHED)?,
            idx_upcoming: txn.open_table(tables::IDX_UPCOMING)?,
            idx_prompts: txn.open_table(tables::IDX_PROMPTS)?,
            idx_words: txn.open_table(tables::IDX_WORDS)?,
            words_pending: txn.open_table(tables::WORDS_PENDING)?,
            links: txn.open_table(tables::LINK_TOKENS)?,
            devices: txn.open_table(tables::LINK_DEVICES)?,
            join_codes: txn.open_table(tables::JOIN_CODES)?,
            agents: txn.open_table(tables::AGENTS)?,
            clients: txn.open_table(tables::CLIENTS)?,
            outbox: txn.open_table(tables::OUTBOX)?,
            outbox_due: txn.open_table(tables::IDX_OUTBOX_DUE)?,
            outbox_failed: txn.open_table(tables::IDX_OUTBOX_FAILED)?,
            webhook_queue: txn.open_table(tables::WEBHOOK_QUEUE)?,
            webhooks: txn.open_table(tables::WEBHOOKS)?,
            audit: txn.open_table(tables::AUDIT)?,
        })
    }
}

impl Tx<'_> {
    /// Releases the tables (the transaction can commit); returns the number queued.
    pub fn close(self) -> usize {
        self.queued
    }
}

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

pub fn load_request(tx: &Tx<'_>, id: RequestId) -> Result<Option<SessionRequest>> {
    get(&tx.requests, id.to_be_bytes())
}

pub fn load_agent(tx: &Tx<'_>, id: AgentId) -> Result<Option<Agent>> {
    get(&tx.agents, id.to_be_bytes())
}

pub fn load_client(tx: &Tx<'_>, id: ClientId) -> Result<Option<Client>> {
    get(&tx.clients, id.to_be_bytes())
}

/// Writes a request and moves its index entries from `old`'s keys to its own.
pub fn put_request(
    tx: &mut Tx<'_>,
    old: Option<&SessionRequest>,
    new: &SessionRequest,
) -> Result<()> {
    tx.requests
        .insert(new.id.to_be_bytes(), encode(new).as_slice())?;
    let k = RequestKeys::of(new);
    // The upcoming entry's filter is rewritten only when its key or the text moves: most
    // writes of an open request (a check-in) change neither.
    let was = old.map(|old| (old, RequestKeys::of(old)));
    let upcoming_moved = was
        .as_ref()
        .is_none_or(|(old, o)| o.upcoming != k.upcoming || !same_text(old, new));
    if let Some((_, o)) = was {
        // Unchanged keys stay as they are: most changes move one or two indexes.
        if o.status != k.status {
            tx.idx_status.remove(o.status)?;
        }
        if o.assignee != k.assignee {
            tx.idx_assignee.remove(o.assignee)?;
        }
        if let Some(s) = o.schedule.filter(|s| Some(*s) != k.schedule) {
            tx.idx_schedule.remove(s)?;
        }
        if let Some(e) = o.expiry.filter(|e| Some(*e) != k.expiry) {
            tx.idx_expiry.remove(e)?;
        }
        if let Some(f) = o.finished.filter(|f| Some(*f) != k.finished) {
            tx.idx_finished.remove(f)?;
        }
        if let Some(u) = o.upcoming.filter(|u| Some(*u) != k.upcoming) {
            tx.idx_upcoming.remove(u)?;
        }
        if let Some(p) = o.prompt.filter(|p| Some(*p) != k.prompt) {
            tx.idx_prompts.remove(p)?;
        }
    }
    tx.idx_status.insert(k.status, ())?;
    tx.idx_assignee.insert(k.assignee, ())?;
    if let Some(s) = k.schedule {
        tx.idx_schedule.insert(s, ())?;
    }
    if let Some(e) = k.expiry {
        tx.idx_expiry.insert(e, ())?;
    }
    if let Some(f) = k.finished {
        tx.idx_finished.insert(f, ())?;
    }
    if let Some(u) = k.upcoming.filter(|_| upcoming_moved) {
        tx.idx_upcoming.insert(u, prefix_filter::of_request(new))?;
    }
    if let Some(p) = k.prompt {
        tx.idx_prompts.insert(p, ())?;
    }
    put_words(tx, old, new)
}

/// Keeps the search terms in step with the text. A new request only joins the pending
/// queue (`tables::WORDS_PENDING`), and so does an edit of one still in it: its words are
/// indexed later, from the text it has then. Otherwise the terms move from `old`'s text to
/// `new`'s; most writes change no text and cost nothing here.
fn put_words(tx: &mut Tx<'_>, old: Option<&SessionRequest>, new: &SessionRequest) -> Result<()> {
    let Some(old) = old else {
        tx.words_pending.insert(new.id.to_be_bytes(), ())?;
        return Ok(());
    };
    if same_text(old, new) {
        return Ok(());
    }
    if tx.words_pending.get(new.id.to_be_bytes())?.is_some() {
        return Ok(());
    }
    let was = keys::words(old);
    let now = keys::words(new);
    for k in was.difference(&now) {
        word_blocks::remove(&mut tx.idx_words, k)?;
    }
    for k in now.difference(&was) {
        word_blocks::insert(&mut tx.idx_words, k)?;
    }
    Ok(())
}

/// Whether a write leaves the text a search reads as it was.
fn same_text(old: &SessionRequest, new: &SessionRequest) -> bool {
    old.recipient_name == new.recipient_name
        && old.recipient_email == new.recipient_email
        && old.comment == new.comment
}

/// Indexes the words of up to `max` pending requests (oldest first) and takes them off the
/// queue; returns how many it took. Their entries go in sorted, so each term's newest block
/// is read and written once.
pub fn index_pending_words(tx: &mut Tx<'_>, max: usize) -> Result<usize> {
    let ids = tx
        .words_pending
        .iter()?
        .take(max)
        .map(|e| Ok(e?.0.value()))
        .collect::<Result<Vec<[u8; 16]>>>()?;
    let mut words = Vec::new();
    for id in &ids {
        // A request removed meanwhile took its pending entry with it, so this finds one.
        if let Some(rec) = get::<SessionRequest>(&tx.requests, *id)? {
            words.extend(keys::words(&rec));
        }
        tx.words_pending.remove(*id)?;
    }
    words.sort_unstable();
    words.dedup();
    word_blocks::insert_sorted(&mut tx.idx_words, &words)?;
    Ok(ids.len())
}

/// Removes requests with every index entry, their timelines and their links' entries
/// (retention). Their search terms go last, all together and in key order, so the ones that
/// share a block cost one rewrite of it. Returns how many timeline events went with them.
/// Removes the join codes of a request's current link (before a reopen or a removal).
pub fn forget_join_codes(tx: &mut Tx<'_>, links: &LinkKey, rec: &SessionRequest) -> Result<()> {
    for code in links.join_codes(rec.id, rec.link_generation) {
        let ours = tx
            .join_codes
            .get(code.bits())?
            .is_some_and(|id| id.value() == rec.id.to_be_bytes());
        if ours {
            tx.join_codes.remove(code.bits())?;
        }
    }
    Ok(())
}

pub fn delete_requests(tx: &mut Tx<'_>, recs: &[SessionRequest], links: &LinkKey) -> Result<u64> {
    let mut events = 0;
    let mut words = Vec::new();
    for rec in recs {
        events += delete_request(tx, rec, links)?;
        words.extend(keys::words(rec));
    }
    words.sort_unstable();
    word_blocks::remove_sorted(&mut tx.idx_words, &words)?;
    Ok(events)
}

/// Removes one request but its search terms (`delete_requests` takes those out).
fn delete_request(tx: &mut Tx<'_>, rec: &SessionRequest, links: &LinkKey) -> Result<u64> {
    let k = RequestKeys::of(rec);
    tx.idx_status.remove(k.status)?;
    tx.idx_assignee.remove(k.assignee)?;
    if let Some(s) = k.schedule {
        tx.idx_schedule.remove(s)?;
    }
    if let Some(e) = k.expiry {
        tx.idx_expiry.remove(e)?;
    }
    if let Some(f) = k.finished {
        tx.idx_finished.remove(f)?;
    }
    if let Some(u) = k.upcoming {
        tx.idx_upcoming.remove(u)?;
    }
    if let Some(p) = k.prompt {
        tx.idx_prompts.remove(p)?;
    }
    tx.words_pending.remove(rec.id.to_be_bytes())?;
    if let Some(indexed) = links.indexed(rec.id, rec.link_generation) {
        tx.links.remove(indexed)?;
    }
    tx.devices
        .remove(token_hash(&links.token(rec.id, rec.link_generation)))?;
    forget_join_codes(tx, links, rec)?;
    let mut events = 0;
    tx.events.retain_in(
        keys::event(rec.id, 0)..=keys::event(rec.id, u32::MAX),
        |_, _| {
            events += 1;
            false
        },
    )?;
    tx.requests.remove(rec.id.to_be_bytes())?;
    Ok(events)
}

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
    tx.events
        .insert(keys::event(rec.id, seq), encode(&event).as_slice())?;
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
