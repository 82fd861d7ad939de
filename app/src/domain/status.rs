//! The six statuses of a session request (docs/DESIGN.md, "The request lifecycle").

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Created; the end user has not shown up yet.
    Open,
    /// The end user checked in but has not granted access.
    Waiting,
    /// The end user allowed access; the agent may connect.
    Ready,
    /// A support session is in progress; expiry never cuts it off.
    InSession,
    /// Finished (terminal).
    Closed,
    /// The expiry passed before it was finished (terminal).
    Expired,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Open,
        Status::Waiting,
        Status::Ready,
        Status::InSession,
        Status::Closed,
        Status::Expired,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Waiting => "waiting",
            Status::Ready => "ready",
            Status::InSession => "in_session",
            Status::Closed => "closed",
            Status::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// `closed` and `expired` end a request; only reopen leaves them.
    pub const fn is_terminal(self) -> bool {
        matches!(self, Status::Closed | Status::Expired)
    }

    /// The statuses whose requests expire when their expiry passes.
    pub const fn can_expire(self) -> bool {
        matches!(self, Status::Open | Status::Waiting | Status::Ready)
    }

    /// A stable one-byte code, used as an index key prefix. Never renumber.
    pub const fn code(self) -> u8 {
        match self {
            Status::Open => 1,
            Status::Waiting => 2,
            Status::Ready => 3,
            Status::InSession => 4,
            Status::Closed => 5,
            Status::Expired => 6,
        }
    }

    pub fn from_code(code: u8) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.code() == code)
    }
}

impl core::fmt::Display for Status {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}
