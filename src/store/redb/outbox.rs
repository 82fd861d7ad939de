//! The outbox and the webhook endpoints in redb: items under their ID (`tables::OUTBOX`), the
//! due list (`IDX_OUTBOX_DUE`, next attempt ‖ ID), the failed list (`IDX_OUTBOX_FAILED`), the
//! webhook queues (`WEBHOOK_QUEUE`, endpoint ‖ request ‖ item: only each queue's first item is
//! on the due list) and the endpoints (`WEBHOOKS`).

use app::domain::{MailId, RequestId, WebhookId};
use jiff::Timestamp;
use redb::ReadableTable;

use super::keys;
use super::tables;
use super::tx::{Result, Snapshot, Txn, all, get};
use crate::store::moving::OutboxLists;
use crate::store::records::{DeliveryState, OutboxItem, OutboxMessage, WebhookEndpoint};
use crate::store::{OutboxCounts, OutboxReads, OutboxWrites, decode, encode};

/// The 32-byte prefix of a webhook queue: endpoint ‖ request.
fn queue_prefix(endpoint: WebhookId, request: RequestId) -> [u8; 32] {
    let mut p = [0u8; 32];
    p[..16].copy_from_slice(&endpoint.to_be_bytes());
    p[16..].copy_from_slice(&request.to_be_bytes());
    p
}

fn queue_key(prefix: [u8; 32], item: [u8; 16]) -> [u8; 48] {
    let mut k = [0u8; 48];
    k[..32].copy_from_slice(&prefix);
    k[32..].copy_from_slice(&item);
    k
}

/// The queue an item waits in: a webhook call about a request has one, a mail (or a call
/// about no request) none.
fn queue_of(item: &OutboxItem) -> Option<[u8; 32]> {
    match (&item.message, item.request) {
        (OutboxMessage::Webhook { endpoint, .. }, Some(request)) => {
            Some(queue_prefix(*endpoint, request))
        }
        _ => None,
    }
}

/// The ID of the first item in a webhook queue (`None`: the queue is empty).
fn queue_head(
    queue: &impl ReadableTable<[u8; 48], ()>,
    prefix: [u8; 32],
) -> Result<Option<[u8; 16]>> {
    Ok(queue
        .range(queue_key(prefix, [0; 16])..=queue_key(prefix, [0xff; 16]))?
        .next()
        .transpose()?
        .map(|(k, _)| keys::trailing(&k.value())))
}

/// The page cursor as a key bound: IDs below it (every ID when there is none).
fn below(before: Option<MailId>) -> [u8; 16] {
    before.map_or([0xff; 16], |c| c.to_be_bytes())
}

fn endpoint_ids(webhooks: &impl ReadableTable<[u8; 16], &'static [u8]>) -> Result<Vec<WebhookId>> {
    let mut ids = Vec::new();
    for entry in webhooks.iter()? {
        ids.push(WebhookId::from_be_bytes(entry?.0.value()));
    }
    Ok(ids)
}

/// Up to `limit` items due at `now`, oldest due first.
fn due_in(
    due: &impl ReadableTable<[u8; 24], ()>,
    outbox: &impl ReadableTable<[u8; 16], &'static [u8]>,
    now: Timestamp,
    limit: usize,
) -> Result<Vec<OutboxItem>> {
    let mut out = Vec::new();
    for entry in due.range(..=keys::timed(now, [0xff; 16]))? {
        if out.len() >= limit {
            break;
        }
        let (k, _) = entry?;
        if let Some(item) = get(outbox, keys::trailing(&k.value()))? {
            out.push(item);
        }
    }
    Ok(out)
}

fn next_due_in(due: &impl ReadableTable<[u8; 24], ()>) -> Result<Option<Timestamp>> {
    Ok(due.first()?.map(|(k, _)| keys::leading_time(&k.value())))
}

/// Pending items below `below`, newest first: the due list plus webhook calls queued behind
/// another.
fn pending_page(
    outbox: &impl ReadableTable<[u8; 16], &'static [u8]>,
    due: &impl ReadableTable<[u8; 24], ()>,
    queue: &impl ReadableTable<[u8; 48], ()>,
    below: [u8; 16],
    limit: usize,
) -> Result<(Vec<OutboxItem>, bool)> {
    let mut ids: Vec<[u8; 16]> = Vec::new();
    for e in due.iter()? {
        ids.push(keys::trailing(&e?.0.value()));
    }
    for e in queue.iter()? {
        ids.push(keys::trailing(&e?.0.value()));
    }
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.dedup();
    let mut items = Vec::new();
    for id in ids.into_iter().filter(|id| *id < below) {
        if items.len() == limit {
            return Ok((items, true));
        }
        if let Some(item) = get(outbox, id)? {
            items.push(item);
        }
    }
    Ok((items, false))
}

/// Failed items below `below`, newest first.
fn failed_page(
    outbox: &impl ReadableTable<[u8; 16], &'static [u8]>,
    failed: &impl ReadableTable<[u8; 16], ()>,
    below: [u8; 16],
    limit: usize,
) -> Result<(Vec<OutboxItem>, bool)> {
    let mut items = Vec::new();
    for e in failed.range(..below)?.rev() {
        if items.len() == limit {
            return Ok((items, true));
        }
        if let Some(item) = get(outbox, e?.0.value())? {
            items.push(item);
        }
    }
    Ok((items, false))
}

/// Items below `below` in `state` (any when `None`), newest first, read from the items
/// themselves.
fn page_in_state(
    outbox: &impl ReadableTable<[u8; 16], &'static [u8]>,
    state: Option<DeliveryState>,
    below: [u8; 16],
    limit: usize,
) -> Result<(Vec<OutboxItem>, bool)> {
    let mut items = Vec::new();
    for e in outbox.range(..below)?.rev() {
        let (_, v) = e?;
        let item: OutboxItem = decode(v.value())?;
        if state.is_some_and(|s| s != item.state) {
            continue;
        }
        if items.len() == limit {
            return Ok((items, true));
        }
        items.push(item);
    }
    Ok((items, false))
}

fn counts_in(
    due: &impl ReadableTable<[u8; 24], ()>,
    queue: &impl ReadableTable<[u8; 48], ()>,
    failed: &impl ReadableTable<[u8; 16], ()>,
) -> Result<OutboxCounts> {
    Ok(OutboxCounts {
        pending: due.len()? + queue.len()? - count_queue_heads(queue)?,
        failed: failed.len()?,
    })
}

/// Webhook queues with a head in the due index: each is counted in both tables.
fn count_queue_heads(queue: &impl ReadableTable<[u8; 48], ()>) -> Result<u64> {
    let mut heads = 0;
    let mut last: Option<[u8; 32]> = None;
    for e in queue.iter()? {
        let k = e?.0.value();
        let mut prefix = [0u8; 32];
        prefix.copy_from_slice(&k[..32]);
        if last != Some(prefix) {
            heads += 1;
            last = Some(prefix);
        }
    }
    Ok(heads)
}

impl OutboxReads for Snapshot {
    fn webhook_endpoints(&mut self) -> Result<Vec<WebhookEndpoint>> {
        all(&self.table(tables::WEBHOOKS)?)
    }

    fn webhook_endpoint_ids(&mut self) -> Result<Vec<WebhookId>> {
        endpoint_ids(&self.table(tables::WEBHOOKS)?)
    }

    fn webhook_endpoint(&mut self, id: WebhookId) -> Result<Option<WebhookEndpoint>> {
        get(&self.table(tables::WEBHOOKS)?, id.to_be_bytes())
    }

    fn outbox_item(&mut self, id: MailId) -> Result<Option<OutboxItem>> {
        get(&self.table(tables::OUTBOX)?, id.to_be_bytes())
    }

    fn due(&mut self, now: Timestamp, limit: usize) -> Result<Vec<OutboxItem>> {
        let due = self.table(tables::IDX_OUTBOX_DUE)?;
        due_in(&due, &self.table(tables::OUTBOX)?, now, limit)
    }

    fn next_due_at(&mut self) -> Result<Option<Timestamp>> {
        next_due_in(&self.table(tables::IDX_OUTBOX_DUE)?)
    }

    fn outbox_items(
        &mut self,
        state: Option<DeliveryState>,
        before: Option<MailId>,
        limit: usize,
    ) -> Result<(Vec<OutboxItem>, bool)> {
        let outbox = self.table(tables::OUTBOX)?;
        let below = below(before);
        match state {
            Some(DeliveryState::Pending) => {
                let due = self.table(tables::IDX_OUTBOX_DUE)?;
                let queue = self.table(tables::WEBHOOK_QUEUE)?;
                pending_page(&outbox, &due, &queue, below, limit)
            }
            Some(DeliveryState::Failed) => {
                let failed = self.table(tables::IDX_OUTBOX_FAILED)?;
                failed_page(&outbox, &failed, below, limit)
            }
            state => page_in_state(&outbox, state, below, limit),
        }
    }

    fn outbox_counts(&mut self) -> Result<OutboxCounts> {
        counts_in(
            &self.table(tables::IDX_OUTBOX_DUE)?,
            &self.table(tables::WEBHOOK_QUEUE)?,
            &self.table(tables::IDX_OUTBOX_FAILED)?,
        )
    }
}

impl OutboxReads for Txn<'_> {
    fn webhook_endpoints(&mut self) -> Result<Vec<WebhookEndpoint>> {
        all(&self.webhooks)
    }

    fn webhook_endpoint_ids(&mut self) -> Result<Vec<WebhookId>> {
        endpoint_ids(&self.webhooks)
    }

    fn webhook_endpoint(&mut self, id: WebhookId) -> Result<Option<WebhookEndpoint>> {
        get(&self.webhooks, id.to_be_bytes())
    }

    fn outbox_item(&mut self, id: MailId) -> Result<Option<OutboxItem>> {
        get(&self.outbox, id.to_be_bytes())
    }

    fn due(&mut self, now: Timestamp, limit: usize) -> Result<Vec<OutboxItem>> {
        due_in(&self.outbox_due, &self.outbox, now, limit)
    }

    fn next_due_at(&mut self) -> Result<Option<Timestamp>> {
        next_due_in(&self.outbox_due)
    }

    fn outbox_items(
        &mut self,
        state: Option<DeliveryState>,
        before: Option<MailId>,
        limit: usize,
    ) -> Result<(Vec<OutboxItem>, bool)> {
        let below = below(before);
        match state {
            Some(DeliveryState::Pending) => pending_page(
                &self.outbox,
                &self.outbox_due,
                &self.webhook_queue,
                below,
                limit,
            ),
            Some(DeliveryState::Failed) => {
                failed_page(&self.outbox, &self.outbox_failed, below, limit)
            }
            state => page_in_state(&self.outbox, state, below, limit),
        }
    }

    fn outbox_counts(&mut self) -> Result<OutboxCounts> {
        counts_in(&self.outbox_due, &self.webhook_queue, &self.outbox_failed)
    }
}

impl OutboxWrites for Txn<'_> {
    fn queued(&self) -> usize {
        self.queued
    }

    fn enqueue(&mut self, item: &OutboxItem) -> Result<()> {
        self.queued += 1;
        let id = item.id.to_be_bytes();
        self.outbox.insert(id, encode(item).as_slice())?;
        // A webhook call waits behind earlier calls to the same endpoint about the same
        // request.
        let head = match queue_of(item) {
            Some(prefix) => {
                let empty = queue_head(&self.webhook_queue, prefix)?.is_none();
                self.webhook_queue.insert(queue_key(prefix, id), ())?;
                empty
            }
            None => true,
        };
        if head {
            self.outbox_due
                .insert(keys::timed(item.next_attempt_at, id), ())?;
        }
        Ok(())
    }

    fn unschedule(&mut self, item: &OutboxItem) -> Result<bool> {
        let key = keys::timed(item.next_attempt_at, item.id.to_be_bytes());
        Ok(self.outbox_due.remove(key)?.is_some())
    }

    fn reschedule(&mut self, item: &OutboxItem) -> Result<()> {
        self.put_outbox_item(item)?;
        self.outbox_due
            .insert(keys::timed(item.next_attempt_at, item.id.to_be_bytes()), ())?;
        Ok(())
    }

    fn mark_failed(&mut self, item: &OutboxItem) -> Result<()> {
        self.outbox_failed.insert(item.id.to_be_bytes(), ())?;
        self.put_outbox_item(item)
    }

    fn unlist_failed(&mut self, id: MailId) -> Result<()> {
        self.outbox_failed.remove(id.to_be_bytes())?;
        Ok(())
    }

    fn put_outbox_item(&mut self, item: &OutboxItem) -> Result<()> {
        self.outbox
            .insert(item.id.to_be_bytes(), encode(item).as_slice())?;
        Ok(())
    }

    fn advance_webhook_queue(&mut self, item: &OutboxItem, now: Timestamp) -> Result<()> {
        let Some(prefix) = queue_of(item) else {
            return Ok(());
        };
        self.webhook_queue
            .remove(queue_key(prefix, item.id.to_be_bytes()))?;
        if let Some(next) = queue_head(&self.webhook_queue, prefix)?
            && let Some(mut follower) = get::<OutboxItem>(&self.outbox, next)?
        {
            follower.next_attempt_at = now;
            self.put_outbox_item(&follower)?;
            self.outbox_due.insert(keys::timed(now, next), ())?;
        }
        Ok(())
    }

    fn import_outbox_item(&mut self, item: &OutboxItem, lists: OutboxLists) -> Result<()> {
        self.queued += 1;
        let id = item.id.to_be_bytes();
        self.put_outbox_item(item)?;
        if let Some(due) = lists.due {
            self.outbox_due.insert(keys::timed(due, id), ())?;
        }
        if lists.failed {
            self.outbox_failed.insert(id, ())?;
        }
        if let (true, Some(prefix)) = (lists.queued, queue_of(item)) {
            self.webhook_queue.insert(queue_key(prefix, id), ())?;
        }
        Ok(())
    }

    fn put_webhook_endpoint(&mut self, endpoint: &WebhookEndpoint) -> Result<()> {
        self.webhooks
            .insert(endpoint.id.to_be_bytes(), encode(endpoint).as_slice())?;
        Ok(())
    }

    fn remove_webhook_endpoint(
        &mut self,
        id: WebhookId,
    ) -> Result<Option<(WebhookEndpoint, Vec<OutboxItem>)>> {
        let removed: WebhookEndpoint = match self.webhooks.remove(id.to_be_bytes())? {
            Some(v) => decode(v.value())?,
            None => return Ok(None),
        };
        // Every queue of the endpoint, whatever the request: its keys start with the ID.
        let mut lo = [0u8; 48];
        lo[..16].copy_from_slice(&id.to_be_bytes());
        let mut hi = [0xffu8; 48];
        hi[..16].copy_from_slice(&id.to_be_bytes());
        let mut waiting = Vec::new();
        self.webhook_queue.retain_in(lo..=hi, |k, _| {
            waiting.push(keys::trailing(&k));
            false
        })?;
        let mut items = Vec::new();
        for item_id in waiting {
            let Some(item) = get::<OutboxItem>(&self.outbox, item_id)? else {
                continue;
            };
            self.outbox_due
                .remove(keys::timed(item.next_attempt_at, item_id))?;
            items.push(item);
        }
        Ok(Some((removed, items)))
    }
}
