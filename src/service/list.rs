//! Listing requests: views, filters, newest first, cursor pages. The candidates come from the
//! narrowest index the query allows (status, assignee, or creation order), merged newest
//! first; the effective status (expiry as of now) and the remaining filters are applied to
//! each candidate, so the page is exact even before the sweeper has run.

use std::collections::BTreeSet;
use std::iter::Peekable;

use app::domain::{Agent, AgentId, Assignee, ClientId, RequestId, SessionRequest, Status};
use redb::ReadOnlyTable;

use super::error::{Result, ServiceError};
use super::{Service, require_view, txn};
use crate::store::{keys, tables};

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
        })
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<SessionRequest>,
    pub next_cursor: Option<RequestId>,
}

type Ids<'t> = Box<dyn Iterator<Item = Result<RequestId>> + 't>;

/// Merges ID streams that are each newest first into one newest-first stream, once each
/// (an overdue request comes from both its stored status and the expiry index).
struct Merge<'t> {
    heads: Vec<Peekable<Ids<'t>>>,
}

impl Iterator for Merge<'_> {
    type Item = Result<RequestId>;
    fn next(&mut self) -> Option<Self::Item> {
        let mut best: Option<RequestId> = None;
        for head in &mut self.heads {
            match head.peek() {
                Some(Err(_)) => return head.next(),
                Some(Ok(id)) if best.is_none_or(|b| *id > b) => best = Some(*id),
                _ => {}
            }
        }
        let id = best?;
        for head in &mut self.heads {
            // Drop the same ID from the other heads.
            let _ = head.next_if(|e| matches!(e, Ok(x) if *x == id));
        }
        Some(Ok(id))
    }
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

/// IDs of the keys strictly between `after` and `before`, in key order.
fn index_ids_between<'t, const N: usize>(
    table: &'t ReadOnlyTable<[u8; N], ()>,
    after: [u8; N],
    before: [u8; N],
) -> Result<Ids<'t>> {
    use std::ops::Bound::Excluded;
    let range = table.range::<[u8; N]>((Excluded(after), Excluded(before)))?;
    Ok(Box::new(range.map(|e| {
        e.map(|(k, _)| keys::trailing_id(&k.value()))
            .map_err(Into::into)
    })))
}

/// The first `limit` candidates that `keep` accepts, and a cursor when there are more.
fn collect_page(
    requests: &ReadOnlyTable<[u8; 16], &[u8]>,
    candidates: impl Iterator<Item = Result<RequestId>>,
    limit: usize,
    keep: impl Fn(&SessionRequest) -> bool,
) -> Result<Page> {
    let mut items = Vec::with_capacity(limit.min(64));
    let mut has_more = false;
    for id in candidates {
        let rec = record(requests, id?)?;
        if !keep(&rec) {
            continue;
        }
        if items.len() == limit {
            has_more = true;
            break;
        }
        items.push(rec);
    }
    let next_cursor = if has_more {
        items.last().map(|r| r.id)
    } else {
        None
    };
    Ok(Page { items, next_cursor })
}

/// The request an index entry points at; a dangling entry is a broken invariant.
fn record(requests: &ReadOnlyTable<[u8; 16], &[u8]>, id: RequestId) -> Result<SessionRequest> {
    txn::get(requests, id.to_be_bytes())?
        .ok_or_else(|| ServiceError::Internal(format!("index entry without a request: {id}")))
}

/// Requests past their expiry that the sweeper has not written down yet, newest first, up
/// to `top`.
fn overdue<'t>(
    txn: &redb::ReadTransaction,
    now: jiff::Timestamp,
    top: RequestId,
) -> Result<Ids<'t>> {
    let index = txn.open_table(tables::IDX_EXPIRY)?;
    let mut ids = Vec::new();
    for e in index.range(..=keys::timed(now, [0xff; 16]))? {
        let id = keys::trailing_id(&e?.0.value());
        if id <= top {
            ids.push(id);
        }
    }
    ids.sort_unstable_by(|a, b| b.cmp(a));
    Ok(Box::new(ids.into_iter().map(Ok)))
}

/// The highest request ID a page may contain: just below the cursor.
fn upper(cursor: Option<RequestId>) -> RequestId {
    cursor.map_or(RequestId::from_u128(u128::MAX), |c| {
        RequestId::from_u128(c.as_u128().saturating_sub(1))
    })
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

        let txn = self.store.begin_read()?;
        let requests = txn.open_table(tables::REQUESTS)?;
        let by_status = txn.open_table(tables::IDX_STATUS)?;
        let by_assignee = txn.open_table(tables::IDX_ASSIGNEE)?;

        let keep = |rec: &SessionRequest| {
            let status = rec.status_at(now);
            wanted.as_ref().is_none_or(|w| w.contains(&status))
                && assignees.as_ref().is_none_or(|a| a.contains(&rec.assignee))
                && query.q.as_ref().is_none_or(|q| {
                    rec.recipient_name.to_lowercase().contains(q)
                        || rec
                            .recipient_email
                            .as_deref()
                            .is_some_and(|e| e.contains(q.as_str()))
                        || rec.comment.to_lowercase().contains(q)
                })
        };

        if query.view == Some(View::Upcoming) {
            return self.upcoming_page(&txn, &requests, query.cursor, limit, keep);
        }

        // Which index to read: the assignee index has the status in its keys, so a query
        // naming assignees reads just their entries in the wanted statuses; otherwise the
        // status index.
        let expired_wanted = wanted
            .as_ref()
            .is_some_and(|w| w.contains(&Status::Expired));
        let candidates: Ids<'_> = if let Some(assignees) = &assignees {
            let statuses: Vec<Status> = match &wanted {
                Some(w) => w.iter().copied().collect(),
                None => Status::ALL.to_vec(),
            };
            let mut heads = Vec::new();
            for a in assignees {
                for s in &statuses {
                    let lo = keys::assignee(*a, *s, RequestId::from_u128(0));
                    let hi = keys::assignee(*a, *s, top);
                    heads.push(index_ids(&by_assignee, lo, hi)?.peekable());
                }
            }
            if expired_wanted {
                heads.push(overdue(&txn, now, top)?.peekable());
            }
            Box::new(Merge { heads })
        } else if let Some(wanted) = &wanted {
            let mut heads = wanted
                .iter()
                .map(|s| {
                    index_ids(
                        &by_status,
                        keys::status(*s, RequestId::from_u128(0)),
                        keys::status(*s, top),
                    )
                    .map(Iterator::peekable)
                })
                .collect::<Result<Vec<_>>>()?;
            if expired_wanted {
                // Expired but not yet swept, still stored as open/waiting/ready: the expiry
                // index's entries up to now (at most a sweep interval's worth).
                heads.push(overdue(&txn, now, top)?.peekable());
            }
            Box::new(Merge { heads })
        } else {
            let range = requests.range(..=top.to_be_bytes())?;
            Box::new(range.rev().map(|e| {
                e.map(|(k, _)| RequestId::from_be_bytes(k.value()))
                    .map_err(Into::into)
            }))
        };

        collect_page(&requests, candidates, limit, keep)
    }

    /// Upcoming: open requests by schedule, soonest first, then the unscheduled ones newest
    /// first, read in that order from the upcoming index, so a page costs what it shows. The
    /// cursor is the last request shown; its own index key says where the next page starts.
    fn upcoming_page(
        &self,
        txn: &redb::ReadTransaction,
        requests: &ReadOnlyTable<[u8; 16], &[u8]>,
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
        let scheduled: Ids<'_> = match after {
            Some(a) if a >= first_unscheduled => Box::new(std::iter::empty()),
            Some(a) => index_ids_between(&index, a, first_unscheduled)?,
            None => index_ids_between(&index, [0; 25], first_unscheduled)?,
        };
        let below = match after {
            Some(a) if a >= first_unscheduled => {
                keys::upcoming(None, upper(Some(keys::trailing_id(&a))))
            }
            _ => last,
        };
        let unscheduled = index_ids(&index, first_unscheduled, below)?;
        collect_page(requests, scheduled.chain(unscheduled), limit, keep)
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
