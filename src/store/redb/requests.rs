//! Requests in redb: the record under its ID, its timeline under ID ‖ sequence, and every
//! secondary index kept in step by `put_request`, so no write can forget one.

use app::domain::{RequestId, SessionRequest, TimelineEvent};
use redb::ReadableTable;

use super::keys::{self, RequestKeys};
use super::tables;
use super::tx::{Result, Snapshot, Txn, get};
use super::{prefix_filter, word_blocks};
use crate::links::{LinkKey, token_hash};
use crate::store::{RequestReads, RequestWrites, decode, encode};

/// All timeline events of a request, oldest first.
pub(super) fn timeline_in(
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

impl RequestReads for Snapshot {
    fn request(&mut self, id: RequestId) -> Result<Option<SessionRequest>> {
        get(&self.table(tables::REQUESTS)?, id.to_be_bytes())
    }

    fn timeline(&mut self, id: RequestId) -> Result<Vec<TimelineEvent>> {
        timeline_in(&self.table(tables::REQUEST_EVENTS)?, id)
    }

    fn request_by_link(&mut self, indexed: [u8; 32]) -> Result<Option<RequestId>> {
        let table = self.table(tables::LINK_TOKENS)?;
        Ok(table
            .get(indexed)?
            .map(|v| RequestId::from_be_bytes(v.value())))
    }

    fn bound_device(&mut self, link: [u8; 32]) -> Result<Option<[u8; 32]>> {
        Ok(self
            .table(tables::LINK_DEVICES)?
            .get(link)?
            .map(|v| v.value()))
    }

    fn join_code(&mut self, code: u64) -> Result<Option<RequestId>> {
        let table = self.table(tables::JOIN_CODES)?;
        Ok(table
            .get(code)?
            .map(|v| RequestId::from_be_bytes(v.value())))
    }
}

impl RequestReads for Txn<'_> {
    fn request(&mut self, id: RequestId) -> Result<Option<SessionRequest>> {
        get(&self.requests, id.to_be_bytes())
    }

    fn timeline(&mut self, id: RequestId) -> Result<Vec<TimelineEvent>> {
        timeline_in(&self.events, id)
    }

    fn request_by_link(&mut self, indexed: [u8; 32]) -> Result<Option<RequestId>> {
        Ok(self
            .links
            .get(indexed)?
            .map(|v| RequestId::from_be_bytes(v.value())))
    }

    fn bound_device(&mut self, link: [u8; 32]) -> Result<Option<[u8; 32]>> {
        Ok(self.devices.get(link)?.map(|v| v.value()))
    }

    fn join_code(&mut self, code: u64) -> Result<Option<RequestId>> {
        Ok(self
            .join_codes
            .get(code)?
            .map(|v| RequestId::from_be_bytes(v.value())))
    }
}

impl RequestWrites for Txn<'_> {
    fn put_request(&mut self, old: Option<&SessionRequest>, new: &SessionRequest) -> Result<()> {
        put_request(self, old, new)
    }

    fn add_event(&mut self, id: RequestId, seq: u32, event: &TimelineEvent) -> Result<()> {
        self.events
            .insert(keys::event(id, seq), encode(event).as_slice())?;
        Ok(())
    }

    fn remove_requests(&mut self, recs: &[SessionRequest], links: &LinkKey) -> Result<u64> {
        let mut events = 0;
        let mut words = Vec::new();
        for rec in recs {
            events += remove_request(self, rec, links)?;
            words.extend(keys::words(rec));
        }
        // Their search terms go last, all together and in key order, so the ones that share
        // a block cost one rewrite of it.
        words.sort_unstable();
        word_blocks::remove_sorted(&mut self.idx_words, &words)?;
        Ok(events)
    }

    fn put_link(&mut self, indexed: [u8; 32], id: RequestId) -> Result<()> {
        self.links.insert(indexed, id.to_be_bytes())?;
        Ok(())
    }

    fn remove_link(&mut self, indexed: [u8; 32]) -> Result<()> {
        self.links.remove(indexed)?;
        Ok(())
    }

    fn bind_device(&mut self, link: [u8; 32], device: [u8; 32]) -> Result<()> {
        self.devices.insert(link, device)?;
        Ok(())
    }

    fn unbind_device(&mut self, link: [u8; 32]) -> Result<bool> {
        Ok(self.devices.remove(link)?.is_some())
    }

    fn index_now(&mut self) -> Result<()> {
        // In key order, each term's block read and written once.
        index_pending_words(self, usize::MAX).map(drop)
    }

    fn put_join_code(&mut self, code: u64, id: RequestId) -> Result<()> {
        self.join_codes.insert(code, id.to_be_bytes())?;
        Ok(())
    }

    fn remove_join_code(&mut self, code: u64) -> Result<()> {
        self.join_codes.remove(code)?;
        Ok(())
    }
}

/// Writes a request and moves its index entries from `old`'s keys to its own.
pub(super) fn put_request(
    tx: &mut Txn<'_>,
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
fn put_words(tx: &mut Txn<'_>, old: Option<&SessionRequest>, new: &SessionRequest) -> Result<()> {
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
pub(super) fn index_pending_words(tx: &mut Txn<'_>, max: usize) -> Result<usize> {
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

/// Removes one request but its search terms (`remove_requests` takes those out).
fn remove_request(tx: &mut Txn<'_>, rec: &SessionRequest, links: &LinkKey) -> Result<u64> {
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
    for code in links.join_codes(rec.id, rec.link_generation) {
        let ours = tx
            .join_codes
            .get(code.bits())?
            .is_some_and(|id| id.value() == rec.id.to_be_bytes());
        if ours {
            tx.join_codes.remove(code.bits())?;
        }
    }
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
