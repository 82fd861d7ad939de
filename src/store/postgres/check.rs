//! `beckon check` on PostgreSQL: every request's columns are what its record says (the
//! queries select by them), every timeline is whole, and nothing points at a request that
//! is gone. A summary counts what is stored.

use app::domain::SessionRequest;

use super::requests::Columns;
use super::tx::Conn;
use super::{Db, schema};
use crate::store::{BackupSummary, StoreError};

/// The tables a summary counts.
const TABLES: &[&str] = &[
    "requests",
    "request_events",
    "link_tokens",
    "link_devices",
    "join_codes",
    "agents",
    "agent_emails",
    "clients",
    "auth_tokens",
    "agent_totp",
    "outbox",
    "webhooks",
    "audit",
    "purge_log",
    "meta",
];

impl Db {
    /// Lists every inconsistency (empty when all is well).
    pub fn verify(&self) -> Result<Vec<String>, StoreError> {
        let c = Conn::new(self.clone(), self.conn()?);
        let mut problems = Vec::new();
        let rows = c.query(
            "SELECT r.id, r.record, r.status, r.assignee, r.scheduled_at, r.expires_at, \
                 r.finished_at, r.prompt_at, \
                 (SELECT count(*) FROM request_events e WHERE e.request = r.id) \
             FROM requests r ORDER BY r.id",
            &[],
        )?;
        for row in &rows {
            let rec: SessionRequest = Conn::record(row, 1)?;
            if row.get::<_, &[u8]>(0) != rec.id.to_be_bytes().as_slice() {
                problems.push(format!("request stored under the wrong key: {}", rec.id));
            }
            let want = Columns::of(&rec);
            let found = (
                row.get::<_, i16>(2),
                row.get::<_, Vec<u8>>(3),
                row.get::<_, Option<i64>>(4),
                row.get::<_, Option<i64>>(5),
                row.get::<_, Option<i64>>(6),
                row.get::<_, Option<i64>>(7),
            );
            let expected = (
                want.status,
                want.assignee.clone(),
                want.scheduled_at,
                want.expires_at,
                want.finished_at,
                want.prompt_at,
            );
            if found != expected {
                problems.push(format!("{}: its columns differ from its record", rec.id));
            }
            let events = row.get::<_, i64>(8);
            if events != i64::from(rec.event_count) {
                problems.push(format!(
                    "{}: {events} timeline events stored, {} counted",
                    rec.id, rec.event_count
                ));
            }
        }
        // Search terms: each request's must be its text's, or a search would miss it.
        for row in c.query(
            "SELECT r.id, r.record, r.terms::text FROM requests r ORDER BY r.id",
            &[],
        )? {
            let rec: SessionRequest = Conn::record(&row, 1)?;
            let stored: String = row.get(2);
            let expected = c.query_opt(
                "SELECT array_to_tsvector($1::text[])::text",
                &[&Columns::of(&rec).terms],
            )?;
            if expected.map(|r| r.get::<_, String>(0)) != Some(stored) {
                problems.push(format!("{}: its search terms are stale", rec.id));
            }
        }
        for (table, column) in [
            ("request_events", "request"),
            ("link_tokens", "request"),
            ("join_codes", "request"),
        ] {
            let n: i64 = c
                .query_opt(
                    &format!(
                        "SELECT count(*) FROM {table} t WHERE NOT EXISTS \
                         (SELECT 1 FROM requests r WHERE r.id = t.{column})"
                    ),
                    &[],
                )?
                .map_or(0, |r| r.get(0));
            if n > 0 {
                problems.push(format!("{table}: {n} rows for requests that are gone"));
            }
        }
        Ok(problems)
    }

    /// What the database holds, for the operator.
    pub fn summary(&self) -> Result<BackupSummary, StoreError> {
        let c = Conn::new(self.clone(), self.conn()?);
        let mut rows = 0u64;
        let mut requests = 0u64;
        for table in TABLES {
            let n: i64 = c
                .query_opt(&format!("SELECT count(*) FROM {table}"), &[])?
                .map_or(0, |r| r.get(0));
            rows += n as u64;
            if *table == "requests" {
                requests = n as u64;
            }
        }
        Ok(BackupSummary {
            tables: TABLES.len(),
            rows,
            requests,
            schema_version: schema::version(self)?,
        })
    }
}

/// Why a PostgreSQL store has no `beckon backup`: the database's own tools do it.
pub fn backups_are_pg_dump() -> StoreError {
    StoreError::Backup(
        "the store is on PostgreSQL: back it up with pg_dump (or the database's own \
         replication), see the README"
            .into(),
    )
}
