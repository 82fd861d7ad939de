//! A full consistency check: every request's index entries exist, and every index entry
//! points at a request whose keys include it. Used by tests now, and by `beckon check` later.

use std::collections::BTreeSet;

use app::domain::{RequestId, SessionRequest};
use redb::{ReadableDatabase, ReadableTable};

use super::keys::{self, RequestKeys};
use super::{Store, StoreError, decode, tables};

impl Store {
    /// Lists every inconsistency between records and indexes (empty when all is well).
    pub fn verify_indexes(&self) -> Result<Vec<String>, StoreError> {
        let txn = self.db.begin_read()?;
        let requests = txn.open_table(tables::REQUESTS)?;
        let mut problems = Vec::new();
        let (mut status, mut assignee, mut schedule, mut expiry) = (
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
        );
        for entry in requests.iter()? {
            let (k, v) = entry?;
            let rec: SessionRequest = decode(v.value())?;
            if rec.id != RequestId::from_be_bytes(k.value()) {
                problems.push(format!("request stored under the wrong key: {}", rec.id));
            }
            let keys = RequestKeys::of(&rec);
            status.insert(keys.status.to_vec());
            assignee.insert(keys.assignee.to_vec());
            schedule.extend(keys.schedule.map(|k| k.to_vec()));
            expiry.extend(keys.expiry.map(|k| k.to_vec()));
            let events = txn
                .open_table(tables::REQUEST_EVENTS)?
                .range(keys::event(rec.id, 0)..=keys::event(rec.id, u32::MAX))?
                .count();
            if events != rec.event_count as usize {
                problems.push(format!(
                    "{}: {events} timeline events stored, {} counted",
                    rec.id, rec.event_count
                ));
            }
        }
        macro_rules! compare {
            ($table:expr, $expected:expr, $name:literal) => {
                let mut found = BTreeSet::new();
                for entry in txn.open_table($table)?.iter()? {
                    found.insert(entry?.0.value().to_vec());
                }
                for missing in $expected.difference(&found) {
                    problems.push(format!(
                        "{} index lacks an entry for {}",
                        $name,
                        keys::trailing_id(missing)
                    ));
                }
                for stray in found.difference(&$expected) {
                    problems.push(format!(
                        "{} index has a stray entry for {}",
                        $name,
                        keys::trailing_id(stray)
                    ));
                }
            };
        }
        compare!(tables::IDX_STATUS, status, "status");
        compare!(tables::IDX_ASSIGNEE, assignee, "assignee");
        compare!(tables::IDX_SCHEDULE, schedule, "schedule");
        compare!(tables::IDX_EXPIRY, expiry, "expiry");
        for entry in txn.open_table(tables::LINK_TOKENS)?.iter()? {
            let id = entry?.1.value();
            if requests.get(id)?.is_none() {
                problems.push(format!(
                    "link for a missing request {}",
                    RequestId::from_be_bytes(id)
                ));
            }
        }
        Ok(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stray_or_missing_index_entry_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(store.verify_indexes().unwrap().is_empty());
        let txn = store.begin_write().unwrap();
        let ghost = RequestId::from_u128(99);
        txn.open_table(tables::IDX_STATUS)
            .unwrap()
            .insert(keys::status(app::domain::Status::Open, ghost), ())
            .unwrap();
        txn.commit().unwrap();
        let problems = store.verify_indexes().unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("stray"), "{problems:?}");
    }
}
