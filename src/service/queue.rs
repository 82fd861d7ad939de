//! What the portal's queue shows beside the list itself: how many requests each tab holds,
//! how many end users are waiting right now (the browser tab's title), and, per row, since
//! when the end user has been there and when and how a finished request ended.

use std::collections::HashSet;

use app::domain::{Agent, Outcome, RequestId, SessionRequest, Status, TimelineEvent};
use jiff::Timestamp;

use super::error::Result;
use super::{Service, require_view, txn};
use crate::store::{keys, tables};

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
        let txn = self.store.begin_read()?;
        let by_status = txn.open_table(tables::IDX_STATUS)?;
        // Past their expiry but not yet swept (a sweep interval's worth): not counted.
        let overdue: HashSet<RequestId> =
            super::list::overdue_ids(&txn, now)?.into_iter().collect();
        let count = |statuses: &[Status], also: &dyn Fn(RequestId) -> bool| -> Result<usize> {
            let mut n = 0;
            for s in statuses {
                let (lo, hi) = (RequestId::from_u128(0), RequestId::from_u128(u128::MAX));
                for e in by_status.range(keys::status(*s, lo)..=keys::status(*s, hi))? {
                    let id = keys::trailing_id(&e?.0.value());
                    if !overdue.contains(&id) && also(id) {
                        n += 1;
                        if n > COUNT_CAP {
                            return Ok(n);
                        }
                    }
                }
            }
            Ok(n)
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
        let txn = self.store.begin_read()?;
        let events = txn.open_table(tables::REQUEST_EVENTS)?;
        rows.iter()
            .map(|r| {
                if r.status_at(now) == Status::Open {
                    return Ok(RowFacts::default());
                }
                Ok(RowFacts::of(r, &txn::events(&events, r.id)?, now))
            })
            .collect()
    }
}
