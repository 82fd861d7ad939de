//! Stored records that belong to the server rather than to the shared domain.

use std::net::IpAddr;

use app::domain::{AgentId, MailId, RequestId, WebhookId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A signed-in session or API token; stored under the SHA-256 of its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthToken {
    pub agent: AgentId,
    pub created_at: Timestamp,
    /// The absolute end: signed out then, however busy the session.
    pub expires_at: Timestamp,
    /// Last use, kept to within a minute (see `service::sessions`): idle timeout.
    pub last_seen_at: Timestamp,
}

/// What a mail is about; the text is rendered at delivery time from the request as it is then.
/// New variants go at the end (stored encoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailKind {
    /// The link to the end user (with a calendar invite when scheduled).
    Invitation,
    /// A reminder shortly before the scheduled session.
    Reminder { lead_minutes: u32 },
    /// The schedule changed or was removed (with a calendar update or cancellation).
    Rescheduled,
    /// An agent closed the request: the end user's link no longer works.
    Closed,
    /// The request expired before it was finished.
    Expired,
    /// To an agent: a request was assigned to you (or to your client).
    Assigned,
    /// To an agent: the end user opened the link and is waiting.
    EndUserWaiting,
    /// An administrator checking the mail setup.
    Test,
    /// To an agent: a request assigned to you expired before a session took place.
    AgentExpired,
    /// To the assignee and every administrator: the end user said "this wasn't me".
    Declined,
}

impl MailKind {
    pub fn name(self) -> &'static str {
        match self {
            MailKind::Invitation => "invitation",
            MailKind::Reminder { .. } => "reminder",
            MailKind::Rescheduled => "rescheduled",
            MailKind::Closed => "closed",
            MailKind::Expired => "expired",
            MailKind::Assigned => "assigned",
            MailKind::EndUserWaiting => "end_user_waiting",
            MailKind::Test => "test",
            MailKind::AgentExpired => "request_expired",
            MailKind::Declined => "declined",
        }
    }

    /// Mails to agents (about a request), not to its end user.
    pub fn to_agent(self) -> bool {
        matches!(
            self,
            MailKind::Assigned
                | MailKind::EndUserWaiting
                | MailKind::AgentExpired
                | MailKind::Declined
        )
    }

    /// Mails to the end user that carry or refer to the link: moot once the link changed
    /// or the request ended.
    pub fn needs_live_link(self) -> bool {
        matches!(
            self,
            MailKind::Invitation | MailKind::Reminder { .. } | MailKind::Rescheduled
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryState {
    /// Still to be delivered (or retried).
    Pending,
    /// The SMTP server (or the webhook receiver) accepted it.
    Sent,
    /// Given up after the last attempt, or refused for good; an admin may retry it.
    Failed,
    /// No longer worth sending (the link it carried was replaced, the request ended, the
    /// webhook endpoint was removed).
    Superseded,
}

impl DeliveryState {
    pub fn name(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
            DeliveryState::Superseded => "superseded",
        }
    }
}

/// What to deliver. A mail holds no rendered text and no link token: it is rendered when it
/// is sent, from the request as it is then (the token is derived from a key outside the
/// database). A webhook holds its JSON body: it describes a moment, not the present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutboxMessage {
    Mail {
        kind: MailKind,
        to: String,
        language: String,
        /// The link generation the mail was queued for (a reopen makes a new link).
        link_generation: u32,
    },
    Webhook {
        endpoint: WebhookId,
        body: String,
    },
}

/// One row of the durable outbox: written in the same transaction as the change that caused
/// it, marked sent only after the receiver accepted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub id: MailId,
    pub request: Option<RequestId>,
    pub message: OutboxMessage,
    pub created_at: Timestamp,
    pub state: DeliveryState,
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
    /// When it was sent, failed for good or was superseded.
    pub finished_at: Option<Timestamp>,
}

impl OutboxItem {
    /// `invitation`, `reminder`, … or `webhook`.
    pub fn kind_name(&self) -> &'static str {
        match &self.message {
            OutboxMessage::Mail { kind, .. } => kind.name(),
            OutboxMessage::Webhook { .. } => "webhook",
        }
    }
}

/// An HTTPS endpoint that receives every status change, signed with its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub id: WebhookId,
    pub url: String,
    /// The HMAC-SHA256 key receivers verify signatures with (shown to the admin once).
    pub secret: String,
    pub created_by: AgentId,
    pub created_at: Timestamp,
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

/// The organisation's logo an administrator uploaded (`meta` key `logo`), shown on link
/// pages. Checked when uploaded and read (`service::logo`): a PNG, JPEG or WebP image of
/// bounded size; its type and size are read from the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoRecord {
    pub bytes: Vec<u8>,
    pub updated_at: Timestamp,
}

/// What one retention run deleted (kept for the audit; never deleted itself).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeRecord {
    pub at: Timestamp,
    /// Requests finished before this were deleted.
    pub cutoff: Timestamp,
    pub requests: u64,
    pub events: u64,
    pub outbox_items: u64,
}

/// What an audit entry records. New variants go at the end (stored encoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditKind {
    SignInSucceeded,
    SignInFailed,
    SignedOutEverywhere,
    PasswordChanged,
    AgentCreated,
    AgentChanged,
    ClientCreated,
    ClientChanged,
    SettingsChanged,
    WebhookAdded,
    WebhookRemoved,
    LinkReleased,
    DeclinedByEndUser,
    TotpEnabled,
    TotpDisabled,
}

impl AuditKind {
    /// The name in the API and the CSV export.
    pub fn name(self) -> &'static str {
        match self {
            AuditKind::SignInSucceeded => "sign_in_succeeded",
            AuditKind::SignInFailed => "sign_in_failed",
            AuditKind::SignedOutEverywhere => "signed_out_everywhere",
            AuditKind::PasswordChanged => "password_changed",
            AuditKind::AgentCreated => "agent_created",
            AuditKind::AgentChanged => "agent_changed",
            AuditKind::ClientCreated => "client_created",
            AuditKind::ClientChanged => "client_changed",
            AuditKind::SettingsChanged => "settings_changed",
            AuditKind::WebhookAdded => "webhook_added",
            AuditKind::WebhookRemoved => "webhook_removed",
            AuditKind::LinkReleased => "link_released",
            AuditKind::DeclinedByEndUser => "declined_by_end_user",
            AuditKind::TotpEnabled => "two_factor_enabled",
            AuditKind::TotpDisabled => "two_factor_disabled",
        }
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub at: Timestamp,
    pub kind: AuditKind,
    /// The signed-in agent who did it; `None` for a failed sign-in, the end user, or the
    /// operator (setup link, command line).
    pub actor: Option<AgentId>,
    /// Who, in words, as of then: the agent's email, the email a failed sign-in tried,
    /// `end user`, `operator`.
    pub actor_label: String,
    /// Where from, when the request's address is known to the use case (sign-ins).
    pub ip: Option<IpAddr>,
    /// What it was done to: an agent, client, webhook or request ID.
    pub target: Option<String>,
    /// What changed, in words (never a password or a token).
    pub detail: String,
}

/// An agent's time-based one-time password (RFC 6238). The secret is stored sealed (XOR with
/// a pad derived from the link key, the agent and `nonce`), so a copy of the database alone
/// cannot produce codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpRecord {
    pub nonce: [u8; 16],
    pub sealed: Vec<u8>,
    /// False while being set up: a first correct code turns it on.
    pub enabled: bool,
    pub created_at: Timestamp,
    /// The last time step a code was accepted for: a code is good once.
    pub last_step: u64,
}
