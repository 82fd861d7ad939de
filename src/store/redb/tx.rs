//! The redb backend's transactions: `Txn` is a write transaction with its tables open,
//! `Snapshot` a read transaction. Both answer the store's interface; the area files
//! (`requests.rs`, `people.rs`, …) hold those answers.
//!
//! A write opens its hot tables once, as a `Txn`: opening a redb table costs more than a
//! write to it (it looks the table up and checks its type names), and a sweep or a seed
//! touches a dozen tables a request, thousands of times a transaction. Tables few writes
//! touch are opened on first use.

use redb::{
    ReadOnlyTable, ReadTransaction, ReadableTable, Table, TableDefinition, WriteTransaction,
};

use super::{prefix_filter, tables, word_blocks};
use crate::store::{Record, StoreError, decode};

pub(super) type Result<T> = std::result::Result<T, StoreError>;

/// The tables of one write transaction. Dropped before the transaction commits.
pub struct Txn<'t> {
    pub(super) txn: &'t WriteTransaction,
    /// Outbox items queued so far (counted by `enqueue`).
    pub(super) queued: usize,
    pub(super) requests: Table<'t, [u8; 16], &'static [u8]>,
    pub(super) events: Table<'t, [u8; 20], &'static [u8]>,
    pub(super) idx_status: Table<'t, [u8; 17], ()>,
    pub(super) idx_assignee: Table<'t, [u8; 34], ()>,
    pub(super) idx_schedule: Table<'t, [u8; 24], ()>,
    pub(super) idx_expiry: Table<'t, [u8; 24], ()>,
    pub(super) idx_finished: Table<'t, [u8; 24], ()>,
    pub(super) idx_upcoming: Table<'t, [u8; 25], prefix_filter::Filter>,
    pub(super) idx_prompts: Table<'t, [u8; 24], ()>,
    pub(super) idx_words: word_blocks::BlockTable<'t>,
    pub(super) words_pending: Table<'t, [u8; 16], ()>,
    pub(super) links: Table<'t, [u8; 32], [u8; 16]>,
    pub(super) devices: Table<'t, [u8; 32], [u8; 32]>,
    pub(super) join_codes: Table<'t, u64, [u8; 16]>,
    pub(super) agents: Table<'t, [u8; 16], &'static [u8]>,
    pub(super) clients: Table<'t, [u8; 16], &'static [u8]>,
    pub(super) outbox: Table<'t, [u8; 16], &'static [u8]>,
    pub(super) outbox_due: Table<'t, [u8; 24], ()>,
    pub(super) outbox_failed: Table<'t, [u8; 16], ()>,
    pub(super) webhook_queue: Table<'t, [u8; 48], ()>,
    pub(super) webhooks: Table<'t, [u8; 16], &'static [u8]>,
    pub(super) audit: Table<'t, [u8; 24], &'static [u8]>,
    meta: Option<Table<'t, &'static str, &'static [u8]>>,
    agent_emails: Option<Table<'t, &'static str, [u8; 16]>>,
    auth_tokens: Option<Table<'t, [u8; 32], &'static [u8]>>,
    agent_totp: Option<Table<'t, [u8; 16], &'static [u8]>>,
    purge_log: Option<Table<'t, [u8; 8], &'static [u8]>>,
}

/// Opens a rarely written table on first use.
fn lazily<'s, 't, K: redb::Key + 'static, V: redb::Value + 'static>(
    txn: &'t WriteTransaction,
    slot: &'s mut Option<Table<'t, K, V>>,
    def: TableDefinition<K, V>,
) -> Result<&'s mut Table<'t, K, V>> {
    if slot.is_none() {
        *slot = Some(txn.open_table(def)?);
    }
    Ok(slot.as_mut().expect("opened above"))
}

impl<'t> Txn<'t> {
    pub fn open(txn: &'t WriteTransaction) -> Result<Txn<'t>> {
        Ok(Txn {
            txn,
            queued: 0,
            requests: txn.open_table(tables::REQUESTS)?,
            events: txn.open_table(tables::REQUEST_EVENTS)?,
            idx_status: txn.open_table(tables::IDX_STATUS)?,
            idx_assignee: txn.open_table(tables::IDX_ASSIGNEE)?,
            idx_schedule: txn.open_table(tables::IDX_SCHEDULE)?,
            idx_expiry: txn.open_table(tables::IDX_EXPIRY)?,
            idx_finished: txn.open_table(tables::IDX_FINISHED)?,
            idx_upcoming: txn.open_table(tables::IDX_UPCOMING)?,
            idx_prompts: txn.open_table(tables::IDX_PROMPTS)?,
            idx_words: txn.open_table(tables::IDX_WORDS)?,
            words_pending: txn.open_table(tables::WORDS_PENDING)?,
            links: txn.open_table(tables::LINK_TOKENS)?,
            devices: txn.open_table(tables::LINK_DEVICES)?,
            join_codes: txn.open_table(tables::JOIN_CODES)?,
            agents: txn.open_table(tables::AGENTS)?,
            clients: txn.open_table(tables::CLIENTS)?,
            outbox: txn.open_table(tables::OUTBOX)?,
            outbox_due: txn.open_table(tables::IDX_OUTBOX_DUE)?,
            outbox_failed: txn.open_table(tables::IDX_OUTBOX_FAILED)?,
            webhook_queue: txn.open_table(tables::WEBHOOK_QUEUE)?,
            webhooks: txn.open_table(tables::WEBHOOKS)?,
            audit: txn.open_table(tables::AUDIT)?,
            meta: None,
            agent_emails: None,
            auth_tokens: None,
            agent_totp: None,
            purge_log: None,
        })
    }

    pub(super) fn meta(&mut self) -> Result<&mut Table<'t, &'static str, &'static [u8]>> {
        lazily(self.txn, &mut self.meta, tables::META)
    }

    pub(super) fn agent_emails(&mut self) -> Result<&mut Table<'t, &'static str, [u8; 16]>> {
        lazily(self.txn, &mut self.agent_emails, tables::AGENT_EMAILS)
    }

    pub(super) fn auth_tokens(&mut self) -> Result<&mut Table<'t, [u8; 32], &'static [u8]>> {
        lazily(self.txn, &mut self.auth_tokens, tables::AUTH_TOKENS)
    }

    pub(super) fn agent_totp(&mut self) -> Result<&mut Table<'t, [u8; 16], &'static [u8]>> {
        lazily(self.txn, &mut self.agent_totp, tables::AGENT_TOTP)
    }

    pub(super) fn purge_log(&mut self) -> Result<&mut Table<'t, [u8; 8], &'static [u8]>> {
        lazily(self.txn, &mut self.purge_log, tables::PURGE_LOG)
    }
}

/// A read transaction: one consistent view of the store. Each answer opens the tables it
/// reads (cheap next to a write's).
pub struct Snapshot {
    pub(super) txn: ReadTransaction,
}

impl Snapshot {
    /// Opens a table for reading; a table a newer build created and this one never wrote
    /// would be missing, but every table exists once migrations ran.
    pub(super) fn table<K: redb::Key + 'static, V: redb::Value + 'static>(
        &self,
        def: TableDefinition<K, V>,
    ) -> Result<ReadOnlyTable<K, V>> {
        Ok(self.txn.open_table(def)?)
    }
}

/// Reads a codec record by its 16-byte key from any readable table.
pub(super) fn get<T: Record>(
    table: &impl ReadableTable<[u8; 16], &'static [u8]>,
    key: [u8; 16],
) -> Result<Option<T>> {
    match table.get(key)? {
        Some(v) => Ok(Some(decode(v.value())?)),
        None => Ok(None),
    }
}

/// Every record of a table keyed by 16-byte IDs, in key order.
pub(super) fn all<T: Record>(
    table: &impl ReadableTable<[u8; 16], &'static [u8]>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for entry in table.iter()? {
        out.push(decode(entry?.1.value())?);
    }
    Ok(out)
}
