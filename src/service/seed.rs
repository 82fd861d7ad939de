//! Filling a store fast, for benchmarks and scale tests: many requests per transaction, each
//! written exactly as `create_request` writes one (the record, all its indexes, its `created`
//! event and its link), so what is measured afterwards is what production would hold.

use app::domain::{Actor, EventKind, SessionRequest};

use super::Service;
use super::error::Result;
use super::txn::{append_event, put_request};
use crate::links::token_hash;
use crate::store::tables;

impl Service {
    /// Stores `requests` (fresh records: `event_count` 0) in one transaction.
    pub fn seed(&self, requests: Vec<SessionRequest>) -> Result<()> {
        let txn = self.store.begin_write()?;
        for mut rec in requests {
            let (at, by, status) = (rec.created_at, rec.created_by, rec.status);
            append_event(
                &txn,
                &mut rec,
                at,
                Actor::Agent(by),
                EventKind::Created,
                status,
                status,
            )?;
            put_request(&txn, None, &rec)?;
            txn.open_table(tables::LINK_TOKENS)?.insert(
                token_hash(&self.links.token(rec.id, rec.link_generation)),
                rec.id.to_be_bytes(),
            )?;
        }
        txn.commit()?;
        Ok(())
    }
}
