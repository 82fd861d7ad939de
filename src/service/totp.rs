//! Two-factor sign-in: a time-based one-time code (RFC 6238: 6 digits, 30 s steps, SHA-1,
//! what every authenticator app speaks). An agent sets it up by scanning or typing the secret
//! and proving one code; from then on signing in needs a code, each good once. Administrators
//! can be made to use it (`require_totp_for_admins`): until they set it up, they sign in with
//! no rights at all and can only do that.

use app::domain::{Agent, AgentId, Permissions, Role};
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use serde::Serialize;
use sha2::Sha256;
use totp_rs::{Algorithm, TOTP};
use utoipa::ToSchema;

use super::Service;
use super::error::{Result, ServiceError};
use crate::store::Tx;
use crate::store::records::{AuditEvent, AuditKind, TotpRecord};

const STEP_SECS: u64 = 30;
const SECRET_BYTES: usize = 20;

/// What an agent needs to add Beckon to an authenticator app.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TotpSetup {
    /// The secret in base32, for typing in.
    pub secret: String,
    /// `otpauth://totp/…`, for a QR code or a click on a phone.
    pub otpauth_url: String,
}

/// The one-time pad a secret is sealed with: HMAC(link key, agent ‖ nonce), so the same
/// secret never seals the same way twice and the database alone opens none.
fn pad(key: &[u8; 32], agent: AgentId, nonce: &[u8; 16]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key size");
    mac.update(b"beckon-totp-v1");
    mac.update(&agent.to_be_bytes());
    mac.update(nonce);
    mac.finalize().into_bytes().into()
}

fn xor(data: &[u8], pad: &[u8; 32]) -> Vec<u8> {
    data.iter().zip(pad.iter()).map(|(a, b)| a ^ b).collect()
}

fn totp(secret: Vec<u8>, issuer: &str, account: &str) -> Result<TOTP> {
    // The otpauth format reserves `:` in both names.
    let clean = |s: &str| s.replace(':', " ");
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECS,
        secret,
        Some(clean(issuer)),
        clean(account),
    )
    .map_err(|e| ServiceError::Internal(format!("totp: {e:?}")))
}

/// The step `code` is good for near `now` (one step either side for clock drift), if it is
/// later than `after` (a code is good once).
fn matching_step(t: &TOTP, code: &str, now: Timestamp, after: u64) -> Option<u64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = u64::try_from(now.as_second()).ok()? / STEP_SECS;
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .filter(|s| *s > after)
        .find(|s| t.generate(s * STEP_SECS) == code)
}

impl Service {
    fn totp_of(&self, rec: &TotpRecord, agent: &Agent) -> Result<TOTP> {
        let secret = xor(&rec.sealed, &pad(&self.links.bytes(), agent.id, &rec.nonce));
        totp(secret, &self.settings().organisation, &agent.email)
    }

    /// Whether `agent` has a second factor turned on.
    pub fn totp_enabled(&self, agent: AgentId) -> Result<bool> {
        Ok(self.store.read()?.totp(agent)?.is_some_and(|r| r.enabled))
    }

    /// An administrator who must have a second factor and has none signs in with no rights
    /// (the account page still works: they can set it up).
    pub(super) fn restrict_until_enrolled(&self, mut agent: Agent) -> Result<Agent> {
        if self.require_totp_for_admins && agent.is_admin() && !self.totp_enabled(agent.id)? {
            agent.role = Role::Agent;
            agent.permissions = Permissions::default();
        }
        Ok(agent)
    }

    /// Starts setting up a second factor (again, if a set-up was left unfinished).
    pub fn totp_begin(&self, caller: &Agent) -> Result<TotpSetup> {
        let secret: [u8; SECRET_BYTES] = rand::random();
        let nonce: [u8; 16] = rand::random();
        self.store.transact(|tx| {
            if tx.totp(caller.id)?.is_some_and(|r| r.enabled) {
                return Err(ServiceError::Conflict {
                    code: "totp_enabled",
                    message: "two-factor sign-in is on already; turn it off first".into(),
                });
            }
            let rec = TotpRecord {
                nonce,
                sealed: xor(&secret, &pad(&self.links.bytes(), caller.id, &nonce)),
                enabled: false,
                created_at: Self::now(),
                last_step: 0,
            };
            tx.put_totp(caller.id, &rec)?;
            Ok(())
        })?;
        let t = totp(
            secret.to_vec(),
            &self.settings().organisation,
            &caller.email,
        )?;
        Ok(TotpSetup {
            secret: t.get_secret_base32(),
            otpauth_url: t.get_url(),
        })
    }

    /// Finishes the set-up with a first code from the app.
    pub fn totp_confirm(&self, caller: &Agent, code: &str) -> Result<()> {
        self.store.transact(|tx| {
            let mut rec = match tx.totp(caller.id)? {
                Some(r) if !r.enabled => r,
                Some(_) => {
                    return Err(ServiceError::Conflict {
                        code: "totp_enabled",
                        message: "two-factor sign-in is on already".into(),
                    });
                }
                None => {
                    return Err(ServiceError::Conflict {
                        code: "totp_not_started",
                        message: "start setting up two-factor sign-in first".into(),
                    });
                }
            };
            let t = self.totp_of(&rec, caller)?;
            let step = matching_step(&t, code, Self::now(), rec.last_step).ok_or_else(|| {
                ServiceError::invalid("code", "that code does not match; check the app's clock")
            })?;
            rec.enabled = true;
            rec.last_step = step;
            tx.put_totp(caller.id, &rec)?;
            let event = AuditEvent::by(caller, AuditKind::TotpEnabled, None, String::new());
            tx.append_audit(&event)?;
            Ok::<_, ServiceError>(())
        })?;
        Ok(())
    }

    /// Turns the caller's second factor off, proving their password. Not for administrators
    /// while it is required of them.
    pub fn totp_disable(&self, ip: std::net::IpAddr, caller: &Agent, password: &str) -> Result<()> {
        self.prove_password(ip, caller, "password", password)?;
        self.store.transact(|tx| {
            let agent = tx.agent(caller.id)?.ok_or(ServiceError::Unauthenticated)?;
            if self.require_totp_for_admins && agent.is_admin() {
                return Err(ServiceError::Forbidden(
                    "administrators must keep two-factor sign-in (require_totp_for_admins)",
                ));
            }
            remove(tx, &agent, &agent, "own")?;
            Ok(())
        })?;
        Ok(())
    }

    /// After the password matched: whether `code` is the agent's next good code. `Ok(None)`:
    /// the agent has no second factor. Records the step used.
    pub(super) fn totp_check(
        &self,
        tx: &mut Tx<'_>,
        agent: &Agent,
        code: Option<&str>,
    ) -> Result<Option<bool>> {
        let Some(mut rec) = tx.totp(agent.id)? else {
            return Ok(None);
        };
        if !rec.enabled {
            return Ok(None);
        }
        let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
            return Err(ServiceError::TotpRequired);
        };
        let t = self.totp_of(&rec, agent)?;
        match matching_step(&t, code, Self::now(), rec.last_step) {
            Some(step) => {
                rec.last_step = step;
                tx.put_totp(agent.id, &rec)?;
                Ok(Some(true))
            }
            None => Ok(Some(false)),
        }
    }
}

/// Removes `agent`'s second factor (their own choice, or an admin's reset for a lost phone).
pub(super) fn remove(tx: &mut Tx<'_>, by: &Agent, agent: &Agent, why: &str) -> Result<bool> {
    let removed = tx.remove_totp(agent.id)?.is_some();
    if removed {
        let detail = format!("{} ({why})", agent.email);
        let event = AuditEvent::by(
            by,
            AuditKind::TotpDisabled,
            Some(agent.id.to_string()),
            detail,
        );
        tx.append_audit(&event)?;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_near_now_once_and_sealing_round_trips() {
        let secret = vec![42u8; SECRET_BYTES];
        let t = totp(secret.clone(), "Acme: IT", "ada@example.com").unwrap();
        assert!(t.get_url().starts_with("otpauth://totp/"));
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let step = 1_800_000_000 / STEP_SECS;
        let code = t.generate(step * STEP_SECS);
        assert_eq!(matching_step(&t, &code, now, 0), Some(step));
        assert_eq!(matching_step(&t, &code, now, step), None, "good once");
        let later = Timestamp::from_second(1_800_000_000 + 120).unwrap();
        assert_eq!(matching_step(&t, &code, later, 0), None, "four steps late");
        for bad in ["", "12345", "1234567", "abcdef"] {
            assert_eq!(matching_step(&t, bad, now, 0), None);
        }
        let nonce = [7u8; 16];
        let key = [9u8; 32];
        let p = pad(&key, AgentId::from_u128(1), &nonce);
        let sealed = xor(&secret, &p);
        assert_ne!(sealed, secret);
        assert_eq!(xor(&sealed, &p), secret);
        assert_ne!(
            pad(&key, AgentId::from_u128(2), &nonce),
            p,
            "another agent, another pad"
        );
    }
}
