//! The outbox: mails and webhook calls queued in the transaction of the change that caused
//! them, their delivery state, and the webhook endpoints.
//!
//! A pending item is either due (the delivery worker may try it at its `next_attempt_at`) or,
//! for a webhook call about a request, queued behind an earlier call to the same endpoint
//! about the same request: a receiver sees a request's events in order. Only the head of each
//! such queue is due. Items that failed for good are listed apart for the operators.

use app::domain::{MailId, WebhookId};
use jiff::Timestamp;

use super::StoreError;
use super::moving::OutboxLists;
use super::records::{DeliveryState, OutboxItem, WebhookEndpoint};

type Result<T> = std::result::Result<T, StoreError>;

/// How many items wait and how many failed (the settings page's mail status).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Pending items: the due ones and the webhook calls queued behind another.
    pub pending: u64,
    pub failed: u64,
}

pub trait OutboxReads {
    /// Every webhook endpoint, in ID order.
    fn webhook_endpoints(&mut self) -> Result<Vec<WebhookEndpoint>>;

    /// The ID of every webhook endpoint, in ID order (every status change asks: cheaper
    /// than the records).
    fn webhook_endpoint_ids(&mut self) -> Result<Vec<WebhookId>>;

    fn webhook_endpoint(&mut self, id: WebhookId) -> Result<Option<WebhookEndpoint>>;

    fn outbox_item(&mut self, id: MailId) -> Result<Option<OutboxItem>>;

    /// Up to `limit` items whose attempt is due at `now`, the one due first first.
    fn due(&mut self, now: Timestamp, limit: usize) -> Result<Vec<OutboxItem>>;

    /// When the next due item is due (`None`: nothing pending).
    fn next_due_at(&mut self) -> Result<Option<Timestamp>>;

    /// The operators' view: up to `limit` items with IDs below `before` (all when `None`),
    /// newest first, in `state` (`None`: any); and whether more follow.
    fn outbox_items(
        &mut self,
        state: Option<DeliveryState>,
        before: Option<MailId>,
        limit: usize,
    ) -> Result<(Vec<OutboxItem>, bool)>;

    /// How many items are pending and how many failed for good.
    fn outbox_counts(&mut self) -> Result<OutboxCounts>;
}

pub trait OutboxWrites {
    /// Outbox items queued in this transaction so far (the delivery worker is woken only
    /// when there is something for it).
    fn queued(&self) -> usize;

    /// Stores a new pending item (counted in `queued`) and makes it due at its
    /// `next_attempt_at`; a webhook call about a request waits behind earlier calls to the
    /// same endpoint about the same request instead.
    fn enqueue(&mut self, item: &OutboxItem) -> Result<()>;

    /// Takes a pending item off the due list (where it waits for its `next_attempt_at`);
    /// false if it was not on it (a webhook call queued behind an earlier one).
    fn unschedule(&mut self, item: &OutboxItem) -> Result<bool>;

    /// Writes a pending item and makes it due at its `next_attempt_at` (one taken off the due
    /// list or the failed list before).
    fn reschedule(&mut self, item: &OutboxItem) -> Result<()>;

    /// Writes an item that failed for good and lists it with the failed ones.
    fn mark_failed(&mut self, item: &OutboxItem) -> Result<()>;

    /// Takes an item off the failed list (an operator retries it).
    fn unlist_failed(&mut self, id: MailId) -> Result<()>;

    /// Writes an item as it is, moving it on no list (one sent or superseded).
    fn put_outbox_item(&mut self, item: &OutboxItem) -> Result<()>;

    /// A webhook call is done (sent or superseded): it leaves its queue, and the next one
    /// about the same request becomes due at `now` (its `next_attempt_at` set to it). Other
    /// items have no queue: nothing happens.
    fn advance_webhook_queue(&mut self, item: &OutboxItem, now: Timestamp) -> Result<()>;

    fn put_webhook_endpoint(&mut self, endpoint: &WebhookEndpoint) -> Result<()>;

    /// Writes an item copied from another store, on the lists it was on there (a move,
    /// `store::moving`); counted in `queued` like a new one.
    fn import_outbox_item(&mut self, item: &OutboxItem, lists: OutboxLists) -> Result<()>;

    /// Removes an endpoint and takes the calls still queued for it off their queues and the
    /// due list; returns it with those calls, as stored, for the caller to mark (`None`, and
    /// nothing touched: no such endpoint).
    fn remove_webhook_endpoint(
        &mut self,
        id: WebhookId,
    ) -> Result<Option<(WebhookEndpoint, Vec<OutboxItem>)>>;
}
