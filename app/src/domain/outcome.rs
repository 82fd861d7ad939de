//! What the queue says about a request beyond its status, read from its timeline: since when
//! the end user has been there (the Active tab's *Waiting for*) and when and how a finished
//! request ended (the Past tab's outcome).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{EventKind, SessionRequest, Status, TimelineEvent};

/// How a finished request ended. New variants go at the end (stored in nothing, but sent to
/// the portal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// An agent closed it, and no session had taken place.
    Closed,
    /// The end user declined (*This wasn't me*).
    Declined,
    /// Its link ran out, and no session had taken place.
    Expired,
    /// It ended (closed or expired) after at least one session: the help happened.
    AfterSession,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::AfterSession,
        Outcome::Closed,
        Outcome::Declined,
        Outcome::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Closed => "closed",
            Outcome::Declined => "declined",
            Outcome::Expired => "expired",
            Outcome::AfterSession => "after_session",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// When and how a request ended, if it has (as of `now`: a request past its expiry that the
/// sweeper has not reached yet ended at its expiry). `events` is its timeline, oldest first.
pub fn ending(
    rec: &SessionRequest,
    events: &[TimelineEvent],
    now: Timestamp,
) -> Option<(Timestamp, Outcome)> {
    let status = rec.status_at(now);
    if !status.is_terminal() {
        return None;
    }
    let last = events
        .iter()
        .rev()
        .find(|e| e.to == status && e.from != status);
    let at = match (last, status) {
        (Some(e), _) => e.at,
        (None, Status::Expired) => rec.expires_at,
        (None, _) => rec.updated_at,
    };
    let outcome = match last.map(|e| &e.kind) {
        Some(EventKind::Declined) => Outcome::Declined,
        _ if rec.session_total_ms > 0 || rec.session_started_at.is_some() => Outcome::AfterSession,
        _ if status == Status::Expired => Outcome::Expired,
        _ => Outcome::Closed,
    };
    Some((at, outcome))
}

/// Since when the end user has been here, for a request that needs attention now (waiting,
/// ready or in session): the event that brought it there from outside those states (their
/// check-in). A session ending in between does not restart the wait: they never left.
pub fn waiting_since(
    rec: &SessionRequest,
    events: &[TimelineEvent],
    now: Timestamp,
) -> Option<Timestamp> {
    let active = |s: Status| matches!(s, Status::Waiting | Status::Ready | Status::InSession);
    if !active(rec.status_at(now)) {
        return None;
    }
    events
        .iter()
        .rev()
        .find(|e| active(e.to) && !active(e.from))
        .map(|e| e.at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Actor, AgentId, EndUserClient, RequestId};

    fn t(min: i64) -> Timestamp {
        Timestamp::from_second(1_764_000_000).unwrap() + jiff::SignedDuration::from_mins(min)
    }

    fn ev(at: i64, kind: EventKind, from: Status, to: Status) -> TimelineEvent {
        TimelineEvent {
            at: t(at),
            actor: Actor::System,
            kind,
            from,
            to,
        }
    }

    fn request() -> SessionRequest {
        SessionRequest::new(
            RequestId::from_u128(1),
            "Grace".into(),
            AgentId::from_u128(2),
            t(0),
            t(600),
        )
    }

    fn checked_in(at: i64) -> TimelineEvent {
        let kind = EventKind::CheckedIn {
            client: EndUserClient::Web,
            platform: "linux".into(),
        };
        ev(at, kind, Status::Open, Status::Waiting)
    }

    #[test]
    fn the_wait_starts_at_the_check_in_and_survives_a_session() {
        let mut r = request();
        let mut events = vec![ev(0, EventKind::Created, Status::Open, Status::Open)];
        assert_eq!(waiting_since(&r, &events, t(5)), None, "nobody came yet");
        events.push(checked_in(10));
        r.status = Status::Waiting;
        assert_eq!(waiting_since(&r, &events, t(12)), Some(t(10)));
        events.push(ev(
            11,
            EventKind::SessionStarted,
            Status::Waiting,
            Status::InSession,
        ));
        let ended = EventKind::SessionEnded {
            duration_ms: 60_000,
        };
        events.push(ev(12, ended, Status::InSession, Status::Waiting));
        assert_eq!(
            waiting_since(&r, &events, t(13)),
            Some(t(10)),
            "they never left"
        );
        assert_eq!(waiting_since(&r, &events, t(700)), None, "expired");
    }

    #[test]
    fn each_way_of_ending_has_its_outcome_and_time() {
        let mut r = request();
        let open = ev(0, EventKind::Created, Status::Open, Status::Open);
        assert_eq!(
            ending(&r, std::slice::from_ref(&open), t(5)),
            None,
            "still open"
        );

        assert_eq!(
            ending(&r, std::slice::from_ref(&open), t(601)),
            Some((t(600), Outcome::Expired)),
            "past its expiry before the sweeper came"
        );
        r.status = Status::Expired;
        let swept = ev(602, EventKind::Expired, Status::Open, Status::Expired);
        assert_eq!(
            ending(&r, &[open.clone(), swept], t(700)),
            Some((t(602), Outcome::Expired))
        );

        r.status = Status::Closed;
        let closed = ev(30, EventKind::Closed, Status::Waiting, Status::Closed);
        assert_eq!(
            ending(&r, &[open.clone(), closed.clone()], t(40)),
            Some((t(30), Outcome::Closed))
        );
        let declined = ev(31, EventKind::Declined, Status::Open, Status::Closed);
        assert_eq!(
            ending(&r, &[open.clone(), declined], t(40)),
            Some((t(31), Outcome::Declined))
        );

        r.session_started_at = Some(t(20));
        r.session_total_ms = 300_000;
        assert_eq!(
            ending(&r, &[open, closed], t(40)),
            Some((t(30), Outcome::AfterSession))
        );
    }
}
