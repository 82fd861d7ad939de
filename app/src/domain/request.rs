//! The session-request record and its timeline, as the domain sees them.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Action, AgentId, ClientId, DomainError, RequestId, Status, Transition, apply};

/// Who a request is assigned to. `me` is resolved to an agent at the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Assignee {
    Unassigned,
    Agent(AgentId),
    /// A support client (team queue): all its member agents see the request as theirs.
    Client(ClientId),
}

/// Who did something on the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Agent(AgentId),
    EndUser,
    System,
}

/// How the end user reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndUserClient {
    Web,
    Native,
}

impl EndUserClient {
    pub const fn as_str(self) -> &'static str {
        match self {
            EndUserClient::Web => "web",
            EndUserClient::Native => "native",
        }
    }

    pub fn parse(s: &str) -> Option<EndUserClient> {
        [EndUserClient::Web, EndUserClient::Native]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// An open question to the end user: may this agent connect?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    pub id: u32,
    pub agent: AgentId,
    pub agent_name: String,
    pub asked_at: Timestamp,
}

/// What happened, for the audit trail. New variants go at the end (stored encoding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    Created,
    Edited {
        fields: Vec<String>,
    },
    CheckedIn {
        client: EndUserClient,
        platform: String,
    },
    ConnectRequested {
        prompt_id: u32,
    },
    AccessAllowed {
        prompt_id: u32,
    },
    AccessDenied {
        prompt_id: u32,
    },
    SessionStarted,
    SessionEnded {
        duration_ms: u64,
    },
    Closed,
    Declined,
    Reopened,
    Expired,
    InvitationQueued,
    /// A mail about this request could not be delivered (the outbox gave up on it).
    MailFailed {
        /// The mail's kind (`invitation`, `reminder`, …).
        mail: String,
    },
    /// A reminder of the scheduled session was queued.
    ReminderQueued {
        lead_minutes: u32,
    },
    /// The schedule changed and the end user was told (with a calendar update).
    RescheduleQueued,
    /// An agent freed the link from the device it was bound to.
    LinkReleased,
    /// The end user gave this agent control of their computer (mouse, keyboard, clipboard).
    ControlGranted {
        agent: AgentId,
    },
    /// Control was taken back from this agent (by the end user, or by granting it to
    /// another agent).
    ControlRevoked {
        agent: AgentId,
    },
    /// The session ended, and why. (`SessionEnded`, without a reason, is how sessions that
    /// ended before reasons were recorded read.)
    SessionFinished {
        duration_ms: u64,
        reason: EndReason,
    },
}

/// Why a session ended. New variants go at the end (stored encoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndReason {
    /// An agent ended it (*End*, or closing the request).
    Agent,
    /// The end user stopped sharing.
    EndUser,
    /// The agents' side lost its connection and did not come back within the grace period.
    AgentLeft,
    /// The end user's side lost its connection and did not come back within the grace period.
    EndUserLeft,
    /// Neither side was connected for the grace period (both left, or the server restarted
    /// and nobody came back).
    Abandoned,
}

impl EndReason {
    pub const fn as_str(self) -> &'static str {
        match self {
            EndReason::Agent => "agent",
            EndReason::EndUser => "end_user",
            EndReason::AgentLeft => "agent_disconnected",
            EndReason::EndUserLeft => "end_user_disconnected",
            EndReason::Abandoned => "abandoned",
        }
    }
}

impl EventKind {
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Edited { .. } => "edited",
            EventKind::CheckedIn { .. } => "checked_in",
            EventKind::ConnectRequested { .. } => "connect_requested",
            EventKind::AccessAllowed { .. } => "access_allowed",
            EventKind::AccessDenied { .. } => "access_denied",
            EventKind::SessionStarted => "session_started",
            EventKind::SessionEnded { .. } => "session_ended",
            EventKind::Closed => "closed",
            EventKind::Declined => "declined",
            EventKind::Reopened => "reopened",
            EventKind::Expired => "expired",
            EventKind::InvitationQueued => "invitation_queued",
            EventKind::MailFailed { .. } => "mail_failed",
            EventKind::ReminderQueued { .. } => "reminder_queued",
            EventKind::RescheduleQueued => "reschedule_queued",
            EventKind::LinkReleased => "link_released",
            EventKind::ControlGranted { .. } => "control_granted",
            EventKind::ControlRevoked { .. } => "control_revoked",
            EventKind::SessionFinished { .. } => "session_ended",
        }
    }
}

/// One entry of a request's timeline. Never rewritten once stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub at: Timestamp,
    pub actor: Actor,
    pub kind: EventKind,
    pub from: Status,
    pub to: Status,
}

/// The agents the end user has allowed to connect in the current session, from the timeline:
/// each agent whose connect prompt was answered *allow* since the last event that ended a
/// session or the link (only they receive the end user's screen). Consent belongs to the
/// agent who asked; another agent must ask, and be allowed, for their own.
pub fn allowed_agents(events: &[TimelineEvent]) -> Vec<AgentId> {
    let mut allowed_prompts = Vec::new();
    let mut agents = Vec::new();
    for e in events.iter().rev() {
        match (&e.kind, e.actor) {
            (EventKind::AccessAllowed { prompt_id }, _) => allowed_prompts.push(*prompt_id),
            (EventKind::ConnectRequested { prompt_id }, Actor::Agent(a))
                if allowed_prompts.contains(prompt_id) && !agents.contains(&a) =>
            {
                agents.push(a);
            }
            (
                EventKind::SessionEnded { .. }
                | EventKind::SessionFinished { .. }
                | EventKind::Closed
                | EventKind::Declined
                | EventKind::Reopened
                | EventKind::Expired
                | EventKind::Created
                | EventKind::LinkReleased,
                _,
            ) => break,
            _ => {}
        }
    }
    agents
}

/// Whether a session ended and nothing has begun since (no new session, link or request):
/// the end user's page says the session is over and they may close it.
pub fn session_over(events: &[TimelineEvent]) -> bool {
    for e in events.iter().rev() {
        match &e.kind {
            EventKind::SessionEnded { .. } | EventKind::SessionFinished { .. } => return true,
            EventKind::SessionStarted
            | EventKind::Reopened
            | EventKind::Created
            | EventKind::LinkReleased => return false,
            _ => {}
        }
    }
    false
}

/// The agent in control of the end user's computer in the current session, from the timeline:
/// the last grant not taken back since the session started. A session's end, or anything that
/// ends the link, ends control with it; so does the agent losing the end user's consent to
/// connect (`allowed` is `allowed_agents` of the same timeline).
pub fn controller(events: &[TimelineEvent], allowed: &[AgentId]) -> Option<AgentId> {
    for e in events.iter().rev() {
        match &e.kind {
            EventKind::ControlGranted { agent } => {
                return allowed.contains(agent).then_some(*agent);
            }
            EventKind::ControlRevoked { .. }
            | EventKind::SessionStarted
            | EventKind::SessionEnded { .. }
            | EventKind::SessionFinished { .. }
            | EventKind::Closed
            | EventKind::Declined
            | EventKind::Reopened
            | EventKind::Expired
            | EventKind::Created
            | EventKind::LinkReleased => return None,
            _ => {}
        }
    }
    None
}

/// A session request. `status` is what was last stored; ask `status_at(now)` for the truth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRequest {
    pub id: RequestId,
    pub status: Status,
    pub recipient_name: String,
    pub recipient_email: Option<String>,
    pub send_email: bool,
    pub email_language: String,
    pub comment: String,
    /// Whether the end user sees the comment (invitation mail, landing page) or only agents.
    pub share_comment: bool,
    pub scheduled_at: Option<Timestamp>,
    /// IANA zone the schedule was entered in, for showing it back to people.
    pub time_zone: Option<String>,
    pub expires_at: Timestamp,
    pub assignee: Assignee,
    pub created_by: AgentId,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Bumped on reopen; the link token is derived from it, so the old link dies.
    pub link_generation: u32,
    pub prompt: Option<Prompt>,
    pub prompt_seq: u32,
    pub end_user_client: Option<EndUserClient>,
    pub end_user_platform: Option<String>,
    pub session_started_at: Option<Timestamp>,
    pub session_ended_at: Option<Timestamp>,
    /// Sum of all session durations, in milliseconds.
    pub session_total_ms: u64,
    /// Number of timeline events stored; the next event's sequence number.
    pub event_count: u32,
    /// The calendar invite's SEQUENCE: bumped whenever the schedule changes or is cancelled,
    /// so calendar clients replace the older invite.
    pub schedule_seq: u32,
    /// Lead times (minutes before the schedule) whose reminder was already queued for the
    /// current schedule; cleared when the schedule changes, so a reschedule re-arms them.
    pub reminders_sent: Vec<u32>,
    /// When the current schedule was set: a reminder is owed only for lead times that were
    /// still ahead then (a session planned 5 minutes ahead gets no "in 15 minutes" mail).
    pub schedule_set_at: Option<Timestamp>,
}

impl SessionRequest {
    /// Changes with every stored change of the request: what an editor read, to be sent back
    /// with an edit (`If-Match`) so that two agents editing at once cannot silently undo
    /// each other. The timeline's length and the last change's time, to the nanosecond.
    pub fn version(&self) -> String {
        format!("{}.{}", self.event_count, self.updated_at.as_nanosecond())
    }

    /// The link generation a new request starts at. Lower generations belong to links sent
    /// before the link format that names its request (v2, `src/links.rs`); they keep their
    /// format, so their links still open.
    pub const FIRST_LINK_GENERATION: u32 = 1 << 31;

    /// A new open request with its essentials; everything else empty (callers set the rest
    /// with struct update syntax).
    pub fn new(
        id: RequestId,
        recipient_name: String,
        created_by: AgentId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> SessionRequest {
        SessionRequest {
            id,
            status: Status::Open,
            recipient_name,
            recipient_email: None,
            send_email: false,
            email_language: "en".into(),
            comment: String::new(),
            share_comment: false,
            scheduled_at: None,
            time_zone: None,
            expires_at,
            assignee: Assignee::Unassigned,
            created_by,
            created_at: now,
            updated_at: now,
            link_generation: Self::FIRST_LINK_GENERATION,
            prompt: None,
            prompt_seq: 0,
            end_user_client: None,
            end_user_platform: None,
            session_started_at: None,
            session_ended_at: None,
            session_total_ms: 0,
            event_count: 0,
            schedule_seq: 0,
            reminders_sent: Vec::new(),
            schedule_set_at: None,
        }
    }

    /// When the request finished, for retention: closing time, or the expiry.
    pub fn finished_at(&self) -> Option<Timestamp> {
        match self.status {
            Status::Closed => Some(self.updated_at),
            Status::Expired => Some(self.expires_at),
            _ => None,
        }
    }

    /// Whether the reminder `lead` before the schedule is due at `now`: its moment has come,
    /// the session has not started yet, it was not sent for this schedule, and the schedule
    /// was set before that moment.
    pub fn reminder_due(&self, lead_minutes: u32, now: Timestamp) -> bool {
        let Some(at) = self.scheduled_at else {
            return false;
        };
        let lead = jiff::SignedDuration::from_mins(i64::from(lead_minutes));
        let moment = at.saturating_sub(lead).unwrap_or(at);
        moment <= now
            && now < at
            && !self.reminders_sent.contains(&lead_minutes)
            && self.schedule_set_at.is_none_or(|set| set <= moment)
            && !self.status_at(now).is_terminal()
    }
}

impl SessionRequest {
    /// The status as of `now`: an overdue open/waiting/ready request *is* expired, whether or
    /// not the sweeper has written that down yet.
    pub fn status_at(&self, now: Timestamp) -> Status {
        if self.status.can_expire() && now >= self.expires_at {
            Status::Expired
        } else {
            self.status
        }
    }

    /// How long after its time a scheduled session counts as missed.
    pub const MISSED_AFTER: jiff::SignedDuration = jiff::SignedDuration::from_mins(15);

    /// A scheduled session nobody came to: its time passed more than `MISSED_AFTER` ago, the
    /// end user never arrived (the request is still open, not waiting or in a session) and
    /// no session took place since the time was set.
    pub fn missed_at(&self, now: Timestamp) -> bool {
        let Some(at) = self.scheduled_at else {
            return false;
        };
        let session_since = self
            .session_started_at
            .is_some_and(|s| self.schedule_set_at.is_none_or(|set| s >= set));
        self.status_at(now) == Status::Open && now > at + Self::MISSED_AFTER && !session_since
    }

    /// Runs `action` against the status as of `now`.
    pub fn check(&self, action: Action, now: Timestamp) -> Result<Transition, DomainError> {
        apply(self.status_at(now), action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheduled_session_nobody_came_to_is_missed_after_a_grace() {
        let t0 = Timestamp::from_second(1_764_000_000).unwrap();
        let h = |n: i64| t0 + jiff::SignedDuration::from_hours(n);
        let mut r = SessionRequest::new(
            RequestId::from_u128(1),
            "Grace".into(),
            crate::domain::AgentId::from_u128(2),
            t0,
            h(48),
        );
        assert!(!r.missed_at(h(30)), "no schedule, nothing to miss");
        r.scheduled_at = Some(h(24));
        r.schedule_set_at = Some(t0);
        assert!(!r.missed_at(h(23)));
        assert!(
            !r.missed_at(h(24) + jiff::SignedDuration::from_mins(10)),
            "within the grace"
        );
        assert!(r.missed_at(h(25)));
        r.status = Status::Waiting;
        assert!(!r.missed_at(h(25)), "the end user is there");
        r.status = Status::Open;
        r.session_started_at = Some(h(1));
        assert!(!r.missed_at(h(25)), "they met since the time was set");
        r.schedule_set_at = Some(h(2));
        assert!(
            r.missed_at(h(25)),
            "a session before the new time does not count"
        );
        assert!(!r.missed_at(h(49)), "expired is not missed");
    }

    fn request(status: Status, expires_at: Timestamp) -> SessionRequest {
        SessionRequest {
            status,
            ..SessionRequest::new(
                RequestId::from_u128(1),
                "Ada".into(),
                AgentId::from_u128(2),
                Timestamp::UNIX_EPOCH,
                expires_at,
            )
        }
    }

    #[test]
    fn overdue_request_is_expired_for_reads_and_actions() {
        let exp = Timestamp::from_second(1_000).unwrap();
        let after = Timestamp::from_second(1_001).unwrap();
        let before = Timestamp::from_second(999).unwrap();
        for s in [Status::Open, Status::Waiting, Status::Ready] {
            let r = request(s, exp);
            assert_eq!(r.status_at(before), s);
            assert_eq!(r.status_at(exp), Status::Expired);
            assert_eq!(r.status_at(after), Status::Expired);
            assert!(r.check(Action::CheckIn, after).is_err());
            assert_eq!(r.check(Action::Reopen, after).unwrap().to, Status::Open);
        }
    }

    #[test]
    fn a_reminder_is_due_once_in_its_window_if_the_schedule_was_set_before_it() {
        let at = Timestamp::from_second(100_000).unwrap();
        let min = |m: i64| at - jiff::SignedDuration::from_mins(m);
        let mut r = request(Status::Open, at + jiff::SignedDuration::from_hours(1));
        r.scheduled_at = Some(at);
        r.schedule_set_at = Some(min(60 * 48));
        assert!(!r.reminder_due(15, min(16)), "too early");
        assert!(r.reminder_due(15, min(15)));
        assert!(
            r.reminder_due(15, min(1)),
            "late (after downtime) but before the session"
        );
        assert!(!r.reminder_due(15, at), "the session time has come");
        r.reminders_sent.push(15);
        assert!(!r.reminder_due(15, min(10)), "once");
        r.reminders_sent.clear();
        r.schedule_set_at = Some(min(5));
        assert!(!r.reminder_due(15, min(4)), "planned inside the lead time");
        r.status = Status::Closed;
        r.schedule_set_at = None;
        assert!(!r.reminder_due(15, min(10)), "finished");
    }

    #[test]
    fn expiry_never_cuts_a_session_or_touches_finished_requests() {
        let exp = Timestamp::from_second(1_000).unwrap();
        let after = Timestamp::from_second(5_000).unwrap();
        assert_eq!(
            request(Status::InSession, exp).status_at(after),
            Status::InSession
        );
        assert_eq!(
            request(Status::Closed, exp).status_at(after),
            Status::Closed
        );
    }

    fn event(kind: EventKind, actor: Actor) -> TimelineEvent {
        TimelineEvent {
            at: Timestamp::UNIX_EPOCH,
            actor,
            kind,
            from: Status::InSession,
            to: Status::InSession,
        }
    }

    #[test]
    fn control_is_the_last_grant_of_this_session_to_an_agent_still_allowed() {
        let (a, b) = (AgentId::from_u128(1), AgentId::from_u128(2));
        let granted = |x| event(EventKind::ControlGranted { agent: x }, Actor::EndUser);
        let revoked = |x| event(EventKind::ControlRevoked { agent: x }, Actor::EndUser);
        let started = event(EventKind::SessionStarted, Actor::Agent(a));
        let ended = event(EventKind::SessionEnded { duration_ms: 1 }, Actor::Agent(a));
        let both = [a, b];
        assert_eq!(controller(std::slice::from_ref(&started), &both), None);
        assert_eq!(controller(&[started.clone(), granted(a)], &both), Some(a));
        assert_eq!(
            controller(&[started.clone(), granted(a), revoked(a)], &both),
            None
        );
        assert_eq!(
            controller(
                &[started.clone(), granted(a), revoked(a), granted(b)],
                &both
            ),
            Some(b)
        );
        assert_eq!(
            controller(&[started.clone(), granted(a)], &[b]),
            None,
            "consent gone"
        );
        assert_eq!(
            controller(&[started.clone(), granted(a), ended, started], &both),
            None,
            "a new session starts without control"
        );
    }
}
