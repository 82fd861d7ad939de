//! The portal's backend: `app::portal::backend::Backend` over the service. Turns the pages'
//! form strings into service inputs, service records into view data (names resolved), and
//! service errors into `AppError`s with the same codes the REST API uses.

use std::collections::HashMap;
use std::sync::Arc;

use app::domain::{
    Actor, Agent, AgentId, Assignee, ClientId, MailId, Permissions, RequestId, Role,
    SessionRequest, Status, WebhookId,
};
use app::portal::backend::{Backend, Result};
use app::portal::*;
use axum::http::header;
use axum::http::request::Parts;
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::auth::{cleared_cookie, cross_site, session_cookie, token_of};
use super::client::Client;
use super::device::device_of;
use super::error::ApiError;
use crate::i18n::Catalog;
use crate::service::{
    AgentPatch, AssigneeInput, CheckIn, ClientPatch, Consent, Device, LinkState, ListQuery,
    NewAgent, NewClient, NewRequest, OutboxQuery, RequestPatch, Service, ServiceError,
};
use crate::store::records::{DeliveryState, OutboxMessage};

pub struct Portal {
    pub svc: Arc<Service>,
    pub mail: MailStatus,
    /// The end user's languages (the link page speaks the request's, like its mails).
    pub catalog: Arc<Catalog>,
}

/// The service's error as the pages see it: the REST API's code, and the field on its own.
fn app_error(e: ServiceError) -> AppError {
    if let ServiceError::InvalidInput { field, message } = &e {
        return AppError::invalid(field, message.clone());
    }
    let api = ApiError::from(e);
    AppError::new(api.code, api.message)
}

fn unauthenticated() -> AppError {
    AppError::new("unauthenticated", "sign in first")
}

/// Agent and client names, for showing assignees and timeline actors.
struct Names {
    agents: HashMap<AgentId, String>,
    clients: HashMap<ClientId, String>,
}

impl Names {
    fn load(svc: &Service, caller: &Agent) -> crate::service::Result<Names> {
        Ok(Names {
            agents: svc
                .list_agents(caller)?
                .into_iter()
                .map(|a| (a.id, a.name))
                .collect(),
            clients: svc
                .list_clients(caller)?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect(),
        })
    }

    fn agent(&self, id: AgentId) -> String {
        self.agents
            .get(&id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    fn assignee(&self, a: Assignee) -> AssigneeView {
        match a {
            Assignee::Unassigned => AssigneeView::Unassigned,
            Assignee::Agent(id) => AssigneeView::Agent {
                id,
                name: self.agent(id),
            },
            Assignee::Client(id) => AssigneeView::Client {
                id,
                name: self
                    .clients
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| id.to_string()),
            },
        }
    }
}

/// `caller`: the link is shown only to agents who may act on requests (it acts as the end
/// user).
fn row(
    svc: &Service,
    caller: &Agent,
    names: &Names,
    r: &SessionRequest,
    now: Timestamp,
) -> RequestRow {
    RequestRow {
        id: r.id,
        status: r.status_at(now),
        recipient_name: r.recipient_name.clone(),
        recipient_email: r.recipient_email.clone(),
        send_email: r.send_email,
        assignee: names.assignee(r.assignee),
        scheduled_at: r.scheduled_at.map(Into::into),
        time_zone: r.time_zone.clone(),
        expires_at: r.expires_at.into(),
        link: caller.can_edit().then(|| svc.link(r.id, r.link_generation)),
        online: svc.presence().is_present(r.id),
    }
}

/// `unassigned`, `me`, `agent:ID`, `client:ID` → the service's assignee input.
fn assignee_input(s: &str) -> std::result::Result<AssigneeInput, ServiceError> {
    let bad = || ServiceError::invalid("assignee", "choose who the request is assigned to");
    Ok(match s {
        "" | "unassigned" => AssigneeInput::Unassigned,
        "me" => AssigneeInput::Me,
        _ => match s.split_once(':') {
            Some(("agent", id)) => AssigneeInput::Agent {
                id: id.parse().map_err(|_| bad())?,
            },
            Some(("client", id)) => AssigneeInput::Client {
                id: id.parse().map_err(|_| bad())?,
            },
            _ => return Err(bad()),
        },
    })
}

fn zone(name: &str) -> std::result::Result<TimeZone, ServiceError> {
    if name.is_empty() || name == "UTC" {
        return Ok(TimeZone::UTC);
    }
    jiff::tz::db()
        .get(name)
        .map_err(|_| ServiceError::invalid("time_zone", format!("unknown time zone `{name}`")))
}

/// A `datetime-local` value (`2026-12-01T14:30`) in `tz`; empty → `None`.
fn local_time(
    field: &str,
    value: &str,
    tz: &TimeZone,
) -> std::result::Result<Option<Timestamp>, ServiceError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let dt: DateTime = value
        .parse()
        .map_err(|_| ServiceError::invalid(field, "must be a date and time"))?;
    dt.to_zoned(tz.clone())
        .map(|z| Some(z.timestamp()))
        .map_err(|_| ServiceError::invalid(field, "is not a time that exists in that zone"))
}

/// The form's time as `datetime-local` text in `tz`.
fn form_time(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

fn optional(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// The form's zone, kept only when the schedule needs it.
fn form_zone(form: &RequestForm) -> Option<String> {
    optional(&form.time_zone).filter(|_| !form.scheduled_at.trim().is_empty())
}

fn new_request(form: RequestForm) -> std::result::Result<NewRequest, ServiceError> {
    let tz = zone(form.time_zone.trim())?;
    Ok(NewRequest {
        recipient_email: optional(&form.recipient_email),
        send_email: form.send_email,
        email_language: optional(&form.email_language),
        comment: optional(&form.comment),
        share_comment: form.share_comment,
        scheduled_at: local_time("scheduled_at", &form.scheduled_at, &tz)?,
        time_zone: form_zone(&form),
        expires_at: local_time("expires_at", &form.expires_at, &tz)?,
        assignee: Some(assignee_input(&form.assign)?),
        recipient_name: form.recipient_name,
    })
}

fn request_patch(form: RequestForm) -> std::result::Result<RequestPatch, ServiceError> {
    let tz = zone(form.time_zone.trim())?;
    Ok(RequestPatch {
        recipient_email: Some(optional(&form.recipient_email)),
        send_email: Some(form.send_email),
        email_language: optional(&form.email_language),
        comment: Some(form.comment.clone()),
        share_comment: Some(form.share_comment),
        scheduled_at: Some(local_time("scheduled_at", &form.scheduled_at, &tz)?),
        time_zone: Some(form_zone(&form)),
        expires_at: local_time("expires_at", &form.expires_at, &tz)?,
        assignee: Some(assignee_input(&form.assign)?),
        recipient_name: Some(form.recipient_name),
        version: None,
    })
}

/// A coarse platform name from the browser's User-Agent, for the timeline.
fn platform(parts: &Parts) -> Option<String> {
    let ua = parts.headers.get(header::USER_AGENT)?.to_str().ok()?;
    let name = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(needle, _)| ua.contains(needle))
    .map_or("browser", |(_, name)| name);
    Some(format!("{name} (web)"))
}

impl Portal {
    /// Runs a service call on the blocking pool (writes fsync; big reads scan).
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Service) -> crate::service::Result<T> + Send + 'static,
    ) -> Result<T> {
        self.svc.run(f).await.map_err(app_error)
    }

    /// The end user behind a link call: rate-limited per address, and on which device (the
    /// cookie `device::ensure_cookie` gave the browser).
    fn end_user(&self, parts: &Parts) -> Result<Device> {
        self.svc
            .check_link_rate(Client::of(parts).ip)
            .map_err(app_error)?;
        if super::device::signed_in_agent(&parts.headers, &self.svc) {
            return Err(AppError::new("forbidden", super::device::AGENT_SIGNED_IN));
        }
        device_of(&parts.headers)
            .ok_or_else(|| AppError::new("invalid_input", "this page needs cookies to be enabled"))
    }
}

#[async_trait::async_trait]
impl Backend for Portal {
    fn caller(&self, parts: &Parts) -> Result<Agent> {
        let Some((token, via_cookie)) = token_of(&parts.headers) else {
            return Err(unauthenticated());
        };
        if via_cookie && cross_site(parts, &self.svc) {
            return Err(AppError::new(
                "cross_site",
                "cross-site requests are not allowed",
            ));
        }
        self.svc.authenticate(&token).map_err(app_error)
    }

    async fn login(
        &self,
        parts: &Parts,
        email: String,
        password: String,
        totp: Option<String>,
    ) -> Result<String> {
        if cross_site(parts, &self.svc) {
            return Err(AppError::new(
                "cross_site",
                "cross-site requests are not allowed",
            ));
        }
        let Client { ip, https } = Client::of(parts);
        let (token, _) = self
            .run(move |s| s.login_with_code(ip, &email, &password, totp.as_deref()))
            .await?;
        Ok(session_cookie(&token, https, self.svc.signin_lifetime()))
    }

    async fn logout(&self, parts: &Parts) -> Result<String> {
        if let Some((token, _)) = token_of(&parts.headers) {
            // Signing out of a session that already ended is not an error.
            let _ = self.run(move |s| s.logout(&token)).await;
        }
        Ok(cleared_cookie(Client::of(parts).https))
    }

    async fn totp_enabled(&self, caller: Agent) -> Result<bool> {
        self.run(move |s| s.totp_enabled(caller.id)).await
    }

    async fn totp_begin(&self, caller: Agent) -> Result<TotpSetupView> {
        let s = self.run(move |s| s.totp_begin(&caller)).await?;
        Ok(TotpSetupView {
            secret: s.secret,
            otpauth_url: s.otpauth_url,
        })
    }

    async fn totp_confirm(&self, caller: Agent, code: String) -> Result<()> {
        self.run(move |s| s.totp_confirm(&caller, &code)).await
    }

    async fn totp_disable(&self, parts: &Parts, caller: Agent, password: String) -> Result<()> {
        let ip = Client::of(parts).ip;
        self.run(move |s| s.totp_disable(ip, &caller, &password))
            .await
    }

    async fn logout_everywhere(&self, parts: &Parts, caller: Agent) -> Result<String> {
        self.run(move |s| s.logout_everywhere(&caller)).await?;
        Ok(cleared_cookie(Client::of(parts).https))
    }

    async fn change_password(
        &self,
        parts: &Parts,
        caller: Agent,
        current: String,
        new: String,
    ) -> Result<()> {
        let Some((token, _)) = token_of(&parts.headers) else {
            return Err(unauthenticated());
        };
        let ip = Client::of(parts).ip;
        self.run(move |s| s.change_own_password(ip, &caller, &token, &current, &new))
            .await
    }

    async fn audit(&self, caller: Agent, cursor: String) -> Result<AuditView> {
        let (items, next_cursor) = self
            .run(move |s| {
                let cursor = Some(cursor.as_str()).filter(|c| !c.is_empty());
                s.audit_page(&caller, 100, cursor)
            })
            .await?;
        Ok(AuditView {
            rows: items
                .into_iter()
                .map(|e| AuditRow {
                    at: e.at.into(),
                    kind: e.kind.name().to_owned(),
                    actor: e.actor_label,
                    ip: e.ip.map(|ip| ip.to_string()).unwrap_or_default(),
                    target: e.target.unwrap_or_default(),
                    detail: e.detail,
                })
                .collect(),
            next_cursor,
        })
    }

    async fn list(&self, caller: Agent, f: ListFilter) -> Result<RequestPage> {
        let svc = self.svc.clone();
        let statuses: Vec<String> = Some(f.status.clone())
            .filter(|s| !s.is_empty())
            .into_iter()
            .collect();
        let query = ListQuery::parse(
            Some(f.view.as_str()),
            &statuses,
            Some(f.assignee.as_str()),
            Some(f.q.as_str()),
            None,
            Some(f.cursor.as_str()),
            |id| svc.assignee_kind(id),
        )
        .map_err(app_error)?;
        self.run(move |s| {
            let page = s.list_requests(&caller, query)?;
            let names = Names::load(s, &caller)?;
            let now = Timestamp::now();
            Ok(RequestPage {
                rows: page
                    .items
                    .iter()
                    .map(|r| row(s, &caller, &names, r, now))
                    .collect(),
                next_cursor: page.next_cursor.map(|c| c.to_string()),
                now: now.into(),
            })
        })
        .await
    }

    async fn detail(&self, caller: Agent, id: RequestId) -> Result<RequestDetail> {
        self.run(move |s| {
            let (r, events) = s.get_request(&caller, id)?;
            let names = Names::load(s, &caller)?;
            let now = Timestamp::now();
            let tz = r
                .time_zone
                .as_deref()
                .and_then(|z| zone(z).ok())
                .unwrap_or(TimeZone::UTC);
            let form = RequestForm {
                recipient_name: r.recipient_name.clone(),
                assign: names.assignee(r.assignee).choice(),
                recipient_email: r.recipient_email.clone().unwrap_or_default(),
                send_email: r.send_email,
                email_language: r.email_language.clone(),
                comment: r.comment.clone(),
                share_comment: r.share_comment,
                scheduled_at: r
                    .scheduled_at
                    .map(|t| form_time(t, &tz))
                    .unwrap_or_default(),
                time_zone: r.time_zone.clone().unwrap_or_else(|| "UTC".into()),
                expires_at: form_time(r.expires_at, &tz),
            };
            Ok(RequestDetail {
                row: row(s, &caller, &names, &r, now),
                email_language: r.email_language.clone(),
                comment: r.comment.clone(),
                share_comment: r.share_comment,
                created_by: names.agent(r.created_by),
                created_at: r.created_at.into(),
                updated_at: r.updated_at.into(),
                session_total_ms: r.session_total_ms,
                session_started_at: r
                    .session_started_at
                    .filter(|_| r.status == Status::InSession)
                    .map(Into::into),
                events: events
                    .into_iter()
                    .map(|e| EventView {
                        at: e.at.into(),
                        actor: match e.actor {
                            Actor::Agent(id) => ActorView::Agent(names.agent(id)),
                            Actor::EndUser => ActorView::EndUser,
                            Actor::System => ActorView::System,
                        },
                        kind: e.kind,
                        from: e.from,
                        to: e.to,
                    })
                    .collect(),
                now: now.into(),
                form,
                link_bound: !r.status.is_terminal() && s.link_bound(&r)?,
                // Relay credentials only for who may join the session.
                ice_servers: if caller.can_edit() && !r.status.is_terminal() {
                    s.ice_servers()
                } else {
                    Vec::new()
                },
                end_keeps: s.settings().session_end.keeps(),
            })
        })
        .await
    }

    async fn choices(&self, caller: Agent) -> Result<Choices> {
        let settings = self.svc.settings().clone();
        self.run(move |s| {
            let agents = s
                .list_agents(&caller)?
                .into_iter()
                .filter(|a| !a.disabled)
                .map(|a| (a.id, a.name))
                .collect();
            let clients = s
                .list_clients(&caller)?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect();
            Ok(Choices {
                agents,
                clients,
                default_expiry_secs: settings.default_expiry.as_secs(),
                max_expiry_secs: settings.max_expiry.as_secs(),
            })
        })
        .await
    }

    async fn create(&self, caller: Agent, form: RequestForm) -> Result<Created> {
        let input = new_request(form).map_err(app_error)?;
        let svc = &self.svc;
        let r = svc
            .create_request_async(&caller, input)
            .await
            .map_err(app_error)?;
        Ok(Created {
            id: r.id,
            link: svc.link(r.id, r.link_generation),
        })
    }

    async fn edit(&self, caller: Agent, id: RequestId, form: RequestForm) -> Result<()> {
        let patch = request_patch(form).map_err(app_error)?;
        self.run(move |s| s.edit_request(&caller, id, patch).map(drop))
            .await
    }

    async fn act(&self, caller: Agent, id: RequestId, action: RowAction) -> Result<()> {
        self.run(move |s| {
            match action {
                // The portal's Connect starts the session on Allow: one step fewer.
                RowAction::Connect => s.connect(&caller, id, true),
                RowAction::Start => s.start(&caller, id),
                RowAction::End => s.end(&caller, id, None),
                RowAction::EndKeep => s.end(&caller, id, Some(true)),
                RowAction::EndClose => s.end(&caller, id, Some(false)),
                RowAction::Close => s.close(&caller, id),
                RowAction::Reopen => s.reopen(&caller, id, None),
                RowAction::Resend => s.resend(&caller, id),
                RowAction::Release => s.release(&caller, id),
            }
            .map(drop)
        })
        .await
    }

    async fn agents(&self, caller: Agent) -> Result<Vec<AgentView>> {
        self.run(move |s| {
            Ok(s.list_agents(&caller)?
                .iter()
                .map(AgentView::from)
                .collect())
        })
        .await
    }

    async fn create_agent(
        &self,
        caller: Agent,
        email: String,
        name: String,
        password: String,
        admin: bool,
        permissions: Permissions,
    ) -> Result<()> {
        let new = NewAgent {
            email,
            name,
            password,
            role: if admin { Role::Admin } else { Role::Agent },
            permissions,
        };
        self.run(move |s| s.create_agent(&caller, new).map(drop))
            .await
    }

    async fn change_agent(&self, caller: Agent, id: AgentId, change: AgentChange) -> Result<()> {
        let patch = match change {
            AgentChange::Role(role) => AgentPatch {
                role: Some(role),
                ..Default::default()
            },
            AgentChange::Permissions(p) => AgentPatch {
                permissions: Some(p),
                ..Default::default()
            },
            AgentChange::Disabled(d) => AgentPatch {
                disabled: Some(d),
                ..Default::default()
            },
            AgentChange::Password(p) => AgentPatch {
                password: Some(p),
                ..Default::default()
            },
        };
        self.run(move |s| s.update_agent(&caller, id, patch).map(drop))
            .await
    }

    async fn clients(&self, caller: Agent) -> Result<Vec<ClientView>> {
        self.run(move |s| {
            Ok(s.list_clients(&caller)?
                .into_iter()
                .map(|c| ClientView {
                    id: c.id,
                    name: c.name,
                    members: c.members,
                })
                .collect())
        })
        .await
    }

    async fn save_client(
        &self,
        caller: Agent,
        id: Option<ClientId>,
        name: String,
        members: Vec<AgentId>,
    ) -> Result<()> {
        self.run(move |s| match id {
            None => s
                .create_client(&caller, NewClient { name, members })
                .map(drop),
            Some(id) => s
                .update_client(
                    &caller,
                    id,
                    ClientPatch {
                        name: Some(name),
                        members: Some(members),
                    },
                )
                .map(drop),
        })
        .await
    }

    async fn settings(&self, caller: Agent) -> Result<SettingsView> {
        let s = self.svc.settings_for_admin(&caller).map_err(app_error)?;
        Ok(SettingsView {
            organisation: s.organisation.clone(),
            public_url: s.public_url.clone(),
            default_expiry_secs: s.default_expiry.as_secs(),
            max_expiry_secs: s.max_expiry.as_secs(),
            default_expiry_text: humantime::format_duration(s.default_expiry).to_string(),
            max_expiry_text: humantime::format_duration(s.max_expiry).to_string(),
            mail: self.mail.clone(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        })
    }

    async fn save_settings(
        &self,
        caller: Agent,
        organisation: String,
        default_expiry: String,
        max_expiry: String,
    ) -> Result<()> {
        let patch = super::admin::settings_patch(
            Some(organisation),
            Some(default_expiry),
            Some(max_expiry),
        )
        .map_err(app_error)?;
        self.run(move |s| s.update_settings(&caller, patch).map(drop))
            .await
    }

    async fn outbox(&self, caller: Agent, state: String, cursor: String) -> Result<OutboxPage> {
        let state = super::outbox::parse_state(Some(&state))
            .map_err(|e| AppError::invalid("state", e.message))?;
        let cursor = match cursor.trim() {
            "" => None,
            c => Some(
                c.parse()
                    .map_err(|_| AppError::invalid("cursor", "is not a cursor"))?,
            ),
        };
        let mail = self.mail.clone();
        self.run(move |s| {
            let query = OutboxQuery {
                state,
                limit: 50,
                cursor,
            };
            let (items, next) = s.list_outbox(&caller, &query)?;
            let webhooks = s.list_webhooks(&caller)?;
            let url_of = |id: WebhookId| {
                webhooks
                    .iter()
                    .find(|w| w.id == id)
                    .map_or_else(|| id.to_string(), |w| w.url.clone())
            };
            let counts = s.outbox_counts()?;
            Ok(OutboxPage {
                mail,
                pending: counts.pending,
                failed: counts.failed,
                rows: items
                    .iter()
                    .map(|i| OutboxRow {
                        id: i.id.to_string(),
                        kind: i.kind_name().to_owned(),
                        to: match &i.message {
                            OutboxMessage::Mail { to, .. } => to.clone(),
                            OutboxMessage::Webhook { endpoint, .. } => url_of(*endpoint),
                        },
                        request: i.request,
                        state: i.state.name().to_owned(),
                        attempts: i.attempts,
                        next_attempt_at: (i.state == DeliveryState::Pending)
                            .then(|| i.next_attempt_at.into()),
                        last_error: i.last_error.clone(),
                        created_at: i.created_at.into(),
                    })
                    .collect(),
                next_cursor: next.map(|c| c.to_string()),
                webhooks: webhooks
                    .iter()
                    .map(|w| WebhookView {
                        id: w.id.to_string(),
                        url: w.url.clone(),
                        created_at: w.created_at.into(),
                    })
                    .collect(),
            })
        })
        .await
    }

    async fn retry_delivery(&self, caller: Agent, id: MailId) -> Result<()> {
        self.run(move |s| s.retry_delivery(&caller, id).map(drop))
            .await
    }

    async fn test_mail(&self, caller: Agent) -> Result<()> {
        self.run(move |s| s.queue_test_mail(&caller).map(drop))
            .await
    }

    async fn add_webhook(&self, caller: Agent, url: String) -> Result<String> {
        self.run(move |s| s.add_webhook(&caller, &url).map(|w| w.secret))
            .await
    }

    async fn remove_webhook(&self, caller: Agent, id: WebhookId) -> Result<()> {
        self.run(move |s| s.remove_webhook(&caller, id)).await
    }

    async fn link_view(&self, parts: &Parts, token: String) -> Result<LinkView> {
        let device = self.end_user(parts)?;
        // Three point reads in one read transaction, on this worker like `GET` by id: the hop
        // to the blocking pool and back cost more than the reads (docs/PERFORMANCE.md).
        let state = self.svc.link_state(&token, &device).map_err(app_error)?;
        let download = super::download::facts().await;
        let settings = self.svc.settings();
        let org = settings.organisation.as_str();
        Ok(match state {
            LinkState::Unknown => LinkView::Unknown,
            LinkState::Finished => LinkView::Finished,
            LinkState::InUse { request } => {
                let lang = self.catalog.lang(&request.email_language);
                LinkView::InUse {
                    language: lang.code.to_owned(),
                    title: lang.text("page-in-use-title", &[]),
                    body: lang.text("page-in-use-body", &[("org", org)]),
                }
            }
            LinkState::Live {
                request,
                agent_name,
            } => {
                let status = request.status_at(Timestamp::now());
                let lang = self.catalog.lang(&request.email_language);
                let session_over = self.svc.session_over(&request).unwrap_or(false);
                LinkView::Active(Box::new(LinkInfo {
                    language: lang.code.to_owned(),
                    status,
                    prompt: request
                        .prompt
                        .as_ref()
                        .filter(|_| status == Status::Waiting)
                        .map(|p| PromptView {
                            id: p.id,
                            agent_name: p.agent_name.clone(),
                        }),
                    comment: (request.share_comment && !request.comment.is_empty())
                        .then(|| request.comment.clone()),
                    download: download.map(|d| DownloadView {
                        platform: d.platform.clone(),
                        sha256: d.sha256.clone(),
                        size_mb: format!("{:.1}", d.size as f64 / 1_048_576.0),
                    }),
                    ice_servers: self.svc.ice_servers(),
                    texts: link_texts(
                        &lang,
                        &request,
                        agent_name.as_deref(),
                        org,
                        settings.consent_timeout,
                        settings.disconnect_grace,
                    ),
                    session_over,
                }))
            }
        })
    }

    async fn link_checkin(&self, parts: &Parts, token: String) -> Result<()> {
        let device = self.end_user(parts)?;
        let input = CheckIn {
            client: "web".into(),
            platform: platform(parts),
        };
        self.run(move |s| s.checkin(&token, &device, input).map(drop))
            .await
    }

    async fn link_consent(
        &self,
        parts: &Parts,
        token: String,
        prompt_id: u32,
        allow: bool,
    ) -> Result<()> {
        let device = self.end_user(parts)?;
        let input = Consent {
            prompt_id: prompt_id.to_string(),
            decision: if allow { "allow" } else { "deny" }.into(),
        };
        self.run(move |s| s.consent(&token, &device, input).map(drop))
            .await
    }

    async fn link_decline(&self, parts: &Parts, token: String) -> Result<()> {
        let device = self.end_user(parts)?;
        self.run(move |s| s.decline(&token, &device).map(drop))
            .await
    }

    async fn link_end(&self, parts: &Parts, token: String) -> Result<()> {
        let device = self.end_user(parts)?;
        self.run(move |s| s.end_by_end_user(&token, &device).map(drop))
            .await
    }
}

/// The catalogue message behind each of the link page's texts.
fn message_id(t: Text) -> &'static str {
    match t {
        Text::Title => "page-title",
        Text::Greeting => "greeting",
        Text::Asks => "page-asks",
        Text::Planned => "page-planned",
        Text::Reason => "page-reason",
        Text::Safety => "safety",
        Text::Choose => "page-choose",
        Text::StartBrowser => "page-start-browser",
        Text::Download => "page-download",
        Text::DownloadNote => "page-download-note",
        Text::Waiting => "page-waiting",
        Text::Ready => "page-ready",
        Text::InSession => "page-in-session",
        Text::Share => "page-share",
        Text::Sharing => "page-sharing",
        Text::Stop => "page-stop",
        Text::Chat => "page-chat",
        Text::ChatPlaceholder => "page-chat-placeholder",
        Text::Send => "page-send",
        Text::PromptTitle => "page-prompt-title",
        Text::PromptBody => "page-prompt-body",
        Text::PromptTimeout => "page-prompt-timeout",
        Text::Allow => "page-allow",
        Text::Deny => "page-deny",
        Text::Decline => "page-decline",
        Text::Declined => "page-declined",
        Text::Ended => "page-ended",
        Text::Released => "page-released",
        Text::SessionOver => "page-session-over",
        Text::Disconnected => "page-disconnected",
    }
}

/// Text between U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE.
pub fn isolate(s: &str) -> String {
    format!("\u{2068}{s}\u{2069}")
}

/// The link page's words in the request's language.
fn link_texts(
    lang: &crate::i18n::Lang<'_>,
    r: &SessionRequest,
    agent: Option<&str>,
    org: &str,
    consent_timeout: std::time::Duration,
    disconnect_grace: std::time::Duration,
) -> LinkTexts {
    // Names are set apart from the sentence around them (Unicode isolates, what `<bdi>`
    // does): a right-to-left name cannot reorder the words that follow it.
    let org = &isolate(org);
    let agent = agent.map(isolate);
    LinkTexts::new(|k| match k {
        Text::Greeting => lang.text(message_id(k), &[("name", &isolate(&r.recipient_name))]),
        Text::Asks => match &agent {
            Some(a) => lang.text(message_id(k), &[("agent", a), ("org", org)]),
            None => lang.text("page-asks-org", &[("org", org)]),
        },
        Text::Planned => r.scheduled_at.map_or_else(String::new, |at| {
            let when = lang.date_time(at, r.time_zone.as_deref());
            lang.text(message_id(k), &[("when", &when)])
        }),
        Text::Safety | Text::Declined => lang.text(message_id(k), &[("org", org)]),
        Text::DownloadNote => {
            lang.text(message_id(k), &[("platform", &super::download::platform())])
        }
        Text::PromptTitle => lang.text(message_id(k), &[("agent", "{agent}"), ("org", org)]),
        Text::PromptTimeout => lang.text(
            message_id(k),
            &[("seconds", &consent_timeout.as_secs().to_string())],
        ),
        Text::Disconnected => lang.text(
            message_id(k),
            &[("seconds", &disconnect_grace.as_secs().to_string())],
        ),
        plain => lang.text(message_id(plain), &[]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_follow_the_agents_zone() {
        let seoul = zone("Asia/Seoul").unwrap();
        let at = local_time("scheduled_at", "2026-12-01T09:30", &seoul)
            .unwrap()
            .unwrap();
        assert_eq!(at.to_string(), "2026-12-01T00:30:00Z");
        assert_eq!(form_time(at, &seoul), "2026-12-01T09:30");
        assert!(local_time("scheduled_at", "", &seoul).unwrap().is_none());
        assert!(local_time("scheduled_at", "tomorrow", &seoul).is_err());
        assert!(zone("Mars/Olympus").is_err());
    }

    #[test]
    fn assign_choices_parse_or_name_the_field() {
        assert_eq!(assignee_input("me").unwrap(), AssigneeInput::Me);
        assert_eq!(assignee_input("").unwrap(), AssigneeInput::Unassigned);
        match assignee_input("agent:nope") {
            Err(ServiceError::InvalidInput { field, .. }) => assert_eq!(field, "assignee"),
            other => panic!("{other:?}"),
        }
    }
}
