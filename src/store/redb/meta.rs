//! Settings, the logo, the audit log and the retention log in redb.
//!
//! Settings and the logo are one record each in `tables::META` (keys `settings`, `logo`).
//! An audit event is keyed by its time ‖ 16 random bytes, so the log is in time order; an
//! `AuditCursor` is the key of the last event a page showed.

use std::borrow::Borrow;
use std::ops::ControlFlow;

use redb::{ReadOnlyTable, ReadableTable, TableDefinition};

use super::keys;
use super::tables;
use super::tx::{Result, Snapshot, Txn};
use crate::store::records::{AuditEvent, LogoRecord, SettingsRecord};
use crate::store::{AuditCursor, MetaReads, MetaWrites, Record, decode, encode};

const SETTINGS: &str = "settings";
const LOGO: &str = "logo";

/// Opens a table for reading, or none if no write made it yet: a migration creates most
/// tables, but a few (the audit log, second factors) appear with their first write.
pub(super) fn made_table<K: redb::Key + 'static, V: redb::Value + 'static>(
    snapshot: &Snapshot,
    def: TableDefinition<K, V>,
) -> Result<Option<ReadOnlyTable<K, V>>> {
    match snapshot.txn.open_table(def) {
        Ok(t) => Ok(Some(t)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Reads a codec record by its key from any readable table of records.
pub(super) fn record_at<'k, K: redb::Key + 'static, T: Record>(
    table: &impl ReadableTable<K, &'static [u8]>,
    key: impl Borrow<K::SelfType<'k>>,
) -> Result<Option<T>> {
    match table.get(key)? {
        Some(v) => Ok(Some(decode(v.value())?)),
        None => Ok(None),
    }
}

/// A page of the audit log, newest first, older than `before`.
fn audit_page_in(
    table: &impl ReadableTable<[u8; 24], &'static [u8]>,
    before: Option<AuditCursor>,
    limit: usize,
) -> Result<(Vec<AuditEvent>, Option<AuditCursor>)> {
    let range = match before {
        Some(AuditCursor(k)) => table.range(..k)?,
        None => table.range::<[u8; 24]>(..)?,
    };
    let mut items = Vec::new();
    let mut last = None;
    for entry in range.rev() {
        let (k, v) = entry?;
        if items.len() == limit {
            return Ok((items, last.map(AuditCursor)));
        }
        items.push(decode(v.value())?);
        last = Some(k.value());
    }
    Ok((items, None))
}

/// Every audit event, oldest first, to `each` until it stops.
fn audit_all_in(
    table: &impl ReadableTable<[u8; 24], &'static [u8]>,
    each: &mut dyn FnMut(AuditEvent) -> ControlFlow<()>,
) -> Result<()> {
    for entry in table.iter()? {
        if each(decode(entry?.1.value())?).is_break() {
            break;
        }
    }
    Ok(())
}

impl MetaReads for Snapshot {
    fn settings_record(&mut self) -> Result<Option<SettingsRecord>> {
        record_at(&self.table(tables::META)?, SETTINGS)
    }

    fn logo_record(&mut self) -> Result<Option<LogoRecord>> {
        record_at(&self.table(tables::META)?, LOGO)
    }

    fn audit_page(
        &mut self,
        before: Option<AuditCursor>,
        limit: usize,
    ) -> Result<(Vec<AuditEvent>, Option<AuditCursor>)> {
        match made_table(self, tables::AUDIT)? {
            Some(table) => audit_page_in(&table, before, limit),
            None => Ok((Vec::new(), None)),
        }
    }

    fn audit_all(&mut self, each: &mut dyn FnMut(AuditEvent) -> ControlFlow<()>) -> Result<()> {
        match made_table(self, tables::AUDIT)? {
            Some(table) => audit_all_in(&table, each),
            None => Ok(()),
        }
    }
}

impl MetaReads for Txn<'_> {
    fn settings_record(&mut self) -> Result<Option<SettingsRecord>> {
        record_at(self.meta()?, SETTINGS)
    }

    fn logo_record(&mut self) -> Result<Option<LogoRecord>> {
        record_at(self.meta()?, LOGO)
    }

    fn audit_page(
        &mut self,
        before: Option<AuditCursor>,
        limit: usize,
    ) -> Result<(Vec<AuditEvent>, Option<AuditCursor>)> {
        audit_page_in(&self.audit, before, limit)
    }

    fn audit_all(&mut self, each: &mut dyn FnMut(AuditEvent) -> ControlFlow<()>) -> Result<()> {
        audit_all_in(&self.audit, each)
    }
}

impl MetaWrites for Txn<'_> {
    fn append_audit(&mut self, event: &AuditEvent) -> Result<()> {
        // Time ‖ random: in time order, and two events in one millisecond both kept.
        let key = keys::timed(event.at, rand::random());
        self.audit.insert(key, encode(event).as_slice())?;
        Ok(())
    }

    fn put_settings_record(&mut self, record: &SettingsRecord) -> Result<()> {
        self.meta()?.insert(SETTINGS, encode(record).as_slice())?;
        Ok(())
    }

    fn put_logo_record(&mut self, record: &LogoRecord) -> Result<()> {
        self.meta()?.insert(LOGO, encode(record).as_slice())?;
        Ok(())
    }

    fn remove_logo_record(&mut self) -> Result<()> {
        self.meta()?.remove(LOGO)?;
        Ok(())
    }
}
