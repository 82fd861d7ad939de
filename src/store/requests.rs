//! Session requests as the store keeps them: the record, its timeline, and what points at it
//! (its link's index entry, the device a link is bound to, its join codes).

use app::domain::{RequestId, SessionRequest, TimelineEvent};

use super::StoreError;
use crate::links::LinkKey;

type Result<T> = std::result::Result<T, StoreError>;

pub trait RequestReads {
    fn request(&mut self, id: RequestId) -> Result<Option<SessionRequest>>;

    /// All timeline events of a request, oldest first.
    fn timeline(&mut self, id: RequestId) -> Result<Vec<TimelineEvent>>;

    /// The request a link's index entry (`LinkKey::indexed`) names.
    fn request_by_link(&mut self, indexed: [u8; 32]) -> Result<Option<RequestId>>;

    /// The device a link (by `links::token_hash`) is bound to.
    fn bound_device(&mut self, link: [u8; 32]) -> Result<Option<[u8; 32]>>;

    /// The request a join code (`JoinCode::bits`) was handed out for.
    fn join_code(&mut self, code: u64) -> Result<Option<RequestId>>;
}

pub trait RequestWrites {
    /// Writes a request; `old` is what was stored before (none for a new one), so a backend
    /// may move only what changed.
    fn put_request(&mut self, old: Option<&SessionRequest>, new: &SessionRequest) -> Result<()>;

    /// Appends event number `seq` to a request's timeline (never rewritten).
    fn add_event(&mut self, id: RequestId, seq: u32, event: &TimelineEvent) -> Result<()>;

    /// Removes requests with their timelines, their links' entries, devices and join codes
    /// (retention); returns how many timeline events went with them.
    fn remove_requests(&mut self, recs: &[SessionRequest], links: &LinkKey) -> Result<u64>;

    /// Records a link's index entry (links of the first format only, `LinkKey::indexed`).
    fn put_link(&mut self, indexed: [u8; 32], id: RequestId) -> Result<()>;
    fn remove_link(&mut self, indexed: [u8; 32]) -> Result<()>;

    /// Binds a link (by `links::token_hash`) to a device.
    fn bind_device(&mut self, link: [u8; 32], device: [u8; 32]) -> Result<()>;
    /// Unbinds a link; false if it was not bound.
    fn unbind_device(&mut self, link: [u8; 32]) -> Result<bool>;

    /// Brings the search index up to date with every request written so far (the end of a
    /// bulk load; writes may otherwise leave it to catch up).
    fn index_now(&mut self) -> Result<()>;

    fn put_join_code(&mut self, code: u64, id: RequestId) -> Result<()>;
    fn remove_join_code(&mut self, code: u64) -> Result<()>;
}
