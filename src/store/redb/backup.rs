//! Backups: a consistent copy of the whole store, and putting one back.
//!
//! A backup is itself a redb database with our tables, copied inside one read transaction,
//! so it is the store as of one moment even while writes go on (redb readers see one commit).
//! Copying the file instead could tear: redb rewrites its header in place on every commit.
//! The link key travels inside it (`META`, `backup.link_key`): without the key no link in
//! the backup would open, so a backup is as secret as the data directory itself.

use std::collections::BTreeSet;
use std::path::Path;

use redb::{
    Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition, TableHandle,
};

use super::{Base as Store, StoreError, tables};

/// Where a backup keeps what is not a table row of the store.
pub const LINK_KEY: &str = "backup.link_key";
const CREATED_AT: &str = "backup.created_at";
const WRITTEN_BY: &str = "backup.beckon_version";

/// What a backup holds, for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub tables: usize,
    pub rows: u64,
    pub requests: u64,
    pub schema_version: u32,
}

impl std::fmt::Display for BackupSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} session requests, {} rows in {} tables, schema version {}",
            self.requests, self.rows, self.tables, self.schema_version
        )
    }
}

/// Copies one table's rows; a table the source never created is skipped.
fn copy<K: redb::Key + 'static, V: redb::Value + 'static>(
    from: &redb::ReadTransaction,
    to: &redb::WriteTransaction,
    def: TableDefinition<K, V>,
    copied: &mut BTreeSet<String>,
) -> Result<u64, StoreError> {
    let source = match from.open_table(def) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    copied.insert(def.name().to_owned());
    let mut target = to.open_table(def)?;
    let mut rows = 0;
    for entry in source.iter()? {
        let (k, v) = entry?;
        target.insert(k.value(), v.value())?;
        rows += 1;
    }
    Ok(rows)
}

/// Every table of the current schema. A table the source holds that is not here stops the
/// backup (see `snapshot_to`), so a new table cannot be left out of backups unnoticed.
fn copy_all(
    from: &redb::ReadTransaction,
    to: &redb::WriteTransaction,
    copied: &mut BTreeSet<String>,
) -> Result<u64, StoreError> {
    use tables::*;
    let mut rows = 0;
    rows += copy(from, to, META, copied)?;
    rows += copy(from, to, REQUESTS, copied)?;
    rows += copy(from, to, REQUEST_EVENTS, copied)?;
    rows += copy(from, to, IDX_STATUS, copied)?;
    rows += copy(from, to, IDX_ASSIGNEE, copied)?;
    rows += copy(from, to, IDX_SCHEDULE, copied)?;
    rows += copy(from, to, IDX_EXPIRY, copied)?;
    rows += copy(from, to, IDX_FINISHED, copied)?;
    rows += copy(from, to, IDX_UPCOMING, copied)?;
    rows += copy(from, to, IDX_PROMPTS, copied)?;
    rows += copy(from, to, IDX_WORDS, copied)?;
    rows += copy(from, to, WORDS_PENDING, copied)?;
    rows += copy(from, to, LINK_TOKENS, copied)?;
    rows += copy(from, to, LINK_DEVICES, copied)?;
    rows += copy(from, to, JOIN_CODES, copied)?;
    rows += copy(from, to, AGENTS, copied)?;
    rows += copy(from, to, AGENT_EMAILS, copied)?;
    rows += copy(from, to, CLIENTS, copied)?;
    rows += copy(from, to, AUTH_TOKENS, copied)?;
    rows += copy(from, to, OUTBOX, copied)?;
    rows += copy(from, to, IDX_OUTBOX_DUE, copied)?;
    rows += copy(from, to, IDX_OUTBOX_FAILED, copied)?;
    rows += copy(from, to, WEBHOOK_QUEUE, copied)?;
    rows += copy(from, to, WEBHOOKS, copied)?;
    rows += copy(from, to, PURGE_LOG, copied)?;
    rows += copy(from, to, AUDIT, copied)?;
    rows += copy(from, to, AGENT_TOTP, copied)?;
    Ok(rows)
}

impl Store {
    /// Writes the store as of one moment, with `link_key`, into a new database file at `to`
    /// (which must not exist). Runs beside live traffic: it holds a read transaction only.
    pub fn snapshot_to(&self, to: &Path, link_key: &[u8]) -> Result<BackupSummary, StoreError> {
        let from = self.db.begin_read()?;
        let schema_version = self.schema_version()?;
        // Created, not opened: a backup never overwrites a file. Owner only: it holds the
        // link key.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
            .open(to)
            .map_err(|e| StoreError::Backup(format!("cannot create {}: {e}", to.display())))?;
        let out = Database::builder().create(to)?;
        let txn = out.begin_write()?;
        let mut copied = BTreeSet::new();
        let rows = copy_all(&from, &txn, &mut copied)?;
        let unknown: Vec<String> = from
            .list_tables()?
            .map(|t| t.name().to_owned())
            .filter(|n| !copied.contains(n))
            .collect();
        if !unknown.is_empty() {
            drop(txn);
            drop(out);
            let _ = std::fs::remove_file(to);
            return Err(StoreError::Backup(format!(
                "the store has tables this build does not back up: {}",
                unknown.join(", ")
            )));
        }
        {
            let mut meta = txn.open_table(tables::META)?;
            meta.insert(LINK_KEY, link_key)?;
            let now = jiff::Timestamp::now().to_string();
            meta.insert(CREATED_AT, now.as_bytes())?;
            meta.insert(WRITTEN_BY, env!("CARGO_PKG_VERSION").as_bytes())?;
        }
        let requests = from
            .open_table(tables::REQUESTS)
            .map_or(Ok(0), |t| t.len())?;
        txn.commit()?;
        Ok(BackupSummary {
            tables: copied.len(),
            rows,
            requests,
            schema_version,
        })
    }

    /// Takes the backup's own entries out of a store restored from one, returning its link
    /// key. A file without them is not a Beckon backup.
    pub fn take_backup_key(&self) -> Result<[u8; 32], StoreError> {
        let txn = self.db.begin_write()?;
        let key = {
            let mut meta = txn.open_table(tables::META)?;
            let key = meta
                .remove(LINK_KEY)?
                .and_then(|v| <[u8; 32]>::try_from(v.value()).ok())
                .ok_or_else(|| {
                    StoreError::Backup("this file is not a Beckon backup (no link key)".into())
                })?;
            meta.remove(CREATED_AT)?;
            meta.remove(WRITTEN_BY)?;
            key
        };
        txn.commit()?;
        Ok(key)
    }

    /// Counts, for `beckon check` and restore's report.
    pub fn summary(&self) -> Result<BackupSummary, StoreError> {
        let txn = self.db.begin_read()?;
        let mut tables = 0;
        let mut rows = 0;
        for t in txn.list_tables()? {
            tables += 1;
            rows += txn.open_untyped_table(t).and_then(|t| Ok(t.len()?))?;
        }
        let requests = txn
            .open_table(tables::REQUESTS)
            .map_or(Ok(0), |t| t.len())?;
        Ok(BackupSummary {
            tables,
            rows,
            requests,
            schema_version: self.schema_version()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::Db;
    use super::*;

    #[test]
    fn a_snapshot_copies_every_table_and_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let store = Db::open(dir.path()).unwrap();
        store.check_writable().unwrap();
        let to = dir.path().join("backup.redb");
        let summary = store.snapshot_to(&to, &[7; 32]).unwrap();
        assert_eq!(summary.schema_version, super::super::SCHEMA_VERSION);
        // The file is never overwritten.
        assert!(matches!(
            store.snapshot_to(&to, &[7; 32]),
            Err(StoreError::Backup(_))
        ));
        drop(store);

        let restored = tempfile::tempdir().unwrap();
        std::fs::copy(&to, restored.path().join(super::super::DB_FILE)).unwrap();
        let copy = Db::open(restored.path()).unwrap();
        assert_eq!(copy.take_backup_key().unwrap(), [7; 32]);
        assert!(copy.take_backup_key().is_err(), "the key is taken out");
        assert!(copy.verify_indexes().unwrap().is_empty());
    }
}
