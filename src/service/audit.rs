//! The audit log: an append-only record of security-relevant events. Each entry is written in
//! the same transaction as what it records, so there is no change without its entry and no
//! entry for a change that did not happen. Administrators read it (newest first) and export
//! it as CSV; nothing updates or deletes it.

use std::net::IpAddr;

use app::domain::Agent;
use jiff::Timestamp;
use redb::{ReadableTable, Table, WriteTransaction};

use super::error::{Result, ServiceError};
use super::{Service, require_admin};
use crate::store::keys;
use crate::store::records::{AuditEvent, AuditKind};
use crate::store::{decode, encode, tables};

/// Largest page of the admin view.
pub const MAX_PAGE: usize = 500;

impl AuditEvent {
    /// An entry for what a signed-in agent did.
    pub fn by(agent: &Agent, kind: AuditKind, target: Option<String>, detail: String) -> Self {
        AuditEvent {
            at: Timestamp::now(),
            kind,
            actor: Some(agent.id),
            actor_label: agent.email.clone(),
            ip: None,
            target,
            detail,
        }
    }

    /// An entry for what someone not signed in did (`who`: the end user, the operator, the
    /// email a failed sign-in tried).
    pub fn anonymous(who: &str, kind: AuditKind, target: Option<String>, detail: String) -> Self {
        AuditEvent {
            at: Timestamp::now(),
            kind,
            actor: None,
            actor_label: who.chars().take(200).collect(),
            ip: None,
            target,
            detail,
        }
    }

    pub fn from_ip(mut self, ip: IpAddr) -> Self {
        self.ip = Some(ip);
        self
    }
}

/// Appends `event` to the open audit table (a use case's `Tx`).
pub(super) fn append(table: &mut Table<[u8; 24], &[u8]>, event: &AuditEvent) -> Result<()> {
    let key = keys::timed(event.at, rand::random());
    table.insert(key, encode(event).as_slice())?;
    Ok(())
}

/// Appends `event` inside `txn` (use cases without a `Tx`).
pub(super) fn append_in(txn: &WriteTransaction, event: &AuditEvent) -> Result<()> {
    append(&mut txn.open_table(tables::AUDIT)?, event)
}

/// A page cursor: the last key shown, as hex.
fn cursor_of(key: &[u8; 24]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_cursor(s: &str) -> Result<[u8; 24]> {
    let bad = || ServiceError::invalid("cursor", "not a cursor from a previous page");
    if s.len() != 48 || !s.is_ascii() {
        return Err(bad());
    }
    let mut key = [0u8; 24];
    for (i, b) in key.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(key)
}

impl Service {
    /// A page of the audit log, newest first, and the cursor of the next page.
    pub fn audit_page(
        &self,
        caller: &Agent,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<(Vec<AuditEvent>, Option<String>)> {
        require_admin(caller)?;
        let before = cursor.map(parse_cursor).transpose()?;
        let limit = limit.clamp(1, MAX_PAGE);
        let txn = self.store.begin_read()?;
        let table = match txn.open_table(tables::AUDIT) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok((Vec::new(), None)),
            Err(e) => return Err(e.into()),
        };
        let range = match before {
            Some(k) => table.range(..k)?,
            None => table.range::<[u8; 24]>(..)?,
        };
        let mut items = Vec::new();
        let mut last = None;
        for entry in range.rev() {
            let (k, v) = entry?;
            if items.len() == limit {
                return Ok((items, last.as_ref().map(cursor_of)));
            }
            items.push(decode(v.value())?);
            last = Some(k.value());
        }
        Ok((items, None))
    }

    /// Every entry, oldest first, handed to `each` (the CSV export streams through this).
    pub fn audit_each(
        &self,
        caller: &Agent,
        mut each: impl FnMut(AuditEvent) -> std::io::Result<()>,
    ) -> Result<()> {
        require_admin(caller)?;
        let txn = self.store.begin_read()?;
        let table = match txn.open_table(tables::AUDIT) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        for entry in table.iter()? {
            each(decode(entry?.1.value())?)
                .map_err(|e| ServiceError::Internal(format!("writing the export: {e}")))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_invalid_input() {
        let key = keys::timed(Timestamp::now(), [7; 16]);
        assert_eq!(parse_cursor(&cursor_of(&key)).unwrap(), key);
        for bad in ["", "zz", &"g".repeat(48), &"é".repeat(24)] {
            assert!(matches!(
                parse_cursor(bad),
                Err(ServiceError::InvalidInput { .. })
            ));
        }
    }
}
