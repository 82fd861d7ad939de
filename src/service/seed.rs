//! Filling a store fast, for benchmarks and scale tests: many requests per transaction, each
//! written the way the use cases write one (the record, all its indexes, its timeline and, for
//! a v1 link, its look-up entry), so what is measured afterwards is what production would hold.

use app::domain::{SessionRequest, TimelineEvent};

use super::Service;
use super::error::Result;
use super::timeline::append_event;

impl Service {
    /// Stores `requests` in one transaction: each record as it ends up, with the timeline
    /// that led there (a fresh record with no events gets a `created` event).
    pub fn seed(&self, requests: Vec<(SessionRequest, Vec<TimelineEvent>)>) -> Result<()> {
        self.store.transact(|tx| {
            for (mut rec, mut events) in requests {
                rec.event_count = 0;
                if events.is_empty() {
                    events.push(TimelineEvent {
                        at: rec.created_at,
                        actor: app::domain::Actor::Agent(rec.created_by),
                        kind: app::domain::EventKind::Created,
                        from: rec.status,
                        to: rec.status,
                    });
                }
                for e in events {
                    append_event(tx, &mut rec, e.at, e.actor, e.kind, e.from, e.to)?;
                }
                tx.put_request(None, &rec)?;
                // Records made as they were before v2 links get their link filed, as then.
                if let Some(indexed) = self.links.indexed(rec.id, rec.link_generation) {
                    tx.put_link(indexed, rec.id)?;
                }
            }
            // A seed is a bulk load: its search terms go in now, not later.
            tx.index_now()?;
            Ok::<_, crate::service::ServiceError>(())
        })?;
        Ok(())
    }
}
