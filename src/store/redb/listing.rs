//! Lists, searches and counts over redb's indexes. A list page's candidates come from the
//! narrowest indexes the query allows (status, assignee, the search words' terms, or
//! creation order), intersected newest first (`postings`); the effective status (expiry as
//! of now), the search rule (`app::domain::search`) and the other filters are then checked on
//! each candidate, so the page is exact even before the sweeper has run.

use std::cell::RefCell;

use app::domain::{RequestId, SessionRequest, Status};
use jiff::Timestamp;
use redb::{ReadOnlyTable, ReadableTable};

use super::keys;
use super::postings::{self, Cursor, Ids, Intersect, Listed, Stream, Union};
use super::prefix_filter;
use super::requests::timeline_in;
use super::tables;
use super::tx::{Result, Snapshot, get};
use crate::store::{ListOrder, ListPage, ListReads, ListSpec, StoreError};

impl ListReads for Snapshot {
    fn list(&mut self, spec: &ListSpec) -> Result<ListPage> {
        list(self, spec)
    }

    fn overdue(&mut self, now: Timestamp) -> Result<Vec<RequestId>> {
        overdue_ids(&self.table(tables::IDX_EXPIRY)?, now)
    }

    fn count_stored(
        &mut self,
        statuses: &[Status],
        cap: usize,
        counted: &mut dyn FnMut(RequestId) -> bool,
    ) -> Result<usize> {
        let by_status = self.table(tables::IDX_STATUS)?;
        let mut n = 0;
        for s in statuses {
            for id in stored_ids(&by_status, *s)? {
                if counted(id?) {
                    n += 1;
                    if n > cap {
                        return Ok(n);
                    }
                }
            }
        }
        Ok(n)
    }

    fn stored_with_status(&mut self, status: Status) -> Result<Vec<SessionRequest>> {
        let by_status = self.table(tables::IDX_STATUS)?;
        let requests = self.table(tables::REQUESTS)?;
        let mut out = Vec::new();
        for id in stored_ids(&by_status, status)? {
            if let Some(rec) = get(&requests, id?.to_be_bytes())? {
                out.push(rec);
            }
        }
        Ok(out)
    }
}

/// The IDs of the requests stored with `status`, oldest first.
fn stored_ids(
    by_status: &ReadOnlyTable<[u8; 17], ()>,
    status: Status,
) -> Result<impl Iterator<Item = Result<RequestId>> + '_> {
    let (lo, hi) = (RequestId::from_u128(0), RequestId::from_u128(u128::MAX));
    let range = by_status.range(keys::status(status, lo)..=keys::status(status, hi))?;
    Ok(range.map(|e| -> Result<RequestId> { Ok(keys::trailing_id(&e?.0.value())) }))
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
type RequestTable = ReadOnlyTable<[u8; 16], &'static [u8]>;

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
        requests: &RequestTable,
        keep: &impl Fn(&SessionRequest) -> bool,
    ) -> Result<Option<ListPage>> {
        let Some(id) = self.candidates.next() else {
            return Ok(Some(ListPage {
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
            return Ok(Some(ListPage { items, next_cursor }));
        }
        self.items.push(rec);
        Ok(None)
    }
}

/// The first `limit` candidates that `keep` accepts, and a cursor when there are more.
fn collect_page(
    requests: &RequestTable,
    candidates: impl Iterator<Item = Result<RequestId>>,
    limit: usize,
    keep: &impl Fn(&SessionRequest) -> bool,
) -> Result<ListPage> {
    let candidates = candidates.map(|id| id.map(|id| (id, ())));
    let mut page = Ordered::new(candidates, |_, ()| Ok(true), limit);
    loop {
        if let Some(p) = page.step(requests, keep)? {
            return Ok(p);
        }
    }
}

/// The request an index entry points at; a dangling entry is a broken invariant.
fn record(requests: &RequestTable, id: RequestId) -> Result<SessionRequest> {
    get(requests, id.to_be_bytes())?
        .ok_or_else(|| StoreError::Inconsistent(format!("index entry without a request: {id}")))
}

/// Requests past their expiry that the sweeper has not written down yet (at most a sweep
/// interval's worth).
fn overdue_stream<'t>(s: &Snapshot, now: Timestamp) -> Result<Stream<'t>> {
    Ok(Listed::of(overdue_ids(&s.table(tables::IDX_EXPIRY)?, now)?))
}

/// Their IDs, soonest expiry first (the queue's counts leave them out).
fn overdue_ids(index: &ReadOnlyTable<[u8; 24], ()>, now: Timestamp) -> Result<Vec<RequestId>> {
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
fn words_pending(s: &Snapshot) -> Result<Vec<RequestId>> {
    let mut ids = Vec::new();
    for e in s.table(tables::WORDS_PENDING)?.iter()? {
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
        requests: &RequestTable,
        keep: &impl Fn(&SessionRequest) -> bool,
        after: Option<[u8; 25]>,
        limit: usize,
    ) -> Result<ListPage> {
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
        Ok(ListPage { items, next_cursor })
    }
}

/// What every list page reads: the records and the indexes its candidates may come from.
struct Tables {
    requests: RequestTable,
    by_status: ReadOnlyTable<[u8; 17], ()>,
    by_assignee: ReadOnlyTable<[u8; 34], ()>,
    by_words: postings::WordTable,
    events: ReadOnlyTable<[u8; 20], &'static [u8]>,
}

impl Tables {
    fn open(s: &Snapshot) -> Result<Tables> {
        Ok(Tables {
            requests: s.table(tables::REQUESTS)?,
            by_status: s.table(tables::IDX_STATUS)?,
            by_assignee: s.table(tables::IDX_ASSIGNEE)?,
            by_words: s.table(tables::IDX_WORDS)?,
            events: s.table(tables::REQUEST_EVENTS)?,
        })
    }
}

/// What a list checks on each candidate's record: its effective status as of now, how it
/// ended, its assignee and the search words. The outcome needs the timeline (a decline is
/// an event); a failed read ends the listing with its error once the page stops asking
/// (`finish`).
struct Keep<'a> {
    spec: &'a ListSpec,
    events: &'a ReadOnlyTable<[u8; 20], &'static [u8]>,
    failed: RefCell<Option<StoreError>>,
}

impl Keep<'_> {
    fn keep(&self, rec: &SessionRequest) -> bool {
        match self.spec.keeps(rec, || timeline_in(self.events, rec.id)) {
            Ok(keep) => keep,
            Err(e) => {
                self.failed.borrow_mut().get_or_insert(e);
                false
            }
        }
    }

    /// The page, or the first timeline read that failed while it was filled.
    fn finish(self, page: ListPage) -> Result<ListPage> {
        match self.failed.into_inner() {
            Some(e) => Err(e),
            None => Ok(page),
        }
    }
}

fn list(s: &Snapshot, spec: &ListSpec) -> Result<ListPage> {
    if spec.cursor.is_some_and(|c| c.as_u128() == 0) {
        return Ok(ListPage {
            items: vec![],
            next_cursor: None,
        });
    }
    let t = Tables::open(s)?;
    let filter = Keep {
        spec,
        events: &t.events,
        failed: RefCell::new(None),
    };
    let keep = |rec: &SessionRequest| filter.keep(rec);
    let pending = match spec.words.is_empty() {
        true => vec![],
        false => words_pending(s)?,
    };
    let page = match spec.order {
        ListOrder::Upcoming => upcoming_page(s, &t, spec, &pending, &keep)?,
        ListOrder::Newest => newest_page(s, &t, spec, &pending, &keep)?,
    };
    filter.finish(page)
}

/// Newest first: the candidates of the search words and the filters, intersected, from
/// just below the cursor.
fn newest_page(
    s: &Snapshot,
    t: &Tables,
    spec: &ListSpec,
    pending: &[RequestId],
    keep: &impl Fn(&SessionRequest) -> bool,
) -> Result<ListPage> {
    let mut parts = word_streams(&t.by_words, pending, &spec.words)?;
    if let Some(filters) = filter_streams(s, t, spec)? {
        parts.push(filters);
    }
    // Each search word's requests and the filters' together, or every request.
    let requests = &t.requests;
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
    candidates.skip_to(upper(spec.cursor))?;
    collect_page(requests, postings::iter(candidates), spec.limit, keep)
}

/// The filters' candidates, if the spec filters by status or assignee: the assignee index
/// has the status in its keys, so a query naming assignees reads just their entries in the
/// wanted statuses; otherwise the status index. Expired but not yet swept requests are still
/// stored as open, waiting or ready: the expiry index's entries up to now add them.
fn filter_streams<'t>(s: &Snapshot, t: &'t Tables, spec: &ListSpec) -> Result<Option<Stream<'t>>> {
    let wanted = &spec.statuses;
    let expired_wanted = wanted
        .as_ref()
        .is_some_and(|w| w.contains(&Status::Expired));
    let mut filters = Vec::new();
    if let Some(assignees) = &spec.assignees {
        let statuses: Vec<Status> = match wanted {
            Some(w) => w.iter().copied().collect(),
            None => Status::ALL.to_vec(),
        };
        for a in assignees {
            for s in &statuses {
                let (a, s) = (*a, *s);
                filters.push(index_stream(
                    &t.by_assignee,
                    keys::assignee(a, s, RequestId::from_u128(0)),
                    move |to| keys::assignee(a, s, to),
                )?);
            }
        }
    } else if let Some(wanted) = wanted {
        for s in wanted.iter().copied() {
            filters.push(index_stream(
                &t.by_status,
                keys::status(s, RequestId::from_u128(0)),
                move |to| keys::status(s, to),
            )?);
        }
    }
    if expired_wanted {
        filters.push(overdue_stream(s, spec.now)?);
    }
    Ok((spec.assignees.is_some() || wanted.is_some()).then(|| Union::of(filters)))
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
fn upcoming_page(
    s: &Snapshot,
    t: &Tables,
    spec: &ListSpec,
    pending: &[RequestId],
    keep: &impl Fn(&SessionRequest) -> bool,
) -> Result<ListPage> {
    let (requests, limit) = (&t.requests, spec.limit);
    let search = upcoming_search(t, pending, &spec.words)?;
    let index = s.table(tables::IDX_UPCOMING)?;
    let after = match spec.cursor {
        Some(c) => match get::<SessionRequest>(requests, c.to_be_bytes())? {
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
            if let Some(page) = in_order.step(requests, keep)? {
                return Ok(page);
            }
        }
        if !sorted.step()? {
            return sorted.page(requests, keep, after.map(display_order), limit);
        }
    }
}

/// What the Upcoming page's two reads of a search need (see `upcoming_page`), when the
/// index can answer some of its words: the requests they find, to look up; the open ones
/// among them, newest first; the test of prefix filters.
#[allow(clippy::type_complexity)]
fn upcoming_search<'t>(
    t: &'t Tables,
    pending: &'t [RequestId],
    words: &'t [String],
) -> Result<
    Option<(
        Stream<'t>,
        impl Iterator<Item = Result<RequestId>> + 't,
        prefix_filter::Query,
    )>,
> {
    let parts = word_streams(&t.by_words, pending, words)?;
    if parts.is_empty() {
        return Ok(None);
    }
    // Look-ups for the index-ordered read; the matches (only a request stored as open can
    // be upcoming) for the sorted one: the words' requests down to the oldest open one,
    // each looked up in the status index. Open requests are dense among the newest, where
    // leapfrogging with the status index reopened its cursor at nearly every match.
    let probe = Intersect::of(parts);
    let open = Status::Open;
    let (first, last) = (RequestId::from_u128(0), RequestId::from_u128(u128::MAX));
    let oldest_open = t
        .by_status
        .range(keys::status(open, first)..=keys::status(open, last))?
        .next()
        .transpose()?
        .map_or(last, |(k, _)| keys::trailing_id(&k.value()));
    let found = Intersect::of(word_streams(&t.by_words, pending, words)?);
    let by_status = &t.by_status;
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
    Ok(Some((probe, matches, prefix_filter::Query::new(words))))
}
