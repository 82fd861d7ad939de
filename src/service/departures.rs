//! Sessions nobody is in any more. A side that loses its connection (a closed tab, a dropped
//! network, the assist app quit) gets `disconnect_grace` to come back; after that the session
//! ends by itself (actor *system*, reason `end_user_disconnected`, `agent_disconnected`, or
//! `abandoned` when both sides are gone), so no request stays *in session* with nobody in it.
//! After a restart nobody is connected: the grace period counts from the first look.
//!
//! The sweeper calls `end_deserted` every second; it reads the in-session index (usually a
//! handful of rows) and the relay's rooms, and writes only for sessions it ends.

use std::collections::HashSet;

use app::domain::{Actor, EndReason, RequestId, Status};
use jiff::Timestamp;

use super::Service;
use super::error::{Result, ServiceError};

impl Service {
    /// Ends the sessions a side has left for longer than the grace period; returns them with
    /// their reasons.
    pub fn end_deserted(&self) -> Result<Vec<(RequestId, EndReason)>> {
        let settings = self.settings();
        let running = self.running_sessions()?;
        let ids: HashSet<RequestId> = running.iter().map(|(id, _)| *id).collect();
        self.relay().forget_departures(|id| ids.contains(&id));
        let gone_long = |left: Option<std::time::Instant>, here: bool| {
            !here && left.is_some_and(|t| t.elapsed() >= settings.disconnect_grace)
        };
        let mut ended = Vec::new();
        for (id, started) in running {
            let sides = self.relay().watch(id);
            let reason = match (
                gone_long(sides.end_user_left, sides.end_user),
                gone_long(sides.agents_left, sides.agents),
            ) {
                (true, true) => EndReason::Abandoned,
                (true, false) => EndReason::EndUserLeft,
                (false, true) => EndReason::AgentLeft,
                (false, false) => continue,
            };
            let keep = settings.session_end.keeps();
            match self.end_session(id, Actor::System, keep, reason, started) {
                Ok(_) => ended.push((id, reason)),
                // Ended, closed or restarted meanwhile: nothing left to do.
                Err(ServiceError::Conflict { .. } | ServiceError::Transition(_)) => {}
                Err(e) => return Err(e),
            }
        }
        if !ended.is_empty() {
            tracing::info!(count = ended.len(), "ended sessions their sides left");
        }
        Ok(ended)
    }

    /// The requests in session, with when their session began.
    fn running_sessions(&self) -> Result<Vec<(RequestId, Option<Timestamp>)>> {
        let in_session = self.store.read()?.stored_with_status(Status::InSession)?;
        Ok(in_session
            .into_iter()
            .map(|rec| (rec.id, rec.session_started_at))
            .collect())
    }
}
