//! The PostgreSQL backend's sessions: `PgTx` is a write transaction on one pooled
//! connection, `PgRead` a connection to read from. Both answer the store's interface; the
//! area files (`requests.rs`, `people.rs`, …) hold those answers.

use deadpool_postgres::Object;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::{Db, error};
use crate::store::{Record, StoreError, decode};

pub(super) type Result<T> = std::result::Result<T, StoreError>;

/// What both sessions have: a connection and the runtime to wait on it.
pub(super) struct Conn {
    db: Db,
    conn: Object,
}

impl Conn {
    pub(super) fn new(db: Db, conn: Object) -> Conn {
        Conn { db, conn }
    }

    /// Runs a statement (prepared once per connection) and returns its rows.
    pub(super) fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        self.db.block(async {
            let stmt = self.conn.prepare_cached(sql).await.map_err(error)?;
            self.conn.query(&stmt, params).await.map_err(error)
        })
    }

    /// Runs a statement planned for these very parameters (an unnamed statement, not kept):
    /// for lists and searches, whose best plan depends on the values (a rare search word
    /// reads its few matches from the terms index, a common one the newest requests in ID
    /// order), where a prepared statement's generic plan would pick one way for all.
    pub(super) fn query_once(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        self.db.block(self.conn.query(sql, params)).map_err(error)
    }

    /// Runs a statement for at most one row.
    pub(super) fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>> {
        self.db.block(async {
            let stmt = self.conn.prepare_cached(sql).await.map_err(error)?;
            self.conn.query_opt(&stmt, params).await.map_err(error)
        })
    }

    /// Runs a statement; returns how many rows it touched.
    pub(super) fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        self.db.block(async {
            let stmt = self.conn.prepare_cached(sql).await.map_err(error)?;
            self.conn.execute(&stmt, params).await.map_err(error)
        })
    }

    /// Runs statements without parameters (transaction control).
    fn batch(&self, sql: &str) -> Result<()> {
        self.db.block(self.conn.batch_execute(sql)).map_err(error)
    }

    /// One record column of a row, decoded.
    pub(super) fn record<T: Record>(row: &Row, column: usize) -> Result<T> {
        Ok(decode(row.get::<_, &[u8]>(column))?)
    }
}

/// A connection to read from: each statement sees the database as of its start.
pub struct PgRead {
    pub(super) c: Conn,
}

impl PgRead {
    pub(super) fn new(db: Db, conn: Object) -> PgRead {
        PgRead {
            c: Conn { db, conn },
        }
    }
}

/// A write transaction. Committed by `commit`; anything else (an error, a panic) rolls it
/// back, and a connection left inside a transaction is never handed out again.
pub struct PgTx {
    pub(super) c: Conn,
    /// Outbox items queued so far.
    pub(super) queued: usize,
    open: bool,
}

impl PgTx {
    pub(super) fn begin(db: Db, conn: Object, durable: bool) -> Result<PgTx> {
        let c = Conn { db, conn };
        c.batch(if durable {
            "BEGIN"
        } else {
            "BEGIN; SET LOCAL synchronous_commit = off"
        })?;
        Ok(PgTx {
            c,
            queued: 0,
            open: true,
        })
    }

    pub(super) fn commit(mut self) -> Result<()> {
        self.open = false;
        self.c.batch("COMMIT")
    }

    pub(super) fn rollback(mut self) {
        self.open = false;
        if self.c.batch("ROLLBACK").is_err() {
            // The connection is broken; the pool drops it on its next check.
        }
    }
}

impl Drop for PgTx {
    fn drop(&mut self) {
        if self.open {
            // Dropped mid-transaction (a panic in a use case): this connection leaves the
            // pool, and closing it rolls the transaction back.
            let _ = self.c.batch("ROLLBACK");
        }
    }
}
