//! Queries over many requests: the portal's and the API's lists, searches and counts, and
//! the sweeper's due work.

use std::collections::BTreeSet;

use app::domain::search;
use app::domain::{Assignee, Outcome, RequestId, SessionRequest, Status, TimelineEvent};
use jiff::Timestamp;

use super::StoreError;

type Result<T> = std::result::Result<T, StoreError>;

/// What a list page holds, as the service decided it: the filters (each checked on the
/// record as of `now`, so the page is exact even before the sweeper has run), the order and
/// where the page starts.
#[derive(Debug, Clone)]
pub struct ListSpec {
    /// The effective statuses (`SessionRequest::status_at(now)`) wanted; `None`: any.
    pub statuses: Option<BTreeSet<Status>>,
    /// The assignees wanted; `None`: anyone.
    pub assignees: Option<Vec<Assignee>>,
    /// How a finished request ended (`app::domain::ending` as of `now`); `None`: any.
    pub outcome: Option<Outcome>,
    /// Search words (`app::domain::search::query_words`): a request must hold every one
    /// (`app::domain::search::found_in`). Empty: no search.
    pub words: Vec<String>,
    pub order: ListOrder,
    /// The last request of the previous page; `None` for the first page.
    pub cursor: Option<RequestId>,
    /// The most requests a page holds (at least one).
    pub limit: usize,
    pub now: Timestamp,
}

impl ListSpec {
    /// Whether `rec` belongs on the page as of `now`: the filters every backend checks on
    /// each candidate its indexes give, so pages are exact. `timeline` reads the request's
    /// timeline; it is asked for only when an outcome is wanted.
    pub fn keeps(
        &self,
        rec: &SessionRequest,
        timeline: impl FnOnce() -> Result<Vec<TimelineEvent>>,
    ) -> Result<bool> {
        let status = rec.status_at(self.now);
        let plain = self.statuses.as_ref().is_none_or(|w| w.contains(&status))
            && self
                .assignees
                .as_ref()
                .is_none_or(|a| a.contains(&rec.assignee))
            && (self.words.is_empty()
                || search::found_in(
                    &rec.recipient_name,
                    rec.recipient_email.as_deref(),
                    &rec.comment,
                    &self.words,
                ));
        Ok(match self.outcome {
            Some(o) if plain => {
                app::domain::ending(rec, &timeline()?, self.now).is_some_and(|e| e.1 == o)
            }
            _ => plain,
        })
    }
}

/// The order of a list's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOrder {
    /// Newest first (by request ID).
    Newest,
    /// The Upcoming view's: requests stored as open, scheduled ones soonest first, then the
    /// unscheduled ones newest first.
    Upcoming,
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub items: Vec<SessionRequest>,
    /// The cursor of the next page (its `ListSpec::cursor`) when more requests match.
    pub next_cursor: Option<RequestId>,
}

pub trait ListReads {
    /// One page of the requests `spec` asks for, in its order, starting after its cursor
    /// (a cursor whose request is gone starts the Upcoming order over).
    fn list(&mut self, spec: &ListSpec) -> Result<ListPage>;

    /// The requests past their expiry as of `now` that the sweeper has not written down yet
    /// (still stored as open, waiting or ready; at most a sweep interval's worth), soonest
    /// expiry first.
    fn overdue(&mut self, now: Timestamp) -> Result<Vec<RequestId>>;

    /// How many requests stored with one of `statuses` (as stored, not as of now) `counted`
    /// accepts, in `statuses`' order; it stops once more than `cap` were, answering
    /// `cap + 1`.
    fn count_stored(
        &mut self,
        statuses: &[Status],
        cap: usize,
        counted: &mut dyn FnMut(RequestId) -> bool,
    ) -> Result<usize>;

    /// Every request stored with `status`, oldest ID first: for a status few requests hold
    /// at once (in session).
    fn stored_with_status(&mut self, status: Status) -> Result<Vec<SessionRequest>>;
}
