//! The audit log: an append-only record of security-relevant events. Each entry is written in
//! the same transaction as what it records, so there is no change without its entry and no
//! entry for a change that did not happen. Administrators read it (newest first) and export
//! it as CSV; nothing updates or deletes it.

use std::net::IpAddr;
use std::ops::ControlFlow;

use app::domain::Agent;
use jiff::Timestamp;

use super::error::{Result, ServiceError};
use super::{Service, require_admin};
use crate::store::AuditCursor;
use crate::store::records::{AuditEvent, AuditKind};

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

/// A page cursor from a request: one `audit_page` handed out.
fn parse_cursor(s: &str) -> Result<AuditCursor> {
    AuditCursor::parse(s)
        .ok_or_else(|| ServiceError::invalid("cursor", "not a cursor from a previous page"))
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
        let (items, next) = self.store.read()?.audit_page(before, limit)?;
        Ok((items, next.map(|c| c.to_string())))
    }

    /// Every entry, oldest first, handed to `each` (the CSV export streams through this).
    pub fn audit_each(
        &self,
        caller: &Agent,
        mut each: impl FnMut(AuditEvent) -> std::io::Result<()>,
    ) -> Result<()> {
        require_admin(caller)?;
        let mut failed = None;
        self.store
            .read()?
            .audit_all(&mut |event| match each(event) {
                Ok(()) => ControlFlow::Continue(()),
                Err(e) => {
                    failed = Some(e);
                    ControlFlow::Break(())
                }
            })?;
        match failed {
            Some(e) => Err(ServiceError::Internal(format!("writing the export: {e}"))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_invalid_input() {
        let text = "07".repeat(24);
        assert_eq!(parse_cursor(&text).unwrap().to_string(), text);
        for bad in ["", "zz", &"g".repeat(48), &"é".repeat(24)] {
            assert!(matches!(
                parse_cursor(bad),
                Err(ServiceError::InvalidInput { .. })
            ));
        }
    }
}
