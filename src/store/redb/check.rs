//! A full consistency check: every request's index entries exist, and every index entry
//! points at a request whose keys include it; the outbox's indexes match its rows. Used by
//! `beckon check`, restore's verification and the tests.

use std::collections::{BTreeMap, BTreeSet};

use app::domain::{RequestId, SessionRequest};
use redb::{ReadableDatabase, ReadableTable};

use super::keys::{self, RequestKeys};
use super::{Base as Store, StoreError, decode, prefix_filter, tables, word_blocks};
use crate::store::records::{DeliveryState, OutboxItem, OutboxMessage};

impl Store {
    /// Lists every inconsistency between records and indexes (empty when all is well).
    pub fn verify_indexes(&self) -> Result<Vec<String>, StoreError> {
        let txn = self.db.begin_read()?;
        let requests = txn.open_table(tables::REQUESTS)?;
        let mut problems = Vec::new();
        let mut upcoming = BTreeMap::new();
        let mut prompts = BTreeSet::new();
        let mut words = BTreeSet::new();
        let (mut status, mut assignee, mut schedule, mut expiry, mut finished) = (
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
        );
        let mut pending = BTreeSet::new();
        for entry in txn.open_table(tables::WORDS_PENDING)?.iter()? {
            let id = entry?.0.value();
            if requests.get(id)?.is_none() {
                problems.push(format!(
                    "words pending for a missing request {}",
                    RequestId::from_be_bytes(id)
                ));
            }
            pending.insert(id);
        }
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
            finished.extend(keys.finished.map(|k| k.to_vec()));
            upcoming.extend(keys.upcoming.map(|k| (k, prefix_filter::of_request(&rec))));
            prompts.extend(keys.prompt.map(|k| k.to_vec()));
            // A pending request's words are not indexed yet (`tables::WORDS_PENDING`).
            if !pending.contains(&rec.id.to_be_bytes()) {
                words.extend(keys::words(&rec));
            }
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
                compare!(found found, $expected, $name);
            };
            (found $found:expr, $expected:expr, $name:literal) => {
                let found = $found;
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
        compare!(tables::IDX_FINISHED, finished, "finished");
        // The upcoming index's entries hold the request's prefix filter, which must be its
        // text's: a stale one would hide the request from searches of the Upcoming view.
        for entry in txn.open_table(tables::IDX_UPCOMING)?.iter()? {
            let (k, v) = entry?;
            let id = keys::trailing_id(&k.value());
            match upcoming.remove(&k.value()) {
                None => problems.push(format!("upcoming index has a stray entry for {id}")),
                Some(f) if f != v.value() => {
                    problems.push(format!("upcoming index has a stale search filter for {id}"))
                }
                Some(_) => {}
            }
        }
        for missing in upcoming.keys() {
            let id = keys::trailing_id(missing);
            problems.push(format!("upcoming index lacks an entry for {id}"));
        }
        compare!(tables::IDX_PROMPTS, prompts, "prompts");
        compare!(found self.word_entries(&txn, &mut problems)?, words, "search");
        // Only v1 links are filed; a request with a v2 link has no entry left.
        for entry in txn.open_table(tables::LINK_TOKENS)?.iter()? {
            let id = entry?.1.value();
            let rec: Option<SessionRequest> = match requests.get(id)? {
                Some(v) => Some(decode(v.value())?),
                None => None,
            };
            match rec {
                None => problems.push(format!(
                    "link for a missing request {}",
                    RequestId::from_be_bytes(id)
                )),
                Some(r) if r.link_generation >= SessionRequest::FIRST_LINK_GENERATION => {
                    problems.push(format!("a v1 link entry for {}, whose link is v2", r.id))
                }
                Some(_) => {}
            }
        }
        self.verify_outbox(&txn, &mut problems)?;
        Ok(problems)
    }

    /// Pending items are due (or queued behind an earlier webhook call to the same place),
    /// failed ones are listed as failed, and no index entry points at anything else.
    /// The search index's logical entries (`term ‖ 0 ‖ ID`), from its blocks, reporting any
    /// block that is empty, over full, unsorted or not filed under its first ID.
    fn word_entries(
        &self,
        txn: &redb::ReadTransaction,
        problems: &mut Vec<String>,
    ) -> Result<BTreeSet<Vec<u8>>, StoreError> {
        let mut found = BTreeSet::new();
        for entry in txn.open_table(tables::IDX_WORDS)?.iter()? {
            let (k, v) = entry?;
            let (term, first) = word_blocks::split(k.value());
            let ids: Vec<RequestId> = word_blocks::ids(v.value()).collect();
            let sorted = ids.windows(2).all(|w| w[0] < w[1]);
            let whole = v.value().len() % 16 == 0;
            if ids.first() != Some(&first) || !sorted || !whole || ids.len() > word_blocks::CAP {
                problems.push(format!("search index block at {first} is malformed"));
            }
            found.extend(ids.into_iter().map(|id| word_blocks::key(term, id)));
        }
        Ok(found)
    }

    fn verify_outbox(
        &self,
        txn: &redb::ReadTransaction,
        problems: &mut Vec<String>,
    ) -> Result<(), StoreError> {
        let mut due = BTreeSet::new();
        for e in txn.open_table(tables::IDX_OUTBOX_DUE)?.iter()? {
            due.insert(e?.0.value().to_vec());
        }
        let mut queued = BTreeSet::new();
        let mut heads = BTreeSet::new();
        let mut last_prefix = Vec::new();
        for e in txn.open_table(tables::WEBHOOK_QUEUE)?.iter()? {
            let k = e?.0.value();
            queued.insert(k.to_vec());
            if k[..32] != last_prefix[..] {
                last_prefix = k[..32].to_vec();
                heads.insert(keys::trailing(&k));
            }
        }
        let mut failed = BTreeSet::new();
        for e in txn.open_table(tables::IDX_OUTBOX_FAILED)?.iter()? {
            failed.insert(e?.0.value());
        }
        let (mut want_due, mut want_queued, mut want_failed) =
            (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for e in txn.open_table(tables::OUTBOX)?.iter()? {
            let (_, v) = e?;
            let item: OutboxItem = decode(v.value())?;
            let id = item.id.to_be_bytes();
            match item.state {
                DeliveryState::Pending => {
                    let mut in_queue = false;
                    if let (OutboxMessage::Webhook { endpoint, .. }, Some(req)) =
                        (&item.message, item.request)
                    {
                        let mut k = endpoint.to_be_bytes().to_vec();
                        k.extend(req.to_be_bytes());
                        k.extend(id);
                        want_queued.insert(k);
                        in_queue = !heads.contains(&id);
                    }
                    if !in_queue {
                        want_due.insert(keys::timed(item.next_attempt_at, id).to_vec());
                    }
                }
                DeliveryState::Failed => {
                    want_failed.insert(id);
                }
                DeliveryState::Sent | DeliveryState::Superseded => {}
            }
        }
        let mut report = |what: &str, missing: usize, stray: usize| {
            if missing + stray > 0 {
                problems.push(format!(
                    "outbox {what} index: {missing} entries missing, {stray} stray"
                ));
            }
        };
        report(
            "due",
            want_due.difference(&due).count(),
            due.difference(&want_due).count(),
        );
        report(
            "webhook queue",
            want_queued.difference(&queued).count(),
            queued.difference(&want_queued).count(),
        );
        report(
            "failed",
            want_failed.difference(&failed).count(),
            failed.difference(&want_failed).count(),
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::Db;
    use super::*;

    #[test]
    fn a_stray_or_missing_index_entry_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = Db::open(dir.path()).unwrap();
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

    /// An open request's filter that no longer matches its text is reported, since the
    /// Upcoming view's searches would pass over it.
    #[test]
    fn a_stale_prefix_filter_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let (svc, admin) = crate::service::test_service(dir.path());
        let input = serde_json::json!({"recipient_name": "Grace Huang"});
        let rec = svc
            .create_request(&admin, serde_json::from_value(input).unwrap())
            .unwrap();
        assert!(svc.store().verify_indexes().unwrap().is_empty());
        let key = keys::RequestKeys::of(&rec).upcoming.unwrap();
        let txn = svc.store().redb().begin_write().unwrap();
        let other = prefix_filter::of_terms(["lena", "fischer"]);
        txn.open_table(tables::IDX_UPCOMING)
            .unwrap()
            .insert(key, other)
            .unwrap();
        txn.commit().unwrap();
        let problems = svc.store().verify_indexes().unwrap();
        assert_eq!(
            problems,
            vec![format!(
                "upcoming index has a stale search filter for {}",
                rec.id
            )]
        );
    }
}
