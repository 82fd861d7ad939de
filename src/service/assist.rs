//! The end user's side: everything reached with a link token instead of a sign-in. The token
//! is the credential, so every function starts by resolving it (constant-time check) and
//! never echoes it.

use app::domain::{
    Action, Actor, Agent, AgentId, Assignee, EndReason, EndUserClient, EventKind, Prompt,
    SessionRequest, Status,
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::error::{Result, ServiceError};
use super::outbox::{queue_agent_mails, queue_decline_alerts};
use super::requests::{Outcome, finish_session};
use super::timeline::append_event;
use super::{Service, require_edit};
use crate::links::{Locate, locate, token_hash};
use crate::store::Read;
use crate::store::records::MailKind;
use crate::store::records::{AuditEvent, AuditKind};

/// The end user's device: a browser's `beckon_device` cookie or the native client's
/// `beckon-device` header. A link belongs to the first device that checks in with it; only
/// a hash of the device's ID is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Device(String);

impl Device {
    /// 16 to 128 characters of `A-Z a-z 0-9 - _`; anything else is no device at all.
    pub fn parse(s: &str) -> Option<Device> {
        let ok = (16..=128).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Device(s.to_owned()))
    }

    /// A new random device ID (for a browser without one yet).
    pub fn random() -> Device {
        Device(crate::links::random_token())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn hash(&self) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::new()
            .chain_update(b"beckon-device:")
            .chain_update(self.0.as_bytes())
            .finalize()
            .into()
    }
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A device ID is a bearer secret for its link, like the link itself.
        f.write_str("Device(<redacted>)")
    }
}

fn link_in_use() -> ServiceError {
    ServiceError::Conflict {
        code: "link_in_use",
        message: "this link is already in use on another device".into(),
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CheckIn {
    /// `web` or `native`.
    #[schema(schema_with = super::schema::end_user_client)]
    pub client: String,
    #[serde(default)]
    pub platform: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Consent {
    pub prompt_id: String,
    /// `allow` or `deny`.
    #[schema(schema_with = super::schema::decision)]
    pub decision: String,
}

/// The end user's answer about control of their computer.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlDecision {
    /// `true` gives control to `agent_id`; `false` takes it back from whoever has it.
    pub grant: bool,
    /// The agent who asked (from their `control_request` message); needed to grant.
    #[serde(default)]
    pub agent_id: Option<String>,
}

/// What a link leads to, for the landing page.
#[derive(Debug, Clone)]
pub enum LinkState {
    Unknown,
    /// Closed or expired; the request's language, for the page that says so.
    Finished {
        language: String,
    },
    /// Another device checked in with this link first.
    InUse {
        request: Box<SessionRequest>,
    },
    Live {
        request: Box<SessionRequest>,
        agent_name: Option<String>,
    },
}

impl Service {
    /// The request behind a live or finished link (`NotFound` for anything else), read
    /// inside a transaction the caller goes on using, with the link's look-up key
    /// (`token_hash`), which the device bindings are keyed by too: hashed once.
    fn resolve_in(&self, read: &mut dyn Read, token: &str) -> Result<(SessionRequest, [u8; 32])> {
        const UNKNOWN: ServiceError = ServiceError::NotFound("link");
        let Some(found) = locate(token) else {
            return Err(UNKNOWN);
        };
        let lookup = token_hash(token);
        let id = match found {
            Locate::Request(id) => id,
            Locate::Indexed => read.request_by_link(lookup)?.ok_or(UNKNOWN)?,
        };
        let rec = read.request(id)?.ok_or(UNKNOWN)?;
        // The token or the index says which request; the key says whether this is its
        // current link.
        if !self.links.verify(token, rec.id, rec.link_generation) {
            return Err(UNKNOWN);
        }
        Ok((rec, lookup))
    }

    /// Like `resolve_in`, but a closed or expired request's link is `LinkGone`, and a link bound
    /// to another device is `link_in_use`.
    pub(super) fn resolve_live(&self, token: &str, device: &Device) -> Result<SessionRequest> {
        self.resolve_bound(token, device).map(|(rec, _)| rec)
    }

    /// `resolve_live`, and whether the link is already bound (to this device).
    fn resolve_bound(&self, token: &str, device: &Device) -> Result<(SessionRequest, bool)> {
        let mut read = self.store.read()?;
        let (rec, key) = self.resolve_in(&mut *read, token)?;
        if rec.status_at(Self::now()).is_terminal() {
            return Err(ServiceError::LinkGone);
        }
        match binding(&mut *read, &key, device)? {
            Binding::Other => Err(link_in_use()),
            b => Ok((rec, b == Binding::Mine)),
        }
    }

    /// The name of the agent a request is assigned to: who the invitation names.
    pub fn agent_name_of(&self, rec: &SessionRequest) -> Option<String> {
        let Assignee::Agent(id) = rec.assignee else {
            return None;
        };
        self.store.read().ok()?.agent(id).ok()?.map(|a| a.name)
    }

    pub fn link_state(&self, token: &str, device: &Device) -> Result<LinkState> {
        let mut read = self.store.read()?;
        let (rec, key) = match self.resolve_in(&mut *read, token) {
            Ok(found) => found,
            Err(ServiceError::NotFound(_)) => return Ok(LinkState::Unknown),
            Err(e) => return Err(e),
        };
        if rec.status_at(Self::now()).is_terminal() {
            return Ok(LinkState::Finished {
                language: rec.email_language,
            });
        }
        if binding(&mut *read, &key, device)? == Binding::Other {
            return Ok(LinkState::InUse {
                request: Box::new(rec),
            });
        }
        let agent_name = match rec.assignee {
            Assignee::Agent(id) => read.agent(id)?.map(|a| a.name),
            _ => None,
        };
        Ok(LinkState::Live {
            request: Box::new(rec),
            agent_name,
        })
    }

    /// The end user is here. The first check-in binds the link to this device; it (or a
    /// switch of client) is written to the timeline. Repeats only keep presence, without a
    /// disk write.
    pub fn checkin(&self, token: &str, device: &Device, input: CheckIn) -> Result<SessionRequest> {
        let client = EndUserClient::parse(&input.client)
            .ok_or_else(|| ServiceError::invalid("client", "must be `web` or `native`"))?;
        let platform =
            super::input::optional_line("platform", input.platform.as_deref().unwrap_or(""), 100)?;
        let (rec, bound) = self.resolve_bound(token, device)?;
        self.presence.touch(rec.id);
        let now = Self::now();
        let same_client = rec.end_user_client == Some(client)
            && rec.end_user_platform.as_deref() == Some(&platform);
        if rec.status_at(now) != Status::Open && same_client && bound {
            return Ok(rec);
        }
        let link = token_hash(token);
        let device = device.hash();
        self.transition(
            rec.id,
            Actor::EndUser,
            Action::CheckIn,
            move |tx, rec, now| {
                // Checked again inside the write: two devices racing for a fresh link.
                match tx.bound_device(link)? {
                    Some(d) if d != device => return Err(link_in_use()),
                    Some(_) => {}
                    None => tx.bind_device(link, device)?,
                }
                if rec.status_at(now) == Status::Open {
                    // The first sign of the end user: whoever the request is assigned to hears.
                    queue_agent_mails(tx, rec, now, MailKind::EndUserWaiting, Actor::EndUser)?;
                }
                rec.end_user_client = Some(client);
                rec.end_user_platform = Some(platform.clone());
                let platform = platform.clone();
                Ok(EventKind::CheckedIn { client, platform }.into())
            },
        )
    }

    /// The agent's pending question, if any (polling keeps presence too).
    pub fn prompt(&self, token: &str, device: &Device) -> Result<Option<Prompt>> {
        let rec = self.resolve_live(token, device)?;
        self.presence.touch(rec.id);
        let waiting = rec.status_at(Self::now()) == Status::Waiting;
        Ok(rec.prompt.filter(|_| waiting))
    }

    pub fn consent(&self, token: &str, device: &Device, input: Consent) -> Result<SessionRequest> {
        let action = match input.decision.as_str() {
            "allow" => Action::Allow,
            "deny" => Action::Deny,
            _ => {
                return Err(ServiceError::invalid(
                    "decision",
                    "must be `allow` or `deny`",
                ));
            }
        };
        let rec = self.resolve_live(token, device)?;
        self.presence.touch(rec.id);
        let answered = rec.prompt.as_ref().map(|p| p.id);
        let rec = self.transition(rec.id, Actor::EndUser, action, move |_, rec, _| {
            let prompt_id = match &rec.prompt {
                Some(p) if p.id.to_string() == input.prompt_id => p.id,
                _ => {
                    return Err(ServiceError::Conflict {
                        code: "invalid_transition",
                        message: "that connect request is no longer pending".into(),
                    });
                }
            };
            rec.prompt = None;
            Ok(Outcome::from(match action {
                Action::Allow => EventKind::AccessAllowed { prompt_id },
                _ => EventKind::AccessDenied { prompt_id },
            }))
        })?;
        let starter = answered.and_then(|p| self.start_on_allow.take(rec.id, p));
        match starter {
            // The agent asked to start on consent: the session starts now, in their name,
            // if they still may (else the request stays ready for someone's Start).
            Some(agent) if action == Action::Allow => {
                let agent = self.store.read()?.agent(agent)?;
                match agent.filter(|a| a.can_edit() && !a.disabled) {
                    Some(a) => Ok(self.start(&a, rec.id).unwrap_or(rec)),
                    None => Ok(rec),
                }
            }
            _ => Ok(rec),
        }
    }

    /// The end user declines ("this wasn't me"): the request closes, and its assignee and
    /// the administrators are alerted.
    pub fn decline(&self, token: &str, device: &Device) -> Result<SessionRequest> {
        let rec = self.resolve_live(token, device)?;
        let rec = self.transition(rec.id, Actor::EndUser, Action::Decline, |tx, rec, now| {
            if rec.status_at(now) == Status::InSession {
                finish_session(rec, now);
            }
            rec.prompt = None;
            queue_decline_alerts(tx, rec, now)?;
            let event = AuditEvent::anonymous(
                "end user",
                AuditKind::DeclinedByEndUser,
                Some(rec.id.to_string()),
                format!(
                    "{} said they did not expect this request",
                    rec.recipient_name
                ),
            );
            tx.append_audit(&event)?;
            Ok(EventKind::Declined.into())
        })?;
        self.presence.forget(rec.id);
        Ok(rec)
    }

    /// The end user gives an agent control of their computer, or takes it back. Only inside
    /// a session, only to an agent they allowed to connect in it; giving it to another agent
    /// takes it from the first in the same write. Taking back when nobody has control is a
    /// no-op (a Stop pressed twice).
    pub fn control(
        &self,
        token: &str,
        device: &Device,
        input: ControlDecision,
    ) -> Result<SessionRequest> {
        let agent = match (&input.agent_id, input.grant) {
            (Some(a), _) => Some(
                a.parse::<AgentId>()
                    .map_err(|_| ServiceError::invalid("agent_id", "not an agent ID"))?,
            ),
            (None, true) => {
                return Err(ServiceError::invalid(
                    "agent_id",
                    "name the agent who asked for control",
                ));
            }
            (None, false) => None,
        };
        let rec = self.resolve_live(token, device)?;
        self.presence.touch(rec.id);
        let before = self.grants(rec.id)?;
        if before.controller == agent.filter(|_| input.grant)
            || (!input.grant && before.controller.is_none())
        {
            // Already so: nothing to record.
            rec.check(Action::Control, Self::now())?;
            return Ok(rec);
        }
        self.transition(
            rec.id,
            Actor::EndUser,
            Action::Control,
            move |tx, rec, now| {
                // Read again inside the write: the grants may have changed since.
                let events = tx.timeline(rec.id)?;
                let allowed = app::domain::allowed_agents(&events);
                let current = app::domain::controller(&events, &allowed);
                let changed = || ServiceError::Conflict {
                    code: "control_changed",
                    message: "control changed meanwhile; look again".into(),
                };
                if !input.grant {
                    let agent = current.ok_or_else(changed)?;
                    return Ok(EventKind::ControlRevoked { agent }.into());
                }
                let agent = agent.expect("checked above: a grant names its agent");
                if !allowed.contains(&agent) {
                    return Err(ServiceError::Conflict {
                        code: "not_allowed",
                        message: "control can only go to an agent you allowed to connect".into(),
                    });
                }
                match current {
                    Some(a) if a == agent => return Err(changed()),
                    Some(a) => {
                        // Handing over: the first agent loses control in the same write.
                        let s = rec.status_at(now);
                        append_event(
                            tx,
                            rec,
                            now,
                            Actor::EndUser,
                            EventKind::ControlRevoked { agent: a },
                            s,
                            s,
                        )?;
                    }
                    None => {}
                }
                Ok(EventKind::ControlGranted { agent }.into())
            },
        )
    }

    /// The end user stops sharing: the session ends, and (still here) they wait again.
    pub fn end_by_end_user(&self, token: &str, device: &Device) -> Result<SessionRequest> {
        let rec = self.resolve_live(token, device)?;
        self.end_session(rec.id, Actor::EndUser, true, EndReason::EndUser, None)
    }

    /// For the end user's socket: the live request behind a token, on its bound device.
    pub fn assist_request(&self, token: &str, device: &Device) -> Result<SessionRequest> {
        self.resolve_live(token, device)
    }

    /// An agent frees the link from its device (the end user changed computers); the next
    /// device to check in gets it. The old device's page is told and hangs up.
    pub fn release(&self, caller: &Agent, id: app::domain::RequestId) -> Result<SessionRequest> {
        require_edit(caller)?;
        let links = self.links.clone();
        let who = caller.clone();
        let rec = self.transition(
            id,
            Actor::Agent(caller.id),
            Action::Release,
            move |tx, rec, _| {
                let link = token_hash(&links.token(rec.id, rec.link_generation));
                if !tx.unbind_device(link)? {
                    return Err(ServiceError::Conflict {
                        code: "not_bound",
                        message: "the link is not bound to a device".into(),
                    });
                }
                let event = AuditEvent::by(
                    &who,
                    AuditKind::LinkReleased,
                    Some(rec.id.to_string()),
                    format!("for {}", rec.recipient_name),
                );
                tx.append_audit(&event)?;
                Ok(EventKind::LinkReleased.into())
            },
        )?;
        self.presence.forget(id);
        Ok(rec)
    }

    /// Whether the request's current link is bound to a device (for the portal's Release).
    pub fn link_bound(&self, rec: &SessionRequest) -> Result<bool> {
        let link = token_hash(&self.links.token(rec.id, rec.link_generation));
        Ok(self.store.read()?.bound_device(link)?.is_some())
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Binding {
    Free,
    Mine,
    Other,
}

/// Whom the link with look-up key `key` (`token_hash`) is bound to, seen from `device`.
fn binding(read: &mut dyn Read, key: &[u8; 32], device: &Device) -> Result<Binding> {
    Ok(match read.bound_device(*key)? {
        None => Binding::Free,
        Some(d) if d == device.hash() => Binding::Mine,
        Some(_) => Binding::Other,
    })
}
