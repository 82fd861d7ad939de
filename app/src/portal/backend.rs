//! The port through which the portal's server functions reach the service (server only).
//! The binary implements it over its service layer and provides it as Leptos context; the
//! pages stay free of storage, HTTP plumbing and cookie policy.

use std::sync::Arc;

use http::request::Parts;

use super::types::*;
use crate::domain::{Agent, AgentId, ClientId, MailId, RequestId, WebhookId};

pub type Result<T> = std::result::Result<T, AppError>;

#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// The signed-in agent of this request. Refuses cookie-carried calls from other sites.
    fn caller(&self, parts: &Parts) -> Result<Agent>;

    /// Checks the credentials; returns the `Set-Cookie` value of the new session.
    /// `totp`: the one-time code, for an agent with two-factor sign-in on.
    async fn login(
        &self,
        parts: &Parts,
        email: String,
        password: String,
        totp: Option<String>,
    ) -> Result<String>;
    async fn totp_enabled(&self, caller: Agent) -> Result<bool>;
    async fn totp_begin(&self, caller: Agent) -> Result<TotpSetupView>;
    async fn totp_confirm(&self, caller: Agent, code: String) -> Result<()>;
    async fn totp_disable(&self, parts: &Parts, caller: Agent, password: String) -> Result<()>;
    /// Ends the session the request carries; returns the `Set-Cookie` value clearing it.
    async fn logout(&self, parts: &Parts) -> Result<String>;
    /// Ends every session of the caller; returns the `Set-Cookie` value clearing this one.
    async fn logout_everywhere(&self, parts: &Parts, caller: Agent) -> Result<String>;
    /// The caller's own password; their other sessions end, this one stays.
    async fn change_password(
        &self,
        parts: &Parts,
        caller: Agent,
        current: String,
        new: String,
    ) -> Result<()>;
    /// A page of the audit log, newest first (admins).
    async fn audit(&self, caller: Agent, cursor: String) -> Result<AuditView>;

    async fn list(&self, caller: Agent, filter: ListFilter) -> Result<RequestPage>;
    async fn detail(&self, caller: Agent, id: RequestId) -> Result<RequestDetail>;
    async fn choices(&self, caller: Agent) -> Result<Choices>;
    async fn create(&self, caller: Agent, form: RequestForm) -> Result<Created>;
    async fn edit(&self, caller: Agent, id: RequestId, form: RequestForm) -> Result<()>;
    async fn act(&self, caller: Agent, id: RequestId, action: RowAction) -> Result<()>;

    async fn agents(&self, caller: Agent) -> Result<Vec<AgentView>>;
    async fn create_agent(
        &self,
        caller: Agent,
        email: String,
        name: String,
        password: String,
        admin: bool,
        permissions: crate::domain::Permissions,
    ) -> Result<()>;
    async fn change_agent(&self, caller: Agent, id: AgentId, change: AgentChange) -> Result<()>;
    /// The signed-in agent chose a portal language: mails to them follow it.
    async fn remember_language(&self, caller: Agent, lang: String) -> Result<()>;
    async fn clients(&self, caller: Agent) -> Result<Vec<ClientView>>;
    async fn save_client(
        &self,
        caller: Agent,
        id: Option<ClientId>,
        name: String,
        members: Vec<AgentId>,
    ) -> Result<()>;
    async fn settings(&self, caller: Agent) -> Result<SettingsView>;
    /// Durations as typed (`7d`, `36h`); an empty field keeps its value.
    async fn save_settings(
        &self,
        caller: Agent,
        organisation: String,
        default_expiry: String,
        max_expiry: String,
    ) -> Result<()>;

    /// A page of the outbox (`state`: empty for all, or `pending` / `failed` / `sent`).
    async fn outbox(&self, caller: Agent, state: String, cursor: String) -> Result<OutboxPage>;
    async fn retry_delivery(&self, caller: Agent, id: MailId) -> Result<()>;
    /// Queues a test mail to the calling admin.
    async fn test_mail(&self, caller: Agent) -> Result<()>;
    /// Adds a webhook endpoint; returns its signing secret (shown this once).
    async fn add_webhook(&self, caller: Agent, url: String) -> Result<String>;
    async fn remove_webhook(&self, caller: Agent, id: WebhookId) -> Result<()>;

    /// The end user's side: the token is the credential; look-ups are rate-limited per IP.
    async fn link_view(&self, parts: &Parts, token: String) -> Result<LinkView>;
    async fn link_checkin(&self, parts: &Parts, token: String) -> Result<()>;
    async fn link_consent(
        &self,
        parts: &Parts,
        token: String,
        prompt_id: u32,
        allow: bool,
    ) -> Result<()>;
    async fn link_decline(&self, parts: &Parts, token: String) -> Result<()>;
    /// The end user ends the running session (stops sharing).
    async fn link_end(&self, parts: &Parts, token: String) -> Result<()>;
}

/// How the backend travels in Leptos context.
pub type SharedBackend = Arc<dyn Backend>;

/// Who is calling, worked out once per request: a page's resources each ask, and each answer
/// would otherwise cost a store read and a hash. Provide a fresh one per request.
#[derive(Clone, Default)]
pub struct CallerCache(Arc<std::sync::OnceLock<Result<Agent>>>);

impl CallerCache {
    pub fn get_or(&self, check: impl FnOnce() -> Result<Agent>) -> Result<Agent> {
        self.0.get_or_init(check).clone()
    }
}
