//! The store: everything Beckon keeps, behind one interface. The service asks for records
//! and typed queries (`Read`, inside a write `Tx`) and writes records with their timeline and
//! outbox rows in one transaction; a backend answers with its own layout, indexes and
//! transactions. The embedded default is one redb file (`redb/`). Nothing above this module
//! sees a table, a key or a backend.
//!
//! The interface is split by what it keeps (`requests`, `people`, `outbox`, `meta`,
//! `listing`, `sweeping`); `Read` and `Write` are all of it. Record types (`records`) and their stored
//! encoding (`codec`) are shared by every backend.

pub mod codec;
#[cfg(test)]
mod golden;
mod legacy;
mod listing;
mod meta;
pub mod moving;
mod outbox;
mod people;
pub mod postgres;
pub mod records;
pub mod redb;
mod requests;
mod sweeping;

use std::path::{Path, PathBuf};

pub use codec::{CodecError, Record, decode, encode};
pub use listing::*;
pub use meta::*;
pub use outbox::*;
pub use people::*;
pub use redb::{BackupSummary, DB_FILE, DEFAULT_CACHE_MB, DEFAULT_RESERVE_MB, OnDurable, Options};
pub use requests::*;
pub use sweeping::*;

/// The schema this build writes (every backend's migrations reach it).
pub use redb::SCHEMA_VERSION;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database {0} is in use by another Beckon process (stop the server first)")]
    Locked(PathBuf),
    #[error(
        "the database {path} has schema version {found}, newer than this build understands ({supported}); run a newer Beckon"
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("stored data is unreadable: {0}")]
    Codec(#[from] CodecError),
    #[error("storage error: {0}")]
    Redb(#[from] ::redb::Error),
    #[error("{0}")]
    Backup(String),
    #[error("the disk refused to make a commit durable: {0}")]
    Sync(String),
    /// Less than the reserve is free on the data directory's disk: writes wait for space.
    #[error("the disk holding the data is full ({free} bytes free, {reserve} kept in reserve)")]
    DiskFull { free: u64, reserve: u64 },
    /// A stored value breaks an invariant of the store (an index entry without its record).
    #[error("the store is inconsistent: {0}")]
    Inconsistent(String),
    /// A shared transaction failed as a whole; each of its callers gets this.
    #[error("storage error: {0}")]
    Failed(String),
    /// The database cannot be reached (down, restarting, or refusing connections): try
    /// again shortly; nothing was written.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The database refused a statement (a bug or a schema the build does not expect).
    #[error("database error: {0}")]
    Database(String),
    /// A transaction lost a race with another (a deadlock or serialization failure): it
    /// wrote nothing and may run again.
    #[error("a concurrent change got in the way: {0}")]
    Retry(String),
    /// The writer has stopped (the server is shutting down).
    #[error("the store is closing")]
    Closing,
}

/// What a write transaction may read too: records and the sweeper's due work.
pub trait Reads: RequestReads + PeopleReads + OutboxReads + MetaReads + SweepReads {}
impl<T: ?Sized + RequestReads + PeopleReads + OutboxReads + MetaReads + SweepReads> Reads for T {}

/// Creates the data directory if need be, the owner's alone: it holds the link key and the
/// TOTP sealing key on every backend (secrets stay out of the database), and the embedded
/// store.
pub fn ensure_data_dir(data_dir: &Path) -> Result<(), StoreError> {
    let mut dir = std::fs::DirBuilder::new();
    dir.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut dir, 0o700);
    dir.create(data_dir).map_err(|source| StoreError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    })
}

/// Everything the service may read, in one snapshot: records, and the lists and counts
/// over many of them.
pub trait Read: Reads + ListReads {}
impl<T: ?Sized + Reads + ListReads> Read for T {}

/// Everything a write transaction may do; what it wrote becomes visible and durable
/// together when the transaction commits, or not at all.
pub trait Write:
    Reads + RequestWrites + PeopleWrites + OutboxWrites + MetaWrites + SweepWrites
{
}
impl<T> Write for T where
    T: ?Sized + Reads + RequestWrites + PeopleWrites + OutboxWrites + MetaWrites + SweepWrites
{
}

/// A write transaction as use cases see it.
pub type Tx<'t> = dyn Write + 't;

/// One use case queued for a batched write (`Store::write`): it keeps its own result (or
/// its own error) until it is told how its transaction ended.
pub(crate) trait Job: Send {
    /// Runs it in `tx`; false if it failed (its error is kept for `finish`): its partial
    /// writes must not be committed.
    fn run(&mut self, tx: &mut Tx<'_>) -> bool;
    /// Hands the result (or `outcome`'s error) to the waiting caller, once its transaction
    /// is durable or failed.
    fn finish(self: Box<Self>, outcome: Result<(), StoreError>);
}

/// The store; clones share it.
#[derive(Clone, Debug)]
pub struct Store(Backend);

#[derive(Clone, Debug)]
enum Backend {
    Redb(redb::Db),
    Postgres(postgres::Db),
}

impl Store {
    /// Opens (or creates) the embedded store in `data_dir`, refusing one newer than this
    /// build and migrating an older one.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        Store::open_with(data_dir, Options::default())
    }

    /// `open`, with redb's page cache set to `cache_mb` MiB.
    pub fn open_with_cache(data_dir: &Path, cache_mb: u32) -> Result<Store, StoreError> {
        Store::open_with(
            data_dir,
            Options {
                cache_mb,
                ..Options::default()
            },
        )
    }

    /// `open`, with the settings of `options`.
    pub fn open_with(data_dir: &Path, options: Options) -> Result<Store, StoreError> {
        Ok(Store(Backend::Redb(redb::Db::open_with(
            data_dir, options,
        )?)))
    }

    /// The store an installation is configured with: on PostgreSQL when `database_url` is
    /// set, else the embedded one in `data_dir` with `options`.
    pub fn open_for(
        data_dir: &Path,
        database_url: Option<&str>,
        options: Options,
    ) -> Result<Store, StoreError> {
        match database_url {
            Some(url) => {
                ensure_data_dir(data_dir)?;
                Store::open_postgres(url)
            }
            None => Store::open_with(data_dir, options),
        }
    }

    /// Connects to the PostgreSQL store at `url`, migrating it (or refusing a newer one).
    pub fn open_postgres(url: &str) -> Result<Store, StoreError> {
        Ok(Store(Backend::Postgres(postgres::Db::open(url)?)))
    }

    /// Which backend this is, for the log and `beckon check`.
    pub fn backend_name(&self) -> &'static str {
        match &self.0 {
            Backend::Redb(_) => "redb",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// A consistent snapshot to read from.
    pub fn read(&self) -> Result<Box<dyn Read + '_>, StoreError> {
        match &self.0 {
            Backend::Redb(db) => db.read(),
            Backend::Postgres(db) => db.read(),
        }
    }

    /// Runs `f` in a write transaction of its own on this thread and commits it, durably,
    /// if `f` succeeds; returns its value and how many outbox items it queued.
    pub fn transact<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<(T, usize), E> {
        match &self.0 {
            Backend::Redb(db) => db.transact(true, f),
            Backend::Postgres(db) => db.transact(true, f),
        }
    }

    /// `transact`, but the commit is made durable with the next one rather than waited for:
    /// for bookkeeping whose loss in a crash costs nothing (a sign-in's last-seen time).
    pub fn transact_lazily<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        match &self.0 {
            Backend::Redb(db) => db.transact(false, f).map(|(v, _)| v),
            Backend::Postgres(db) => db.transact(false, f).map(|(v, _)| v),
        }
    }

    /// Runs `f` with other callers' writes in a shared transaction (see `redb::batch`) and
    /// returns once it is durable. `f` may run more than once (when a batch mate fails), so it
    /// owns what it uses and only looks at its inputs and `tx`. Blocks: call it from the
    /// blocking pool.
    pub fn write<T, E, F>(&self, f: F) -> Result<(T, usize), E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnMut(&mut Tx<'_>) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = std::sync::mpsc::sync_channel(1);
        self.submit(Box::new(Pending::new(f, Reply::Blocking(reply))))?;
        answer.recv().map_err(|_| StoreError::Closing)?
    }

    /// `write` for a caller on an async task: awaits the answer instead of blocking.
    pub async fn write_async<T, E, F>(&self, f: F) -> Result<(T, usize), E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnMut(&mut Tx<'_>) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.submit(Box::new(Pending::new(f, Reply::Async(reply))))?;
        answer.await.map_err(|_| StoreError::Closing)?
    }

    fn submit(&self, job: Box<dyn Job>) -> Result<(), StoreError> {
        match &self.0 {
            Backend::Redb(db) => db.submit(job),
            Backend::Postgres(db) => db.submit(job),
        }
    }

    /// The schema version stored (0 for a new, empty store).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        match &self.0 {
            Backend::Redb(db) => db.schema_version(),
            Backend::Postgres(db) => db.schema_version(),
        }
    }

    /// Proves the store accepts a durable write (for `/healthz`).
    pub fn check_writable(&self) -> Result<(), StoreError> {
        match &self.0 {
            Backend::Redb(db) => db.check_writable(),
            Backend::Postgres(db) => db.check_writable(),
        }
    }

    /// Lists every inconsistency between records and indexes (empty when all is well).
    pub fn verify_indexes(&self) -> Result<Vec<String>, StoreError> {
        match &self.0 {
            Backend::Redb(db) => db.verify_indexes(),
            Backend::Postgres(db) => db.verify(),
        }
    }

    /// What the store holds, for the operator.
    pub fn summary(&self) -> Result<BackupSummary, StoreError> {
        match &self.0 {
            Backend::Redb(db) => db.summary(),
            Backend::Postgres(db) => db.summary(),
        }
    }

    /// Writes a consistent copy of the whole store to `to`, with the link key inside.
    pub fn snapshot_to(&self, to: &Path, link_key: &[u8]) -> Result<BackupSummary, StoreError> {
        match &self.0 {
            Backend::Redb(db) => db.snapshot_to(to, link_key),
            Backend::Postgres(_) => Err(postgres::backups_are_pg_dump()),
        }
    }

    /// Takes the link key out of a restored backup.
    pub fn take_backup_key(&self) -> Result<[u8; 32], StoreError> {
        match &self.0 {
            Backend::Redb(db) => db.take_backup_key(),
            Backend::Postgres(_) => Err(postgres::backups_are_pg_dump()),
        }
    }

    /// Durable commits made since the store opened (the benchmark's writes per sync).
    pub fn syncs(&self) -> u64 {
        match &self.0 {
            Backend::Redb(db) => db.syncs(),
            // PostgreSQL groups its own commits; nothing to count here.
            Backend::Postgres(_) => 0,
        }
    }

    /// Writes a newer schema version than this build knows (tests of the refusal only).
    #[doc(hidden)]
    pub fn force_schema_version(&self, version: u32) -> Result<(), StoreError> {
        match &self.0 {
            Backend::Redb(db) => db.force_schema_version(version),
            Backend::Postgres(db) => db.force_schema_version(version),
        }
    }

    /// The embedded backend (its own tests and tools only).
    #[doc(hidden)]
    pub fn redb(&self) -> &redb::Db {
        match &self.0 {
            Backend::Redb(db) => db,
            Backend::Postgres(_) => panic!("this store is on PostgreSQL, not redb"),
        }
    }
}

/// Where a batched write's answer goes: a caller blocked on a thread, or a task awaiting it.
enum Reply<T, E> {
    Blocking(std::sync::mpsc::SyncSender<Result<(T, usize), E>>),
    Async(tokio::sync::oneshot::Sender<Result<(T, usize), E>>),
}

/// A caller's use case in a batch, with its outcome so far.
struct Pending<T, E, F> {
    f: F,
    out: Option<Result<(T, usize), E>>,
    reply: Reply<T, E>,
}

impl<T, E, F> Pending<T, E, F> {
    fn new(f: F, reply: Reply<T, E>) -> Self {
        Pending {
            f,
            out: None,
            reply,
        }
    }
}

impl<T, E, F> Job for Pending<T, E, F>
where
    T: Send,
    E: From<StoreError> + Send,
    F: FnMut(&mut Tx<'_>) -> Result<T, E> + Send,
{
    fn run(&mut self, tx: &mut Tx<'_>) -> bool {
        let before = tx.queued();
        let out = (self.f)(tx).map(|v| (v, tx.queued() - before));
        let ok = out.is_ok();
        self.out = Some(out);
        ok
    }

    fn finish(self: Box<Self>, outcome: Result<(), StoreError>) {
        let Pending { out, reply, .. } = *self;
        let answer = match out {
            // Its own failure stands whatever became of the others.
            Some(Err(e)) => Err(e),
            Some(Ok(v)) => outcome.map(|()| v).map_err(E::from),
            None => Err(E::from(outcome.err().unwrap_or(StoreError::Inconsistent(
                "a batched write did not run".into(),
            )))),
        };
        // The caller may have gone (a client that hung up): nothing to tell; the write
        // stands either way.
        match reply {
            Reply::Blocking(s) => drop(s.send(answer)),
            Reply::Async(s) => drop(s.send(answer)),
        }
    }
}
