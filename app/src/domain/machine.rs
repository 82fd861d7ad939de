//! The request lifecycle as one pure function: `apply(status, action)` gives the new status or
//! says why the action does not fit. The server runs every change through it; the portal calls
//! it to decide which buttons to show. Expiry is decided by `SessionRequest::status_at` before
//! `apply` is asked, so an overdue request is `expired` for every action.

use serde::{Deserialize, Serialize};

use super::Status;

/// Everything that can happen to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The end user opened the link or the assist client (repeated: keeps presence).
    CheckIn,
    /// The agent asks the waiting end user for access.
    Connect,
    /// The end user allows the agent's connect prompt.
    Allow,
    /// The end user denies it; the request keeps waiting and the agent may ask again.
    Deny,
    /// The agent starts the session.
    Start,
    /// The session ends: the request stays open for the end user (`keep`, back to waiting)
    /// or is closed.
    End { keep: bool },
    /// The agent closes the request.
    Close,
    /// The end user declines the request.
    Decline,
    /// An agent reopens a finished request (new expiry, new link).
    Reopen,
    /// The expiry passed.
    Expire,
    /// The agent edits fields (recipient, schedule, assignee, …).
    Edit,
    /// The agent queues the invitation again.
    Resend,
    /// An agent frees the link from the device it is bound to, so another may check in.
    Release,
    /// The end user gives an agent control of their computer, or takes it back (the
    /// session goes on either way).
    Control,
}

impl Action {
    /// Every action, with both `End` variants, for exhaustive tests and button lists.
    pub const ALL: [Action; 15] = [
        Action::CheckIn,
        Action::Connect,
        Action::Allow,
        Action::Deny,
        Action::Start,
        Action::End { keep: true },
        Action::End { keep: false },
        Action::Close,
        Action::Decline,
        Action::Reopen,
        Action::Expire,
        Action::Edit,
        Action::Resend,
        Action::Release,
        Action::Control,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Action::CheckIn => "checkin",
            Action::Connect => "connect",
            Action::Allow => "allow",
            Action::Deny => "deny",
            Action::Start => "start",
            Action::End { .. } => "end",
            Action::Close => "close",
            Action::Decline => "decline",
            Action::Reopen => "reopen",
            Action::Expire => "expire",
            Action::Edit => "edit",
            Action::Resend => "resend",
            Action::Release => "release",
            Action::Control => "control",
        }
    }
}

/// A permitted change: where the request was and where it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub from: Status,
    pub to: Status,
}

impl Transition {
    pub const fn changes_status(&self) -> bool {
        !matches!(
            (self.from, self.to),
            (Status::Open, Status::Open)
                | (Status::Waiting, Status::Waiting)
                | (Status::Ready, Status::Ready)
                | (Status::InSession, Status::InSession)
                | (Status::Closed, Status::Closed)
                | (Status::Expired, Status::Expired)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum DomainError {
    #[error("cannot {action} a request that is {from}")]
    InvalidTransition { from: Status, action: String },
}

/// The state machine: status × action → new status, or a typed refusal.
pub fn apply(from: Status, action: Action) -> Result<Transition, DomainError> {
    use Action as A;
    use Status as S;
    let to = match (from, action) {
        (S::Open | S::Waiting, A::CheckIn) => S::Waiting,
        // Presence pings while ready or in a session change nothing.
        (S::Ready, A::CheckIn) => S::Ready,
        (S::InSession, A::CheckIn) => S::InSession,
        // Control exists only inside a session.
        (S::InSession, A::Control) => S::InSession,

        (S::Waiting, A::Connect | A::Allow | A::Deny) => match action {
            A::Allow => S::Ready,
            _ => S::Waiting,
        },

        (S::Ready, A::Start) => S::InSession,

        (S::InSession, A::End { keep }) => {
            if keep {
                S::Waiting
            } else {
                S::Closed
            }
        }

        (S::Open | S::Waiting | S::Ready | S::InSession, A::Close | A::Decline) => S::Closed,

        (S::Closed | S::Expired, A::Reopen) => S::Open,

        // A running session is never cut off by expiry.
        (S::Open | S::Waiting | S::Ready, A::Expire) => S::Expired,

        (
            s @ (S::Open | S::Waiting | S::Ready | S::InSession),
            A::Edit | A::Resend | A::Release,
        ) => s,

        (from, action) => {
            return Err(DomainError::InvalidTransition {
                from,
                action: action.name().to_owned(),
            });
        }
    };
    Ok(Transition { from, to })
}

/// The actions an agent may take on a request in `status` (the portal's buttons).
pub fn agent_actions(status: Status) -> impl Iterator<Item = Action> {
    [
        Action::Connect,
        Action::Start,
        Action::End { keep: true },
        Action::Close,
        Action::Reopen,
        Action::Edit,
        Action::Resend,
    ]
    .into_iter()
    .filter(move |a| apply(status, *a).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;
    use Status as S;

    /// The whole table, written out by hand: `None` means refused. Every status × action pair
    /// appears exactly once, so a change to the machine must change this table too.
    fn expected(from: S, action: A) -> Option<S> {
        let present = A::End { keep: true };
        let absent = A::End { keep: false };
        let table: &[(S, A, Option<S>)] = &[
            (S::Open, A::CheckIn, Some(S::Waiting)),
            (S::Open, A::Connect, None),
            (S::Open, A::Allow, None),
            (S::Open, A::Deny, None),
            (S::Open, A::Start, None),
            (S::Open, present, None),
            (S::Open, absent, None),
            (S::Open, A::Close, Some(S::Closed)),
            (S::Open, A::Decline, Some(S::Closed)),
            (S::Open, A::Reopen, None),
            (S::Open, A::Expire, Some(S::Expired)),
            (S::Open, A::Edit, Some(S::Open)),
            (S::Open, A::Resend, Some(S::Open)),
            (S::Open, A::Release, Some(S::Open)),
            (S::Open, A::Control, None),
            (S::Waiting, A::CheckIn, Some(S::Waiting)),
            (S::Waiting, A::Connect, Some(S::Waiting)),
            (S::Waiting, A::Allow, Some(S::Ready)),
            (S::Waiting, A::Deny, Some(S::Waiting)),
            (S::Waiting, A::Start, None),
            (S::Waiting, present, None),
            (S::Waiting, absent, None),
            (S::Waiting, A::Close, Some(S::Closed)),
            (S::Waiting, A::Decline, Some(S::Closed)),
            (S::Waiting, A::Reopen, None),
            (S::Waiting, A::Expire, Some(S::Expired)),
            (S::Waiting, A::Edit, Some(S::Waiting)),
            (S::Waiting, A::Resend, Some(S::Waiting)),
            (S::Waiting, A::Release, Some(S::Waiting)),
            (S::Waiting, A::Control, None),
            (S::Ready, A::CheckIn, Some(S::Ready)),
            (S::Ready, A::Connect, None),
            (S::Ready, A::Allow, None),
            (S::Ready, A::Deny, None),
            (S::Ready, A::Start, Some(S::InSession)),
            (S::Ready, present, None),
            (S::Ready, absent, None),
            (S::Ready, A::Close, Some(S::Closed)),
            (S::Ready, A::Decline, Some(S::Closed)),
            (S::Ready, A::Reopen, None),
            (S::Ready, A::Expire, Some(S::Expired)),
            (S::Ready, A::Edit, Some(S::Ready)),
            (S::Ready, A::Resend, Some(S::Ready)),
            (S::Ready, A::Release, Some(S::Ready)),
            (S::Ready, A::Control, None),
            (S::InSession, A::CheckIn, Some(S::InSession)),
            (S::InSession, A::Connect, None),
            (S::InSession, A::Allow, None),
            (S::InSession, A::Deny, None),
            (S::InSession, A::Start, None),
            (S::InSession, present, Some(S::Waiting)),
            (S::InSession, absent, Some(S::Closed)),
            (S::InSession, A::Close, Some(S::Closed)),
            (S::InSession, A::Decline, Some(S::Closed)),
            (S::InSession, A::Reopen, None),
            (S::InSession, A::Expire, None),
            (S::InSession, A::Edit, Some(S::InSession)),
            (S::InSession, A::Resend, Some(S::InSession)),
            (S::InSession, A::Release, Some(S::InSession)),
            (S::InSession, A::Control, Some(S::InSession)),
        ];
        if let Some((_, _, to)) = table.iter().find(|(f, a, _)| *f == from && *a == action) {
            return *to;
        }
        // Terminal statuses: only reopen leaves them.
        assert!(from.is_terminal(), "missing row for {from:?} × {action:?}");
        (action == A::Reopen).then_some(S::Open)
    }

    #[test]
    fn every_status_and_action_pair_matches_the_table() {
        for from in S::ALL {
            for action in A::ALL {
                let got = apply(from, action).ok().map(|t| t.to);
                assert_eq!(got, expected(from, action), "{from:?} × {action:?}");
                if let Err(DomainError::InvalidTransition { from: f, action: a }) =
                    apply(from, action)
                {
                    assert_eq!(f, from);
                    assert_eq!(a, action.name());
                }
            }
        }
    }

    #[test]
    fn deny_keeps_waiting_and_allow_after_deny_makes_ready() {
        let s = apply(S::Waiting, A::Deny).unwrap().to;
        assert_eq!(s, S::Waiting);
        assert_eq!(apply(s, A::Allow).unwrap().to, S::Ready);
    }

    #[test]
    fn terminal_statuses_only_reopen() {
        for from in [S::Closed, S::Expired] {
            let allowed: Vec<_> = A::ALL
                .into_iter()
                .filter(|a| apply(from, *a).is_ok())
                .collect();
            assert_eq!(allowed, vec![A::Reopen]);
        }
    }

    #[test]
    fn agent_buttons_follow_the_machine() {
        let names = |s| agent_actions(s).map(|a| a.name()).collect::<Vec<_>>();
        assert_eq!(names(S::Waiting), ["connect", "close", "edit", "resend"]);
        assert_eq!(names(S::Ready), ["start", "close", "edit", "resend"]);
        assert_eq!(names(S::InSession), ["end", "close", "edit", "resend"]);
        assert_eq!(names(S::Closed), ["reopen"]);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn status() -> impl Strategy<Value = S> {
            proptest::sample::select(S::ALL.to_vec())
        }
        fn action() -> impl Strategy<Value = A> {
            proptest::sample::select(A::ALL.to_vec())
        }

        proptest! {
            /// Whatever happens, a request only ever leaves a terminal status by reopen,
            /// and a session in progress is never expired.
            #[test]
            fn random_walks_respect_the_rules(start in status(), actions in proptest::collection::vec(action(), 0..64)) {
                let mut s = start;
                for a in actions {
                    match apply(s, a) {
                        Ok(t) => {
                            prop_assert_eq!(t.from, s);
                            if s.is_terminal() { prop_assert_eq!(a, A::Reopen); }
                            if s == S::InSession { prop_assert_ne!(t.to, S::Expired); }
                            s = t.to;
                        }
                        Err(DomainError::InvalidTransition { from, .. }) => prop_assert_eq!(from, s),
                    }
                }
            }
        }
    }
}
