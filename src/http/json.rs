//! The JSON shapes of docs/API.md. Names here are a public contract: add fields, never rename.

use app::domain::{
    Actor, Agent, Assignee, Client, EventKind, Prompt, SessionRequest, TimelineEvent,
};
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use crate::service::{Change, Service};

#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AssigneeJson {
    Unassigned,
    Agent { id: String },
    Client { id: String },
}

impl From<Assignee> for AssigneeJson {
    fn from(a: Assignee) -> Self {
        match a {
            Assignee::Unassigned => AssigneeJson::Unassigned,
            Assignee::Agent(id) => AssigneeJson::Agent { id: id.to_string() },
            Assignee::Client(id) => AssigneeJson::Client { id: id.to_string() },
        }
    }
}

fn rfc3339(t: Timestamp) -> String {
    t.to_string()
}

/// A session request as docs/API.md shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestJson {
    pub id: String,
    /// The status as of now (an overdue request is `expired` even before the sweeper ran).
    pub status: &'static str,
    pub recipient_name: String,
    pub recipient_email: Option<String>,
    pub send_email: bool,
    pub email_language: String,
    pub comment: String,
    /// Whether the end user sees the comment.
    pub share_comment: bool,
    pub scheduled_at: Option<String>,
    pub time_zone: Option<String>,
    pub expires_at: String,
    pub assignee: AssigneeJson,
    /// The end user's link; `null` for an agent who may only view requests (the link acts as
    /// the end user, which a viewer may not).
    pub link: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub end_user_present: bool,
    /// Changes with every change; send it back with an edit (`If-Match`) to refuse one made
    /// on a stale read.
    pub version: String,
    pub end_user_client: Option<&'static str>,
    pub session_started_at: Option<String>,
    pub session_ended_at: Option<String>,
    pub session_duration_ms: u64,
    pub prompt: Option<PromptJson>,
}

impl RequestJson {
    /// `caller`: who asks; the link is theirs only if they may act on requests.
    pub fn new(svc: &Service, caller: &app::domain::Agent, r: &SessionRequest) -> RequestJson {
        let now = Timestamp::now();
        let status = r.status_at(now);
        RequestJson {
            id: r.id.to_string(),
            status: status.as_str(),
            recipient_name: r.recipient_name.clone(),
            recipient_email: r.recipient_email.clone(),
            send_email: r.send_email,
            email_language: r.email_language.clone(),
            comment: r.comment.clone(),
            share_comment: r.share_comment,
            scheduled_at: r.scheduled_at.map(rfc3339),
            time_zone: r.time_zone.clone(),
            expires_at: rfc3339(r.expires_at),
            assignee: r.assignee.into(),
            link: caller.can_edit().then(|| svc.link(r.id, r.link_generation)),
            created_by: r.created_by.to_string(),
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
            end_user_present: !status.is_terminal() && svc.presence().is_present(r.id),
            version: r.version(),
            end_user_client: r.end_user_client.map(|c| c.as_str()),
            session_started_at: r.session_started_at.map(rfc3339),
            session_ended_at: r.session_ended_at.map(rfc3339),
            session_duration_ms: r.session_total_ms,
            prompt: r
                .prompt
                .as_ref()
                .filter(|_| status == app::domain::Status::Waiting)
                .map(PromptJson::from),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PromptJson {
    pub id: String,
    pub agent_name: String,
    pub asked_at: String,
}

impl From<&Prompt> for PromptJson {
    fn from(p: &Prompt) -> Self {
        PromptJson {
            id: p.id.to_string(),
            agent_name: p.agent_name.clone(),
            asked_at: rfc3339(p.asked_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ActorJson {
    Agent { id: String },
    EndUser,
    System,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventJson {
    pub at: String,
    pub kind: &'static str,
    pub actor: ActorJson,
    pub from: &'static str,
    pub to: &'static str,
    /// Kind-specific details (prompt ID, edited fields, client, duration and why a session
    /// ended, failed mail, reminder lead time, the agent given or losing control).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl From<&TimelineEvent> for EventJson {
    fn from(e: &TimelineEvent) -> Self {
        let details = match &e.kind {
            EventKind::Edited { fields } => serde_json::json!({ "fields": fields }),
            EventKind::CheckedIn { client, platform } => serde_json::json!({
                "client": client.as_str(),
                "platform": platform,
            }),
            EventKind::ConnectRequested { prompt_id }
            | EventKind::AccessAllowed { prompt_id }
            | EventKind::AccessDenied { prompt_id } => {
                serde_json::json!({ "prompt_id": prompt_id.to_string() })
            }
            EventKind::SessionEnded { duration_ms } => {
                serde_json::json!({ "duration_ms": duration_ms })
            }
            EventKind::SessionFinished {
                duration_ms,
                reason,
            } => serde_json::json!({ "duration_ms": duration_ms, "reason": reason.as_str() }),
            EventKind::MailFailed { mail } => serde_json::json!({ "mail": mail }),
            EventKind::ControlGranted { agent } | EventKind::ControlRevoked { agent } => {
                serde_json::json!({ "agent_id": agent.to_string() })
            }
            EventKind::ReminderQueued { lead_minutes } => {
                serde_json::json!({ "lead_minutes": lead_minutes })
            }
            _ => serde_json::json!({}),
        };
        EventJson {
            at: rfc3339(e.at),
            kind: e.kind.name(),
            actor: match e.actor {
                Actor::Agent(id) => ActorJson::Agent { id: id.to_string() },
                Actor::EndUser => ActorJson::EndUser,
                Actor::System => ActorJson::System,
            },
            from: e.from.as_str(),
            to: e.to.as_str(),
            details,
        }
    }
}

/// A request with its timeline (`GET /api/v1/session-requests/{id}`).
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestDetailJson {
    #[serde(flatten)]
    pub request: RequestJson,
    pub events: Vec<EventJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PageJson {
    pub items: Vec<RequestJson>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionsJson {
    pub view_session_requests: bool,
    pub edit_session_requests: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgentJson {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: &'static str,
    pub permissions: PermissionsJson,
    pub disabled: bool,
    pub created_at: String,
    /// The language of mails to the agent (`en` unless set).
    pub language: String,
}

impl From<&Agent> for AgentJson {
    fn from(a: &Agent) -> Self {
        AgentJson {
            id: a.id.to_string(),
            email: a.email.clone(),
            name: a.name.clone(),
            role: a.role.as_str(),
            permissions: PermissionsJson {
                view_session_requests: a.effective_permissions().view_session_requests,
                edit_session_requests: a.effective_permissions().edit_session_requests,
            },
            disabled: a.disabled,
            created_at: rfc3339(a.created_at),
            language: a.language.clone().unwrap_or_else(|| "en".into()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientJson {
    pub id: String,
    pub name: String,
    pub members: Vec<String>,
    pub created_at: String,
}

impl From<&Client> for ClientJson {
    fn from(c: &Client) -> Self {
        ClientJson {
            id: c.id.to_string(),
            name: c.name.clone(),
            members: c.members.iter().map(ToString::to_string).collect(),
            created_at: rfc3339(c.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginJson {
    pub token: String,
    pub agent: AgentJson,
}

/// One entry of `GET /api/v1/events`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeJson {
    pub id: String,
    pub status: &'static str,
    pub assignee: AssigneeJson,
    pub event: &'static str,
    pub updated_at: String,
}

impl From<&Change> for ChangeJson {
    fn from(c: &Change) -> Self {
        ChangeJson {
            id: c.id.to_string(),
            status: c.status.as_str(),
            assignee: c.assignee.into(),
            event: c.event,
            updated_at: rfc3339(c.updated_at),
        }
    }
}

/// The end user's view of their request (assist routes): no agent notes, no link.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssistStatusJson {
    pub status: &'static str,
    pub organisation: String,
    pub recipient_name: String,
    pub scheduled_at: Option<String>,
    pub expires_at: String,
}

impl AssistStatusJson {
    pub fn new(svc: &Service, r: &SessionRequest) -> Self {
        AssistStatusJson {
            status: r.status_at(Timestamp::now()).as_str(),
            organisation: svc.settings().organisation.clone(),
            recipient_name: r.recipient_name.clone(),
            scheduled_at: r.scheduled_at.map(rfc3339),
            expires_at: rfc3339(r.expires_at),
        }
    }
}

/// A check-in's answer: the request as the end user sees it, and the STUN/TURN servers their
/// screen share may use (the embedded relay with fresh credentials, and any configured).
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInJson {
    #[serde(flatten)]
    pub request: AssistStatusJson,
    pub ice_servers: Vec<IceServerJson>,
    /// The request's language (one of the eleven the mails speak).
    pub language: String,
    /// The agent the invitation names, if one is assigned.
    pub agent_name: Option<String>,
    /// The assist app's words in that language, by name (`allow`, `prompt_title`, …).
    pub texts: std::collections::BTreeMap<String, String>,
}

/// A STUN or TURN server as `RTCPeerConnection` takes it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IceServerJson {
    pub urls: String,
    pub username: Option<String>,
    pub credential: Option<String>,
}

impl CheckInJson {
    pub fn new(svc: &Service, r: &SessionRequest) -> Self {
        CheckInJson {
            language: String::new(),
            agent_name: None,
            texts: Default::default(),
            request: AssistStatusJson::new(svc, r),
            ice_servers: svc
                .ice_servers()
                .into_iter()
                .map(|s| IceServerJson {
                    urls: s.urls,
                    username: s.username,
                    credential: s.credential,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PromptEnvelope {
    pub prompt: Option<PromptJson>,
}
