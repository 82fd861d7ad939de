//! What the installation keeps besides requests and people: settings, the logo, the audit
//! log and the retention log.

use std::fmt;
use std::ops::ControlFlow;

use super::StoreError;
use super::records::{AuditEvent, LogoRecord, SettingsRecord};

type Result<T> = std::result::Result<T, StoreError>;

/// Where a page of the audit log ended: the next page starts after it. Made by `audit_page`
/// and handed out as text (`Display`), read back with `parse`; what it holds is the
/// backend's business.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditCursor(pub(super) [u8; 24]);

impl AuditCursor {
    /// A cursor from its text; `None` if the text is not one.
    pub fn parse(s: &str) -> Option<AuditCursor> {
        if s.len() != 48 || !s.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 24];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(AuditCursor(bytes))
    }
}

/// The text of a cursor: its bytes in hex.
impl fmt::Display for AuditCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

pub trait MetaReads {
    /// The settings an administrator changed at run time, if any were.
    fn settings_record(&mut self) -> Result<Option<SettingsRecord>>;

    /// The organisation's logo, if one was uploaded.
    fn logo_record(&mut self) -> Result<Option<LogoRecord>>;

    /// Up to `limit` audit events, newest first, older than `before` (from the newest when
    /// none); with the cursor of the next page when there are more.
    fn audit_page(
        &mut self,
        before: Option<AuditCursor>,
        limit: usize,
    ) -> Result<(Vec<AuditEvent>, Option<AuditCursor>)>;

    /// Hands every audit event to `each`, oldest first, until it says to stop.
    fn audit_all(&mut self, each: &mut dyn FnMut(AuditEvent) -> ControlFlow<()>) -> Result<()>;
}

pub trait MetaWrites {
    /// Appends a security-relevant event to the audit log (never rewritten; retention leaves
    /// it alone).
    fn append_audit(&mut self, event: &AuditEvent) -> Result<()>;

    fn put_settings_record(&mut self, record: &SettingsRecord) -> Result<()>;

    fn put_logo_record(&mut self, record: &LogoRecord) -> Result<()>;

    /// Removes the logo; nothing if there is none.
    fn remove_logo_record(&mut self) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_through_their_text_and_garbage_is_none() {
        let cursor = AuditCursor(std::array::from_fn(|i| i as u8 * 11));
        let text = cursor.to_string();
        assert_eq!(text.len(), 48);
        assert_eq!(AuditCursor::parse(&text), Some(cursor));
        assert_eq!(AuditCursor::parse(&text.to_uppercase()), Some(cursor));
        for bad in ["", "zz", &"g".repeat(48), &"é".repeat(24)] {
            assert_eq!(AuditCursor::parse(bad), None);
        }
    }
}
