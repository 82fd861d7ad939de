//! Session-request use cases for agents: create, read, edit and every lifecycle action.

use std::sync::Arc;

use app::domain::{
    Action, Actor, Agent, AgentId, Assignee, ClientId, EndReason, EventKind, Prompt, RequestId,
    SessionRequest, Status, TimelineEvent,
};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use super::error::{Result, ServiceError};
use super::outbox::{notify_end_user, queue_agent_mails, queue_end_user_mail, queue_invitation};
use super::timeline::{append_event, record_expiry};
use super::{Change, Service, Settings, input, new_id, require_edit, require_view};
use crate::links::{next_generation, token_hash};
use crate::store::Tx;
use crate::store::records::MailKind;

const NAME_MAX: usize = 200;
const COMMENT_MAX: usize = 4000;

/// Who to assign to, as people say it: `me` is resolved to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AssigneeInput {
    Unassigned,
    Me,
    Agent {
        #[schema(value_type = String)]
        id: AgentId,
    },
    Client {
        #[schema(value_type = String)]
        id: ClientId,
    },
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewRequest {
    #[schema(min_length = 1, max_length = 200, example = "Grace Hopper")]
    pub recipient_name: String,
    #[serde(default)]
    #[schema(max_length = 254, example = "grace@example.com")]
    pub recipient_email: Option<String>,
    #[serde(default)]
    pub send_email: bool,
    #[serde(default)]
    pub email_language: Option<String>,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub comment: Option<String>,
    /// Show the comment to the end user (invitation mail, landing page). Default: agents only.
    #[serde(default)]
    pub share_comment: bool,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub scheduled_at: Option<Timestamp>,
    /// IANA zone the schedule was entered in (shown back to people).
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<Timestamp>,
    #[serde(default)]
    pub assignee: Option<AssigneeInput>,
}

/// A field present in JSON (even as `null`) becomes `Some(..)`; absent stays `None`.
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Changes to a request; absent fields stay as they are, `null` clears optional ones.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RequestPatch {
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200)]
    pub recipient_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 254)]
    pub recipient_email: Option<Option<String>>,
    #[serde(default)]
    pub send_email: Option<bool>,
    #[serde(default)]
    pub email_language: Option<String>,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub comment: Option<String>,
    #[serde(default)]
    pub share_comment: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub scheduled_at: Option<Option<Timestamp>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub time_zone: Option<Option<String>>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<Timestamp>,
    #[serde(default)]
    pub assignee: Option<AssigneeInput>,
    /// The `version` the editor read: the edit is refused (409 `version_conflict`) if the
    /// request changed since. Also taken from an `If-Match` header. Absent: no check.
    #[serde(default)]
    pub version: Option<String>,
}

/// The end user's grants in the current session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// Agents allowed to connect (see the screen).
    pub allowed: Vec<AgentId>,
    /// The agent in control of the computer, if any.
    pub controller: Option<AgentId>,
}

/// What a lifecycle step records, and whether it (re)sends the invitation. `kind: None`
/// records only the invitation's own event (a resend).
pub(super) struct Outcome {
    pub kind: Option<EventKind>,
    pub invite: bool,
}

impl From<EventKind> for Outcome {
    fn from(kind: EventKind) -> Self {
        Outcome {
            kind: Some(kind),
            invite: false,
        }
    }
}

impl Service {
    pub fn create_request(&self, caller: &Agent, input: NewRequest) -> Result<SessionRequest> {
        let write = self.new_request(caller, input)?;
        let written = self.store.write(write)?;
        Ok(self.created(written))
    }

    /// `create_request` for a handler on an async task. The checks before the write are
    /// pure and quick, and the write is awaited, so the task never blocks and the request
    /// skips the blocking pool's two thread hand-offs. The wait runs in a task of its own:
    /// if the client hangs up, the write still stands and live views and the mail worker
    /// still hear of it.
    pub async fn create_request_async(
        self: &Arc<Self>,
        caller: &Agent,
        input: NewRequest,
    ) -> Result<SessionRequest> {
        let write = self.new_request(caller, input)?;
        let svc = Arc::clone(self);
        let task = tokio::spawn(async move {
            let written = svc.store.write_async(write).await?;
            Ok(svc.created(written))
        });
        task.await.unwrap_or_else(|e| {
            tracing::error!(error = %e, "a create's task failed");
            Err(ServiceError::Internal("a use case panicked".into()))
        })
    }

    /// Checks a new request without storing it (a form with problems of its own asks for
    /// the rest, to show them all at once).
    pub fn check_new_request(&self, caller: &Agent, input: NewRequest) -> Result<()> {
        self.new_request(caller, input).map(drop)
    }

    /// Checks a new request and returns its write, for the batch writer (so it may run
    /// twice, and owns what it uses).
    fn new_request(
        &self,
        caller: &Agent,
        input: NewRequest,
    ) -> Result<impl FnMut(&mut Tx<'_>) -> Result<SessionRequest> + Send + 'static> {
        require_edit(caller)?;
        let now = Self::now();
        // Every field is checked, so the form shows all there is to fix at once.
        let mut p = input::Problems::default();
        let recipient_name = p.check(input::line(
            "recipient_name",
            &input.recipient_name,
            NAME_MAX,
        ));
        let recipient_email = p.check(input::optional_email(
            "recipient_email",
            input.recipient_email.as_deref(),
        ));
        if let Some(email) = &recipient_email {
            p.check(input::mail_address(input.send_email, email.as_deref()));
        }
        let email_language = p.check(match &input.email_language {
            Some(l) => input::language("email_language", l),
            None => Ok("en".to_owned()),
        });
        let comment = p.check(input::text(
            "comment",
            input.comment.as_deref().unwrap_or(""),
            COMMENT_MAX,
        ));
        let time_zone = p.check(
            input
                .time_zone
                .as_deref()
                .map(|z| input::time_zone("time_zone", z))
                .transpose(),
        );
        let expires_at = p.check(expiry_or_default(&self.settings(), input.expires_at, now));
        if let Some(expires_at) = expires_at {
            p.check(check_schedule(input.scheduled_at, expires_at));
        }
        p.check(not_past(input.scheduled_at, now));
        p.finish()?;
        let (
            Some(recipient_name),
            Some(recipient_email),
            Some(email_language),
            Some(comment),
            Some(time_zone),
            Some(expires_at),
        ) = (
            recipient_name,
            recipient_email,
            email_language,
            comment,
            time_zone,
            expires_at,
        )
        else {
            return Err(ServiceError::Internal(
                "a checked field has no value".into(),
            ));
        };

        let new = SessionRequest {
            recipient_email,
            send_email: input.send_email,
            email_language,
            comment,
            share_comment: input.share_comment,
            scheduled_at: input.scheduled_at,
            time_zone,
            schedule_set_at: input.scheduled_at.map(|_| now),
            ..SessionRequest::new(new_id(now), recipient_name, caller.id, now, expires_at)
        };
        let assignee = input.assignee.unwrap_or(AssigneeInput::Unassigned);
        let (by, actor) = (caller.id, Actor::Agent(caller.id));
        Ok(move |tx: &mut Tx<'_>| {
            let mut rec = SessionRequest {
                assignee: resolve_assignee(tx, by, assignee)?,
                ..new.clone()
            };
            let (open, created) = (Status::Open, EventKind::Created);
            append_event(tx, &mut rec, now, actor, created, open, open)?;
            queue_invitation(tx, &mut rec, now, actor)?;
            queue_agent_mails(tx, &rec, now, MailKind::Assigned, actor)?;
            tx.put_request(None, &rec)?;
            Ok(rec)
        })
    }

    /// After a create is durable: tells live views and the mail worker.
    fn created(&self, (rec, queued): (SessionRequest, usize)) -> SessionRequest {
        self.publish(vec![change(&rec, "created")]);
        self.queued(queued);
        rec
    }

    pub fn get_request(
        &self,
        caller: &Agent,
        id: RequestId,
    ) -> Result<(SessionRequest, Vec<TimelineEvent>)> {
        require_view(caller)?;
        let mut read = self.store.read()?;
        let rec = read
            .request(id)?
            .ok_or(ServiceError::NotFound("session request"))?;
        Ok((rec, read.timeline(id)?))
    }

    /// A request as stored, for live views that already checked who may see it.
    pub fn session_request(&self, id: RequestId) -> Result<SessionRequest> {
        self.store
            .read()?
            .request(id)?
            .ok_or(ServiceError::NotFound("session request"))
    }

    /// The agents the end user allowed to connect in the current session (they alone get
    /// the screen and may answer it).
    pub fn allowed_agents(&self, id: RequestId) -> Result<Vec<AgentId>> {
        Ok(self.grants(id)?.allowed)
    }

    /// What the end user granted in the current session, from one read of the timeline.
    pub fn grants(&self, id: RequestId) -> Result<Grants> {
        let events = self.store.read()?.timeline(id)?;
        let allowed = app::domain::allowed_agents(&events);
        let controller = app::domain::controller(&events, &allowed);
        Ok(Grants {
            allowed,
            controller,
        })
    }

    /// Whether the end user's page should say a session is over (`domain::session_over`):
    /// only a waiting request whose session ended reads its timeline, to tell a new link
    /// since then from none; every other request answers without a read.
    pub fn session_over(&self, rec: &SessionRequest) -> Result<bool> {
        if rec.status_at(Self::now()) != Status::Waiting || rec.session_ended_at.is_none() {
            return Ok(false);
        }
        let events = self.store.read()?.timeline(rec.id)?;
        Ok(app::domain::session_over(&events))
    }

    /// An agent joining a request's session view: only agents who may connect may watch
    /// the screen and talk to the end user. Also says whether the request is the caller's
    /// (assigned to them or to a client they belong to): a seat is kept for its assignee.
    pub fn session_peer(&self, caller: &Agent, id: RequestId) -> Result<(SessionRequest, bool)> {
        require_edit(caller)?;
        let rec = self.session_request(id)?;
        if rec.status_at(Self::now()).is_terminal() {
            return Err(ServiceError::Conflict {
                code: "invalid_transition",
                message: "the request has ended".into(),
            });
        }
        let assignee = match rec.assignee {
            Assignee::Agent(a) => a == caller.id,
            Assignee::Client(c) => self.clients_of(caller.id)?.contains(&c),
            Assignee::Unassigned => false,
        };
        Ok((rec, assignee))
    }

    pub fn edit_request(
        &self,
        caller: &Agent,
        id: RequestId,
        patch: RequestPatch,
    ) -> Result<SessionRequest> {
        require_edit(caller)?;
        let (by, max_expiry) = (caller.id, self.settings().max_expiry);
        self.transition(id, Actor::Agent(by), Action::Edit, move |tx, rec, now| {
            if let Some(read) = &patch.version
                && *read != rec.version()
            {
                return Err(ServiceError::Conflict {
                    code: "version_conflict",
                    message: format!(
                        "the request changed since you read it (version {read}, now {}); read it again and redo your edit",
                        rec.version()
                    ),
                });
            }
            let mut fields = Vec::new();
            let mut set = |name: &str, changed: bool| {
                if changed {
                    fields.push(name.to_owned());
                }
            };
            if let Some(v) = &patch.recipient_name {
                let v = input::line("recipient_name", v, NAME_MAX)?;
                set("recipient_name", v != rec.recipient_name);
                rec.recipient_name = v;
            }
            let old_email = rec.recipient_email.clone();
            let old_send = rec.send_email;
            if let Some(v) = &patch.recipient_email {
                let v = input::optional_email("recipient_email", v.as_deref())?;
                set("recipient_email", v != rec.recipient_email);
                rec.recipient_email = v;
            }
            if let Some(v) = patch.send_email {
                set("send_email", v != rec.send_email);
                rec.send_email = v;
            }
            input::mail_address(rec.send_email, rec.recipient_email.as_deref())?;
            if let Some(v) = &patch.email_language {
                let v = input::language("email_language", v)?;
                set("email_language", v != rec.email_language);
                rec.email_language = v;
            }
            if let Some(v) = &patch.comment {
                let v = input::text("comment", v, COMMENT_MAX)?;
                set("comment", v != rec.comment);
                rec.comment = v;
            }
            if let Some(v) = patch.share_comment {
                set("share_comment", v != rec.share_comment);
                rec.share_comment = v;
            }
            let old_schedule = rec.scheduled_at;
            if let Some(v) = patch.scheduled_at {
                if v != rec.scheduled_at {
                    not_past(v, now)?;
                }
                set("scheduled_at", v != rec.scheduled_at);
                rec.scheduled_at = v;
            }
            if let Some(v) = &patch.time_zone {
                let v = v
                    .as_deref()
                    .map(|z| input::time_zone("time_zone", z))
                    .transpose()?;
                set("time_zone", v != rec.time_zone);
                rec.time_zone = v;
            }
            if let Some(v) = patch.expires_at {
                let v = input::expiry("expires_at", v, now, max_expiry)?;
                set("expires_at", v != rec.expires_at);
                rec.expires_at = v;
            }
            let mut reassigned = false;
            // The assignee as it is (an edit of other fields sends it back) is not checked
            // again: one who lost a right since stays until someone else is chosen.
            if let Some(a) = patch.assignee.filter(|a| !same_assignee(a, rec.assignee, by)) {
                let a = resolve_assignee(tx, by, a)?;
                reassigned = a != rec.assignee;
                set("assignee", reassigned);
                rec.assignee = a;
            }
            if patch.scheduled_at.is_some() || patch.expires_at.is_some() {
                check_schedule(rec.scheduled_at, rec.expires_at)?;
            }
            if reassigned {
                queue_agent_mails(tx, rec, now, MailKind::Assigned, Actor::Agent(by))?;
            }
            // Turning mail on, or changing the address, sends the invitation to it.
            let invite = rec.send_email && (!old_send || old_email != rec.recipient_email);
            if rec.scheduled_at != old_schedule {
                // Calendar clients replace an invite with a higher SEQUENCE; reminders
                // are owed again for the new time.
                rec.schedule_seq += 1;
                rec.reminders_sent.clear();
                rec.schedule_set_at = rec.scheduled_at.map(|_| now);
                // A fresh invitation carries the new time itself.
                if !invite {
                    let (mail, event) = (MailKind::Rescheduled, EventKind::RescheduleQueued);
                    notify_end_user(tx, rec, now, Actor::Agent(by), mail, event)?;
                }
            }
            Ok(Outcome {
                kind: Some(EventKind::Edited { fields }),
                invite,
            })
        })
    }

    /// The agent asks the waiting end user for access.
    /// Asks the end user for access. `start`: the session starts as soon as they allow it
    /// (one step fewer; the request passes through `ready` on the timeline all the same).
    pub fn connect(&self, caller: &Agent, id: RequestId, start: bool) -> Result<SessionRequest> {
        require_edit(caller)?;
        let caller = caller.clone();
        let agent = caller.id;
        self.transition(
            id,
            Actor::Agent(caller.id),
            Action::Connect,
            move |_, rec, now| {
                rec.prompt_seq += 1;
                rec.prompt = Some(Prompt {
                    id: rec.prompt_seq,
                    agent: caller.id,
                    agent_name: caller.name.clone(),
                    asked_at: now,
                });
                Ok(EventKind::ConnectRequested {
                    prompt_id: rec.prompt_seq,
                }
                .into())
            },
        )
        .inspect(|rec| {
            let prompt = rec.prompt.as_ref().map(|p| p.id);
            self.start_on_allow
                .set(id, prompt.filter(|_| start).map(|p| (p, agent)));
        })
    }

    pub fn start(&self, caller: &Agent, id: RequestId) -> Result<SessionRequest> {
        require_edit(caller)?;
        self.transition(id, Actor::Agent(caller.id), Action::Start, |_, rec, now| {
            rec.prompt = None;
            rec.session_started_at = Some(now);
            rec.session_ended_at = None;
            Ok(EventKind::SessionStarted.into())
        })
    }

    /// The agent ends the session and chooses what becomes of the request: kept open for the
    /// end user (back to waiting) or closed. `None`: the `session_end` setting decides.
    pub fn end(&self, caller: &Agent, id: RequestId, keep: Option<bool>) -> Result<SessionRequest> {
        require_edit(caller)?;
        let keep = keep.unwrap_or_else(|| self.settings().session_end.keeps());
        self.end_session(id, Actor::Agent(caller.id), keep, EndReason::Agent, None)
    }

    /// Ends the running session with `reason`. `started`: end it only if it is still the
    /// session that began then (the keeper read it a moment before; a new session must not
    /// be ended for the old one's departure). A closed request's link stops working.
    pub(super) fn end_session(
        &self,
        id: RequestId,
        actor: Actor,
        keep: bool,
        reason: EndReason,
        started: Option<Timestamp>,
    ) -> Result<SessionRequest> {
        let rec = self.transition(id, actor, Action::End { keep }, move |tx, rec, now| {
            if started.is_some() && rec.session_started_at != started {
                return Err(ServiceError::Conflict {
                    code: "invalid_transition",
                    message: "another session began meanwhile".into(),
                });
            }
            let duration_ms = finish_session(rec, now);
            if !keep {
                wind_up(tx, rec, now)?;
            }
            Ok(EventKind::SessionFinished {
                duration_ms,
                reason,
            }
            .into())
        })?;
        if !keep {
            self.presence.forget(id);
        }
        Ok(rec)
    }

    pub fn close(&self, caller: &Agent, id: RequestId) -> Result<SessionRequest> {
        require_edit(caller)?;
        let rec = self.transition(
            id,
            Actor::Agent(caller.id),
            Action::Close,
            |tx, rec, now| {
                if rec.status_at(now) == Status::InSession {
                    finish_session(rec, now);
                }
                wind_up(tx, rec, now)?;
                Ok(EventKind::Closed.into())
            },
        )?;
        self.presence.forget(id);
        Ok(rec)
    }

    /// Reopens a closed or expired request with a new expiry and a new link; the old link
    /// stops working in the same transaction.
    pub fn reopen(
        &self,
        caller: &Agent,
        id: RequestId,
        expires_at: Option<Timestamp>,
    ) -> Result<SessionRequest> {
        require_edit(caller)?;
        let (settings, links) = (self.settings(), self.links.clone());
        let rec = self.transition(
            id,
            Actor::Agent(caller.id),
            Action::Reopen,
            move |tx, rec, now| {
                rec.expires_at = expiry_or_default(&settings, expires_at, now)?;
                // A time past (or after the new expiry) cannot be met: the new invitation
                // goes without it rather than announce a time already gone.
                if rec
                    .scheduled_at
                    .is_some_and(|s| s > rec.expires_at || s < now - SCHEDULE_GRACE)
                {
                    rec.scheduled_at = None;
                }
                // A new link: the invitation and its reminders start over.
                rec.reminders_sent.clear();
                rec.schedule_set_at = rec.scheduled_at.map(|_| now);
                if rec.scheduled_at.is_some() {
                    rec.schedule_seq += 1;
                }
                if let Some(indexed) = links.indexed(rec.id, rec.link_generation) {
                    tx.remove_link(indexed)?;
                }
                tx.unbind_device(token_hash(&links.token(rec.id, rec.link_generation)))?;
                super::join::forget_join_codes(tx, &links, rec)?;
                rec.link_generation = next_generation(rec.link_generation);
                rec.prompt = None;
                rec.end_user_client = None;
                rec.end_user_platform = None;
                Ok(Outcome {
                    kind: Some(EventKind::Reopened),
                    invite: true,
                })
            },
        )?;
        self.presence.forget(id);
        Ok(rec)
    }

    /// Queues the invitation again (to the current link).
    pub fn resend(&self, caller: &Agent, id: RequestId) -> Result<SessionRequest> {
        require_edit(caller)?;
        self.transition(id, Actor::Agent(caller.id), Action::Resend, |_, rec, _| {
            if rec.recipient_email.is_none() {
                return Err(ServiceError::invalid(
                    "recipient_email",
                    "is required to send an invitation",
                ));
            }
            // Asking to resend is asking to send.
            rec.send_email = true;
            Ok(Outcome {
                kind: None,
                invite: true,
            })
        })
    }

    /// The one path every change to an existing request takes: load, check the action
    /// against the status as of now, let `step` change the record, then store the record,
    /// its indexes, its timeline events and any invitation in one transaction, shared with
    /// other callers' writes (`Store::write`; hence `step` may run twice and owns what it uses).
    pub(super) fn transition<F>(
        &self,
        id: RequestId,
        actor: Actor,
        action: Action,
        mut step: F,
    ) -> Result<SessionRequest>
    where
        F: FnMut(&mut Tx<'_>, &mut SessionRequest, Timestamp) -> Result<Outcome> + Send + 'static,
    {
        let ((rec, name), queued) = self
            .store
            .write(move |tx| transition_in(tx, id, actor, action, &mut step))?;
        self.publish(vec![change(&rec, name)]);
        self.queued(queued);
        Ok(rec)
    }
}

/// `Service::transition`'s work inside the batch's transaction.
fn transition_in(
    tx: &mut Tx<'_>,
    id: RequestId,
    actor: Actor,
    action: Action,
    step: &mut impl FnMut(&mut Tx<'_>, &mut SessionRequest, Timestamp) -> Result<Outcome>,
) -> Result<(SessionRequest, &'static str)> {
    let now = Service::now();
    let mut rec = tx
        .request(id)?
        .ok_or(ServiceError::NotFound("session request"))?;
    let old = rec.clone();
    let t = rec.check(action, now)?;
    if rec.status != t.from {
        // Overdue but not yet swept: write the expiry down first, as the sweeper would.
        record_expiry(tx, &mut rec)?;
    }
    let outcome = step(tx, &mut rec, now)?;
    let name = outcome
        .kind
        .as_ref()
        .map_or(EventKind::InvitationQueued.name(), EventKind::name);
    rec.status = t.to;
    rec.updated_at = now;
    if let Some(kind) = outcome.kind {
        append_event(tx, &mut rec, now, actor, kind, t.from, t.to)?;
    }
    if outcome.invite {
        queue_invitation(tx, &mut rec, now, actor)?;
    }
    tx.put_request(Some(&old), &rec)?;
    Ok((rec, name))
}

/// Resolves and checks an assignee inside the transaction that will store it.
/// Whether `a` names the assignee `current` already is (`Me` being `caller`).
fn same_assignee(a: &AssigneeInput, current: Assignee, caller: AgentId) -> bool {
    match (a, current) {
        (AssigneeInput::Unassigned, Assignee::Unassigned) => true,
        (AssigneeInput::Me, Assignee::Agent(id)) => id == caller,
        (AssigneeInput::Agent { id }, Assignee::Agent(cur)) => *id == cur,
        (AssigneeInput::Client { id }, Assignee::Client(cur)) => *id == cur,
        _ => false,
    }
}

fn resolve_assignee(tx: &mut Tx<'_>, caller: AgentId, a: AssigneeInput) -> Result<Assignee> {
    Ok(match a {
        AssigneeInput::Unassigned => Assignee::Unassigned,
        AssigneeInput::Me => Assignee::Agent(caller),
        AssigneeInput::Agent { id } => match tx.agent(id)? {
            Some(agent) if agent.disabled => {
                return Err(ServiceError::invalid("assignee", "that agent is disabled"));
            }
            Some(agent) if !agent.can_view() => {
                return Err(ServiceError::invalid(
                    "assignee",
                    "that agent may not open session requests",
                ));
            }
            Some(_) => Assignee::Agent(id),
            None => return Err(ServiceError::invalid("assignee", "no such agent")),
        },
        AssigneeInput::Client { id } => match tx.client(id)? {
            Some(_) => Assignee::Client(id),
            None => return Err(ServiceError::invalid("assignee", "no such client")),
        },
    })
}

/// An agent's expiry, checked against the maximum, or the configured default.
fn expiry_or_default(
    settings: &Settings,
    at: Option<Timestamp>,
    now: Timestamp,
) -> Result<Timestamp> {
    match at {
        Some(at) => input::expiry("expires_at", at, now, settings.max_expiry),
        None => {
            Ok(now
                + SignedDuration::try_from(settings.default_expiry).unwrap_or(SignedDuration::MAX))
        }
    }
}

pub(super) fn change(rec: &SessionRequest, event: &'static str) -> Change {
    Change {
        id: rec.id,
        status: rec.status,
        assignee: rec.assignee,
        updated_at: rec.updated_at,
        event,
    }
}

/// Closes the running session's clock; returns its duration in ms.
/// What closing a request does besides its status: no prompt left open, the calendar entry
/// cancelled, and the end user (if invited by mail) told the link no longer works.
fn wind_up(tx: &mut Tx<'_>, rec: &mut SessionRequest, now: Timestamp) -> Result<()> {
    rec.prompt = None;
    if rec.scheduled_at.is_some() {
        // The cancellation must outrank every invite sent before it.
        rec.schedule_seq += 1;
    }
    queue_end_user_mail(tx, rec, now, MailKind::Closed).map(drop)
}

pub(super) fn finish_session(rec: &mut SessionRequest, now: Timestamp) -> u64 {
    let ms = rec
        .session_started_at
        .map_or(0, |s| now.duration_since(s).as_millis().max(0) as u64);
    rec.session_total_ms += ms;
    rec.session_ended_at = Some(now);
    ms
}

/// How far in the past a new schedule may be: the minutes a form may have stood open.
const SCHEDULE_GRACE: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

/// A new or changed schedule must not lie in the past: nobody can meet then, and its
/// invitation would announce a time already gone.
fn not_past(scheduled_at: Option<Timestamp>, now: Timestamp) -> Result<()> {
    match scheduled_at {
        Some(s) if s < now - SCHEDULE_GRACE => Err(ServiceError::invalid(
            "scheduled_at",
            "is in the past; choose a time from now on",
        )),
        _ => Ok(()),
    }
}

fn check_schedule(scheduled_at: Option<Timestamp>, expires_at: Timestamp) -> Result<()> {
    match scheduled_at {
        Some(s) if s > expires_at => Err(ServiceError::invalid(
            "scheduled_at",
            "must be before expires_at",
        )),
        _ => Ok(()),
    }
}
