//! The outbox and the webhook endpoints in PostgreSQL. An item's row says which of the
//! embedded store's lists it is on: the due list (`due_at`), the failed list (`failed`), and
//! its webhook queue (`queue`: endpoint ‖ request; only a queue's first item is due).
//!
//! Writers of one webhook queue take turns on an advisory lock of the queue: a delivery
//! finishing the head and a change queuing the next call must not both think the other
//! still holds the queue (the embedded store's one writer gives this for free).

use app::domain::{MailId, RequestId, WebhookId};
use jiff::Timestamp;

use super::requests::{id_bytes, ms};
use super::tx::{Conn, PgRead, PgTx, Result};
use crate::store::moving::OutboxLists;
use crate::store::records::{DeliveryState, OutboxItem, OutboxMessage, WebhookEndpoint};
use crate::store::{OutboxCounts, OutboxReads, OutboxWrites, encode};

/// The state column's value.
fn state_code(s: DeliveryState) -> i16 {
    match s {
        DeliveryState::Pending => 0,
        DeliveryState::Sent => 1,
        DeliveryState::Failed => 2,
        DeliveryState::Superseded => 3,
    }
}

/// The queue a webhook call about a request waits in: endpoint ‖ request.
pub(super) fn queue_of(item: &OutboxItem) -> Option<Vec<u8>> {
    match (&item.message, item.request) {
        (OutboxMessage::Webhook { endpoint, .. }, Some(request)) => {
            Some(queue_key(*endpoint, request))
        }
        _ => None,
    }
}

fn queue_key(endpoint: WebhookId, request: RequestId) -> Vec<u8> {
    let mut k = endpoint.to_be_bytes().to_vec();
    k.extend_from_slice(&request.to_be_bytes());
    k
}

fn records<T: crate::store::Record>(rows: &[tokio_postgres::Row]) -> Result<Vec<T>> {
    rows.iter().map(|row| Conn::record(row, 0)).collect()
}

/// A page of `limit` from rows fetched one past it: the items, and whether more follow.
fn page(rows: &[tokio_postgres::Row], limit: usize) -> Result<(Vec<OutboxItem>, bool)> {
    let more = rows.len() > limit;
    let items = records(&rows[..rows.len().min(limit)])?;
    Ok((items, more))
}

fn below(before: Option<MailId>) -> Vec<u8> {
    before.map_or(vec![0xff; 17], |c| c.to_be_bytes().to_vec())
}

fn outbox_items(
    c: &Conn,
    state: Option<DeliveryState>,
    before: Option<MailId>,
    limit: usize,
) -> Result<(Vec<OutboxItem>, bool)> {
    let take = i64::try_from(limit).unwrap_or(i64::MAX - 1) + 1;
    let below = below(before);
    let rows = match state {
        Some(DeliveryState::Pending) => c.query(
            "SELECT record FROM outbox WHERE (due_at IS NOT NULL OR queue IS NOT NULL) \
             AND id < $1 ORDER BY id DESC LIMIT $2",
            &[&below, &take],
        )?,
        Some(DeliveryState::Failed) => c.query(
            "SELECT record FROM outbox WHERE failed AND id < $1 ORDER BY id DESC LIMIT $2",
            &[&below, &take],
        )?,
        Some(s) => c.query(
            "SELECT record FROM outbox WHERE state = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
            &[&state_code(s), &below, &take],
        )?,
        None => c.query(
            "SELECT record FROM outbox WHERE id < $1 ORDER BY id DESC LIMIT $2",
            &[&below, &take],
        )?,
    };
    page(&rows, limit)
}

/// The reads of both sessions. Inside a write (`$lock`: `FOR UPDATE`), an item read stays
/// locked until the commit (the delivery worker and an operator's retry take turns), and the
/// endpoints are read `FOR SHARE`, so an endpoint cannot be removed under a change queuing
/// calls to it (its queue would wait forever behind calls the removal superseded).
macro_rules! outbox_reads {
    ($t:ty, $lock:literal, $share:literal) => {
        impl OutboxReads for $t {
            fn webhook_endpoints(&mut self) -> Result<Vec<WebhookEndpoint>> {
                records(
                    &self
                        .c
                        .query("SELECT record FROM webhooks ORDER BY id", &[])?,
                )
            }

            fn webhook_endpoint_ids(&mut self) -> Result<Vec<WebhookId>> {
                Ok(self
                    .c
                    .query(concat!("SELECT id FROM webhooks ORDER BY id", $share), &[])?
                    .iter()
                    .map(|row| super::requests::id_of(row.get(0)))
                    .collect())
            }

            fn webhook_endpoint(&mut self, id: WebhookId) -> Result<Option<WebhookEndpoint>> {
                self.c
                    .query_opt(
                        "SELECT record FROM webhooks WHERE id = $1",
                        &[&id_bytes(id).as_slice()],
                    )?
                    .map(|row| Conn::record(&row, 0))
                    .transpose()
            }

            fn outbox_item(&mut self, id: MailId) -> Result<Option<OutboxItem>> {
                self.c
                    .query_opt(
                        concat!("SELECT record FROM outbox WHERE id = $1", $lock),
                        &[&id_bytes(id).as_slice()],
                    )?
                    .map(|row| Conn::record(&row, 0))
                    .transpose()
            }

            fn due(&mut self, now: Timestamp, limit: usize) -> Result<Vec<OutboxItem>> {
                let limit = i64::try_from(limit).unwrap_or(i64::MAX);
                records(&self.c.query(
                    "SELECT record FROM outbox WHERE due_at <= $1 ORDER BY due_at, id LIMIT $2",
                    &[&ms(now), &limit],
                )?)
            }

            fn next_due_at(&mut self) -> Result<Option<Timestamp>> {
                let row = self.c.query_opt(
                    "SELECT min(due_at) FROM outbox WHERE due_at IS NOT NULL",
                    &[],
                )?;
                Ok(row
                    .and_then(|r| r.get::<_, Option<i64>>(0))
                    .map(|t| Timestamp::from_millisecond(t).unwrap_or(Timestamp::MAX)))
            }

            fn outbox_items(
                &mut self,
                state: Option<DeliveryState>,
                before: Option<MailId>,
                limit: usize,
            ) -> Result<(Vec<OutboxItem>, bool)> {
                outbox_items(&self.c, state, before, limit)
            }

            fn outbox_counts(&mut self) -> Result<OutboxCounts> {
                let row = self.c.query_opt(
                    "SELECT count(*) FILTER (WHERE state = 0 \
                         AND (due_at IS NOT NULL OR queue IS NOT NULL)), \
                     count(*) FILTER (WHERE failed) FROM outbox",
                    &[],
                )?;
                let (pending, failed): (i64, i64) = row.map_or((0, 0), |r| (r.get(0), r.get(1)));
                Ok(OutboxCounts {
                    pending: pending as u64,
                    failed: failed as u64,
                })
            }
        }
    };
}
outbox_reads!(PgRead, "", "");
outbox_reads!(PgTx, " FOR UPDATE", " FOR SHARE");

impl PgTx {
    /// Waits for (and holds until the commit) the turn on a webhook queue.
    fn lock_queue(&mut self, queue: &[u8]) -> Result<()> {
        self.c.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(encode($1, 'hex'), 0))",
            &[&queue],
        )?;
        Ok(())
    }

    /// Writes an item's record and the state column (no list changes).
    fn write_item(&mut self, item: &OutboxItem) -> Result<()> {
        self.c.execute(
            "UPDATE outbox SET record = $2, state = $3 WHERE id = $1",
            &[
                &id_bytes(item.id).as_slice(),
                &encode(item).as_slice(),
                &state_code(item.state),
            ],
        )?;
        Ok(())
    }
}

impl OutboxWrites for PgTx {
    fn queued(&self) -> usize {
        self.queued
    }

    fn enqueue(&mut self, item: &OutboxItem) -> Result<()> {
        self.queued += 1;
        let queue = queue_of(item);
        // A webhook call waits behind earlier calls to the same endpoint about the same
        // request.
        let head = match &queue {
            Some(q) => {
                self.lock_queue(q)?;
                self.c
                    .query_opt("SELECT 1 FROM outbox WHERE queue = $1 LIMIT 1", &[q])?
                    .is_none()
            }
            None => true,
        };
        self.c.execute(
            "INSERT INTO outbox (id, record, state, due_at, queue) VALUES ($1, $2, $3, $4, $5)",
            &[
                &id_bytes(item.id).as_slice(),
                &encode(item).as_slice(),
                &state_code(item.state),
                &head.then(|| ms(item.next_attempt_at)),
                &queue,
            ],
        )?;
        Ok(())
    }

    fn unschedule(&mut self, item: &OutboxItem) -> Result<bool> {
        Ok(self.c.execute(
            "UPDATE outbox SET due_at = NULL WHERE id = $1 AND due_at = $2",
            &[&id_bytes(item.id).as_slice(), &ms(item.next_attempt_at)],
        )? > 0)
    }

    fn reschedule(&mut self, item: &OutboxItem) -> Result<()> {
        self.write_item(item)?;
        self.c.execute(
            "UPDATE outbox SET due_at = $2 WHERE id = $1",
            &[&id_bytes(item.id).as_slice(), &ms(item.next_attempt_at)],
        )?;
        Ok(())
    }

    fn mark_failed(&mut self, item: &OutboxItem) -> Result<()> {
        self.write_item(item)?;
        self.c.execute(
            "UPDATE outbox SET failed = true WHERE id = $1",
            &[&id_bytes(item.id).as_slice()],
        )?;
        Ok(())
    }

    fn unlist_failed(&mut self, id: MailId) -> Result<()> {
        self.c.execute(
            "UPDATE outbox SET failed = false WHERE id = $1",
            &[&id_bytes(id).as_slice()],
        )?;
        Ok(())
    }

    fn put_outbox_item(&mut self, item: &OutboxItem) -> Result<()> {
        self.write_item(item)
    }

    fn advance_webhook_queue(&mut self, item: &OutboxItem, now: Timestamp) -> Result<()> {
        let Some(queue) = queue_of(item) else {
            return Ok(());
        };
        self.lock_queue(&queue)?;
        self.c.execute(
            "UPDATE outbox SET queue = NULL WHERE id = $1",
            &[&id_bytes(item.id).as_slice()],
        )?;
        let next = self.c.query_opt(
            "SELECT record FROM outbox WHERE queue = $1 ORDER BY id LIMIT 1",
            &[&queue],
        )?;
        if let Some(row) = next {
            let mut follower: OutboxItem = Conn::record(&row, 0)?;
            follower.next_attempt_at = now;
            self.reschedule(&follower)?;
        }
        Ok(())
    }

    fn import_outbox_item(&mut self, item: &OutboxItem, lists: OutboxLists) -> Result<()> {
        self.queued += 1;
        self.c.execute(
            "INSERT INTO outbox (id, record, state, due_at, failed, queue) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &id_bytes(item.id).as_slice(),
                &encode(item).as_slice(),
                &state_code(item.state),
                &lists.due.map(ms),
                &lists.failed,
                &queue_of(item).filter(|_| lists.queued),
            ],
        )?;
        Ok(())
    }

    fn put_webhook_endpoint(&mut self, endpoint: &WebhookEndpoint) -> Result<()> {
        self.c.execute(
            "INSERT INTO webhooks (id, record) VALUES ($1, $2) \
             ON CONFLICT (id) DO UPDATE SET record = excluded.record",
            &[
                &id_bytes(endpoint.id).as_slice(),
                &encode(endpoint).as_slice(),
            ],
        )?;
        Ok(())
    }

    fn remove_webhook_endpoint(
        &mut self,
        id: WebhookId,
    ) -> Result<Option<(WebhookEndpoint, Vec<OutboxItem>)>> {
        let Some(row) = self.c.query_opt(
            "DELETE FROM webhooks WHERE id = $1 RETURNING record",
            &[&id_bytes(id).as_slice()],
        )?
        else {
            return Ok(None);
        };
        let removed: WebhookEndpoint = Conn::record(&row, 0)?;
        // Every queue of the endpoint, whatever the request: its key starts with the ID.
        let waiting = self.c.query(
            "UPDATE outbox SET queue = NULL, due_at = NULL \
             WHERE queue IS NOT NULL AND substring(queue FROM 1 FOR 16) = $1 \
             RETURNING record",
            &[&id_bytes(id).as_slice()],
        )?;
        let mut items: Vec<OutboxItem> = records(&waiting)?;
        items.sort_by_key(|i| i.id);
        Ok(Some((removed, items)))
    }
}
