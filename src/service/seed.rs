//! Filling a store fast, for benchmarks and scale tests: many requests per transaction, each
//! written exactly as `create_request` writes one (the record, all its indexes, its `created`
//! event and its link), so what is measured afterwards is what production would hold.

use app::domain::{Actor, EventKind, SessionRequest};

use super::Service;
use super::error::Result;
use super::txn::{Tx, append_event, put_request};
use crate::links::token_hash;

impl Service {
    /// Stores `requests` (fresh records: `event_count` 0) in one transaction.
    pub fn seed(&self, requests: Vec<SessionRequest>) -> Result<()> {
        let txn = self.store.begin_write()?;
        let mut tx = Tx::open(&txn)?;
        for mut rec in requests {
            let (at, by, status) = (rec.created_at, rec.created_by, rec.status);
            let created = EventKind::Created;
            append_event(
                &mut tx,
                &mut rec,
                at,
                Actor::Agent(by),
                created,
                status,
                status,
            )?;
            put_request(&mut tx, None, &rec)?;
            let link = token_hash(&self.links.token(rec.id, rec.link_generation));
            tx.links.insert(link, rec.id.to_be_bytes())?;
        }
        tx.close();
        txn.commit()?;
        Ok(())
    }
}
