//! The durable outbox: mails and webhook calls are queued inside the transaction of the change
//! that causes them, handed to the delivery worker (`crate::notify`) when due, and marked with
//! what happened. Operators list and retry them here. This module never sends anything and
//! never decides retry policy: the worker reports an `Outcome`, this writes it.

use app::domain::{
    Actor, Agent, AgentId, Assignee, EventKind, MailId, RequestId, SessionRequest, Status,
    TimelineEvent,
};
use jiff::Timestamp;

use super::error::{Result, ServiceError};
use super::timeline::append_event;
use super::{Change, Service, new_id, require_admin};
pub use crate::store::OutboxCounts;
use crate::store::records::{DeliveryState, MailKind, OutboxItem, OutboxMessage, WebhookEndpoint};
use crate::store::{Read, Tx};

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

// ---- queueing (inside the caller's write transaction) ------------------------------------

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
    tx.enqueue(&pending(new_id(at), Some(rec.id), message, at))?;
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
    for agent in tx.agents()? {
        if agent.is_admin() && !ids.contains(&agent.id) {
            ids.push(agent.id);
        }
    }
    queue_mails_to(tx, rec, at, MailKind::Declined, Actor::EndUser, ids)
}

fn assigned_agents(tx: &mut Tx<'_>, rec: &SessionRequest) -> Result<Vec<AgentId>> {
    Ok(match rec.assignee {
        Assignee::Unassigned => Vec::new(),
        Assignee::Agent(id) => vec![id],
        Assignee::Client(id) => tx.client(id)?.map(|c| c.members).unwrap_or_default(),
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
        let Some(agent) = tx.agent(id)?.filter(|a| !a.disabled && a.can_view()) else {
            continue;
        };
        let message = OutboxMessage::Mail {
            kind,
            to: agent.email,
            language: agent.language.unwrap_or_else(|| "en".into()),
            link_generation: rec.link_generation,
        };
        tx.enqueue(&pending(new_id(at), Some(rec.id), message, at))?;
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
    let ids = tx.webhook_endpoint_ids()?;
    if ids.is_empty() {
        return Ok(());
    }
    let body = webhook_body(rec, event, seq);
    for endpoint in ids {
        let message = OutboxMessage::Webhook {
            endpoint,
            body: body.clone(),
        };
        tx.enqueue(&pending(new_id(event.at), Some(rec.id), message, event.at))?;
    }
    Ok(())
}

/// The JSON a webhook receiver gets (`WebhookEvent`, as the API document describes it).
fn webhook_body(rec: &SessionRequest, event: &TimelineEvent, seq: u32) -> String {
    serde_json::to_string(&super::webhook_payload::WebhookEvent::new(rec, event, seq))
        .unwrap_or_default()
}

impl Service {
    // ---- for the delivery worker --------------------------------------------------------

    /// Up to `limit` items due at `now`, oldest due first.
    pub fn due_deliveries(&self, now: Timestamp, limit: usize) -> Result<Vec<Due>> {
        let mut read = self.store.read()?;
        let items = read.due(now, limit)?;
        items
            .into_iter()
            .map(|item| self.due_context(&mut *read, item))
            .collect()
    }

    fn due_context(&self, read: &mut dyn Read, item: OutboxItem) -> Result<Due> {
        let request = match item.request {
            Some(id) => read.request(id)?,
            None => None,
        };
        let (agent, link, endpoint) = match &item.message {
            OutboxMessage::Mail { kind, to, .. } => {
                let agent = match (&request, kind) {
                    (_, k) if k.to_agent() || *k == MailKind::Test => {
                        let id = read.agent_id_by_email(&to.to_lowercase())?;
                        id.map(|id| agent_ref(read, id)).transpose()?.flatten()
                    }
                    (Some(r), _) => match r.assignee {
                        Assignee::Agent(id) => agent_ref(read, id)?,
                        _ => None,
                    }
                    .map_or_else(|| agent_ref(read, r.created_by), |a| Ok(Some(a)))?,
                    (None, _) => None,
                };
                let link = request
                    .as_ref()
                    .filter(|_| kind.needs_live_link())
                    .map(|r| self.link(r.id, r.link_generation));
                (agent, link, None)
            }
            OutboxMessage::Webhook { endpoint, .. } => {
                (None, None, read.webhook_endpoint(*endpoint)?)
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
        Ok(self.store.read()?.next_due_at()?)
    }

    /// Writes what the worker did, all in one transaction. Items no longer pending (an admin
    /// acted meanwhile) are left as they are.
    pub fn record_deliveries(&self, results: Vec<(MailId, Outcome)>, now: Timestamp) -> Result<()> {
        let (changes, _) = self.store.transact(|tx| {
            let mut changes = Vec::new();
            for (id, outcome) in results {
                if let Some(change) = record_delivery(tx, id, outcome, now)? {
                    changes.push(change);
                }
            }
            Ok::<_, ServiceError>(changes)
        })?;
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
        let (items, more) = self.store.read()?.outbox_items(q.state, q.cursor, limit)?;
        let next = more.then(|| items.last().map(|i| i.id)).flatten();
        Ok((items, next))
    }

    pub fn outbox_counts(&self) -> Result<OutboxCounts> {
        Ok(self.store.read()?.outbox_counts()?)
    }

    /// Sends a failed item again, or a pending one now instead of after its back-off.
    pub fn retry_delivery(&self, caller: &Agent, id: MailId) -> Result<OutboxItem> {
        require_admin(caller)?;
        let now = Self::now();
        let (item, _) = self.store.transact(|tx| {
            let mut item = tx
                .outbox_item(id)?
                .ok_or(ServiceError::NotFound("outbox item"))?;
            match item.state {
                DeliveryState::Failed => {
                    tx.unlist_failed(id)?;
                    item.attempts = 0;
                }
                DeliveryState::Pending => {
                    if !tx.unschedule(&item)? {
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
            tx.reschedule(&item)?;
            Ok(item)
        })?;
        // Due again (not queued anew): the worker must look now.
        self.queued(1);
        Ok(item)
    }

    /// Queues a test mail to the calling admin (the portal's "send a test mail").
    pub fn queue_test_mail(&self, caller: &Agent) -> Result<OutboxItem> {
        require_admin(caller)?;
        let now = Self::now();
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
        let ((), queued) = self
            .store
            .transact(|tx| Ok::<_, ServiceError>(tx.enqueue(&item)?))?;
        self.queued(queued);
        Ok(item)
    }
}

/// An agent as a mail names them.
fn agent_ref(read: &mut dyn Read, id: AgentId) -> Result<Option<AgentRef>> {
    Ok(read.agent(id)?.map(|a| AgentRef {
        name: a.name,
        email: a.email,
    }))
}

/// Writes what the worker did with one item (nothing if it is no longer pending); a mail
/// that failed for good is noted on its request's timeline, and the change returned.
fn record_delivery(
    tx: &mut Tx<'_>,
    id: MailId,
    outcome: Outcome,
    now: Timestamp,
) -> Result<Option<Change>> {
    let Some(mut item) = tx.outbox_item(id)? else {
        return Ok(None);
    };
    if item.state != DeliveryState::Pending {
        return Ok(None);
    }
    tx.unschedule(&item)?;
    let mut change = None;
    match outcome {
        Outcome::Sent => {
            item.attempts += 1;
            item.state = DeliveryState::Sent;
            item.finished_at = Some(now);
            tx.advance_webhook_queue(&item, now)?;
            tx.put_outbox_item(&item)?;
        }
        Outcome::Retry { at, error } => {
            item.attempts += 1;
            item.next_attempt_at = at;
            item.last_error = Some(error);
            tx.reschedule(&item)?;
        }
        Outcome::Failed { error } => {
            item.attempts += 1;
            item.state = DeliveryState::Failed;
            item.finished_at = Some(now);
            item.last_error = Some(error);
            tx.mark_failed(&item)?;
            change = note_mail_failed(tx, &item, now)?;
        }
        Outcome::Superseded { why } => {
            item.state = DeliveryState::Superseded;
            item.finished_at = Some(now);
            item.last_error = Some(why);
            tx.advance_webhook_queue(&item, now)?;
            tx.put_outbox_item(&item)?;
        }
    }
    Ok(change)
}

/// A mail about a request failed for good: the agents see it on the timeline.
fn note_mail_failed(tx: &mut Tx<'_>, item: &OutboxItem, now: Timestamp) -> Result<Option<Change>> {
    let (OutboxMessage::Mail { kind, .. }, Some(id)) = (&item.message, item.request) else {
        return Ok(None);
    };
    let Some(mut rec) = tx.request(id)? else {
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
    tx.put_request(Some(&old), &rec)?;
    Ok(Some(super::requests::change(&rec, "mail_failed")))
}
