//! Lists, searches and counts in PostgreSQL. A page is read in chunks of candidates in page
//! order, narrowed by SQL as far as the indexes allow (stored status, assignee, search terms,
//! the cursor), and each candidate is then checked on its record with the same rule as the
//! embedded store's (`ListSpec::keeps`), so both backends give the same pages.
//!
//! Newest first, the candidates are a union of index ranges (one per wanted status, or per
//! assignee and status), each read newest first: PostgreSQL cannot order several ranges of
//! one index by ID without sorting them all.

use app::domain::{RequestId, SessionRequest, Status};
use jiff::Timestamp;
use tokio_postgres::types::ToSql;

use super::requests::{assignee_key, id_bytes, id_of, ms};
use super::tx::{Conn, PgRead, Result};
use crate::store::{ListOrder, ListPage, ListReads, ListSpec};

/// Candidates read per statement: a page and a little more, so a page whose candidates
/// mostly match costs one statement.
fn chunk(limit: usize) -> i64 {
    (limit as i64 + 1) * 2
}

type Param = Box<dyn ToSql + Sync + Send>;

/// A statement being built: its text and its parameters, numbered as they are added.
#[derive(Default)]
struct Sql {
    params: Vec<Param>,
}

impl Sql {
    /// Adds a parameter; returns its placeholder.
    fn param(&mut self, p: impl ToSql + Sync + Send + 'static) -> String {
        self.params.push(Box::new(p));
        format!("${}", self.params.len())
    }

    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params
            .iter()
            .map(|p| p.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }
}

/// A search's terms as a query: each word must begin a term (`'word':*`), as a word of the
/// embedded store's index is a range of its terms.
fn ts_query(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            let w = app::domain::search::term_key(w);
            format!("'{}':*", w.replace('\\', "\\\\").replace('\'', "''"))
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// The stored statuses whose requests may be wanted, and whether overdue ones (stored as
/// open, waiting or ready, effectively expired) are.
fn stored_statuses(spec: &ListSpec) -> Option<(Vec<i16>, bool)> {
    spec.statuses.as_ref().map(|w| {
        let codes = w.iter().map(|s| i16::from(s.code())).collect();
        (codes, w.contains(&Status::Expired))
    })
}

/// The conditions of each newest-first range: one per wanted status (per assignee too, when
/// assignees are named), and the overdue requests when expired ones are wanted.
fn ranges(spec: &ListSpec, sql: &mut Sql) -> Vec<String> {
    let statuses = stored_statuses(spec);
    let mut out = Vec::new();
    let codes: Vec<Option<i16>> = match &statuses {
        Some((codes, _)) => codes.iter().copied().map(Some).collect(),
        None => vec![None],
    };
    match &spec.assignees {
        Some(assignees) => {
            for a in assignees {
                let a = sql.param(assignee_key(*a));
                for code in &codes {
                    out.push(match code {
                        Some(c) => format!("assignee = {a} AND status = {}", sql.param(*c)),
                        None => format!("assignee = {a}"),
                    });
                }
            }
        }
        None => {
            for code in &codes {
                out.push(match code {
                    Some(c) => format!("status = {}", sql.param(*c)),
                    None => "TRUE".to_owned(),
                });
            }
        }
    }
    if statuses.is_some_and(|(_, overdue)| overdue) {
        let overdue = format!(
            "expires_at IS NOT NULL AND expires_at <= {}",
            sql.param(ms(spec.now))
        );
        match &spec.assignees {
            // Only the named assignees' overdue requests can be on the page.
            Some(assignees) => {
                let keys: Vec<Vec<u8>> = assignees.iter().map(|a| assignee_key(*a)).collect();
                out.push(format!("{overdue} AND assignee = ANY({})", sql.param(keys)));
            }
            None => out.push(overdue),
        }
    }
    out
}

/// The highest ID a page may hold: just below `below`, or any.
fn upper(below: Option<RequestId>) -> RequestId {
    below.map_or(RequestId::from_u128(u128::MAX), |c| {
        RequestId::from_u128(c.as_u128().saturating_sub(1))
    })
}

/// Newest first from `top` down: one chunk of candidates.
fn newest_chunk(c: &Conn, spec: &ListSpec, top: RequestId) -> Result<Vec<SessionRequest>> {
    let mut sql = Sql::default();
    let top = sql.param(id_bytes(top).to_vec());
    let words = (!spec.words.is_empty()).then(|| {
        format!(
            " AND terms @@ {}::text::tsquery",
            sql.param(ts_query(&spec.words))
        )
    });
    let n = sql.param(chunk(spec.limit));
    let branches: Vec<String> = ranges(spec, &mut sql)
        .into_iter()
        .map(|cond| {
            format!(
                "(SELECT id, record FROM requests WHERE {cond} AND id <= {top}{} \
                 ORDER BY id DESC LIMIT {n})",
                words.as_deref().unwrap_or("")
            )
        })
        .collect();
    let text = format!(
        "SELECT DISTINCT ON (id) id, record FROM ({}) AS candidates ORDER BY id DESC LIMIT {n}",
        branches.join(" UNION ALL ")
    );
    c.query_once(&text, &sql.refs())?
        .iter()
        .map(|row| Conn::record(row, 1))
        .collect()
}

/// Where the Upcoming order resumes: after a scheduled request (its time and ID), or after
/// an unscheduled one (its ID).
#[derive(Clone, Copy)]
enum After {
    Start,
    Scheduled(i64, RequestId),
    Unscheduled(RequestId),
}

impl After {
    fn of(rec: &SessionRequest) -> After {
        match rec.scheduled_at {
            Some(t) => After::Scheduled(ms(t), rec.id),
            None => After::Unscheduled(rec.id),
        }
    }
}

/// The Upcoming order from after `after`: requests stored as open, scheduled ones soonest
/// first, then unscheduled ones newest first.
fn upcoming_chunk(c: &Conn, spec: &ListSpec, after: After) -> Result<Vec<SessionRequest>> {
    let mut sql = Sql::default();
    // A constant, so the planner can use the partial index of open requests.
    let mut cond = format!("status = {}", Status::Open.code());
    match after {
        After::Start => {}
        After::Scheduled(t, id) => cond.push_str(&format!(
            " AND (scheduled_at IS NULL OR (scheduled_at, id) > ({}, {}))",
            sql.param(t),
            sql.param(id_bytes(id).to_vec())
        )),
        After::Unscheduled(id) => cond.push_str(&format!(
            " AND scheduled_at IS NULL AND id < {}",
            sql.param(id_bytes(id).to_vec())
        )),
    }
    if let Some(assignees) = &spec.assignees {
        let keys: Vec<Vec<u8>> = assignees.iter().map(|a| assignee_key(*a)).collect();
        cond.push_str(&format!(" AND assignee = ANY({})", sql.param(keys)));
    }
    if !spec.words.is_empty() {
        cond.push_str(&format!(
            " AND terms @@ {}::text::tsquery",
            sql.param(ts_query(&spec.words))
        ));
    }
    let text = format!(
        "SELECT record FROM requests WHERE {cond} \
         ORDER BY (scheduled_at IS NULL), scheduled_at, \
             (CASE WHEN scheduled_at IS NOT NULL THEN id END), id DESC \
         LIMIT {}",
        sql.param(chunk(spec.limit))
    );
    c.query_once(&text, &sql.refs())?
        .iter()
        .map(|row| Conn::record(row, 0))
        .collect()
}

/// Fills a page from chunks of candidates in page order; `next` reads the chunk after the
/// last candidate of the one before (`None`: the first).
fn fill(
    c: &Conn,
    spec: &ListSpec,
    mut next: impl FnMut(Option<&SessionRequest>) -> Result<Vec<SessionRequest>>,
) -> Result<ListPage> {
    let mut items = Vec::with_capacity(spec.limit.min(64));
    let mut last: Option<SessionRequest> = None;
    loop {
        let candidates = next(last.as_ref())?;
        let full_chunk = candidates.len() as i64 == chunk(spec.limit);
        for rec in &candidates {
            if !spec.keeps(rec, || super::requests::timeline(c, rec.id))? {
                continue;
            }
            if items.len() == spec.limit {
                let next_cursor = items.last().map(|r: &SessionRequest| r.id);
                return Ok(ListPage { items, next_cursor });
            }
            items.push(rec.clone());
        }
        if !full_chunk {
            return Ok(ListPage {
                items,
                next_cursor: None,
            });
        }
        last = candidates.into_iter().last();
    }
}

fn list(c: &Conn, spec: &ListSpec) -> Result<ListPage> {
    // No status wanted (a view and a status that exclude each other): nothing to read.
    let none_wanted = spec.statuses.as_ref().is_some_and(|w| w.is_empty());
    if none_wanted || spec.cursor.is_some_and(|c| c.as_u128() == 0) {
        return Ok(ListPage {
            items: vec![],
            next_cursor: None,
        });
    }
    match spec.order {
        ListOrder::Newest => fill(c, spec, |last| {
            // Just below the cursor, or below the chunk before.
            let below = last.map(|r| r.id).or(spec.cursor);
            newest_chunk(c, spec, upper(below))
        }),
        ListOrder::Upcoming => {
            // A cursor whose request is gone (retention) starts the order over.
            let start = match spec.cursor {
                Some(id) => super::requests::request(c, id, false)?
                    .as_ref()
                    .map_or(After::Start, After::of),
                None => After::Start,
            };
            fill(c, spec, |last| {
                upcoming_chunk(c, spec, last.map_or(start, After::of))
            })
        }
    }
}

impl ListReads for PgRead {
    fn list(&mut self, spec: &ListSpec) -> Result<ListPage> {
        list(&self.c, spec)
    }

    fn overdue(&mut self, now: Timestamp) -> Result<Vec<RequestId>> {
        Ok(self
            .c
            .query(
                "SELECT id FROM requests WHERE expires_at IS NOT NULL AND expires_at <= $1 \
                 ORDER BY expires_at, id",
                &[&ms(now)],
            )?
            .iter()
            .map(|row| id_of(row.get(0)))
            .collect())
    }

    fn count_stored(
        &mut self,
        statuses: &[Status],
        cap: usize,
        counted: &mut dyn FnMut(RequestId) -> bool,
    ) -> Result<usize> {
        let mut n = 0;
        for s in statuses {
            let rows = self.c.query(
                "SELECT id FROM requests WHERE status = $1 ORDER BY id",
                &[&i16::from(s.code())],
            )?;
            for row in &rows {
                if counted(id_of(row.get(0))) {
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
        self.c
            .query(
                "SELECT record FROM requests WHERE status = $1 ORDER BY id",
                &[&i16::from(status.code())],
            )?
            .iter()
            .map(|row| Conn::record(row, 0))
            .collect()
    }
}
