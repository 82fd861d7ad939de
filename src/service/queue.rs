//! What the portal's queue shows beside the list itself: how many requests each tab holds,
//! how many end users are waiting right now (the browser tab's title), and, per row, since
//! when the end user has been there and when and how a finished request ended.

use std::collections::HashSet;

use app::domain::{Agent, Outcome, RequestId, SessionRequest, Status, TimelineEvent};
use jiff::Timestamp;

use super::error::Result;
use super::{Service, require_view};

/// Counts stop here: a tab reads "999+" rather than making every refresh of the queue walk a
/// long index.
pub const COUNT_CAP: usize = 999;

/// The queue's counts, each at most [`COUNT_CAP`] (+1 when there are more).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// Waiting, ready or in session.
    pub active: usize,
    /// Open.
    pub upcoming: usize,
    /// Checked in and here right now, nobody with them yet.
    pub waiting: usize,
}

/// What a row shows beyond its record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowFacts {
    pub waiting_since: Option<Timestamp>,
    pub ended: Option<(Timestamp, Outcome)>,
}

impl RowFacts {
    /// From a timeline already read (oldest first), as of `now`.
    pub fn of(r: &SessionRequest, timeline: &[TimelineEvent], now: Timestamp) -> RowFacts {
        RowFacts {
            waiting_since: app::domain::waiting_since(r, timeline, now),
            ended: app::domain::ending(r, timeline, now),
        }
    }
}

impl Service {
    pub fn queue_counts(&self, caller: &Agent) -> Result<QueueCounts> {
        require_view(caller)?;
        let now = Self::now();
        let mut read = self.store.read()?;
        // Past their expiry but not yet swept (a sweep interval's worth): not counted.
        let overdue: HashSet<RequestId> = read.overdue(now)?.into_iter().collect();
        let mut count = |statuses: &[Status], also: &dyn Fn(RequestId) -> bool| {
            let mut counted = |id| !overdue.contains(&id) && also(id);
            read.count_stored(statuses, COUNT_CAP, &mut counted)
        };
        let anyone = |_| true;
        let here = |id| self.presence.is_present(id);
        Ok(QueueCounts {
            active: count(
                &[Status::Waiting, Status::Ready, Status::InSession],
                &anyone,
            )?,
            upcoming: count(&[Status::Open], &anyone)?,
            waiting: count(&[Status::Waiting], &here)?,
        })
    }

    /// Each row's facts, read from the timelines of the rows that have any (active and
    /// finished requests), in one read.
    pub fn row_facts(&self, rows: &[SessionRequest]) -> Result<Vec<RowFacts>> {
        let now = Self::now();
        let mut read = self.store.read()?;
        rows.iter()
            .map(|r| {
                if r.status_at(now) == Status::Open {
                    return Ok(RowFacts::default());
                }
                Ok(RowFacts::of(r, &read.timeline(r.id)?, now))
            })
            .collect()
    }
}
