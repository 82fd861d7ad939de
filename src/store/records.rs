//! Stored records that belong to the server rather than to the shared domain.

use app::domain::{AgentId, MailId, RequestId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A signed-in session or API token; stored under the SHA-256 of its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthToken {
    pub agent: AgentId,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailKind {
    /// The link to the end user.
    Invitation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailState {
    Pending,
    Sent,
    Failed,
}

/// One mail to deliver. Content is rendered at delivery time from the request, so a mail
/// never carries a link token at rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMail {
    pub id: MailId,
    pub kind: MailKind,
    pub request: Option<RequestId>,
    pub to: String,
    pub language: String,
    /// The link generation the mail was queued for; a reopened request's old mails are moot.
    pub link_generation: u32,
    pub created_at: Timestamp,
    pub state: MailState,
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
}

/// Settings an administrator changed in the portal; each one set overrides the config file's
/// value (the file gives the starting point, the store keeps what was decided since).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsRecord {
    pub organisation: Option<String>,
    pub default_expiry_secs: Option<u64>,
    pub max_expiry_secs: Option<u64>,
    pub updated_at: Option<Timestamp>,
}
