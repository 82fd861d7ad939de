//! Listing requests: views, filters, search, newest first, cursor pages. The candidates come
//! from the narrowest indexes the query allows (status, assignee, the search words' terms, or
//! creation order), intersected newest first (`postings`); the effective status (expiry as
//! of now), the search rule (`app::domain::search`) and the other filters are then checked on
//! each candidate, so the page is exact even before the sweeper has run.

use std::collections::BTreeSet;

use app::domain::search;
use app::domain::{Agent, AgentId, Assignee, ClientId, Outcome, RequestId, SessionRequest, Status};
use redb::{ReadOnlyTable, ReadableTable};

use super::error::{Result, ServiceError};
use super::postings::{self, Cursor, Ids, Intersect, Listed, Stream, Union};
use super::{Service, require_view, txn};
use crate::store::{keys, prefix_filter, tables};

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Open requests (scheduled ahead or not yet visited).
    Upcoming,
    /// Waiting, ready, in session: these need attention now.
    Active,
    /// Closed and expired.
    Past,
}

impl View {
    pub fn parse(s: &str) -> Option<View> {
        match s {
            "upcoming" => Some(View::Upcoming),
            "active" => Some(View::Active),
            "past" => Some(View::Past),
            _ => None,
        }
    }

    fn statuses(self) -> &'static [Status] {
        match self {
            View::Upcoming => &[Status::Open],
            View::Active => &[Status::Waiting, Status::Ready, Status::InSession],
            View::Past => &[Status::Closed, Status::Expired],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Mine, or a client's I am a member of.
    Me,
    Unassigned,
    Agent(AgentId),
    Client(ClientId),
}

/// A validated list query.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub view: Option<View>,
    pub statuses: Vec<Status>,
    pub assignee: Option<AssigneeFilter>,
    pub q: Option<String>,
    pub limit: Option<usize>,
    pub cursor: Option<RequestId>,
    /// How a finished request ended (the portal's Past filter; `app::domain::ending`).
    pub outcome: Option<Outcome>,
}

impl ListQuery {
    /// Builds a query from the strings of a URL, naming the field of any bad value.
    pub fn parse(
        view: Option<&str>,
        statuses: &[String],
        assignee: Option<&str>,
        q: Option<&str>,
        limit: Option<&str>,
        cursor: Option<&str>,
        known_agent: impl Fn(RequestId) -> Option<AssigneeFilter>,
    ) -> Result<ListQuery> {
        let view = view
            .filter(|v| !v.is_empty())
            .map(|v| {
                View::parse(v).ok_or_else(|| {
                    ServiceError::invalid("view", "must be upcoming, active or past")
                })
            })
            .transpose()?;
        let statuses = statuses
            .iter()
            .flat_map(|s| s.split(','))
            .filter(|s| !s.is_empty())
            .map(|s| {
                Status::parse(s)
                    .ok_or_else(|| ServiceError::invalid("status", format!("unknown status `{s}`")))
            })
            .collect::<Result<Vec<_>>>()?;
        let assignee =
            match assignee.filter(|a| !a.is_empty()) {
                None => None,
                Some("me") => Some(AssigneeFilter::Me),
                Some("unassigned") => Some(AssigneeFilter::Unassigned),
                Some(id) => {
                    let id: RequestId = id.parse().map_err(|_| {
                        ServiceError::invalid(
                            "assignee",
                            "must be me, unassigned or an agent or client ID",
                        )
                    })?;
                    Some(known_agent(id).ok_or_else(|| {
                        ServiceError::invalid("assignee", "no such agent or client")
                    })?)
                }
            };
        let limit = limit
            .map(|l| match l.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
                _ => Err(ServiceError::invalid(
                    "limit",
                    format!("must be a number from 1 to {MAX_LIMIT}"),
                )),
            })
            .transpose()?;
        let cursor = cursor
            .filter(|c| !c.is_empty())
            .map(|c| {
                c.parse().map_err(|_| {
                    ServiceError::invalid("cursor", "is not a cursor from a previous page")
                })
            })
            .transpose()?;
        let q = q
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_lowercase);
        if q.as_ref().is_some_and(|q| q.chars().count() > 200) {
            return Err(ServiceError::invalid("q", "must be at most 200 characters"));
        }
        Ok(ListQuery {
            view,
            statuses,
            assignee,
            q,
            limit,
            cursor,
            outcome: None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<SessionRequest>,
    pub next_cursor: Option<RequestId>,
}

/// A stream over one fixed-width index range: the IDs at the end of its keys from `lo` up
/// to `hi(to)`, newest first.
fn index_stream<'t, const N: usize>(
    table: &'t ReadOnlyTable<[u8; N], ()>,
    lo: [u8; N],
    hi: impl Fn(RequestId) -> [u8; N] + 't,
) -> Result<Stream<'t>> {
    Cursor::of(move |to| index_ids(table, lo, hi(to)))
}

/// IDs at the end of the keys in `range`, newest first.
fn index_ids<'t, const N: usize>(
    table: &'t ReadOnlyTable<[u8; N], ()>,
    lo: [u8; N],
    hi: [u8; N],
) -> Result<Ids<'t>> {
    let range = table.range(lo..=hi)?;
    Ok(Box::new(range.rev().map(|e| {
        e.map(|(k, _)| keys::trailing_id(&k.value()))
            .map_err(Into::into)
    })))
}

/// An upcoming index entry: the request and its prefix filter.
type Upcoming = (RequestId, prefix_filter::Filter);
type UpcomingEntries<'t> = Box<dyn Iterator<Item = Result<Upcoming>> + 't>;
type UpcomingTable = ReadOnlyTable<[u8; 25], prefix_filter::Filter>;

fn upcoming_entry(
    e: std::result::Result<
        (
            redb::AccessGuard<'_, [u8; 25]>,
            redb::AccessGuard<'_, prefix_filter::Filter>,
        ),
        redb::StorageError,
    >,
) -> Result<Upcoming> {
    let (k, v) = e?;
    Ok((keys::trailing_id(&k.value()), v.value()))
}

/// The upcoming entries strictly between `after` and `before`, in key order.
fn upcoming_between(
    index: &UpcomingTable,
    after: [u8; 25],
    before: [u8; 25],
) -> Result<UpcomingEntries<'_>> {
    use std::ops::Bound::Excluded;
    let range = index.range::<[u8; 25]>((Excluded(after), Excluded(before)))?;
    Ok(Box::new(range.map(upcoming_entry)))
}

/// The upcoming entries from `lo` up to `hi`, backwards.
fn upcoming_down(index: &UpcomingTable, lo: [u8; 25], hi: [u8; 25]) -> Result<UpcomingEntries<'_>> {
    Ok(Box::new(index.range(lo..=hi)?.rev().map(upcoming_entry)))
}

/// A page being filled from candidates in page order: `step` checks one, first with
/// `check` (on what the index says of it, cheaper than reading the record), then with
/// `keep`. A candidate is an ID and what its index entry holds beside it.
struct Ordered<I, C> {
    candidates: I,
    check: C,
    limit: usize,
    items: Vec<SessionRequest>,
}

impl<I, C, X> Ordered<I, C>
where
    I: Iterator<Item = Result<(RequestId, X)>>,
    C: FnMut(RequestId, X) -> Result<bool>,
{
    fn new(candidates: I, check: C, limit: usize) -> Self {
        Ordered {
            candidates,
            check,
            limit,
            items: Vec::with_capacity(limit.min(64)),
        }
    }

    /// Checks the next candidate; the page once it is full (with a cursor when one more
    /// matched) or the candidates ran out.
    fn step(
        &mut self,
        requests: &ReadOnlyTable<[u8; 16], &[u8]>,
        keep: &impl Fn(&SessionRequest) -> bool,
    ) -> Result<Option<Page>> {
        let Some(id) = self.candidates.next() else {
            return Ok(Some(Page {
                items: std::mem::take(&mut self.items),
                next_cursor: None,
            }));
        };
        let (id, entry) = id?;
        if !(self.check)(id, entry)? {
            return Ok(None);
        }
        let rec = record(requests, id)?;
        if !keep(&rec) {
            return Ok(None);
        }
        if self.items.len() == self.limit {
            let items = std::mem::take(&mut self.items);
            let next_cursor = items.last().map(|r| r.id);
            return Ok(Some(Page { items, next_cursor }));
        }
        self.items.push(rec);
        Ok(None)
    }
}

/// The first `limit` candidates that `keep` accepts, and a cursor when there are more.
fn collect_page(
    requests: &ReadOnlyTable<[u8; 16], &[u8]>,
    candidates: impl Iterator<Item = Result<RequestId>>,
    limit: usize,
    keep: impl Fn(&SessionRequest) -> bool,
) -> Result<Page> {
    let candidates = candidates.map(|id| id.map(|id| (id, ())));
    let mut page = Ordered::new(candidates, |_, ()| Ok(true), limit);
    loop {
        if let Some(p) = page.step(requests, &keep)? {
            return Ok(p);
        }
    }
}

/// The request an index entry points at; a dangling entry is a broken invariant.
fn record(requests: &ReadOnlyTable<[u8; 16], &[u8]>, id: RequestId) -> Result<SessionRequest> {
    txn::get(requests, id.to_be_bytes())?
        .ok_or_else(|| ServiceError::Internal(format!("index entry without a request: {id}")))
}

/// Requests past their expiry that the sweeper has not written down yet (at most a sweep
/// interval's worth).
fn overdue<'t>(txn: &redb::ReadTransaction, now: jiff::Timestamp) -> Result<Stream<'t>> {
    Ok(Listed::of(overdue_ids(txn, now)?))
}

/// Their IDs, soonest expiry first (the queue's counts leave them out).
pub(super) fn overdue_ids(
    txn: &redb::ReadTransaction,
    now: jiff::Timestamp,
) -> Result<Vec<RequestId>> {
    let index = txn.open_table(tables::IDX_EXPIRY)?;
    let mut ids = Vec::new();
    for e in index.range(..=keys::timed(now, [0xff; 16]))? {
        ids.push(keys::trailing_id(&e?.0.value()));
    }
    Ok(ids)
}

/// The highest request ID a page may contain: just below the cursor.
fn upper(cursor: Option<RequestId>) -> RequestId {
    cursor.map_or(RequestId::from_u128(u128::MAX), |c| {
        RequestId::from_u128(c.as_u128().saturating_sub(1))
    })
}

/// A search reads at most this many of its words from the index (the longest); it checks
/// all of them on each record.
const INDEXED_WORDS: usize = 8;

/// Streams of the requests each query word may find, for the words the index can answer:
/// what the index holds, and every request whose words are still pending (`pending`, checked
/// on their records like every candidate).
fn word_streams<'t>(
    by_words: &'t postings::WordTable,
    pending: &[RequestId],
    words: &[String],
) -> Result<Vec<Stream<'t>>> {
    let mut streams = Vec::new();
    for w in words.iter().take(INDEXED_WORDS) {
        if let Some(found) = postings::word(by_words, w)? {
            streams.push(match pending {
                [] => found,
                _ => Union::of(vec![found, Listed::of(pending.to_vec())]),
            });
        }
    }
    Ok(streams)
}

/// The requests whose words are not indexed yet (at most about `batch::WORDS_LAG`).
fn words_pending(txn: &redb::ReadTransaction) -> Result<Vec<RequestId>> {
    let mut ids = Vec::new();
    for e in txn.open_table(tables::WORDS_PENDING)?.iter()? {
        ids.push(RequestId::from_be_bytes(e?.0.value()));
    }
    Ok(ids)
}

/// An upcoming key turned into display order: scheduled soonest first, then unscheduled
/// newest first (their ID bytes inverted), so byte order is page order.
fn display_order(mut key: [u8; 25]) -> [u8; 25] {
    if key[0] == 1 {
        key[9..].iter_mut().for_each(|b| *b = !*b);
    }
    key
}

/// How many candidates the Upcoming page's in-order read checks for each match its sorted
/// read gathers. Most candidates cost one index entry read, their prefix filter ruling
/// them out; a match costs a step of the words' intersection and a status look-up, several
/// times that. Measured at a million (`wrk -c1`, p50, 4 / 16 / 64 to one): a last name
/// 1.21 / 0.83 / 0.79 ms, a mail domain 0.79 / 0.50 / 0.46 ms, two letters 1.03 / 0.64 /
/// 0.57 ms; a full name, which the sorted read wins, 1.44 / 1.61 / 2.06 ms.
const IN_ORDER_STEPS: usize = 16;

/// The Upcoming page of a search, from the requests the search finds: `step` gathers
/// their IDs one at a time; once there are no more, `page` reads them, sorts them into
/// display order and cuts the page.
struct SortedMatches<I> {
    matches: I,
    ids: Vec<RequestId>,
}

impl<I: Iterator<Item = Result<RequestId>>> SortedMatches<I> {
    /// Takes one more ID; false when there are no more.
    fn step(&mut self) -> Result<bool> {
        match self.matches.next() {
            Some(id) => {
                self.ids.push(id?);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn page(
        self,
        requests: &ReadOnlyTable<[u8; 16], &[u8]>,
        keep: &impl Fn(&SessionRequest) -> bool,
        after: Option<[u8; 25]>,
        limit: usize,
    ) -> Result<Page> {
        let mut found = Vec::new();
        for id in self.ids {
            let rec = record(requests, id)?;
            let key = display_order(keys::upcoming(rec.scheduled_at, rec.id));
            if keep(&rec) && after.is_none_or(|a| key > a) {
                found.push((key, rec));
            }
        }
        found.sort_unstable_by_key(|f| f.0);
        let more = found.len() > limit;
        let items: Vec<SessionRequest> = found.into_iter().take(limit).map(|(_, r)| r).collect();
        let next_cursor = if more {
            items.last().map(|r| r.id)
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }
}

impl Service {
    pub fn list_requests(&self, caller: &Agent, query: ListQuery) -> Result<Page> {
        require_view(caller)?;
        let now = Self::now();
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
        let top = upper(query.cursor);
        if query.cursor.is_some_and(|c| c.as_u128() == 0) {
            return Ok(Page {
                items: vec![],
                next_cursor: None,
            });
        }

        // Effective statuses wanted: the view's, narrowed by explicit ones.
        let wanted: Option<BTreeSet<Status>> = match (query.view, query.statuses.is_empty()) {
            (None, true) => None,
            (None, false) => Some(query.statuses.iter().copied().collect()),
            (Some(v), true) => Some(v.statuses().iter().copied().collect()),
            (Some(v), false) => Some(
                v.statuses()
                    .iter()
                    .copied()
                    .filter(|s| query.statuses.contains(s))
                    .collect(),
            ),
        };
        // An outcome comes from one or both finished statuses.
        let wanted = match query.outcome {
            None => wanted,
            Some(o) => {
                let from: &[Status] = match o {
                    Outcome::Closed | Outcome::Declined => &[Status::Closed],
                    Outcome::Expired => &[Status::Expired],
                    Outcome::AfterSession => &[Status::Closed, Status::Expired],
                };
                let all = || {
                    View::Past
                        .statuses()
                        .iter()
                        .copied()
                        .collect::<BTreeSet<_>>()
                };
                let wanted = wanted.unwrap_or_else(all);
                Some(
                    from.iter()
                        .copied()
                        .filter(|s| wanted.contains(s))
                        .collect(),
                )
            }
        };
        let my_clients = match query.assignee {
            Some(AssigneeFilter::Me) => self.clients_of(caller.id)?,
            _ => vec![],
        };
        let assignees: Option<Vec<Assignee>> = query.assignee.map(|a| match a {
            AssigneeFilter::Me => std::iter::once(Assignee::Agent(caller.id))
                .chain(my_clients.iter().map(|c| Assignee::Client(*c)))
                .collect(),
            AssigneeFilter::Unassigned => vec![Assignee::Unassigned],
            AssigneeFilter::Agent(id) => vec![Assignee::Agent(id)],
            AssigneeFilter::Client(id) => vec![Assignee::Client(id)],
        });
        let words = query
            .q
            .as_deref()
            .map(search::query_words)
            .unwrap_or_default();

        let txn = self.store.begin_read()?;
        let requests = txn.open_table(tables::REQUESTS)?;
        let by_status = txn.open_table(tables::IDX_STATUS)?;
        let by_assignee = txn.open_table(tables::IDX_ASSIGNEE)?;
        let by_words = txn.open_table(tables::IDX_WORDS)?;

        // The outcome needs the timeline (a decline is an event); a failed read ends the
        // listing with its error once the page stops asking.
        let events = txn.open_table(tables::REQUEST_EVENTS)?;
        let failed = std::cell::RefCell::new(None);
        let ended_as = |rec: &SessionRequest, o: Outcome| match txn::events(&events, rec.id) {
            Ok(timeline) => app::domain::ending(rec, &timeline, now).is_some_and(|e| e.1 == o),
            Err(e) => {
                failed.borrow_mut().get_or_insert(e);
                false
            }
        };
        let keep = |rec: &SessionRequest| {
            let status = rec.status_at(now);
            wanted.as_ref().is_none_or(|w| w.contains(&status))
                && query.outcome.is_none_or(|o| ended_as(rec, o))
                && assignees.as_ref().is_none_or(|a| a.contains(&rec.assignee))
                && (words.is_empty()
                    || search::found_in(
                        &rec.recipient_name,
                        rec.recipient_email.as_deref(),
                        &rec.comment,
                        &words,
                    ))
        };
        let pending = match words.is_empty() {
            true => vec![],
            false => words_pending(&txn)?,
        };
        let mut parts = word_streams(&by_words, &pending, &words)?;

        if query.view == Some(View::Upcoming) {
            let search = (!parts.is_empty())
                .then(|| -> Result<_> {
                    // Look-ups for the index-ordered read; the matches (only a request
                    // stored as open can be upcoming) for the sorted one: the words'
                    // requests down to the oldest open one, each looked up in the status
                    // index. Open requests are dense among the newest, where leapfrogging
                    // with the status index reopened its cursor at nearly every match.
                    let probe = Intersect::of(parts);
                    let open = Status::Open;
                    let (first, last) = (RequestId::from_u128(0), RequestId::from_u128(u128::MAX));
                    let oldest_open = by_status
                        .range(keys::status(open, first)..=keys::status(open, last))?
                        .next()
                        .transpose()?
                        .map_or(last, |(k, _)| keys::trailing_id(&k.value()));
                    let found = Intersect::of(word_streams(&by_words, &pending, &words)?);
                    let by_status = &by_status;
                    let matches = postings::iter(found)
                        .take_while(move |id| id.as_ref().map_or(true, |id| *id >= oldest_open))
                        .filter_map(move |id| {
                            let open_too = |id| by_status.get(keys::status(open, id));
                            match id.and_then(|id| Ok((id, open_too(id)?.is_some()))) {
                                Ok((id, true)) => Some(Ok(id)),
                                Ok((_, false)) => None,
                                Err(e) => Some(Err(e)),
                            }
                        });
                    Ok((probe, matches, prefix_filter::Query::new(&words)))
                })
                .transpose()?;
            return self.upcoming_page(&txn, &requests, search, query.cursor, limit, keep);
        }

        // The filters' candidates: the assignee index has the status in its keys, so a query
        // naming assignees reads just their entries in the wanted statuses; otherwise the
        // status index. Expired but not yet swept requests are still stored as open, waiting
        // or ready: the expiry index's entries up to now add them.
        let expired_wanted = wanted
            .as_ref()
            .is_some_and(|w| w.contains(&Status::Expired));
        let mut filters = Vec::new();
        if let Some(assignees) = &assignees {
            let statuses: Vec<Status> = match &wanted {
                Some(w) => w.iter().copied().collect(),
                None => Status::ALL.to_vec(),
            };
            for a in assignees {
                for s in &statuses {
                    let (a, s) = (*a, *s);
                    filters.push(index_stream(
                        &by_assignee,
                        keys::assignee(a, s, RequestId::from_u128(0)),
                        move |to| keys::assignee(a, s, to),
                    )?);
                }
            }
        } else if let Some(wanted) = &wanted {
            for s in wanted.iter().copied() {
                filters.push(index_stream(
                    &by_status,
                    keys::status(s, RequestId::from_u128(0)),
                    move |to| keys::status(s, to),
                )?);
            }
        }
        if expired_wanted {
            filters.push(overdue(&txn, now)?);
        }
        if assignees.is_some() || wanted.is_some() {
            parts.push(Union::of(filters));
        }
        // Each search word's requests and the filters' together, or every request.
        let mut candidates = match parts.len() {
            0 => Cursor::of(|to| {
                let range = requests.range(..=to.to_be_bytes())?;
                Ok(Box::new(range.rev().map(|e| {
                    e.map(|(k, _)| RequestId::from_be_bytes(k.value()))
                        .map_err(Into::into)
                })) as Ids<'_>)
            })?,
            1 => parts.pop().expect("one part"),
            _ => Intersect::of(parts),
        };
        candidates.skip_to(top)?;
        let page = collect_page(&requests, postings::iter(candidates), limit, keep)?;
        match failed.into_inner() {
            Some(e) => Err(e),
            None => Ok(page),
        }
    }

    /// Upcoming: open requests by schedule, soonest first, then the unscheduled ones newest
    /// first, read in that order from the upcoming index, so a page costs what it shows. The
    /// cursor is the last request shown; its own index key says where the next page starts.
    ///
    /// A search (`probe`: the requests its words find, to look up; `matches`: the open
    /// ones among them, newest first; `filter`: its test of prefix filters) races two reads:
    /// the index in display order, each candidate's filter tested and, if it passes,
    /// looked up in `probe` before its record is read, and the matches' IDs, read
    /// and sorted once they are all in (`IN_ORDER_STEPS` candidates of the first to one
    /// match of the second). The first to finish gives the page, so a common word costs
    /// what the page shows and a rare one what it finds.
    fn upcoming_page<'t>(
        &self,
        txn: &redb::ReadTransaction,
        requests: &ReadOnlyTable<[u8; 16], &[u8]>,
        search: Option<(
            Stream<'t>,
            impl Iterator<Item = Result<RequestId>>,
            prefix_filter::Query,
        )>,
        cursor: Option<RequestId>,
        limit: usize,
        keep: impl Fn(&SessionRequest) -> bool,
    ) -> Result<Page> {
        let index = txn.open_table(tables::IDX_UPCOMING)?;
        let after = match cursor {
            Some(c) => match txn::get::<SessionRequest>(requests, c.to_be_bytes())? {
                Some(r) => Some(keys::upcoming(r.scheduled_at, r.id)),
                // The cursor's request is gone (retention): start over rather than fail.
                None => None,
            },
            None => None,
        };
        let first_unscheduled = keys::upcoming(None, RequestId::from_u128(0));
        let last = keys::upcoming(None, RequestId::from_u128(u128::MAX));
        // Scheduled: forwards from after the cursor; unscheduled: backwards from below it.
        let scheduled: UpcomingEntries<'_> = match after {
            Some(a) if a >= first_unscheduled => Box::new(std::iter::empty()),
            Some(a) => upcoming_between(&index, a, first_unscheduled)?,
            None => upcoming_between(&index, [0; 25], first_unscheduled)?,
        };
        let below = match after {
            Some(a) if a >= first_unscheduled => {
                keys::upcoming(None, upper(Some(keys::trailing_id(&a))))
            }
            _ => last,
        };
        let unscheduled = upcoming_down(&index, first_unscheduled, below)?;
        let in_order = scheduled.chain(unscheduled);
        let Some((mut probe, matches, filter)) = search else {
            let ids = in_order.map(|e| e.map(|(id, _)| id));
            return collect_page(requests, ids, limit, keep);
        };
        // The filter rules out most candidates; the few it lets by are looked up.
        let check = |id, f| Ok(filter.may_find(&f) && probe.contains(id)?);
        let mut in_order = Ordered::new(in_order, check, limit);
        let mut sorted = SortedMatches {
            matches,
            ids: Vec::new(),
        };
        loop {
            for _ in 0..IN_ORDER_STEPS {
                if let Some(page) = in_order.step(requests, &keep)? {
                    return Ok(page);
                }
            }
            if !sorted.step()? {
                return sorted.page(requests, &keep, after.map(display_order), limit);
            }
        }
    }

    /// Tells what an ID in `assignee=` names: an agent or a client.
    pub fn assignee_kind(&self, id: RequestId) -> Option<AssigneeFilter> {
        let txn = self.store.begin_read().ok()?;
        let key = id.to_be_bytes();
        if txn
            .open_table(tables::AGENTS)
            .ok()?
            .get(key)
            .ok()?
            .is_some()
        {
            return Some(AssigneeFilter::Agent(AgentId::from_u128(id.as_u128())));
        }
        if txn
            .open_table(tables::CLIENTS)
            .ok()?
            .get(key)
            .ok()?
            .is_some()
        {
            return Some(AssigneeFilter::Client(ClientId::from_u128(id.as_u128())));
        }
        None
    }
}
