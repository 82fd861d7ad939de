//! The PostgreSQL backend, for installations that outgrow one machine: the same interface as
//! the embedded store, over tables of records (the codec's bytes) with the columns its
//! queries need (`schema.rs`). Selected by `database_url`.
//!
//! The store's interface is synchronous (use cases run on the blocking pool, and a few reads
//! run on async tasks). The client is asynchronous: its connections live on a small runtime
//! of this backend's own, and a call waits for its answer on the calling thread
//! (`Db::block`), which works from any thread, async or not.
//!
//! Every write is one PostgreSQL transaction; records a write reads are locked (`FOR UPDATE`)
//! so two use cases changing one request take turns, as they do in the embedded store's
//! single writer. Reads outside a write see each statement's own snapshot (read committed).

mod check;
mod export;
mod listing;
mod meta;
mod outbox;
mod people;
mod requests;
mod schema;
mod sweeping;
mod tx;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use super::{Job, StoreError, Tx};
pub use check::backups_are_pg_dump;
pub use tx::{PgRead, PgTx};

/// Connections kept open at most (each node's share of the server's `max_connections`).
const POOL_SIZE: usize = 16;
/// How long a use case waits for a connection, or for a new one to open, before it is told
/// the database is unavailable.
const WAIT: Duration = Duration::from_secs(5);

/// The open database; clones share its pool.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    /// Runs the connections; shut down without waiting when the last handle goes (which
    /// may be on an async task, where a runtime may not block).
    runtime: Option<tokio::runtime::Runtime>,
    handle: tokio::runtime::Handle,
    pool: Pool,
    /// Host and database, for messages (never the password).
    target: String,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgreSQL")
            .field("target", &self.inner.target)
            .finish()
    }
}

impl Db {
    /// Connects to the database at `url` (`postgres://user:password@host/db`), applies the
    /// migrations this build has and the database lacks, and refuses a newer schema.
    pub fn open(url: &str) -> Result<Db, StoreError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Database(format!("the database URL is not valid: {e}")))?;
        let target = describe(&config);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("beckon-postgres")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Database(format!("starting the database runtime: {e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                // A broken connection shows on its first use; the pool then drops it.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(WAIT))
            .create_timeout(Some(WAIT))
            .recycle_timeout(Some(WAIT))
            .build()
            .map_err(|e| StoreError::Database(format!("building the connection pool: {e}")))?;
        let db = Db {
            inner: Arc::new(Inner {
                handle: runtime.handle().clone(),
                runtime: Some(runtime),
                pool,
                target,
            }),
        };
        schema::migrate(&db)?;
        Ok(db)
    }

    /// Waits on the calling thread for `f`, which talks to the connections on this
    /// backend's runtime (entered, so a new connection can start its task there).
    pub(crate) fn block<F: Future>(&self, f: F) -> F::Output {
        let _entered = self.inner.handle.enter();
        futures_executor::block_on(f)
    }

    /// A connection from the pool (opened if none is free).
    pub(crate) fn conn(&self) -> Result<Object, StoreError> {
        self.block(self.inner.pool.get())
            .map_err(|e| StoreError::Unavailable(format!("{}: {e}", self.inner.target)))
    }

    /// A snapshot to read from.
    pub fn read(&self) -> Result<Box<dyn super::Read>, StoreError> {
        Ok(Box::new(PgRead::new(self.clone(), self.conn()?)))
    }

    /// Runs `f` in a transaction of its own, committed if `f` succeeds; with `durable`
    /// false the commit does not wait for the disk (`synchronous_commit = off`).
    pub fn transact<T, E: From<StoreError>>(
        &self,
        durable: bool,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<(T, usize), E> {
        let mut tx = PgTx::begin(self.clone(), self.conn()?, durable)?;
        match f(&mut tx) {
            Ok(value) => {
                let queued = tx.queued;
                tx.commit()?;
                Ok((value, queued))
            }
            Err(e) => {
                tx.rollback();
                Err(e)
            }
        }
    }

    /// Runs a batched use case. PostgreSQL shares its own commits between concurrent
    /// writers, so each runs in its own transaction, on a blocking thread; one that met a
    /// deadlock or a serialization failure runs again.
    pub(crate) fn submit(&self, mut job: Box<dyn Job>) -> Result<(), StoreError> {
        let db = self.clone();
        let run = move || {
            let mut last = None;
            for _ in 0..3 {
                let mut tx = match db.conn().and_then(|c| PgTx::begin(db.clone(), c, true)) {
                    Ok(tx) => tx,
                    Err(e) => return job.finish(Err(e)),
                };
                if !job.run(&mut tx) {
                    tx.rollback();
                    return job.finish(Ok(()));
                }
                match tx.commit() {
                    Ok(()) => return job.finish(Ok(())),
                    Err(StoreError::Retry(msg)) => last = Some(msg),
                    Err(e) => return job.finish(Err(e)),
                }
            }
            job.finish(Err(StoreError::Failed(last.unwrap_or_default())))
        };
        match tokio::runtime::Handle::try_current() {
            Ok(h) => drop(h.spawn_blocking(run)),
            Err(_) => run(),
        }
        Ok(())
    }

    /// The schema version stored (0 for an empty database).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        schema::version(self)
    }

    /// Proves the database accepts a write (for `/healthz`).
    pub fn check_writable(&self) -> Result<(), StoreError> {
        let now = jiff::Timestamp::now().as_millisecond().to_be_bytes();
        let conn = self.conn()?;
        self.block(conn.execute(
            "INSERT INTO meta (key, value) VALUES ('last_health_check', $1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&now.as_slice()],
        ))
        .map_err(error)
        .map(drop)
    }

    /// Writes a newer schema version than this build knows (tests of the refusal only).
    pub fn force_schema_version(&self, version: u32) -> Result<(), StoreError> {
        schema::force_version(self, version)
    }
}

/// Where the database is, for messages: host and database name, never the password.
fn describe(config: &tokio_postgres::Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(h) => h.clone(),
            tokio_postgres::config::Host::Unix(p) => p.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".into());
    format!(
        "PostgreSQL at {host}/{}",
        config.get_dbname().unwrap_or("(default database)")
    )
}

/// Whether the driver error came from the connection's socket.
fn io_error(e: &tokio_postgres::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// What a driver error means to a use case: the database is gone (503, try again), a
/// transaction lost a race (run it again), or a statement was refused (a bug).
pub(crate) fn error(e: tokio_postgres::Error) -> StoreError {
    use tokio_postgres::error::SqlState;
    match e.code() {
        Some(c)
            if *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED =>
        {
            StoreError::Retry(e.to_string())
        }
        Some(c)
            if c.code().starts_with("08")
                || *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW =>
        {
            StoreError::Unavailable(e.to_string())
        }
        Some(_) => StoreError::Database(e.to_string()),
        // No SQL state: the connection failed, or this side could not read or write a value.
        None if e.is_closed() || io_error(&e) => StoreError::Unavailable(e.to_string()),
        None => StoreError::Database(e.to_string()),
    }
}
