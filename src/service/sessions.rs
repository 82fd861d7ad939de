//! Signing in and out. A sign-in is a random token; only its SHA-256 is stored, with its
//! agent, its absolute end and when it was last used. It ends at whichever comes first: the
//! absolute lifetime, the idle timeout, signing out (one or everywhere), a password change
//! (every other sign-in of that agent) or the agent being disabled.

use std::net::IpAddr;
use std::time::Duration;

use app::domain::{Agent, AgentId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

use super::error::{Result, ServiceError};
use super::passwords::{dummy_hash, hash_password, verify_password};
use super::{Service, input};
use crate::store::Tx;
use crate::store::records::{AuditEvent, AuditKind, AuthToken};

/// Last use is written at most this often per sign-in (or a quarter of the idle timeout, if
/// shorter): a read stays a read, and the idle timeout is exact to within this.
const TOUCH_EVERY: SignedDuration = SignedDuration::from_secs(60);

/// How long sign-ins last (settings `session_idle_timeout`, `session_lifetime`).
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: SignedDuration,
    pub lifetime: SignedDuration,
}

impl SessionPolicy {
    pub fn new(idle: Duration, lifetime: Duration) -> SessionPolicy {
        let signed = |d: Duration| SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX);
        SessionPolicy {
            idle: signed(idle),
            lifetime: signed(lifetime),
        }
    }

    fn touch_every(&self) -> SignedDuration {
        TOUCH_EVERY.min(self.idle / 4)
    }

    fn live(&self, t: &AuthToken, now: Timestamp) -> bool {
        now < t.expires_at && now < t.last_seen_at.saturating_add(self.idle).unwrap_or(now)
    }
}

/// The stored key of a token: its SHA-256, so a leaked database signs nobody in.
pub(super) fn token_key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Ends every sign-in of `agent` except `keep` (a token key), inside the caller's
/// transaction. Returns how many ended.
pub(super) fn revoke(tx: &mut Tx<'_>, agent: AgentId, keep: Option<[u8; 32]>) -> Result<usize> {
    Ok(tx.remove_auth_tokens_where(&mut |key, t| t.agent == agent && Some(key) != keep)?)
}

impl Service {
    /// Checks email and password; returns a new sign-in token (its hash is stored). For an
    /// agent with a second factor, see `login_with_code`.
    pub fn login(&self, ip: IpAddr, email: &str, password: &str) -> Result<(String, Agent)> {
        self.login_with_code(ip, email, password, None)
    }

    /// Checks email, password and — when the agent has turned it on — the one-time code.
    /// Every attempt counts toward the rate limits, codes included.
    pub fn login_with_code(
        &self,
        ip: IpAddr,
        email: &str,
        password: &str,
        code: Option<&str>,
    ) -> Result<(String, Agent)> {
        self.limits.login(ip, email.trim())?;
        let email = email.trim().to_ascii_lowercase();
        let agent = {
            let mut read = self.store.read()?;
            match read.agent_id_by_email(&email)? {
                Some(id) => read.agent(id)?,
                None => None,
            }
        };
        let ok = verify_password(
            password,
            agent
                .as_ref()
                .map_or(dummy_hash(), |a| a.password_hash.as_str()),
        );
        let agent = match agent {
            Some(a) if ok && !a.disabled => a,
            found => {
                let why = match found {
                    None => "no such agent",
                    Some(a) if a.disabled => "agent disabled",
                    Some(_) => "wrong password",
                };
                let event =
                    AuditEvent::anonymous(&email, AuditKind::SignInFailed, None, why.to_owned());
                self.store
                    .transact(|tx| tx.append_audit(&event.from_ip(ip)))?;
                return Err(ServiceError::BadCredentials);
            }
        };
        let token = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
        let now = Self::now();
        let record = AuthToken {
            agent: agent.id,
            created_at: now,
            expires_at: now.saturating_add(self.sessions.lifetime).unwrap_or(now),
            last_seen_at: now,
        };
        // A wrong code is committed too (its audit entry), as a failed sign-in.
        let (signed_in, _) = self.store.transact(|tx| {
            let second = match self.totp_check(tx, &agent, code)? {
                None => "",
                Some(true) => "with a one-time code",
                Some(false) => {
                    let event = AuditEvent::anonymous(
                        &email,
                        AuditKind::SignInFailed,
                        None,
                        "wrong one-time code".to_owned(),
                    );
                    tx.append_audit(&event.from_ip(ip))?;
                    return Ok(false);
                }
            };
            tx.put_auth_token(token_key(&token), &record)?;
            let event = AuditEvent::by(&agent, AuditKind::SignInSucceeded, None, second.to_owned());
            tx.append_audit(&event.from_ip(ip))?;
            Ok::<_, ServiceError>(true)
        })?;
        if !signed_in {
            return Err(ServiceError::BadCredentials);
        }
        self.limits.signed_in(ip, &email);
        Ok((token, agent))
    }

    /// The agent behind a sign-in token, if it is live and the agent is enabled.
    pub fn authenticate(&self, token: &str) -> Result<Agent> {
        self.signed_in(token, true)
    }

    /// How long a sign-in lasts at most (its cookie lasts no longer).
    pub fn signin_lifetime(&self) -> std::time::Duration {
        self.sessions.lifetime.unsigned_abs()
    }

    /// Whether a sign-in still holds, without counting as a use of it: what a live stream
    /// or socket asks while it stays open (an open stream is not activity; the idle timeout
    /// still ends it).
    pub fn still_signed_in(&self, token: &str) -> Result<Agent> {
        self.signed_in(token, false)
    }

    fn signed_in(&self, token: &str, touch: bool) -> Result<Agent> {
        if token.is_empty() || token.len() > 128 {
            return Err(ServiceError::Unauthenticated);
        }
        let key = token_key(token);
        let now = Self::now();
        let (record, agent) = {
            let mut read = self.store.read()?;
            let Some(record) = read.auth_token(key)? else {
                return Err(ServiceError::Unauthenticated);
            };
            if !self.sessions.live(&record, now) {
                return Err(ServiceError::Unauthenticated);
            }
            match read.agent(record.agent)? {
                Some(a) if !a.disabled => (record, a),
                _ => return Err(ServiceError::Unauthenticated),
            }
        };
        if touch && now.duration_since(record.last_seen_at) >= self.sessions.touch_every() {
            self.touch(key, now)?;
        }
        self.restrict_until_enrolled(agent)
    }

    /// Records a use of a sign-in. Not waited for on disk: losing it in a crash only makes
    /// the session look idle a little earlier.
    fn touch(&self, key: [u8; 32], now: Timestamp) -> Result<()> {
        self.store.transact_lazily(|tx| {
            // Signed out meanwhile: nothing to touch.
            let Some(mut record) = tx.auth_token(key)? else {
                return Ok(());
            };
            record.last_seen_at = now;
            tx.put_auth_token(key, &record)?;
            Ok::<_, ServiceError>(())
        })
    }

    pub fn logout(&self, token: &str) -> Result<()> {
        self.store
            .transact(|tx| tx.remove_auth_token(token_key(token)))?;
        self.signins_changed();
        Ok(())
    }

    /// Ends every sign-in of the caller, this one included (a lost laptop, a shared machine).
    pub fn logout_everywhere(&self, caller: &Agent) -> Result<usize> {
        let (n, _) = self.store.transact(|tx| {
            let n = revoke(tx, caller.id, None)?;
            let detail = format!("{n} sign-ins ended");
            tx.append_audit(&AuditEvent::by(
                caller,
                AuditKind::SignedOutEverywhere,
                None,
                detail,
            ))?;
            Ok::<_, ServiceError>(n)
        })?;
        self.signins_changed();
        Ok(n)
    }

    /// The caller changes their own password, proving the current one; every other sign-in
    /// of theirs ends, the one in use (`token`) stays. The current password is a guess like
    /// any other: it draws on the sign-in rate limits of the account and `ip`.
    pub fn change_own_password(
        &self,
        ip: IpAddr,
        caller: &Agent,
        token: &str,
        current: &str,
        new: &str,
    ) -> Result<()> {
        let new = input::password("new_password", new)?;
        self.prove_password(ip, caller, "current_password", current)?;
        // Hashed before the write transaction: a hash takes tens of milliseconds, and every
        // other write would wait for it.
        let new_hash = hash_password(&new);
        self.store.transact(|tx| {
            let old = tx.agent(caller.id)?.ok_or(ServiceError::Unauthenticated)?;
            let agent = Agent {
                password_hash: new_hash,
                updated_at: Self::now(),
                ..old.clone()
            };
            tx.put_agent(Some(&old), &agent)?;
            let n = revoke(tx, agent.id, Some(token_key(token)))?;
            let detail = format!("own password; {n} other sign-ins ended");
            tx.append_audit(&AuditEvent::by(
                caller,
                AuditKind::PasswordChanged,
                None,
                detail,
            ))?;
            Ok::<_, ServiceError>(())
        })?;
        self.signins_changed();
        Ok(())
    }

    /// Checks the caller's password (`field` names it in the error), rate-limited like a
    /// sign-in and outside any write transaction.
    pub(super) fn prove_password(
        &self,
        ip: IpAddr,
        caller: &Agent,
        field: &str,
        password: &str,
    ) -> Result<()> {
        self.limits.login(ip, &caller.email)?;
        let hash = self
            .store
            .read()?
            .agent(caller.id)?
            .ok_or(ServiceError::Unauthenticated)?
            .password_hash;
        if verify_password(password, &hash) {
            Ok(())
        } else {
            Err(ServiceError::invalid(
                field,
                "that is not your current password",
            ))
        }
    }

    /// Deletes sign-ins that have ended by time (the sweeper's retention run). Returns how
    /// many.
    pub fn purge_sessions(&self, now: Timestamp) -> Result<usize> {
        let (n, _) = self
            .store
            .transact(|tx| tx.remove_auth_tokens_where(&mut |_, t| !self.sessions.live(t, now)))?;
        if n > 0 {
            self.signins_changed();
        }
        Ok(n)
    }
}
