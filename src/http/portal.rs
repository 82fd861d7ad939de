//! The portal's backend: `app::portal::backend::Backend` over the service. Turns the pages'
//! form strings into service inputs, service records into view data (names resolved), and
//! service errors into `AppError`s with the same codes the REST API uses.

use std::collections::HashMap;
use std::sync::Arc;

use app::domain::{
    Actor, Agent, AgentId, Assignee, ClientId, MailId, Outcome, Permissions, RequestId, Role,
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
use super::texts::link_texts;
use crate::i18n::Catalog;
use crate::service::input::Problems;
use crate::service::{
    AgentPatch, AssigneeInput, COUNT_CAP, CheckIn, ClientPatch, Consent, Device, LinkState,
    ListQuery, NewAgent, NewClient, NewRequest, OutboxQuery, RequestPatch, RowFacts, Service,
    ServiceError,
};
use crate::store::records::{DeliveryState, OutboxMessage};

pub struct Portal {
    pub svc: Arc<Service>,
    pub mail: MailStatus,
    /// The end user's languages (the link page speaks the request's, like its mails).
    pub catalog: Arc<Catalog>,
    /// The assist apps the link page offers.
    pub apps: Arc<crate::assist_apps::Apps>,
}

/// The service's error as the pages see it: the REST API's code, and the field on its own.
fn app_error(e: ServiceError) -> AppError {
    match &e {
        ServiceError::InvalidInput { field, message } => {
            return AppError::invalid(field, message.clone());
        }
        ServiceError::InvalidFields { fields } => return AppError::invalid_all(fields.clone()),
        _ => {}
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
    facts: RowFacts,
    now: Timestamp,
) -> RequestRow {
    // `session_started_at` stays set after a session ends: only a running one adds its time.
    let running = r
        .session_started_at
        .filter(|_| r.status_at(now) == Status::InSession)
        .map_or(0, |s| now.duration_since(s).as_millis().max(0) as u64);
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
        missed: r.missed_at(now),
        waiting_since: facts.waiting_since.map(Into::into),
        ended: facts.ended.map(|(at, o)| (at.into(), o)),
        session_secs: (r.session_total_ms + running) / 1000,
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

/// Which of a time that happens twice (the hour the clocks go back) is meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fold {
    /// Ask: the form shows the choice (`scheduled_fold`) with the error.
    Ask,
    Earlier,
    Later,
}

impl Fold {
    fn of(form_value: &str) -> Fold {
        match form_value.trim() {
            "earlier" => Fold::Earlier,
            "later" => Fold::Later,
            _ => Fold::Ask,
        }
    }
}

/// A `datetime-local` value (`2026-12-01T14:30`) in `tz`; empty → `None`. A time the clocks
/// skip (spring forward) is refused; one they pass twice (fall back) is taken as `fold`
/// says, or refused with the question when it says nothing.
fn local_time(
    field: &str,
    value: &str,
    tz: &TimeZone,
    fold: Fold,
) -> std::result::Result<Option<Timestamp>, ServiceError> {
    use jiff::tz::AmbiguousOffset;
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let dt: DateTime = value
        .parse()
        .map_err(|_| ServiceError::invalid(field, "must be a date and time"))?;
    let zone_name = tz.iana_name().unwrap_or("UTC");
    let ambiguous = tz.to_ambiguous_zoned(dt);
    let zoned = match (ambiguous.offset(), fold) {
        (AmbiguousOffset::Unambiguous { .. }, _) => ambiguous.unambiguous(),
        (AmbiguousOffset::Gap { .. }, _) => {
            return Err(ServiceError::invalid(
                field,
                format!(
                    "does not exist in {zone_name}: the clocks skip that hour; choose another time"
                ),
            ));
        }
        (AmbiguousOffset::Fold { .. }, Fold::Ask) => {
            return Err(ServiceError::invalid(
                "scheduled_fold",
                format!(
                    "{value} happens twice in {zone_name} as the clocks go back: choose the first or the second"
                ),
            ));
        }
        (AmbiguousOffset::Fold { .. }, Fold::Earlier) => ambiguous.earlier(),
        (AmbiguousOffset::Fold { .. }, Fold::Later) => ambiguous.later(),
    };
    zoned
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

/// The zone stored with the request: the recipient's (or, when none was picked, the one
/// the times were typed in), kept only when there is a schedule to show in it.
fn form_zone(form: &RequestForm) -> std::result::Result<Option<String>, ServiceError> {
    if form.scheduled_at.trim().is_empty() {
        return Ok(None);
    }
    match optional(&form.recipient_zone) {
        Some(z) => {
            zone(&z).map_err(|_| {
                ServiceError::invalid("recipient_zone", format!("unknown time zone `{z}`"))
            })?;
            Ok(Some(z))
        }
        None => Ok(optional(&form.time_zone)),
    }
}

/// The create form as a new request, and the problems of what the form alone can tell (times
/// and zones, the assignee's form); a field with a problem is left out of the request.
fn new_request(form: RequestForm) -> (NewRequest, Problems) {
    let mut p = Problems::default();
    let tz = p
        .check(zone(form.time_zone.trim()))
        .unwrap_or(TimeZone::UTC);
    let fold = Fold::of(&form.scheduled_fold);
    let scheduled_at = p.check(local_time("scheduled_at", &form.scheduled_at, &tz, fold));
    let time_zone = p.check(form_zone(&form));
    // An expiry in the repeated hour: the later one (the link lives the longer).
    let expires_at = p.check(local_time("expires_at", &form.expires_at, &tz, Fold::Later));
    let assignee = p.check(assignee_input(&form.assign));
    let input = NewRequest {
        recipient_email: optional(&form.recipient_email),
        send_email: form.send_email,
        email_language: optional(&form.email_language),
        comment: optional(&form.comment),
        share_comment: form.share_comment,
        scheduled_at: scheduled_at.flatten(),
        time_zone: time_zone.flatten(),
        expires_at: expires_at.flatten(),
        assignee,
        recipient_name: form.recipient_name,
    };
    (input, p)
}

/// The edit form as a patch of `current`. A time sent back as the form showed it is kept as
/// stored (to the second, and on whichever side of a clock change it lies), not read again:
/// only what the agent changed is changed.
fn request_patch(
    form: RequestForm,
    current: &SessionRequest,
) -> std::result::Result<RequestPatch, ServiceError> {
    let tz = zone(form.time_zone.trim())?;
    let shown = |t: Timestamp| form_time(t, &tz);
    let keep_schedule =
        current.scheduled_at.map(shown).unwrap_or_default() == form.scheduled_at.trim();
    let keep_expiry = shown(current.expires_at) == form.expires_at.trim();
    Ok(RequestPatch {
        recipient_email: Some(optional(&form.recipient_email)),
        send_email: Some(form.send_email),
        email_language: optional(&form.email_language),
        comment: Some(form.comment.clone()),
        share_comment: Some(form.share_comment),
        scheduled_at: match keep_schedule {
            true => None,
            false => Some(local_time(
                "scheduled_at",
                &form.scheduled_at,
                &tz,
                Fold::of(&form.scheduled_fold),
            )?),
        },
        time_zone: Some(form_zone(&form)?),
        expires_at: match keep_expiry {
            true => None,
            false => local_time("expires_at", &form.expires_at, &tz, Fold::Later)?,
        },
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

    /// What the link page offers this visitor: by their User-Agent, among the apps this
    /// server has (facts worked out on first use).
    async fn offer(&self, parts: &Parts, token: &str) -> Offer {
        use crate::assist_apps::visitor::Visitor;
        let ua = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let platforms: Vec<wire::Platform> = match Visitor::from_user_agent(ua) {
            Visitor::Phone => return Offer::Phone,
            Visitor::BrowserOnly => return Offer::BrowserOnly,
            Visitor::Computer(p) => vec![p],
            Visitor::Unknown => self.apps.platforms().collect(),
        };
        let mut views = Vec::new();
        for p in &platforms {
            let Some(app) = self.apps.get(*p) else {
                continue;
            };
            let Some(facts) = app.facts().await else {
                continue;
            };
            views.push(DownloadView {
                platform: p.label().to_owned(),
                url: format!("/s/{token}/app/{}", p.as_str()),
                sha256: facts.sha256,
                size_mb: format!("{:.1}", facts.size as f64 / 1_000_000.0),
                publisher: facts.publisher,
            });
        }
        match (Visitor::from_user_agent(ua), views.len()) {
            (Visitor::Computer(_), 1) => Offer::App(views.remove(0)),
            // This computer's app is not built here: the browser.
            (Visitor::Computer(_), _) => Offer::BrowserOnly,
            _ => Offer::Any(views),
        }
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
        let outcome = match f.outcome.as_str() {
            "" => None,
            o => Some(Outcome::parse(o).ok_or_else(|| {
                app_error(ServiceError::invalid(
                    "outcome",
                    "choose an outcome from the list",
                ))
            })?),
        };
        let query = ListQuery { outcome, ..query };
        self.run(move |s| {
            let page = s.list_requests(&caller, query)?;
            let facts = s.row_facts(&page.items)?;
            let counts = s.queue_counts(&caller)?;
            let names = Names::load(s, &caller)?;
            let now = Timestamp::now();
            Ok(RequestPage {
                rows: page
                    .items
                    .iter()
                    .zip(facts)
                    .map(|(r, facts)| row(s, &caller, &names, r, facts, now))
                    .collect(),
                next_cursor: page.next_cursor.map(|c| c.to_string()),
                now: now.into(),
                counts: app::portal::QueueCounts {
                    active: counts.active,
                    upcoming: counts.upcoming,
                    waiting: counts.waiting,
                    cap: COUNT_CAP,
                },
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
                recipient_zone: r.time_zone.clone().unwrap_or_default(),
                expires_at: form_time(r.expires_at, &tz),
                scheduled_fold: String::new(),
                shown_ms: Some((
                    r.scheduled_at.map(|t| t.as_millisecond()),
                    r.expires_at.as_millisecond(),
                )),
            };
            Ok(RequestDetail {
                row: row(s, &caller, &names, &r, RowFacts::of(&r, &events, now), now),
                email_language: r.email_language.clone(),
                comment: r.comment.clone(),
                share_comment: r.share_comment,
                created_by: names.agent(r.created_by),
                created_at: r.created_at.into(),
                updated_at: r.updated_at.into(),
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
                // Only those who could open the request are offered.
                .filter(|a| !a.disabled && a.can_view())
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
        let (input, mut problems) = new_request(form);
        let svc = &self.svc;
        if !problems.is_empty() {
            // The rest of the form too: every field to fix at once.
            problems.check(svc.check_new_request(&caller, input));
            return Err(app_error(problems.finish().err().unwrap_or_else(|| {
                ServiceError::Internal("a form problem went missing".into())
            })));
        }
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
        self.run(move |s| {
            let (current, _) = s.get_request(&caller, id)?;
            let patch = request_patch(form, &current)?;
            s.edit_request(&caller, id, patch).map(drop)
        })
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
            language: None,
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

    async fn remember_language(&self, caller: Agent, lang: String) -> Result<()> {
        self.run(move |s| s.set_own_language(&caller, &lang)).await
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
            default_expiry_text: compact_duration(s.default_expiry),
            max_expiry_text: compact_duration(s.max_expiry),
            mail: self.mail.clone(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            logo_url: self.svc.logo().map(|l| super::logo::url(&l)),
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
        let settings = self.svc.settings();
        let org = settings.organisation.as_str();
        Ok(match state {
            LinkState::Unknown => {
                let asks = parts
                    .headers
                    .get(axum::http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok());
                LinkView::Unknown(notice(&self.catalog.for_browser(asks), "unknown", org))
            }
            LinkState::Finished { language } => {
                LinkView::Finished(notice(&self.catalog.lang(&language), "finished", org))
            }
            LinkState::InUse { request } => {
                let lang = self.catalog.lang(&request.email_language);
                LinkView::InUse(notice(&lang, "in-use", org))
            }
            LinkState::Live {
                request,
                agent_name,
            } => {
                let status = request.status_at(Timestamp::now());
                let lang = self.catalog.lang(&request.email_language);
                let session_over = self.svc.session_over(&request).unwrap_or(false);
                let offer = if status == Status::Open {
                    self.offer(parts, &token).await
                } else {
                    Offer::Any(Vec::new())
                };
                let join_code = match &offer {
                    Offer::App(_) => Some(()),
                    Offer::Any(list) if !list.is_empty() => Some(()),
                    _ => None,
                };
                let join_code = match join_code {
                    Some(()) => {
                        let token = token.clone();
                        Some(
                            self.run(move |s| s.join_code(&token, &device))
                                .await?
                                .to_string(),
                        )
                    }
                    None => None,
                };
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
                    offer,
                    join_code,
                    named_agent: agent_name.clone(),
                    page_url: format!("{}/s/{token}", settings.public_url),
                    schedule: request.scheduled_at.map(|at| {
                        let zone = request.time_zone.clone().unwrap_or_else(|| "UTC".into());
                        (at.into(), zone)
                    }),
                    logo: self.svc.logo().map(|l| app::portal::LogoView {
                        url: super::logo::url(&l),
                        width: l.width,
                        height: l.height,
                        alt: settings.organisation.clone(),
                    }),
                    ice_servers: self.svc.ice_servers(),
                    texts: link_texts(&lang, &request, agent_name.as_deref(), &settings),
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

/// A duration as the settings form shows and reads it, in the units every language's admin
/// types the same way (`7d`, `36h`, `90m`), not English words ("7days").
fn compact_duration(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => "0m".into(),
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// A notice page's words: `page-{what}-title` and `page-{what}-body` in `lang`.
fn notice(lang: &crate::i18n::Lang<'_>, what: &str, org: &str) -> app::portal::Notice {
    app::portal::Notice {
        language: lang.code.to_owned(),
        title: lang.text(&format!("page-{what}-title"), &[]),
        body: lang.text(&format!("page-{what}-body"), &[("org", org)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_written_in_units_that_parse_back() {
        for (secs, text) in [
            (7 * 86_400, "7d"),
            (36 * 3_600, "36h"),
            (90 * 60, "90m"),
            (61, "61s"),
        ] {
            let d = std::time::Duration::from_secs(secs);
            assert_eq!(compact_duration(d), text);
            assert_eq!(humantime::parse_duration(text).unwrap(), d);
        }
    }

    #[test]
    fn local_times_follow_the_agents_zone() {
        let seoul = zone("Asia/Seoul").unwrap();
        let at = local_time("scheduled_at", "2026-12-01T09:30", &seoul, Fold::Ask)
            .unwrap()
            .unwrap();
        assert_eq!(at.to_string(), "2026-12-01T00:30:00Z");
        assert_eq!(form_time(at, &seoul), "2026-12-01T09:30");
        assert!(
            local_time("scheduled_at", "", &seoul, Fold::Ask)
                .unwrap()
                .is_none()
        );
        assert!(local_time("scheduled_at", "tomorrow", &seoul, Fold::Ask).is_err());
        assert!(zone("Mars/Olympus").is_err());
    }

    /// Berlin: 2026-03-29 02:00 → 03:00 (02:30 never happens), 2026-10-25 03:00 → 02:00
    /// (02:30 happens twice, at +02:00 then at +01:00).
    #[test]
    fn a_skipped_time_is_refused_and_a_repeated_one_is_asked_then_taken_as_chosen() {
        let berlin = zone("Europe/Berlin").unwrap();
        let field = |r: std::result::Result<Option<Timestamp>, ServiceError>| match r {
            Err(ServiceError::InvalidInput { field, message }) => (field, message),
            other => panic!("{other:?}"),
        };
        let (f, m) = field(local_time(
            "scheduled_at",
            "2026-03-29T02:30",
            &berlin,
            Fold::Ask,
        ));
        assert_eq!(f, "scheduled_at");
        assert!(m.contains("does not exist in Europe/Berlin"), "{m}");
        // Choosing a side does not make a skipped time exist.
        assert!(local_time("scheduled_at", "2026-03-29T02:30", &berlin, Fold::Later).is_err());

        let (f, m) = field(local_time(
            "scheduled_at",
            "2026-10-25T02:30",
            &berlin,
            Fold::Ask,
        ));
        assert_eq!(f, "scheduled_fold");
        assert!(m.contains("happens twice in Europe/Berlin"), "{m}");
        let first = local_time("scheduled_at", "2026-10-25T02:30", &berlin, Fold::Earlier);
        let second = local_time("scheduled_at", "2026-10-25T02:30", &berlin, Fold::Later);
        assert_eq!(first.unwrap().unwrap().to_string(), "2026-10-25T00:30:00Z");
        assert_eq!(second.unwrap().unwrap().to_string(), "2026-10-25T01:30:00Z");
        // The hours around it are plain.
        let before = local_time("scheduled_at", "2026-10-25T01:30", &berlin, Fold::Ask);
        assert_eq!(before.unwrap().unwrap().to_string(), "2026-10-24T23:30:00Z");
    }

    /// Typed in the agent's zone, shown to the recipient in theirs.
    #[test]
    fn times_are_read_in_the_agents_zone_and_kept_in_the_recipients() {
        let form = RequestForm {
            recipient_name: "Min-jun".into(),
            scheduled_at: "2026-12-01T09:30".into(),
            time_zone: "Europe/Berlin".into(),
            recipient_zone: "Asia/Seoul".into(),
            ..RequestForm::default()
        };
        let checked = |form| match new_request(form) {
            (new, p) if p.is_empty() => Ok(new),
            (_, p) => p
                .finish()
                .map(|()| unreachable!("problems finish as an error")),
        };
        let new = checked(form.clone()).unwrap();
        assert_eq!(
            new.scheduled_at.unwrap().to_string(),
            "2026-12-01T08:30:00Z"
        );
        assert_eq!(new.time_zone.as_deref(), Some("Asia/Seoul"));
        let same = checked(RequestForm {
            recipient_zone: String::new(),
            ..form.clone()
        })
        .unwrap();
        assert_eq!(same.time_zone.as_deref(), Some("Europe/Berlin"));
        match checked(RequestForm {
            recipient_zone: "Mars/Olympus".into(),
            ..form.clone()
        }) {
            Err(ServiceError::InvalidInput { field, .. }) => assert_eq!(field, "recipient_zone"),
            other => panic!("{other:?}"),
        }
        // Each problem the form can tell, all at once.
        match checked(RequestForm {
            recipient_zone: "Mars/Olympus".into(),
            expires_at: "tomorrow".into(),
            assign: "robot:1".into(),
            ..form
        }) {
            Err(ServiceError::InvalidFields { fields }) => {
                let names: Vec<_> = fields.iter().map(|(f, _)| f.as_str()).collect();
                assert_eq!(names, ["recipient_zone", "expires_at", "assignee"]);
            }
            other => panic!("{other:?}"),
        }
    }

    /// The edit form sends the times back as it showed them (to the minute, one of a repeated
    /// hour's two): they are kept as stored, not read again and moved.
    #[test]
    fn an_edit_keeps_the_times_it_showed() {
        let berlin = zone("Europe/Berlin").unwrap();
        // 02:30 on 2026-10-25 happens twice in Berlin; stored: the second, with seconds.
        let at: Timestamp = "2026-10-25T01:30:17Z".parse().unwrap();
        let day = jiff::SignedDuration::from_hours(24);
        let mut rec = SessionRequest::new(
            app::domain::RequestId::from_u128(1),
            "G".into(),
            app::domain::AgentId::from_u128(2),
            at - day,
            at + day * 2,
        );
        rec.scheduled_at = Some(at);
        rec.time_zone = Some("Europe/Berlin".into());
        let form = RequestForm {
            recipient_name: "G".into(),
            scheduled_at: form_time(at, &berlin),
            expires_at: form_time(rec.expires_at, &berlin),
            time_zone: "Europe/Berlin".into(),
            recipient_zone: "Europe/Berlin".into(),
            ..RequestForm::default()
        };
        assert_eq!(form.scheduled_at, "2026-10-25T02:30");
        let patch = request_patch(form.clone(), &rec).unwrap();
        assert_eq!(
            (patch.scheduled_at, patch.expires_at),
            (None, None),
            "kept as stored"
        );
        let moved = request_patch(
            RequestForm {
                scheduled_at: "2026-10-26T10:00".into(),
                ..form
            },
            &rec,
        )
        .unwrap();
        let want: Timestamp = "2026-10-26T09:00:00Z".parse().unwrap();
        assert_eq!(moved.scheduled_at, Some(Some(want)));
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
