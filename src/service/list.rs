//! Listing requests: views, filters, search, newest first, cursor pages. This decides what
//! a page holds (the effective statuses of the view and filters, whose requests, the search
//! words); the store finds them (`store::ListReads::list`), checking every filter on each
//! record as of now, so the page is exact even before the sweeper has run.

use std::collections::BTreeSet;

use app::domain::search;
use app::domain::{Agent, AgentId, Assignee, ClientId, Outcome, RequestId, Status};

use super::error::{Result, ServiceError};
use super::{Service, require_view};
use crate::store::{ListOrder, ListSpec};

/// A page of requests, with the cursor of the next one when there are more.
pub use crate::store::ListPage as Page;

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

impl Service {
    pub fn list_requests(&self, caller: &Agent, query: ListQuery) -> Result<Page> {
        require_view(caller)?;
        let now = Self::now();
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);

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
        let order = match query.view {
            Some(View::Upcoming) => ListOrder::Upcoming,
            _ => ListOrder::Newest,
        };
        let spec = ListSpec {
            statuses: wanted,
            assignees,
            outcome: query.outcome,
            words,
            order,
            cursor: query.cursor,
            limit,
            now,
        };
        Ok(self.store.read()?.list(&spec)?)
    }

    /// Tells what an ID in `assignee=` names: an agent or a client.
    pub fn assignee_kind(&self, id: RequestId) -> Option<AssigneeFilter> {
        let mut read = self.store.read().ok()?;
        if read.agent(AgentId::from_u128(id.as_u128())).ok()?.is_some() {
            return Some(AssigneeFilter::Agent(AgentId::from_u128(id.as_u128())));
        }
        if read
            .client(ClientId::from_u128(id.as_u128()))
            .ok()?
            .is_some()
        {
            return Some(AssigneeFilter::Client(ClientId::from_u128(id.as_u128())));
        }
        None
    }
}
