//! What a webhook receiver gets: one event per status change of a request (and its creation),
//! typed here so that the API document's `webhooks` section describes exactly what is sent.

use app::domain::{Actor, Assignee, SessionRequest, TimelineEvent};
use serde::Serialize;
use utoipa::ToSchema;

/// The timeline kinds a delivery is made for; `type` is `session_request.` and one of them.
pub const WEBHOOK_KINDS: [&str; 9] = [
    "created",
    "checked_in",
    "access_allowed",
    "session_started",
    "session_ended",
    "closed",
    "declined",
    "reopened",
    "expired",
];

/// One delivery's body.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEvent {
    /// `<request id>-<timeline seq>`: the same for every endpoint and every retry, so a
    /// receiver can drop duplicates.
    pub id: String,
    /// `session_request.` and the timeline event's kind.
    #[serde(rename = "type")]
    #[schema(example = "session_request.checked_in")]
    pub kind: String,
    /// When it happened (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// Who did it.
    pub actor: WebhookActor,
    /// The request as the event left it.
    pub session_request: WebhookRequest,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WebhookActor {
    Agent { id: String },
    EndUser,
    System,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WebhookAssignee {
    Unassigned,
    Agent { id: String },
    Client { id: String },
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookRequest {
    pub id: String,
    /// The status after the event.
    #[schema(example = "waiting")]
    pub status: String,
    /// The status before it.
    #[schema(example = "open")]
    pub previous_status: String,
    pub recipient_name: String,
    pub recipient_email: Option<String>,
    pub assignee: WebhookAssignee,
    #[schema(format = DateTime)]
    pub scheduled_at: Option<String>,
    #[schema(format = DateTime)]
    pub expires_at: String,
}

impl WebhookEvent {
    /// The event for `event`, the `seq`-th on `rec`'s timeline.
    pub fn new(rec: &SessionRequest, event: &TimelineEvent, seq: u32) -> WebhookEvent {
        let id = |id: &dyn ToString| id.to_string();
        WebhookEvent {
            id: format!("{}-{seq}", rec.id),
            kind: format!("session_request.{}", event.kind.name()),
            at: event.at.to_string(),
            actor: match event.actor {
                Actor::Agent(a) => WebhookActor::Agent { id: id(&a) },
                Actor::EndUser => WebhookActor::EndUser,
                Actor::System => WebhookActor::System,
            },
            session_request: WebhookRequest {
                id: rec.id.to_string(),
                status: event.to.as_str().to_owned(),
                previous_status: event.from.as_str().to_owned(),
                recipient_name: rec.recipient_name.clone(),
                recipient_email: rec.recipient_email.clone(),
                assignee: match rec.assignee {
                    Assignee::Unassigned => WebhookAssignee::Unassigned,
                    Assignee::Agent(a) => WebhookAssignee::Agent { id: id(&a) },
                    Assignee::Client(c) => WebhookAssignee::Client { id: id(&c) },
                },
                scheduled_at: rec.scheduled_at.map(|t| t.to_string()),
                expires_at: rec.expires_at.to_string(),
            },
        }
    }
}
