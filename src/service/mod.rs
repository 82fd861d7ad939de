//! The service layer: every use case is one function here. Each loads what it needs, asks the
//! domain, and commits the record, its timeline event and its outbox rows in one store
//! transaction (`store::Tx`). REST handlers (and the portal's server functions) are thin callers.
//! Permission checks live here too, so no caller can forget them.
//!
//! Functions are synchronous (the store and argon2 block); async callers run them on the blocking
//! pool (`Service::run`).

mod agents;
mod assist;
pub mod audit;
mod autostart;
mod departures;
mod error;
pub mod ice;
pub mod input;
mod join;
mod list;
pub mod logo;
mod outbox;
mod passwords;
mod presence;
mod queue;
mod ratelimit;
mod relay;
mod requests;
mod schema;
mod seed;
mod sessions;
mod settings;
mod sweep;
mod timeline;
mod totp;
pub mod webhook_payload;
mod webhooks;

use std::net::IpAddr;
use std::sync::Arc;

use app::domain::{Agent, Assignee, RequestId, Status};
use jiff::Timestamp;
use tokio::sync::broadcast;

use crate::config::Config;
use crate::links::LinkKey;
use crate::store::Store;

pub use agents::{AgentPatch, ClientPatch, NewAgent, NewClient};
pub use assist::{CheckIn, Consent, ControlDecision, Device, LinkState};
pub use error::{Result, ServiceError};
pub use list::{ListQuery, Page, View};
pub use outbox::{AgentRef, Due, OutboxCounts, OutboxQuery, Outcome};
pub use presence::Presence;
pub use queue::{COUNT_CAP, QueueCounts, RowFacts};
pub use ratelimit::RateLimits;
pub use relay::{AGENT_SEATS, AgentSeat, END_USER_SEATS, Relay, SEATS_PER_AGENT, Seat, Side};
pub use requests::{AssigneeInput, Grants, NewRequest, RequestPatch};
pub use settings::SettingsPatch;
pub use sweep::{Batch, Purged, cutoff};
pub use totp::TotpSetup;
pub use webhooks::public_address;

/// A committed change to a request, pushed to live views (SSE, the end user's socket).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: RequestId,
    pub status: Status,
    pub assignee: Assignee,
    pub updated_at: Timestamp,
    /// The timeline event that made it (`EventKind::name`).
    pub event: &'static str,
}

/// Settings the use cases need: the config file's, with an administrator's stored changes
/// on top (`settings.rs`).
#[derive(Debug, Clone)]
pub struct Settings {
    pub public_url: String,
    pub organisation: String,
    pub default_expiry: std::time::Duration,
    pub max_expiry: std::time::Duration,
    /// How long the end user has to answer a connect prompt.
    pub consent_timeout: std::time::Duration,
    pub ice_servers: Vec<app::portal::IceServer>,
    /// How long a session waits for a side that lost its connection.
    pub disconnect_grace: std::time::Duration,
    /// What ending a session does when nobody chooses.
    pub session_end: crate::config::AfterSession,
    /// The organisation's phone number the link page names ("if in doubt, call").
    pub support_phone: Option<String>,
}

impl Settings {
    pub fn from_config(c: &Config) -> Settings {
        Settings {
            public_url: c.public_url.as_str().trim_end_matches('/').to_owned(),
            organisation: c.organisation.clone(),
            default_expiry: c.default_expiry,
            max_expiry: c.max_expiry,
            consent_timeout: c.sweeper.consent_timeout,
            ice_servers: c.ice_servers.clone(),
            disconnect_grace: c.sweeper.disconnect_grace,
            session_end: c.sweeper.session_end,
            support_phone: c.support_phone.clone(),
        }
    }
}

pub struct Service {
    store: Store,
    links: LinkKey,
    /// What the config file says; stored changes are applied on top of it.
    base_settings: Settings,
    settings: std::sync::RwLock<Arc<Settings>>,
    /// The organisation's logo (`logo.rs`), kept apart from the settings: it is large and
    /// changes on its own.
    logo: std::sync::RwLock<Option<Arc<logo::Logo>>>,
    presence: Presence,
    relay: Relay,
    limits: RateLimits,
    sessions: sessions::SessionPolicy,
    /// Administrators without a second factor sign in with no rights until they set one up.
    require_totp_for_admins: bool,
    /// Webhooks may go to addresses inside the network (the operator's choice).
    allow_internal_webhooks: bool,
    changes: broadcast::Sender<Change>,
    /// Counts changes that may end sign-ins or take rights away (sign-outs, password changes,
    /// agent edits, purges): live streams and sockets re-check their sign-in when it moves.
    signins: tokio::sync::watch::Sender<u64>,
    /// Rung after a commit that may have queued mail: the delivery worker wakes up.
    outbox_wake: Arc<tokio::sync::Notify>,
    /// The embedded relay, once it listens (`crate::turn`).
    turn: std::sync::OnceLock<Arc<ice::TurnAccess>>,
    /// Prompts whose agent starts the session on *Allow*.
    start_on_allow: autostart::StartOnAllow,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Service {
    /// Opens the service over a store; reads the settings changed in the portal.
    pub fn new(store: Store, links: LinkKey, config: &Config) -> Result<Service> {
        let (changes, _) = broadcast::channel(1024);
        let base = Settings::from_config(config);
        let svc = Service {
            store,
            links,
            settings: std::sync::RwLock::new(Arc::new(base.clone())),
            base_settings: base,
            logo: std::sync::RwLock::default(),
            presence: Presence::new(config.presence_timeout),
            relay: Relay::default(),
            limits: RateLimits::new(
                config.login_attempts_per_minute,
                config.link_lookups_per_minute,
            ),
            sessions: sessions::SessionPolicy::new(
                config.session_idle_timeout,
                config.session_lifetime,
            ),
            require_totp_for_admins: config.require_totp_for_admins,
            allow_internal_webhooks: config.allow_internal_webhooks,
            changes,
            signins: tokio::sync::watch::Sender::new(0),
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            turn: std::sync::OnceLock::new(),
            start_on_allow: autostart::StartOnAllow::default(),
        };
        svc.load_settings()?;
        svc.load_logo()?;
        Ok(svc)
    }

    /// Runs a blocking use case on tokio's blocking pool.
    pub async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Service) -> Result<T> + Send + 'static,
    {
        let svc = Arc::clone(self);
        match tokio::task::spawn_blocking(move || f(&svc)).await {
            Ok(r) => r,
            // A panic in a use case: the transaction was dropped (rolled back); report it
            // without details rather than take the server down.
            Err(e) => {
                tracing::error!(error = %e, "a use case panicked");
                Err(ServiceError::Internal("a use case panicked".into()))
            }
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The settings in force now (a cheap snapshot; an admin may change them any time).
    pub fn settings(&self) -> Arc<Settings> {
        self.settings
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    /// Moves whenever a sign-in may have ended or an agent's rights changed.
    pub fn watch_signins(&self) -> tokio::sync::watch::Receiver<u64> {
        self.signins.subscribe()
    }

    /// After a commit that ended sign-ins or changed an agent: live channels re-check.
    fn signins_changed(&self) {
        self.signins.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// What the delivery worker waits on between due times.
    pub fn outbox_waker(&self) -> Arc<tokio::sync::Notify> {
        self.outbox_wake.clone()
    }

    /// After a commit that queued `queued` outbox items: wakes the delivery worker if any.
    fn queued(&self, queued: usize) {
        if queued > 0 {
            // Stores a permit when the worker is busy, so a wake-up is never lost.
            self.outbox_wake.notify_one();
        }
    }

    pub fn presence(&self) -> &Presence {
        &self.presence
    }

    /// Hands out credentials for the embedded relay from now on (once, at start-up).
    pub fn use_turn(&self, access: Arc<ice::TurnAccess>) {
        let _ = self.turn.set(access);
    }

    /// The STUN/TURN servers for a session's WebRTC connection: the configured ones, then
    /// the embedded relay with fresh credentials. Only for callers already let into the
    /// request (see `ice`).
    pub fn ice_servers(&self) -> Vec<app::portal::IceServer> {
        let mut out = self.settings().ice_servers.clone();
        if let Some(turn) = self.turn.get() {
            out.extend(turn.ice_servers(std::time::SystemTime::now()));
        }
        out
    }

    pub fn relay(&self) -> &Relay {
        &self.relay
    }

    /// Tells live views that something not stored changed (the end user came or went), so
    /// the portal's "online" mark follows without a reload.
    pub fn announce(&self, rec: &app::domain::SessionRequest, event: &'static str) {
        self.publish(vec![requests::change(rec, event)]);
    }

    /// The end user's link for a request.
    pub fn link(&self, id: RequestId, generation: u32) -> String {
        format!(
            "{}/s/{}",
            self.settings().public_url,
            self.links.token(id, generation)
        )
    }

    /// Link look-ups are rate-limited per client address.
    pub fn check_link_rate(&self, ip: IpAddr) -> Result<()> {
        self.limits.link(ip)
    }

    fn publish(&self, changes: Vec<Change>) {
        for c in changes {
            self.relay.changed(c.id, c.event);
            // No subscribers is fine.
            let _ = self.changes.send(c);
        }
    }

    fn now() -> Timestamp {
        Timestamp::now()
    }
}

/// Permission guards: every use case starts with one.
pub fn require_view(caller: &Agent) -> Result<()> {
    if caller.can_view() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("you may not view session requests"))
    }
}

pub fn require_edit(caller: &Agent) -> Result<()> {
    if caller.can_edit() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("you may not edit session requests"))
    }
}

fn require_admin(caller: &Agent) -> Result<()> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("only administrators may do this"))
    }
}

/// A new time-ordered ID.
pub fn new_id<K>(now: Timestamp) -> app::domain::Id<K> {
    let ulid = ulid::Ulid::from_parts(now.as_millisecond().max(0) as u64, rand::random());
    app::domain::Id::from_u128(ulid.0)
}

/// A service on a fresh store in `dir`, with its first administrator (unit tests).
#[cfg(test)]
pub(crate) fn test_service(dir: &std::path::Path) -> (Service, Agent) {
    let store = crate::store::Store::open(dir).unwrap();
    let links = crate::links::LinkKey::load_or_create(dir).unwrap();
    let config = crate::config::Config::with_data_dir(dir);
    let svc = Service::new(store, links, &config).unwrap();
    let admin = svc
        .create_admin_unchecked("a@example.com", "Ada", "a long password")
        .unwrap();
    (svc, admin)
}
