//! The end user's side: everything reached with a link token instead of a sign-in. The token
//! is the credential, so every function starts by resolving it (constant-time check) and
//! never echoes it.

use app::domain::{
    Action, Actor, Agent, Assignee, EndUserClient, EventKind, Prompt, SessionRequest, Status,
};
use redb::ReadTransaction;
use serde::Deserialize;
use utoipa::ToSchema;

use super::error::{Result, ServiceError};
use super::outbox::queue_agent_mails;
use super::requests::{Outcome, finish_session};
use super::{Service, txn};
use crate::links::{token_hash, well_formed};
use crate::store::records::MailKind;
use crate::store::tables;

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CheckIn {
    /// `web` or `native`.
    pub client: String,
    #[serde(default)]
    pub platform: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Consent {
    pub prompt_id: String,
    /// `allow` or `deny`.
    pub decision: String,
}

/// What a link leads to, for the landing page.
#[derive(Debug, Clone)]
pub enum LinkState {
    Unknown,
    Finished,
    Live {
        request: Box<SessionRequest>,
        agent_name: Option<String>,
    },
}

impl Service {
    /// The request behind a live or finished link; `NotFound` for anything else.
    fn resolve(&self, token: &str) -> Result<SessionRequest> {
        self.resolve_in(&self.store.begin_read()?, token)
    }

    /// `resolve` inside a read transaction the caller goes on using.
    fn resolve_in(&self, txn: &ReadTransaction, token: &str) -> Result<SessionRequest> {
        const UNKNOWN: ServiceError = ServiceError::NotFound("link");
        if !well_formed(token) {
            return Err(UNKNOWN);
        }
        let Some(id) = txn
            .open_table(tables::LINK_TOKENS)?
            .get(token_hash(token))?
            .map(|v| v.value())
        else {
            return Err(UNKNOWN);
        };
        let rec: SessionRequest =
            txn::get(&txn.open_table(tables::REQUESTS)?, id)?.ok_or(UNKNOWN)?;
        // The index says which request; the key says whether this is its current link.
        if !self.links.verify(token, rec.id, rec.link_generation) {
            return Err(UNKNOWN);
        }
        Ok(rec)
    }

    /// Like `resolve`, but a closed or expired request's link is `LinkGone`.
    fn resolve_live(&self, token: &str) -> Result<SessionRequest> {
        let rec = self.resolve(token)?;
        if rec.status_at(Self::now()).is_terminal() {
            return Err(ServiceError::LinkGone);
        }
        Ok(rec)
    }

    pub fn link_state(&self, token: &str) -> Result<LinkState> {
        let txn = self.store.begin_read()?;
        let rec = match self.resolve_in(&txn, token) {
            Ok(r) => r,
            Err(ServiceError::NotFound(_)) => return Ok(LinkState::Unknown),
            Err(e) => return Err(e),
        };
        if rec.status_at(Self::now()).is_terminal() {
            return Ok(LinkState::Finished);
        }
        let agent_name = match rec.assignee {
            Assignee::Agent(id) => {
                txn::get::<Agent>(&txn.open_table(tables::AGENTS)?, id.to_be_bytes())?
                    .map(|a| a.name)
            }
            _ => None,
        };
        Ok(LinkState::Live {
            request: Box::new(rec),
            agent_name,
        })
    }

    /// The end user is here. The first check-in (or a switch of client) is written to the
    /// timeline; repeats only keep presence, without a disk write.
    pub fn checkin(&self, token: &str, input: CheckIn) -> Result<SessionRequest> {
        let client = EndUserClient::parse(&input.client)
            .ok_or_else(|| ServiceError::invalid("client", "must be `web` or `native`"))?;
        let platform =
            super::input::optional_line("platform", input.platform.as_deref().unwrap_or(""), 100)?;
        let rec = self.resolve_live(token)?;
        self.presence.touch(rec.id);
        let now = Self::now();
        let same_client = rec.end_user_client == Some(client)
            && rec.end_user_platform.as_deref() == Some(&platform);
        if rec.status_at(now) != Status::Open && same_client {
            return Ok(rec);
        }
        self.transition(rec.id, Actor::EndUser, Action::CheckIn, |tx, rec, now| {
            if rec.status_at(now) == Status::Open {
                // The first sign of the end user: whoever the request is assigned to hears.
                queue_agent_mails(tx, rec, now, MailKind::EndUserWaiting, Actor::EndUser)?;
            }
            rec.end_user_client = Some(client);
            rec.end_user_platform = Some(platform.clone());
            Ok(EventKind::CheckedIn { client, platform }.into())
        })
    }

    /// The agent's pending question, if any (polling keeps presence too).
    pub fn prompt(&self, token: &str) -> Result<Option<Prompt>> {
        let rec = self.resolve_live(token)?;
        self.presence.touch(rec.id);
        let waiting = rec.status_at(Self::now()) == Status::Waiting;
        Ok(rec.prompt.filter(|_| waiting))
    }

    pub fn consent(&self, token: &str, input: Consent) -> Result<SessionRequest> {
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
        let rec = self.resolve_live(token)?;
        self.presence.touch(rec.id);
        self.transition(rec.id, Actor::EndUser, action, |_, rec, _| {
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
        })
    }

    /// The end user declines: the request closes.
    pub fn decline(&self, token: &str) -> Result<SessionRequest> {
        let rec = self.resolve_live(token)?;
        let rec = self.transition(rec.id, Actor::EndUser, Action::Decline, |_, rec, now| {
            if rec.status_at(now) == Status::InSession {
                finish_session(rec, now);
            }
            rec.prompt = None;
            Ok(EventKind::Declined.into())
        })?;
        self.presence.forget(rec.id);
        Ok(rec)
    }

    /// For the end user's socket: the live request behind a token, marking presence.
    pub fn assist_request(&self, token: &str) -> Result<SessionRequest> {
        self.resolve_live(token)
    }
}
