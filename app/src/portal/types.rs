//! What the portal's server functions take and return: plain view data, shaped for the
//! pages (names resolved, secrets left out), shared by the server and the WASM bundle.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::{
    Action, AgentId, ClientId, EventKind, Permissions, RequestId, Role, Status, agent_actions,
};

/// A point in time, in milliseconds since the Unix epoch: all the pages need, so the
/// browser bundle carries no date library (the browser formats local times itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Instant(pub i64);

impl Instant {
    pub fn as_second(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// `2026-11-25 14:30 UTC` (proleptic Gregorian; Howard Hinnant's days-to-civil).
    pub fn utc_text(self) -> String {
        let secs = self.as_second();
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        format!(
            "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
            rem / 3600,
            rem / 60 % 60
        )
    }

    /// RFC 3339 in UTC, for `<time datetime>`.
    pub fn rfc3339(self) -> String {
        let t = self.utc_text();
        format!("{}T{}:00Z", &t[..10], &t[11..16])
    }
}

#[cfg(feature = "ssr")]
impl From<jiff::Timestamp> for Instant {
    fn from(t: jiff::Timestamp) -> Instant {
        Instant(t.as_millisecond())
    }
}

/// Every error a portal call can return: a stable code, a sentence for people, and the form
/// field it belongs to (so the page can show it next to that field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    /// Every field to fix when there are several (`field` and `message` are the first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<(String, String)>,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> AppError {
        AppError {
            code: code.to_owned(),
            message: message.into(),
            field: None,
            fields: Vec::new(),
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError {
            code: "invalid_input".to_owned(),
            message: message.into(),
            field: Some(field.to_owned()),
            fields: Vec::new(),
        }
    }

    /// Several fields to fix at once, in the form's order.
    pub fn invalid_all(fields: Vec<(String, String)>) -> AppError {
        let (field, message) = fields.first().cloned().unwrap_or_default();
        AppError {
            fields,
            ..AppError::invalid(&field, message)
        }
    }

    pub fn is_unauthenticated(&self) -> bool {
        self.code == "unauthenticated"
    }

    /// The message if it belongs to `field`, for showing beside that field.
    pub fn for_field(&self, field: &str) -> Option<String> {
        if let Some((_, m)) = self.fields.iter().find(|(f, _)| f == field) {
            return Some(m.clone());
        }
        (self.field.as_deref() == Some(field)).then(|| self.message.clone())
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let code = match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => "invalid_input",
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => "network",
            _ => "internal",
        };
        AppError::new(code, value.to_string())
    }
}

/// The signed-in agent, as the pages need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: AgentId,
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub can_view: bool,
    pub can_edit: bool,
}

impl From<&crate::domain::Agent> for Me {
    fn from(a: &crate::domain::Agent) -> Me {
        Me {
            id: a.id,
            name: a.name.clone(),
            email: a.email.clone(),
            is_admin: a.is_admin(),
            can_view: a.can_view(),
            can_edit: a.can_edit(),
        }
    }
}

/// Who a request is assigned to, with the name resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssigneeView {
    Unassigned,
    Agent { id: AgentId, name: String },
    Client { id: ClientId, name: String },
}

impl AssigneeView {
    /// The value of the "assign to" field for this assignee.
    pub fn choice(&self) -> String {
        match self {
            AssigneeView::Unassigned => "unassigned".into(),
            AssigneeView::Agent { id, .. } => format!("agent:{id}"),
            AssigneeView::Client { id, .. } => format!("client:{id}"),
        }
    }
}

/// One row of the Session Requests list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRow {
    pub id: RequestId,
    /// As of the server's `now` (an overdue request reads as expired).
    pub status: Status,
    pub recipient_name: String,
    pub recipient_email: Option<String>,
    pub send_email: bool,
    pub assignee: AssigneeView,
    pub scheduled_at: Option<Instant>,
    pub time_zone: Option<String>,
    pub expires_at: Instant,
    /// `None` for an agent who may only view (the link acts as the end user).
    pub link: Option<String>,
    /// The end user has the link page or the assist client open right now.
    pub online: bool,
    /// Its scheduled time passed and nobody came (`SessionRequest::missed_at`).
    pub missed: bool,
    /// Since when the end user has been here (active requests; `domain::waiting_since`).
    pub waiting_since: Option<Instant>,
    /// When and how it ended (finished requests; `domain::ending`).
    pub ended: Option<(Instant, crate::domain::Outcome)>,
    /// All its sessions together, in seconds.
    pub session_secs: u64,
}

/// The buttons a row offers: what the state machine allows now, for an agent who may edit.
pub fn row_actions(row: &RequestRow, can_edit: bool) -> Vec<RowAction> {
    if !can_edit {
        return Vec::new();
    }
    agent_actions(row.status)
        .filter_map(|a| match a {
            Action::Connect => Some(RowAction::Connect),
            Action::Start => Some(RowAction::Start),
            Action::End { .. } => Some(RowAction::End),
            Action::Close => Some(RowAction::Close),
            Action::Reopen => Some(RowAction::Reopen),
            Action::Resend if row.send_email && row.recipient_email.is_some() => {
                Some(RowAction::Resend)
            }
            _ => None,
        })
        .collect()
}

/// The lifecycle buttons of the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Connect,
    Start,
    /// Ends the session; the `session_end` setting says what becomes of the request.
    End,
    /// Ends the session and keeps the request open (the session view's choice).
    EndKeep,
    /// Ends the session and closes the request (the session view's choice).
    EndClose,
    Close,
    Reopen,
    Resend,
    /// Frees the link from the end user's device (shown on the detail page while bound).
    Release,
}

impl RowAction {
    pub const ALL: [RowAction; 9] = [
        RowAction::Connect,
        RowAction::Start,
        RowAction::End,
        RowAction::EndKeep,
        RowAction::EndClose,
        RowAction::Close,
        RowAction::Reopen,
        RowAction::Resend,
        RowAction::Release,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            RowAction::Connect => "connect",
            RowAction::Start => "start",
            RowAction::End => "end",
            RowAction::EndKeep => "end_keep",
            RowAction::EndClose => "end_close",
            RowAction::Close => "close",
            RowAction::Reopen => "reopen",
            RowAction::Resend => "resend",
            RowAction::Release => "release",
        }
    }

    pub fn parse(s: &str) -> Option<RowAction> {
        RowAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestPage {
    pub rows: Vec<RequestRow>,
    pub next_cursor: Option<String>,
    pub now: Instant,
    pub counts: QueueCounts,
}

/// How many requests the Active and Upcoming tabs hold, and how many end users wait right
/// now (each capped by the server: more than `cap` reads "cap+").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueCounts {
    pub active: usize,
    pub upcoming: usize,
    pub waiting: usize,
    pub cap: usize,
}

/// The list filters, as they stand in the page's URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFilter {
    pub view: String,
    pub status: String,
    pub assignee: String,
    pub q: String,
    pub cursor: String,
    /// Past only: `domain::Outcome::as_str`, or empty for any.
    pub outcome: String,
}

/// One timeline entry with the actor's name resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub at: Instant,
    pub actor: ActorView,
    pub kind: EventKind,
    pub from: Status,
    pub to: Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActorView {
    Agent(String),
    EndUser,
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub row: RequestRow,
    pub email_language: String,
    pub comment: String,
    pub share_comment: bool,
    pub created_by: String,
    pub created_at: Instant,
    pub updated_at: Instant,
    pub events: Vec<EventView>,
    pub now: Instant,
    /// The edit form, filled in (times in the request's own zone).
    pub form: RequestForm,
    /// The link is bound to the end user's device (an agent may release it).
    pub link_bound: bool,
    /// For the session view's WebRTC connection.
    pub ice_servers: Vec<IceServer>,
    /// The `session_end` setting: ending a session keeps the request open unless the agent
    /// chooses otherwise.
    pub end_keeps: bool,
}

/// A STUN or TURN server, as `RTCPeerConnection` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    pub urls: String,
    pub username: Option<String>,
    pub credential: Option<String>,
}

/// Who a request can be assigned to, and the limits the create dialog shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices {
    pub agents: Vec<(AgentId, String)>,
    pub clients: Vec<(ClientId, String)>,
    pub default_expiry_secs: u64,
    pub max_expiry_secs: u64,
}

impl Choices {
    /// With the request's current assignee among the agents even when no longer offered
    /// (one who lost a right since), so an edit of other fields keeps it.
    pub fn with_current(mut self, current: &AssigneeView) -> Choices {
        if let AssigneeView::Agent { id, name } = current
            && !self.agents.iter().any(|(a, _)| a == id)
        {
            self.agents.push((*id, name.clone()));
        }
        self
    }
}

/// The fields of the create and edit forms, as typed (the server parses and validates them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    pub recipient_name: String,
    /// `unassigned`, `me`, `agent:ID` or `client:ID`.
    pub assign: String,
    pub recipient_email: String,
    pub send_email: bool,
    pub email_language: String,
    pub comment: String,
    /// Show the comment to the end user too.
    pub share_comment: bool,
    /// `YYYY-MM-DDTHH:MM` in `time_zone`, or empty.
    pub scheduled_at: String,
    /// IANA name of the zone the times are typed in (the agent's, or the stored one when
    /// editing, so the times shown are the times saved).
    pub time_zone: String,
    /// IANA name of the recipient's zone: mails, the calendar invitation and the link page
    /// show the schedule in it. Empty: the same as `time_zone`.
    pub recipient_zone: String,
    /// `YYYY-MM-DDTHH:MM` in `time_zone`, or empty for the default.
    pub expires_at: String,
    /// Which `scheduled_at` is meant when it happens twice (the hour the clocks go back):
    /// `earlier`, `later`, or empty until the form asks.
    pub scheduled_fold: String,
    /// The stored times the edit form shows (milliseconds since the epoch), so that the
    /// browser can show them again in the agent's own zone; never posted.
    pub shown_ms: Option<(Option<i64>, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    pub id: RequestId,
    pub link: String,
}

/// An agent as the admin pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentView {
    pub id: AgentId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub permissions: Permissions,
    pub disabled: bool,
}

impl From<&crate::domain::Agent> for AgentView {
    fn from(a: &crate::domain::Agent) -> AgentView {
        AgentView {
            id: a.id,
            email: a.email.clone(),
            name: a.name.clone(),
            role: a.role,
            permissions: a.effective_permissions(),
            disabled: a.disabled,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientView {
    pub id: ClientId,
    pub name: String,
    pub members: Vec<AgentId>,
}

/// One change an admin makes to an agent from the agents page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgentChange {
    Role(Role),
    Permissions(Permissions),
    Disabled(bool),
    Password(String),
}

/// What an authenticator app needs (see `service::totp`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetupView {
    pub secret: String,
    pub otpauth_url: String,
}

/// One line of the audit log, for the admin page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: Instant,
    /// The API's name of the event (`sign_in_failed`); the page words it.
    pub kind: String,
    pub actor: String,
    pub ip: String,
    pub target: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub rows: Vec<AuditRow>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    pub organisation: String,
    pub public_url: String,
    pub default_expiry_secs: u64,
    pub max_expiry_secs: u64,
    /// The same, as typed in the settings form (`7days`).
    pub default_expiry_text: String,
    pub max_expiry_text: String,
    /// Where mail goes: an SMTP relay's host, or the folder `.eml` files are written to.
    pub mail: MailStatus,
    pub version: String,
    /// The organisation's logo link pages show, if one was uploaded.
    pub logo_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailStatus {
    Smtp { host: String },
    Files { dir: String },
}

/// The mail page: where mail goes, the outbox (a page of it), and the webhook endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxPage {
    pub mail: MailStatus,
    pub pending: u64,
    pub failed: u64,
    pub rows: Vec<OutboxRow>,
    pub next_cursor: Option<String>,
    pub webhooks: Vec<WebhookView>,
}

/// One mail or webhook call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: String,
    /// `invitation`, `reminder`, …, `webhook`.
    pub kind: String,
    /// The address, or the webhook's URL.
    pub to: String,
    pub request: Option<RequestId>,
    /// `pending`, `sent`, `failed`, `superseded`.
    pub state: String,
    pub attempts: u32,
    pub next_attempt_at: Option<Instant>,
    pub last_error: Option<String>,
    pub created_at: Instant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookView {
    pub id: String,
    pub url: String,
    pub created_at: Instant,
}

/// What the end user's link page shows, decided by the server from the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkView {
    Active(Box<LinkInfo>),
    /// No such link, or one replaced by a reopen (in the browser's language).
    Unknown(Notice),
    /// Closed or expired (in the request's language).
    Finished(Notice),
    /// Another device checked in with this link first (in the request's language).
    InUse(Notice),
}

/// A page that only tells the end user something, in words the server wrote in their
/// language (the mails' eleven), so the page's `lang` is that language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub language: String,
    pub title: String,
    pub body: String,
}

/// The organisation's logo on the link page: its address, its size (so the page does not
/// jump when it loads) and its text for screen readers (the organisation's name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoView {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInfo {
    /// The request's language (the page's `lang`).
    pub language: String,
    pub status: Status,
    /// An agent asks to connect and waits for the end user's answer.
    pub prompt: Option<PromptView>,
    /// The agent's comment, when it is meant for the end user.
    pub comment: Option<String>,
    /// What this visitor's computer is offered (told by its browser's User-Agent).
    pub offer: Offer,
    /// The code the assist app asks for when its file lost its name.
    pub join_code: Option<String>,
    /// The agent the invitation names: a prompt from someone else is pointed out.
    pub named_agent: Option<String>,
    /// This page's own address (the phone's "send me the link").
    pub page_url: String,
    /// The organisation's logo, when an administrator uploaded one.
    pub logo: Option<LogoView>,
    /// The scheduled time and the zone the page states it in (the recipient's), so a
    /// browser elsewhere can add its own local time.
    pub schedule: Option<(Instant, String)>,
    pub ice_servers: Vec<IceServer>,
    pub texts: LinkTexts,
    /// A session ended and none began since: the page says they may close it.
    pub session_over: bool,
}

/// What the link page offers a visitor, by their computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Offer {
    /// The assist app for this computer (Windows, Linux), and the browser.
    App(DownloadView),
    /// A computer the app is not made for yet (macOS): the browser, with a note.
    BrowserOnly,
    /// A phone or tablet: "open this link on your computer", before any check-in.
    Phone,
    /// A computer not told apart: every app there is, and the browser.
    Any(Vec<DownloadView>),
}

/// One app download, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadView {
    /// What people call the platform (`Windows (64-bit)`).
    pub platform: String,
    pub url: String,
    pub sha256: String,
    pub size_mb: String,
    /// The code-signing certificate's name; `None`: not signed.
    pub publisher: Option<String>,
}

/// Every word on the link page, in the request's language, written by the server from the
/// same catalogue as the mails (eleven languages stay out of the browser bundle). Names and
/// times are already filled in, except `PromptTitle`'s `{agent}`: prompts arrive live.
///
/// A list in `Text` order rather than a struct of named fields: deserialising thirty named
/// fields cost the bundle 17 KB of field-matching code per JSON reader.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkTexts(Vec<String>);

/// The link page's texts; `Planned` is empty when nothing is scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    Title,
    Greeting,
    Asks,
    Planned,
    Reason,
    Safety,
    Choose,
    StartBrowser,
    Download,
    DownloadNote,
    Waiting,
    Ready,
    InSession,
    Share,
    Sharing,
    Stop,
    Chat,
    ChatPlaceholder,
    Send,
    PromptTitle,
    PromptBody,
    PromptTimeout,
    Allow,
    Deny,
    Decline,
    Declined,
    Ended,
    Released,
    /// A session ended: they may close the window.
    SessionOver,
    /// In a session, the agent's side dropped (with the grace period).
    Disconnected,
    /// A phone, or a browser that cannot share a screen: use a computer.
    UseComputer,
    /// Mail this link to oneself (to open it on a computer).
    SendLink,
    /// macOS: no app yet, the browser works.
    MacNote,
    /// The download's checksum and signature lines.
    Checksum,
    SignedBy,
    Unsigned,
    /// "If the app asks for a code: {code}".
    CodeHint,
    /// What will happen, in three steps.
    StepsTitle,
    Step1,
    Step2,
    Step3,
    /// The server's host name, so the end user can tell where they are.
    Host,
    /// "If in doubt, call {org} on a number you already know."
    CallUs,
    /// A prompt from an agent the invitation does not name (`{agent}` filled in live).
    OtherAgent,
    /// "This wasn't me" asks first.
    DeclineConfirm,
    DeclineYes,
    Cancel,
    /// The schedule in the viewer's own zone, when it differs (`{when}` filled in live).
    YourTime,
}

impl Text {
    pub const ALL: [Text; 48] = [
        Text::Title,
        Text::Greeting,
        Text::Asks,
        Text::Planned,
        Text::Reason,
        Text::Safety,
        Text::Choose,
        Text::StartBrowser,
        Text::Download,
        Text::DownloadNote,
        Text::Waiting,
        Text::Ready,
        Text::InSession,
        Text::Share,
        Text::Sharing,
        Text::Stop,
        Text::Chat,
        Text::ChatPlaceholder,
        Text::Send,
        Text::PromptTitle,
        Text::PromptBody,
        Text::PromptTimeout,
        Text::Allow,
        Text::Deny,
        Text::Decline,
        Text::Declined,
        Text::Ended,
        Text::Released,
        Text::SessionOver,
        Text::Disconnected,
        Text::UseComputer,
        Text::SendLink,
        Text::MacNote,
        Text::Checksum,
        Text::SignedBy,
        Text::Unsigned,
        Text::CodeHint,
        Text::StepsTitle,
        Text::Step1,
        Text::Step2,
        Text::Step3,
        Text::Host,
        Text::CallUs,
        Text::OtherAgent,
        Text::DeclineConfirm,
        Text::DeclineYes,
        Text::Cancel,
        Text::YourTime,
    ];
}

impl LinkTexts {
    /// Each text from `text`, in `Text` order.
    pub fn new(text: impl Fn(Text) -> String) -> LinkTexts {
        LinkTexts(Text::ALL.into_iter().map(text).collect())
    }

    pub fn get(&self, t: Text) -> &str {
        self.0.get(t as usize).map_or("", String::as_str)
    }
}

/// What the end user does on the link page: each button posts one of these (`api::link_act`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStep {
    /// Start in the browser: check in and wait for the agent.
    Checkin,
    /// Answer the agent's request for access (with the prompt's `prompt_id`).
    Allow,
    Deny,
    /// "This wasn't me": the request closes.
    Decline,
    /// Stop sharing: the session ends, the end user stays, waiting.
    End,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptView {
    pub id: u32,
    pub agent_name: String,
}

#[cfg(test)]
mod tests {
    use super::Instant;

    #[test]
    fn utc_text_matches_the_calendar() {
        for (ms, text) in [
            (0, "1970-01-01 00:00 UTC"),
            (951_782_400_000, "2000-02-29 00:00 UTC"),
            (1_795_609_800_000, "2026-11-25 12:30 UTC"),
            (-86_400_000, "1969-12-31 00:00 UTC"),
        ] {
            assert_eq!(Instant(ms).utc_text(), text);
        }
        assert_eq!(Instant(1_795_609_800_000).rfc3339(), "2026-11-25T12:30:00Z");
    }

    #[test]
    fn link_texts_are_found_by_their_name() {
        use super::{LinkTexts, Text};
        let texts = LinkTexts::new(|t| format!("{t:?}"));
        for t in Text::ALL {
            assert_eq!(
                texts.get(t),
                format!("{t:?}"),
                "Text::ALL is in declaration order"
            );
        }
        assert_eq!(LinkTexts::default().get(Text::Title), "");
    }
}
