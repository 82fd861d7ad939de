//! The durable outbox: mails and webhook calls are queued inside the transaction of the change
//! that causes them, handed to the delivery worker (`crate::notify`) when due, and marked with
//! what happened. Operators list and retry them here. This module never sends anything and
//! never decides retry policy: the worker reports an `Outcome`, this writes it.

use app::domain::{
    Actor, Agent, AgentId, Assignee, Client, EventKind, MailId, RequestId, SessionRequest, Status,
    TimelineEvent, WebhookId,
};
use jiff::Timestamp;
use redb::{ReadOnlyTable, ReadTransaction, ReadableTable};

use super::error::{Result, ServiceError};
use super::txn::{self, Tx, append_event, put_request};
use super::{Change, Service, new_id, require_admin};
use crate::store::keys;
use crate::store::records::{DeliveryState, MailKind, OutboxItem, OutboxMessage, WebhookEndpoint};
use crate::store::{decode, encode, tables};

/// Someone a mail is about or from: an agent's name and address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRef {
    pub name: String,
    pub email: String,
}

/// A due item with everything the worker needs to render and send it, read in one
/// transaction.
#[derive(Debug, Clone)]
pub struct Due {
    pub item: OutboxItem,
    /// The request as it is now (`None`: no request, or it was deleted).
    pub request: Option<SessionRequest>,
    /// For mails to the end user: the agent who speaks for the request (the assigned agent,
    /// else its creator). For mails to agents: the agent addressed.
    pub agent: Option<AgentRef>,
    /// The end user's current link, for the mails that carry it. Lives in memory only.
    pub link: Option<String>,
    pub endpoint: Option<WebhookEndpoint>,
}

impl Due {
    /// Why sending this would be pointless now, if it would.
    pub fn moot(&self, now: Timestamp) -> Option<&'static str> {
        match &self.item.message {
            OutboxMessage::Mail {
                kind,
                link_generation,
                ..
            } if kind.needs_live_link() => match &self.request {
                None => Some("the request no longer exists"),
                Some(r) if r.link_generation != *link_generation => {
                    Some("the request was reopened with a new link")
                }
                Some(r) if r.status_at(now).is_terminal() => Some("the request has ended"),
                Some(_) => None,
            },
            OutboxMessage::Mail { kind, .. }
                if *kind != MailKind::Test && self.request.is_none() =>
            {
                Some("the request no longer exists")
            }
            OutboxMessage::Webhook { .. } if self.endpoint.is_none() => {
                Some("the webhook endpoint was removed")
            }
            _ => None,
        }
    }
}

/// What the worker did with a due item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// A passing failure: try again at `at`.
    Retry {
        at: Timestamp,
        error: String,
    },
    /// Given up: the receiver refused it for good, or the last attempt failed.
    Failed {
        error: String,
    },
    /// Not sent, and never will be (see `Due::moot`).
    Superseded {
        why: String,
    },
}

/// The operators' view of the outbox.
#[derive(Debug, Clone, Default)]
pub struct OutboxQuery {
    /// `None`: every item, newest first.
    pub state: Option<DeliveryState>,
    pub limit: usize,
    /// The last ID of the previous page.
    pub cursor: Option<MailId>,
}

/// How many items wait and how many failed (the settings page's mail status).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub pending: u64,
    pub failed: u64,
}

// ---- queueing (inside the caller's write transaction) ------------------------------------

/// Stores a new pending item and makes it due at its `next_attempt_at`. A webhook call waits
/// behind earlier calls to the same endpoint about the same request.
pub(super) fn enqueue(tx: &mut Tx<'_>, item: &OutboxItem) -> Result<()> {
    tx.queued += 1;
    let id = item.id.to_be_bytes();
    tx.outbox.insert(id, encode(item).as_slice())?;
    let head = match (&item.message, item.request) {
        (OutboxMessage::Webhook { endpoint, .. }, Some(request)) => {
            let prefix = queue_prefix(*endpoint, request);
            let empty = tx
                .webhook_queue
                .range(queue_key(prefix, [0; 16])..=queue_key(prefix, [0xff; 16]))?
                .next()
                .is_none();
            tx.webhook_queue.insert(queue_key(prefix, id), ())?;
            empty
        }
        _ => true,
    };
    if head {
        tx.outbox_due
            .insert(keys::timed(item.next_attempt_at, id), ())?;
    }
    Ok(())
}

fn pending(
    id: MailId,
    request: Option<RequestId>,
    message: OutboxMessage,
    at: Timestamp,
) -> OutboxItem {
    OutboxItem {
        id,
        request,
        message,
        created_at: at,
        state: DeliveryState::Pending,
        attempts: 0,
        next_attempt_at: at,
        last_error: None,
        finished_at: None,
    }
}

/// Queues a mail of `kind` to the end user, when the request sends mail to an address.
pub(super) fn queue_end_user_mail(
    tx: &mut Tx<'_>,
    rec: &SessionRequest,
    at: Timestamp,
    kind: MailKind,
) -> Result<bool> {
    let Some(to) = rec.recipient_email.clone().filter(|_| rec.send_email) else {
        return Ok(false);
    };
    let message = OutboxMessage::Mail {
        kind,
        to,
        language: rec.email_language.clone(),
        link_generation: rec.link_generation,
    };
    enqueue(tx, &pending(new_id(at), Some(rec.id), message, at))?;
    Ok(true)
}

/// Queues `mail` to the end user and records `event` on the timeline (the status stays as
/// it is), when the request sends mail to an address. Returns whether it did.
pub(super) fn notify_end_user(
    tx: &mut Tx<'_>,
    rec: &mut SessionRequest,
    at: Timestamp,
    actor: Actor,
    mail: MailKind,
    event: EventKind,
) -> Result<bool> {
    if !queue_end_user_mail(tx, rec, at, mail)? {
        return Ok(false);
    }
    let status = rec.status;
    append_event(tx, rec, at, actor, event, status, status)?;
    Ok(true)
}

/// Queues the invitation for the request's current link, with its timeline event.
pub(super) fn queue_invitation(
    tx: &mut Tx<'_>,
    rec: &mut SessionRequest,
    at: Timestamp,
    actor: Actor,
) -> Result<bool> {
    let (mail, event) = (MailKind::Invitation, EventKind::InvitationQueued);
    notify_end_user(tx, rec, at, actor, mail, event)
}

/// Marks the reminder `lead_minutes` before the current schedule as done and queues it (when
/// the request sends mail). The caller checked `SessionRequest::reminder_due` and stores the
/// record afterwards.
pub(super) fn queue_reminder(
    tx: &mut Tx<'_>,
    rec: &mut SessionRequest,
    at: Timestamp,
    lead_minutes: u32,
) -> Result<bool> {
    rec.reminders_sent.push(lead_minutes);
    let mail = MailKind::Reminder { lead_minutes };
    let event = EventKind::ReminderQueued { lead_minutes };
    notify_end_user(tx, rec, at, Actor::System, mail, event)
}

/// Queues a mail of `kind` to every agent the request is assigned to (the agent, or the
/// members of the client), except `actor`, who knows already. Disabled agents get nothing.
pub(super) fn queue_agent_mails(
    tx: &mut Tx<'_>,
    rec: &SessionRequest,
    at: Timestamp,
    kind: MailKind,
    actor: Actor,
) -> Result<usize> {
    let ids = assigned_agents(tx, rec)?;
    queue_mails_to(tx, rec, at, kind, actor, ids)
}

/// The end user declined ("this wasn't me"): whoever the request is assigned to and every
/// administrator hear of it, since it may mean a link reached the wrong person.
pub(super) fn queue_decline_alerts(
    tx: &mut Tx<'_>,
    rec: &SessionRequest,
    at: Timestamp,
) -> Result<usize> {
    let mut ids = assigned_agents(tx, rec)?;
    for entry in tx.agents.iter()? {
        let agent: Agent = decode(entry?.1.value())?;
        if agent.is_admin() && !ids.contains(&agent.id) {
            ids.push(agent.id);
        }
    }
    queue_mails_to(tx, rec, at, MailKind::Declined, Actor::EndUser, ids)
}

fn assigned_agents(tx: &Tx<'_>, rec: &SessionRequest) -> Result<Vec<AgentId>> {
    Ok(match rec.assignee {
        Assignee::Unassigned => Vec::new(),
        Assignee::Agent(id) => vec![id],
        Assignee::Client(id) => txn::load_client(tx, id)?
            .map(|c: Client| c.members)
            .unwrap_or_default(),
    })
}

/// One mail of `kind` to each of `ids` that is enabled, except the agent who acted.
fn queue_mails_to(
    tx: &mut Tx<'_>,
    rec: &SessionRequest,
    at: Timestamp,
    kind: MailKind,
    actor: Actor,
    ids: Vec<AgentId>,
) -> Result<usize> {
    let mut queued = 0;
    for id in ids {
        if actor == Actor::Agent(id) {
            continue;
        }
        // Nobody is mailed about a request they may not open.
        let Some(agent) = txn::load_agent(tx, id)?.filter(|a| !a.disabled && a.can_view()) else {
            continue;
        };
        let message = OutboxMessage::Mail {
            kind,
            to: agent.email,
            language: agent.language.unwrap_or_else(|| "en".into()),
            link_generation: rec.link_generation,
        };
        enqueue(tx, &pending(new_id(at), Some(rec.id), message, at))?;
        queued += 1;
    }
    Ok(queued)
}

/// Queues a signed JSON call to every webhook endpoint for a timeline event that changed the
/// request's status (or created it). `seq` is the event's number on the timeline.
pub(super) fn queue_webhooks(
    tx: &mut Tx<'_>,
    rec: &SessionRequest,
    event: &TimelineEvent,
    seq: u32,
) -> Result<()> {
    let mut ids = Vec::new();
    for entry in tx.webhooks.iter()? {
        ids.push(WebhookId::from_be_bytes(entry?.0.value()));
    }
    if ids.is_empty() {
        return Ok(());
    }
    let body = webhook_body(rec, event, seq);
    for endpoint in ids {
        let message = OutboxMessage::Webhook {
            endpoint,
            body: body.clone(),
        };
        enqueue(
            tx,
            &pending(new_id(event.at), Some(rec.id), message, event.at),
        )?;
    }
    Ok(())
}

/// The JSON a webhook receiver gets (`WebhookEvent`, as the API document describes it).
fn webhook_body(rec: &SessionRequest, event: &TimelineEvent, seq: u32) -> String {
    serde_json::to_string(&super::webhook_payload::WebhookEvent::new(rec, event, seq))
        .unwrap_or_default()
}

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

fn load_item(tx: &Tx<'_>, id: MailId) -> Result<Option<OutboxItem>> {
    txn::get(&tx.outbox, id.to_be_bytes())
}

fn store_item(tx: &mut Tx<'_>, item: &OutboxItem) -> Result<()> {
    tx.outbox
        .insert(item.id.to_be_bytes(), encode(item).as_slice())?;
    Ok(())
}

/// A webhook call is done (sent or superseded): the next one about the same request becomes
/// due now.
fn advance_webhook_queue(tx: &mut Tx<'_>, item: &OutboxItem, now: Timestamp) -> Result<()> {
    let (OutboxMessage::Webhook { endpoint, .. }, Some(request)) = (&item.message, item.request)
    else {
        return Ok(());
    };
    let prefix = queue_prefix(*endpoint, request);
    tx.webhook_queue
        .remove(queue_key(prefix, item.id.to_be_bytes()))?;
    let next = tx
        .webhook_queue
        .range(queue_key(prefix, [0; 16])..=queue_key(prefix, [0xff; 16]))?
        .next()
        .transpose()?
        .map(|(k, _)| keys::trailing(&k.value()));
    if let Some(next) = next
        && let Some(mut follower) = load_item(tx, MailId::from_be_bytes(next))?
    {
        follower.next_attempt_at = now;
        store_item(tx, &follower)?;
        tx.outbox_due.insert(keys::timed(now, next), ())?;
    }
    Ok(())
}

impl Service {
    // ---- for the delivery worker --------------------------------------------------------

    /// Up to `limit` items due at `now`, oldest due first.
    pub fn due_deliveries(&self, now: Timestamp, limit: usize) -> Result<Vec<Due>> {
        let txn = self.store.begin_read()?;
        let due_idx = txn.open_table(tables::IDX_OUTBOX_DUE)?;
        let outbox = txn.open_table(tables::OUTBOX)?;
        let ctx = DueTables {
            requests: txn.open_table(tables::REQUESTS)?,
            agents: txn.open_table(tables::AGENTS)?,
            agent_emails: txn.open_table(tables::AGENT_EMAILS)?,
            webhooks: txn.open_table(tables::WEBHOOKS)?,
        };
        let mut out = Vec::new();
        for entry in due_idx.range(..=keys::timed(now, [0xff; 16]))? {
            if out.len() >= limit {
                break;
            }
            let (k, _) = entry?;
            let Some(item) = txn::get::<OutboxItem>(&outbox, keys::trailing(&k.value()))? else {
                continue;
            };
            out.push(self.due_context(&ctx, item)?);
        }
        Ok(out)
    }

    fn due_context(&self, t: &DueTables, item: OutboxItem) -> Result<Due> {
        let request: Option<SessionRequest> = match item.request {
            Some(id) => txn::get(&t.requests, id.to_be_bytes())?,
            None => None,
        };
        let agent_ref = |id: AgentId| -> Result<Option<AgentRef>> {
            Ok(
                txn::get::<Agent>(&t.agents, id.to_be_bytes())?.map(|a| AgentRef {
                    name: a.name,
                    email: a.email,
                }),
            )
        };
        let (agent, link, endpoint) = match &item.message {
            OutboxMessage::Mail { kind, to, .. } => {
                let agent = match (&request, kind) {
                    (_, k) if k.to_agent() || *k == MailKind::Test => {
                        let id = t
                            .agent_emails
                            .get(to.to_lowercase().as_str())?
                            .map(|v| AgentId::from_be_bytes(v.value()));
                        id.map(agent_ref).transpose()?.flatten()
                    }
                    (Some(r), _) => match r.assignee {
                        Assignee::Agent(id) => agent_ref(id)?,
                        _ => None,
                    }
                    .map_or_else(|| agent_ref(r.created_by), |a| Ok(Some(a)))?,
                    (None, _) => None,
                };
                let link = request
                    .as_ref()
                    .filter(|_| kind.needs_live_link())
                    .map(|r| self.link(r.id, r.link_generation));
                (agent, link, None)
            }
            OutboxMessage::Webhook { endpoint, .. } => {
                let ep = txn::get::<WebhookEndpoint>(&t.webhooks, endpoint.to_be_bytes())?;
                (None, None, ep)
            }
        };
        Ok(Due {
            item,
            request,
            agent,
            link,
            endpoint,
        })
    }

    /// When the next pending item is due (`None`: nothing pending).
    pub fn next_due_at(&self) -> Result<Option<Timestamp>> {
        let txn = self.store.begin_read()?;
        let due = txn.open_table(tables::IDX_OUTBOX_DUE)?;
        Ok(due.first()?.map(|(k, _)| keys::leading_time(&k.value())))
    }

    /// Writes what the worker did, all in one transaction. Items no longer pending (an admin
    /// acted meanwhile) are left as they are.
    pub fn record_deliveries(&self, results: Vec<(MailId, Outcome)>, now: Timestamp) -> Result<()> {
        let txn = self.store.begin_write()?;
        let mut changes = Vec::new();
        {
            let mut tx = Tx::open(&txn)?;
            for (id, outcome) in results {
                let Some(mut item) = load_item(&tx, id)? else {
                    continue;
                };
                if item.state != DeliveryState::Pending {
                    continue;
                }
                tx.outbox_due
                    .remove(keys::timed(item.next_attempt_at, id.to_be_bytes()))?;
                match outcome {
                    Outcome::Sent => {
                        item.attempts += 1;
                        item.state = DeliveryState::Sent;
                        item.finished_at = Some(now);
                        advance_webhook_queue(&mut tx, &item, now)?;
                    }
                    Outcome::Retry { at, error } => {
                        item.attempts += 1;
                        item.next_attempt_at = at;
                        item.last_error = Some(error);
                        tx.outbox_due
                            .insert(keys::timed(at, id.to_be_bytes()), ())?;
                    }
                    Outcome::Failed { error } => {
                        item.attempts += 1;
                        item.state = DeliveryState::Failed;
                        item.finished_at = Some(now);
                        item.last_error = Some(error);
                        tx.outbox_failed.insert(id.to_be_bytes(), ())?;
                        if let Some(change) = note_mail_failed(&mut tx, &item, now)? {
                            changes.push(change);
                        }
                    }
                    Outcome::Superseded { why } => {
                        item.state = DeliveryState::Superseded;
                        item.finished_at = Some(now);
                        item.last_error = Some(why);
                        advance_webhook_queue(&mut tx, &item, now)?;
                    }
                }
                store_item(&mut tx, &item)?;
            }
        }
        txn.commit()?;
        self.publish(changes);
        Ok(())
    }

    // ---- for operators --------------------------------------------------------------------

    pub fn list_outbox(
        &self,
        caller: &Agent,
        q: &OutboxQuery,
    ) -> Result<(Vec<OutboxItem>, Option<MailId>)> {
        require_admin(caller)?;
        let limit = q.limit.clamp(1, 200);
        let txn = self.store.begin_read()?;
        let outbox = txn.open_table(tables::OUTBOX)?;
        let below = q.cursor.map_or([0xff; 16], |c| c.to_be_bytes());
        let mut items: Vec<OutboxItem> = Vec::new();
        let mut more = false;
        match q.state {
            Some(DeliveryState::Pending) => {
                // Pending items are the due index plus webhook calls queued behind another.
                let mut ids: Vec<[u8; 16]> = Vec::new();
                for e in txn.open_table(tables::IDX_OUTBOX_DUE)?.iter()? {
                    ids.push(keys::trailing(&e?.0.value()));
                }
                for e in txn.open_table(tables::WEBHOOK_QUEUE)?.iter()? {
                    ids.push(keys::trailing(&e?.0.value()));
                }
                ids.sort_unstable_by(|a, b| b.cmp(a));
                ids.dedup();
                for id in ids.into_iter().filter(|id| *id < below) {
                    if items.len() == limit {
                        more = true;
                        break;
                    }
                    if let Some(item) = txn::get::<OutboxItem>(&outbox, id)? {
                        items.push(item);
                    }
                }
            }
            Some(DeliveryState::Failed) => {
                for e in txn
                    .open_table(tables::IDX_OUTBOX_FAILED)?
                    .range(..below)?
                    .rev()
                {
                    if items.len() == limit {
                        more = true;
                        break;
                    }
                    if let Some(item) = txn::get::<OutboxItem>(&outbox, e?.0.value())? {
                        items.push(item);
                    }
                }
            }
            state => {
                for e in outbox.range(..below)?.rev() {
                    let (_, v) = e?;
                    let item: OutboxItem = decode(v.value())?;
                    if state.is_some_and(|s| s != item.state) {
                        continue;
                    }
                    if items.len() == limit {
                        more = true;
                        break;
                    }
                    items.push(item);
                }
            }
        }
        let next = more.then(|| items.last().map(|i| i.id)).flatten();
        Ok((items, next))
    }

    pub fn outbox_counts(&self) -> Result<OutboxCounts> {
        use redb::ReadableTableMetadata;
        let txn = self.store.begin_read()?;
        Ok(OutboxCounts {
            pending: txn.open_table(tables::IDX_OUTBOX_DUE)?.len()?
                + txn.open_table(tables::WEBHOOK_QUEUE)?.len()?
                - count_queue_heads(&txn)?,
            failed: txn.open_table(tables::IDX_OUTBOX_FAILED)?.len()?,
        })
    }

    /// Sends a failed item again, or a pending one now instead of after its back-off.
    pub fn retry_delivery(&self, caller: &Agent, id: MailId) -> Result<OutboxItem> {
        require_admin(caller)?;
        let now = Self::now();
        let txn = self.store.begin_write()?;
        let item = {
            let mut tx = Tx::open(&txn)?;
            let mut item = load_item(&tx, id)?.ok_or(ServiceError::NotFound("outbox item"))?;
            match item.state {
                DeliveryState::Failed => {
                    tx.outbox_failed.remove(id.to_be_bytes())?;
                    item.attempts = 0;
                }
                DeliveryState::Pending => {
                    let removed = tx
                        .outbox_due
                        .remove(keys::timed(item.next_attempt_at, id.to_be_bytes()))?
                        .is_some();
                    if !removed {
                        return Err(ServiceError::Conflict {
                            code: "invalid_transition",
                            message:
                                "this webhook call waits for an earlier one to the same endpoint"
                                    .into(),
                        });
                    }
                }
                DeliveryState::Sent | DeliveryState::Superseded => {
                    return Err(ServiceError::Conflict {
                        code: "invalid_transition",
                        message: format!("this item was {} already", item.state.name()),
                    });
                }
            }
            item.state = DeliveryState::Pending;
            item.next_attempt_at = now;
            item.finished_at = None;
            store_item(&mut tx, &item)?;
            tx.outbox_due
                .insert(keys::timed(now, id.to_be_bytes()), ())?;
            item
        };
        txn.commit()?;
        // Due again (not queued anew): the worker must look now.
        self.queued(1);
        Ok(item)
    }

    /// Queues a test mail to the calling admin (the portal's "send a test mail").
    pub fn queue_test_mail(&self, caller: &Agent) -> Result<OutboxItem> {
        require_admin(caller)?;
        let now = Self::now();
        let txn = self.store.begin_write()?;
        let item = pending(
            new_id(now),
            None,
            OutboxMessage::Mail {
                kind: MailKind::Test,
                to: caller.email.clone(),
                language: "en".into(),
                link_generation: 0,
            },
            now,
        );
        let mut tx = Tx::open(&txn)?;
        enqueue(&mut tx, &item)?;
        let queued = tx.close();
        txn.commit()?;
        self.queued(queued);
        Ok(item)
    }
}

/// What a due item's context is read from, opened once per batch.
struct DueTables {
    requests: ReadOnlyTable<[u8; 16], &'static [u8]>,
    agents: ReadOnlyTable<[u8; 16], &'static [u8]>,
    agent_emails: ReadOnlyTable<&'static str, [u8; 16]>,
    webhooks: ReadOnlyTable<[u8; 16], &'static [u8]>,
}

/// Webhook queues with a head in the due index: each is counted in both tables.
fn count_queue_heads(txn: &ReadTransaction) -> Result<u64> {
    let mut heads = 0;
    let mut last: Option<[u8; 32]> = None;
    for e in txn.open_table(tables::WEBHOOK_QUEUE)?.iter()? {
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

/// A mail about a request failed for good: the agents see it on the timeline.
fn note_mail_failed(tx: &mut Tx<'_>, item: &OutboxItem, now: Timestamp) -> Result<Option<Change>> {
    let (OutboxMessage::Mail { kind, .. }, Some(id)) = (&item.message, item.request) else {
        return Ok(None);
    };
    let Some(mut rec) = txn::load_request(tx, id)? else {
        return Ok(None);
    };
    let old = rec.clone();
    let status: Status = rec.status;
    append_event(
        tx,
        &mut rec,
        now,
        Actor::System,
        EventKind::MailFailed {
            mail: kind.name().to_owned(),
        },
        status,
        status,
    )?;
    put_request(tx, Some(&old), &rec)?;
    Ok(Some(Change {
        id: rec.id,
        status: rec.status,
        assignee: rec.assignee,
        updated_at: rec.updated_at,
        event: "mail_failed",
    }))
}
