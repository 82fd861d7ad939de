//! The sweeper's due work: requests to expire, remind or prompt, and what retention may
//! remove. Read inside the sweeper's write transactions too.
//!
//! Each query reads from the oldest (or soonest) entry of a time-ordered index and stops at
//! the first one past its bound (or at its limit), so its cost grows with the work due, not
//! with what is stored. Index times are kept to the millisecond: a query that says so
//! compares to the millisecond, and the caller checks the record where the tick matters.

use app::domain::{RequestId, SessionRequest};
use jiff::Timestamp;

use super::StoreError;
use super::records::{OutboxItem, PurgeRecord};

type Result<T> = std::result::Result<T, StoreError>;

pub trait SweepReads {
    /// Whether the soonest stored expiry (of a request whose stored status can expire) is at
    /// or before `now`: one index look-up however much is stored.
    fn any_expiry_due(&mut self, now: Timestamp) -> Result<bool>;

    /// Requests whose stored status can expire and whose expiry is at or before `now` (to
    /// the millisecond), soonest first, at most `limit`.
    fn due_expiries(&mut self, now: Timestamp, limit: usize) -> Result<Vec<RequestId>>;

    /// Requests scheduled from `from` to `until` (both included, to the millisecond), soonest
    /// first, that `wanted` accepts; at most `limit`. Reading stops at the `limit`th accepted
    /// one, so `wanted` sees only the requests read up to there.
    fn scheduled_between(
        &mut self,
        from: Timestamp,
        until: Timestamp,
        wanted: &mut dyn FnMut(&SessionRequest) -> bool,
        limit: usize,
    ) -> Result<Vec<SessionRequest>>;

    /// Requests whose connect prompt, still unanswered, was asked at or before `cutoff` (to
    /// the tick), asked earliest first.
    fn prompts_asked_by(&mut self, cutoff: Timestamp) -> Result<Vec<SessionRequest>>;

    /// Requests that finished (closed, or expired) before `cutoff` (to the millisecond),
    /// earliest first, at most `limit`.
    fn finished_before(&mut self, cutoff: Timestamp, limit: usize) -> Result<Vec<RequestId>>;

    /// Outbox items no longer pending (sent, failed or superseded) made before `cutoff` (to
    /// the millisecond), oldest first, at most `limit`. Pending items are passed over, however
    /// old.
    fn spent_outbox_before(&mut self, cutoff: Timestamp, limit: usize) -> Result<Vec<OutboxItem>>;

    /// The newest `limit` retention runs, newest first.
    fn purges(&mut self, limit: usize) -> Result<Vec<PurgeRecord>>;
}

pub trait SweepWrites {
    /// Removes outbox items (the mail log's retention), with their entry in the failed
    /// items' list when they failed.
    fn remove_outbox_items(&mut self, items: &[OutboxItem]) -> Result<()>;

    /// Appends what a retention run deleted to the retention log (never rewritten).
    fn add_purge(&mut self, record: &PurgeRecord) -> Result<()>;
}
