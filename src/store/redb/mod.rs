//! The embedded backend: one redb file in the data directory. This module opens it, checks
//! the schema version and runs migrations; `tables` defines the layout, `keys` the index
//! keys, `tx` the transactions, and the area files answer the store's interface over them.
//! Writes of use cases go through the batch writer (`batch`) and the group commit (`group`).
//! It knows nothing of HTTP or of the lifecycle rules.

pub mod backup;
mod batch;
mod check;
mod export;
mod group;
mod listing;
mod meta;
mod outbox;
mod people;
mod postings;
mod requests;
mod space;
mod sweeping;
pub mod tx;

pub use backup::BackupSummary;
pub use group::OnDurable;
pub use space::DEFAULT_RESERVE_MB;
pub mod keys;
pub mod prefix_filter;
pub mod tables;
pub mod word_blocks;

use std::path::{Path, PathBuf};

use std::sync::Arc;

use redb::{Database, ReadableDatabase};

use super::{Job, StoreError, Tx, decode};
use tx::{Snapshot, Txn};

/// The schema this build writes. Bump it with a new entry in `MIGRATIONS`.
pub const SCHEMA_VERSION: u32 = 13;

pub const DB_FILE: &str = "beckon.redb";

/// redb's page cache unless configured (`cache_mb`): redb's own default is 1 GiB, which a
/// store of a million requests fills (about 520 MB after the list views were read), while the
/// pages a list page or a sweep touches fit many times over in this, and the OS caches the
/// file besides.
pub const DEFAULT_CACHE_MB: u32 = 64;

macro_rules! redb_errors {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self { StoreError::Redb(e.into()) }
        }
    )*};
}
redb_errors!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

/// A migration: a name (for the log) and an idempotent step to the next schema version.
struct Migration {
    name: &'static str,
    to_version: u32,
    run: fn(&redb::WriteTransaction) -> Result<(), StoreError>,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_create_tables",
        to_version: 1,
        run: create_tables,
    },
    // Records of version 1 (requests, outbox rows) are upgraded when read (`codec`), so
    // this adds the notifier's and the sweeper's tables, and fills the finished index.
    Migration {
        name: "0002_notifier_and_sweeper_tables",
        to_version: 2,
        run: create_notifier_and_sweeper_tables,
    },
    Migration {
        name: "0003_link_devices",
        to_version: 3,
        run: |txn| {
            txn.open_table(tables::LINK_DEVICES)?;
            Ok(())
        },
    },
    Migration {
        name: "0004_upcoming_index",
        to_version: 4,
        run: create_upcoming_index,
    },
    Migration {
        name: "0005_assignee_index_with_status",
        to_version: 5,
        run: assignee_index_with_status,
    },
    Migration {
        name: "0006_word_index",
        to_version: 6,
        run: create_word_index,
    },
    Migration {
        name: "0007_words_pending",
        to_version: 7,
        run: |txn| {
            txn.open_table(tables::WORDS_PENDING)?;
            Ok(())
        },
    },
    Migration {
        name: "0008_prompt_index",
        to_version: 8,
        run: create_prompt_index,
    },
    // Links that name their request (v2, `links`): nothing to convert, since v1 links keep
    // their format, but a binary from before would not find the new ones, so it must refuse
    // this store (`TooNew`) rather than serve it.
    Migration {
        name: "0009_links_name_their_request",
        to_version: 9,
        run: |_| Ok(()),
    },
    Migration {
        name: "0010_upcoming_prefix_filters",
        to_version: 10,
        run: upcoming_prefix_filters,
    },
    Migration {
        name: "0011_word_blocks",
        to_version: 11,
        run: word_blocks_from_entries,
    },
    // The join codes of links (`service::join`): an older store has no such table, and a
    // read of a missing table fails, so the link page of a due request would answer 500.
    Migration {
        name: "0012_join_codes",
        to_version: 12,
        run: |txn| {
            txn.open_table(tables::JOIN_CODES)?;
            Ok(())
        },
    },
    // Agents with a mail language (`Agent` v2): nothing to convert, since v1 records are
    // upgraded when read, but a build from before could not read a rewritten agent (and
    // its sign-in would fail), so it must refuse this store (`TooNew`) rather than serve it.
    Migration {
        name: "0013_agent_language",
        to_version: 13,
        run: |_| Ok(()),
    },
];

/// Files the word index's entries into blocks (`word_blocks`), reading them in key order,
/// and drops the table of single entries (idempotent: a block written again is the same,
/// dropping a missing table is a no-op).
fn word_blocks_from_entries(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    use redb::ReadableTable;
    {
        let entries = txn.open_table(tables::IDX_WORDS_V1)?;
        let mut blocks = txn.open_table(tables::IDX_WORDS)?;
        let mut term: Vec<u8> = Vec::new();
        let mut ids = Vec::new();
        let mut flush = |term: &[u8], ids: &mut Vec<app::domain::RequestId>| {
            word_blocks::put_new(&mut blocks, term, ids)?;
            ids.clear();
            Ok::<(), StoreError>(())
        };
        for entry in entries.iter()? {
            let k = entry?.0;
            let (t, id) = word_blocks::split(k.value());
            if t != term.as_slice() {
                flush(&term, &mut ids)?;
                term = t.to_vec();
            }
            ids.push(id);
        }
        flush(&term, &mut ids)?;
    }
    txn.delete_table(tables::IDX_WORDS_V1)?;
    Ok(())
}

/// Rebuilds the upcoming index with each open request's prefix filter beside its key, and
/// drops the one without (idempotent: inserting again is a no-op, dropping a missing table
/// too).
fn upcoming_prefix_filters(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    let mut index = txn.open_table(tables::IDX_UPCOMING)?;
    stored_as(txn, app::domain::Status::Open, |rec| {
        if let Some(k) = keys::RequestKeys::of(&rec).upcoming {
            index.insert(k, prefix_filter::of_request(&rec))?;
        }
        Ok(())
    })?;
    txn.delete_table(tables::IDX_UPCOMING_V1)?;
    Ok(())
}

/// Fills the prompt index from the waiting requests, the only ones that hold a prompt
/// (`beckon check` compares it with every record).
fn create_prompt_index(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    let waiting = app::domain::Status::Waiting;
    index_from_status(txn, waiting, tables::IDX_PROMPTS, |k| k.prompt)
}

/// Fills `index` with the key `key` picks from each request stored as `status`
/// (idempotent: inserting a key again is a no-op).
fn index_from_status<const N: usize>(
    txn: &redb::WriteTransaction,
    status: app::domain::Status,
    index: redb::TableDefinition<[u8; N], ()>,
    key: impl Fn(keys::RequestKeys) -> Option<[u8; N]>,
) -> Result<(), StoreError> {
    let mut index = txn.open_table(index)?;
    stored_as(txn, status, |rec| {
        if let Some(k) = key(keys::RequestKeys::of(&rec)) {
            index.insert(k, ())?;
        }
        Ok(())
    })
}

/// Calls `f` with each request stored as `status`, read through that status's slice of
/// the status index.
fn stored_as(
    txn: &redb::WriteTransaction,
    status: app::domain::Status,
    mut f: impl FnMut(app::domain::SessionRequest) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    use redb::ReadableTable;
    let requests = txn.open_table(tables::REQUESTS)?;
    let by_status = txn.open_table(tables::IDX_STATUS)?;
    let lo = keys::status(status, app::domain::RequestId::from_u128(0));
    let hi = keys::status(status, app::domain::RequestId::from_u128(u128::MAX));
    for entry in by_status.range(lo..=hi)? {
        let id = keys::trailing(&entry?.0.value());
        if let Some(v) = requests.get(id)? {
            f(decode(v.value())?)?;
        }
    }
    Ok(())
}

/// Fills the search index from every request (idempotent: inserting a key again is a
/// no-op). Reads the whole store once, in one transaction: about a minute per million
/// requests on a small machine, once.
fn create_word_index(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    use redb::ReadableTable;
    use tables::*;
    let requests = txn.open_table(REQUESTS)?;
    let mut words = txn.open_table(IDX_WORDS_V1)?;
    for entry in requests.iter()? {
        let rec: app::domain::SessionRequest = decode(entry?.1.value())?;
        for k in keys::words(&rec) {
            words.insert(k.as_slice(), ())?;
        }
    }
    Ok(())
}

/// Rebuilds the assignee index with the status in its keys from the records, and drops the
/// old one (idempotent: inserting a key again and dropping a missing table are no-ops).
fn assignee_index_with_status(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    use redb::ReadableTable;
    use tables::*;
    let requests = txn.open_table(REQUESTS)?;
    let mut index = txn.open_table(IDX_ASSIGNEE)?;
    for entry in requests.iter()? {
        let rec: app::domain::SessionRequest = decode(entry?.1.value())?;
        index.insert(keys::RequestKeys::of(&rec).assignee, ())?;
    }
    txn.delete_table(IDX_ASSIGNEE_V1)?;
    Ok(())
}

/// Fills the Upcoming view's index from the open requests.
fn create_upcoming_index(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    let open = app::domain::Status::Open;
    index_from_status(txn, open, tables::IDX_UPCOMING_V1, |k| k.upcoming)
}

/// Opening a table creates it; doing so again is a no-op, so this is idempotent.
fn create_tables(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    txn.open_table(META)?;
    txn.open_table(REQUESTS)?;
    txn.open_table(REQUEST_EVENTS)?;
    txn.open_table(IDX_STATUS)?;
    txn.open_table(IDX_ASSIGNEE_V1)?;
    txn.open_table(IDX_SCHEDULE)?;
    txn.open_table(IDX_EXPIRY)?;
    txn.open_table(LINK_TOKENS)?;
    txn.open_table(JOIN_CODES)?;
    txn.open_table(AGENTS)?;
    txn.open_table(AGENT_EMAILS)?;
    txn.open_table(CLIENTS)?;
    txn.open_table(AUTH_TOKENS)?;
    txn.open_table(OUTBOX)?;
    txn.open_table(IDX_OUTBOX_DUE)?;
    Ok(())
}

fn create_notifier_and_sweeper_tables(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    use redb::ReadableTable;
    use tables::*;
    txn.open_table(IDX_OUTBOX_FAILED)?;
    txn.open_table(WEBHOOK_QUEUE)?;
    txn.open_table(WEBHOOKS)?;
    txn.open_table(PURGE_LOG)?;
    // Inserting a key again is a no-op: idempotent.
    let requests = txn.open_table(REQUESTS)?;
    let mut finished = txn.open_table(IDX_FINISHED)?;
    for entry in requests.iter()? {
        let (_, v) = entry?;
        let rec: app::domain::SessionRequest = decode(v.value())?;
        if let Some(k) = keys::RequestKeys::of(&rec).finished {
            finished.insert(k, ())?;
        }
    }
    Ok(())
}

/// A handle on the store; clones share it (the service's batch writer holds one). The
/// group commit's last handle makes what is pending durable and stops its thread.
/// How a store is opened (the settings `cache_mb`, `disk_reserve_mb`, `quick_repair`).
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// redb's page cache, in MiB.
    pub cache_mb: u32,
    /// MiB of the disk kept free: writes are refused below it.
    pub reserve_mb: u32,
    /// Durable commits save the allocator state, so opening after a crash takes milliseconds
    /// instead of a walk of the whole file (docs/PERFORMANCE.md has both costs).
    pub quick_repair: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            cache_mb: DEFAULT_CACHE_MB,
            reserve_mb: space::DEFAULT_RESERVE_MB,
            quick_repair: true,
        }
    }
}

/// The open database; clones share it. Use cases' writes go through its batch writer;
/// its last clone stops the writer (which finishes its batch), then the group commit makes
/// what is pending durable.
#[derive(Clone)]
pub struct Db {
    base: Base,
    writer: Arc<batch::Writer>,
}

/// The database without its batch writer (which holds one).
#[derive(Clone)]
pub struct Base {
    group: Arc<group::GroupCommit>,
    db: Arc<Database>,
    path: PathBuf,
    space: space::Space,
}

impl std::ops::Deref for Db {
    type Target = Base;
    fn deref(&self) -> &Base {
        &self.base
    }
}

/// A write transaction of the store. It derefs to redb's; `commit` it through the store's
/// group commit (`group.rs`), which returns once the write is durable.
pub struct WriteTxn<'s> {
    txn: redb::WriteTransaction,
    group: &'s group::GroupCommit,
}

impl WriteTxn<'_> {
    /// Commits and returns once the write is durable.
    pub fn commit(self) -> Result<(), StoreError> {
        self.group.commit(self.txn)
    }

    /// Commits and returns the commit's number for `Store::on_durable`, without waiting.
    pub fn commit_unsynced(self) -> Result<u64, StoreError> {
        self.group.commit_unsynced(self.txn)
    }

    /// Commits durably at once (with whatever was committed unsynced before it); returns
    /// 0, a number that is always durable.
    pub fn commit_now(self) -> Result<u64, StoreError> {
        self.group.commit_now(self.txn).map(|()| 0)
    }
}

impl std::ops::Deref for WriteTxn<'_> {
    type Target = redb::WriteTransaction;
    fn deref(&self) -> &redb::WriteTransaction {
        &self.txn
    }
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).finish()
    }
}

impl Db {
    /// Opens (or creates) the database in `data_dir`, refusing one newer than this build and
    /// migrating an older one.
    pub fn open(data_dir: &Path) -> Result<Db, StoreError> {
        Db::open_with(data_dir, Options::default())
    }

    /// `open`, with the settings of `options`.
    pub fn open_with(data_dir: &Path, options: Options) -> Result<Db, StoreError> {
        let base = Base::open_with(data_dir, options)?;
        Ok(Db {
            writer: Arc::new(batch::Writer::start(base.clone())),
            base,
        })
    }
}

impl Base {
    /// Opens the database without a batch writer (a writer's idle work would race the tests
    /// that count what is pending).
    pub(crate) fn open_with(data_dir: &Path, options: Options) -> Result<Base, StoreError> {
        let Options {
            cache_mb,
            reserve_mb,
            quick_repair,
        } = options;
        super::ensure_data_dir(data_dir)?;
        let path = data_dir.join(DB_FILE);
        let is_new = !path.exists();
        let db = match Database::builder()
            .set_cache_size(cache_mb as usize * 1024 * 1024)
            .create(&path)
        {
            Ok(db) => db,
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => return Err(StoreError::Locked(path)),
            Err(e) => return Err(e.into()),
        };
        // A new database file is the owner's alone (the umask may allow more); an existing one
        // keeps what the operator chose.
        #[cfg(unix)]
        if is_new {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(
                |source| StoreError::DataDir {
                    path: path.clone(),
                    source,
                },
            )?;
        }
        let db = Arc::new(db);
        let base = Base {
            group: Arc::new(group::GroupCommit::start(db.clone(), quick_repair)),
            db,
            path,
            space: space::Space::new(data_dir, reserve_mb),
        };
        base.migrate()?;
        Ok(base)
    }
}

impl Db {
    /// A read transaction.
    pub fn read(&self) -> Result<Box<dyn super::Read>, StoreError> {
        Ok(Box::new(Snapshot {
            txn: self.db.begin_read()?,
        }))
    }

    /// Runs `f` in a write transaction of its own and commits it if `f` succeeds: durably
    /// (returning once it is), or not waiting for the sync.
    pub fn transact<T, E: From<StoreError>>(
        &self,
        durable: bool,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<(T, usize), E> {
        let txn = self.begin_write()?;
        let mut tx = Txn::open(&txn)?;
        let value = f(&mut tx)?;
        let queued = tx.queued;
        drop(tx);
        if durable {
            txn.commit()?;
        } else {
            txn.commit_unsynced()?;
        }
        Ok((value, queued))
    }

    /// Queues a use case for the batch writer.
    pub(crate) fn submit(&self, job: Box<dyn Job>) -> Result<(), StoreError> {
        self.writer.submit(job)
    }
}

impl Base {
    fn migrate(&self) -> Result<(), StoreError> {
        let found = self.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        for m in MIGRATIONS.iter().filter(|m| m.to_version > found) {
            let txn = self.db.begin_write()?;
            (m.run)(&txn)?;
            txn.open_table(tables::META)?
                .insert("schema_version", m.to_version.to_be_bytes().as_slice())?;
            txn.commit()?;
            tracing::info!(migration = m.name, "applied store migration");
        }
        Ok(())
    }

    /// 0 for a new, empty database.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        let txn = self.db.begin_read()?;
        let meta = match txn.open_table(tables::META) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(0),
            Err(e) => return Err(e.into()),
        };
        Ok(meta
            .get("schema_version")?
            .and_then(|v| <[u8; 4]>::try_from(v.value()).ok())
            .map_or(0, u32::from_be_bytes))
    }

    pub fn begin_read(&self) -> Result<redb::ReadTransaction, StoreError> {
        Ok(self.db.begin_read()?)
    }

    pub fn begin_write(&self) -> Result<WriteTxn<'_>, StoreError> {
        self.space
            .check()
            .map_err(|(free, reserve)| StoreError::DiskFull { free, reserve })?;
        Ok(WriteTxn {
            txn: self.group.begin(&self.db)?,
            group: &self.group,
        })
    }

    /// Calls `then` once commit number `seq` (from `Write::commit_unsynced`) is durable, on
    /// this thread if it already is, else on the store's sync thread.
    pub fn on_durable(&self, seq: u64, then: OnDurable) {
        self.group.on_durable(seq, then);
    }

    /// Durable commits made since the store opened (each persists a group of writes).
    pub fn syncs(&self) -> u64 {
        self.group.syncs()
    }

    /// Proves the store accepts a durable write (for `/healthz`).
    pub fn check_writable(&self) -> Result<(), StoreError> {
        let txn = self.begin_write()?;
        let now = jiff::Timestamp::now().as_millisecond().to_be_bytes();
        txn.open_table(tables::META)?
            .insert("last_health_check", now.as_slice())?;
        txn.commit()?;
        Ok(())
    }

    /// Writes a newer schema version than this build knows (tests of the refusal only).
    #[doc(hidden)]
    pub fn force_schema_version(&self, version: u32) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        txn.open_table(tables::META)?
            .insert("schema_version", version.to_be_bytes().as_slice())?;
        txn.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_store_gets_the_current_schema_and_refuses_a_newer_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = Db::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        store.force_schema_version(SCHEMA_VERSION + 1).unwrap();
        drop(store);
        let err = Db::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { found, .. } if found == SCHEMA_VERSION + 1));
        assert!(err.to_string().contains("newer than this build"), "{err}");
    }

    /// Other local users read neither the directory nor the database (whatever the umask).
    #[cfg(unix)]
    #[test]
    fn a_new_data_directory_and_database_are_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("nested/data");
        drop(Db::open(&data).unwrap());
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join(DB_FILE)), 0o600);
        // An existing file keeps the mode the operator gave it.
        std::fs::set_permissions(data.join(DB_FILE), std::fs::Permissions::from_mode(0o640))
            .unwrap();
        drop(Db::open(&data).unwrap());
        assert_eq!(mode(&data.join(DB_FILE)), 0o640);
    }

    #[test]
    fn a_second_open_is_refused_while_the_first_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        let _first = Db::open(dir.path()).unwrap();
        assert!(matches!(Db::open(dir.path()), Err(StoreError::Locked(_))));
    }

    /// A store of schema 3 (no upcoming or word index, the assignee index without statuses)
    /// with requests in it comes out of migrations 0004 to 0011 with every index matching
    /// its records (the upcoming one with each request's prefix filter), and without the old
    /// tables.
    #[test]
    fn indexes_added_by_migrations_are_built_from_the_records() {
        use redb::ReadableTableMetadata;
        let dir = tempfile::tempdir().unwrap();
        {
            let (svc, admin) = crate::service::test_service(dir.path());
            let links = crate::links::LinkKey::load_or_create(dir.path()).unwrap();
            for (i, assignee) in ["me", "unassigned", "me"].iter().enumerate() {
                let input = serde_json::from_value(serde_json::json!({
                    "recipient_name": format!("P{i}"),
                    "assignee": {"type": assignee},
                }))
                .unwrap();
                let rec = svc.create_request(&admin, input).unwrap();
                if i == 2 {
                    svc.close(&admin, rec.id).unwrap();
                }
            }
            // A waiting request with a connect prompt no one has answered.
            let rec = svc
                .create_request(
                    &admin,
                    serde_json::from_value(serde_json::json!({"recipient_name": "Q"})).unwrap(),
                )
                .unwrap();
            let token = links.token(rec.id, rec.link_generation);
            let web = serde_json::from_value(serde_json::json!({"client": "web"})).unwrap();
            let device = crate::service::Device::random();
            svc.checkin(&token, &device, web).unwrap();
            assert!(svc.connect(&admin, rec.id, false).unwrap().prompt.is_some());
            // Back to schema 3's layout.
            let txn = svc.store().redb().begin_write().unwrap();
            txn.delete_table(tables::IDX_UPCOMING).unwrap();
            txn.delete_table(tables::IDX_WORDS).unwrap();
            txn.delete_table(tables::WORDS_PENDING).unwrap();
            txn.delete_table(tables::IDX_PROMPTS).unwrap();
            txn.delete_table(tables::IDX_ASSIGNEE).unwrap();
            txn.open_table(tables::IDX_ASSIGNEE_V1).unwrap();
            txn.open_table(tables::META)
                .unwrap()
                .insert("schema_version", 3u32.to_be_bytes().as_slice())
                .unwrap();
            txn.commit().unwrap();
        }
        let store = Db::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(store.verify_indexes().unwrap(), Vec::<String>::new());
        let read = store.begin_read().unwrap();
        assert_eq!(
            read.open_table(tables::IDX_UPCOMING)
                .unwrap()
                .len()
                .unwrap(),
            2
        );
        assert_eq!(
            read.open_table(tables::IDX_PROMPTS).unwrap().len().unwrap(),
            1
        );
        assert_eq!(
            read.open_table(tables::IDX_ASSIGNEE)
                .unwrap()
                .len()
                .unwrap(),
            4
        );
        // "P0", "P1", "P2": the word "p" and a digit each; "Q".
        assert_eq!(
            read.open_table(tables::IDX_WORDS).unwrap().len().unwrap(),
            5,
            "one block for each of the terms p, 0, 1, 2 and q"
        );
        assert!(matches!(
            read.open_table(tables::IDX_ASSIGNEE_V1),
            Err(redb::TableError::TableDoesNotExist(_))
        ));
        assert!(matches!(
            read.open_table(tables::IDX_UPCOMING_V1),
            Err(redb::TableError::TableDoesNotExist(_))
        ));
        assert!(matches!(
            read.open_table(tables::IDX_WORDS_V1),
            Err(redb::TableError::TableDoesNotExist(_))
        ));
    }

    #[test]
    fn reopening_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        drop(Db::open(dir.path()).unwrap());
        let store = Db::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    }
}
