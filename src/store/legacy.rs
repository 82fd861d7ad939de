//! Record layouts older than the current ones, kept so a database written by an earlier build
//! still reads. Each type here is frozen: never edit one, add a new one. `codec` decodes a
//! stored body with the type of its version byte and upgrades it with these `From`s.

use app::domain::{
    Agent, AgentId, Assignee, EndUserClient, MailId, Permissions, Prompt, RequestId, Role,
    SessionRequest, Status,
};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::records::{AuthToken, DeliveryState, MailKind, OutboxItem, OutboxMessage};

/// `AuthToken` version 1 (before idle timeouts). Upgraded as last seen when it was made.
#[derive(Serialize, Deserialize)]
pub struct AuthTokenV1 {
    pub agent: AgentId,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

impl From<AuthTokenV1> for AuthToken {
    fn from(v: AuthTokenV1) -> AuthToken {
        AuthToken {
            agent: v.agent,
            created_at: v.created_at,
            expires_at: v.expires_at,
            last_seen_at: v.created_at,
        }
    }
}

/// `Agent` version 1 (before agents had a mail language). Upgraded as English.
#[derive(Serialize, Deserialize)]
pub struct AgentV1 {
    pub id: AgentId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub permissions: Permissions,
    pub disabled: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl From<AgentV1> for Agent {
    fn from(v: AgentV1) -> Agent {
        Agent {
            id: v.id,
            email: v.email,
            name: v.name,
            password_hash: v.password_hash,
            role: v.role,
            permissions: v.permissions,
            disabled: v.disabled,
            created_at: v.created_at,
            updated_at: v.updated_at,
            language: None,
        }
    }
}

/// `SessionRequest` version 1 (before the comment could be shared and before calendar
/// sequences and reminders).
#[derive(Serialize, Deserialize)]
pub struct SessionRequestV1 {
    pub id: RequestId,
    pub status: Status,
    pub recipient_name: String,
    pub recipient_email: Option<String>,
    pub send_email: bool,
    pub email_language: String,
    pub comment: String,
    pub scheduled_at: Option<Timestamp>,
    pub time_zone: Option<String>,
    pub expires_at: Timestamp,
    pub assignee: Assignee,
    pub created_by: AgentId,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub link_generation: u32,
    pub prompt: Option<Prompt>,
    pub prompt_seq: u32,
    pub end_user_client: Option<EndUserClient>,
    pub end_user_platform: Option<String>,
    pub session_started_at: Option<Timestamp>,
    pub session_ended_at: Option<Timestamp>,
    pub session_total_ms: u64,
    pub event_count: u32,
}

impl From<SessionRequestV1> for SessionRequest {
    fn from(v: SessionRequestV1) -> Self {
        SessionRequest {
            id: v.id,
            status: v.status,
            recipient_name: v.recipient_name,
            recipient_email: v.recipient_email,
            send_email: v.send_email,
            email_language: v.email_language,
            comment: v.comment,
            // Version 1 never showed the comment to end users.
            share_comment: false,
            scheduled_at: v.scheduled_at,
            time_zone: v.time_zone,
            expires_at: v.expires_at,
            assignee: v.assignee,
            created_by: v.created_by,
            created_at: v.created_at,
            updated_at: v.updated_at,
            link_generation: v.link_generation,
            prompt: v.prompt,
            prompt_seq: v.prompt_seq,
            end_user_client: v.end_user_client,
            end_user_platform: v.end_user_platform,
            session_started_at: v.session_started_at,
            session_ended_at: v.session_ended_at,
            session_total_ms: v.session_total_ms,
            event_count: v.event_count,
            schedule_seq: 0,
            reminders_sent: Vec::new(),
            schedule_set_at: None,
        }
    }
}

/// The outbox row of version 1: invitations only, nothing delivered yet.
#[derive(Serialize, Deserialize)]
pub struct OutboxMailV1 {
    pub id: MailId,
    pub kind: MailKindV1,
    pub request: Option<RequestId>,
    pub to: String,
    pub language: String,
    pub link_generation: u32,
    pub created_at: Timestamp,
    pub state: MailStateV1,
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub enum MailKindV1 {
    Invitation,
}

#[derive(Serialize, Deserialize)]
pub enum MailStateV1 {
    Pending,
    Sent,
    Failed,
}

impl From<OutboxMailV1> for OutboxItem {
    fn from(v: OutboxMailV1) -> Self {
        let MailKindV1::Invitation = v.kind;
        OutboxItem {
            id: v.id,
            request: v.request,
            message: OutboxMessage::Mail {
                kind: MailKind::Invitation,
                to: v.to,
                language: v.language,
                link_generation: v.link_generation,
            },
            created_at: v.created_at,
            state: match v.state {
                MailStateV1::Pending => DeliveryState::Pending,
                MailStateV1::Sent => DeliveryState::Sent,
                MailStateV1::Failed => DeliveryState::Failed,
            },
            attempts: v.attempts,
            next_attempt_at: v.next_attempt_at,
            last_error: v.last_error,
            finished_at: None,
        }
    }
}
