//! The ICE servers a session's two sides are given: the operator's configured STUN/TURN
//! servers, and the relay this binary embeds (`crate::turn`) with credentials of its own.
//!
//! Relay credentials follow the usual "TURN REST" shape: the username is the expiry time
//! (`UNIX_SECONDS:beckon`) and the password an HMAC of it under a secret that lives only in
//! this process. The relay checks them without any lookup, and nobody holding none of them
//! (or an expired one) can allocate. They are minted only into pages and answers for people
//! already let into a request (a signed-in agent with the right to connect, the end user's
//! bound device), so the relay serves Beckon sessions and nothing else.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use app::portal::IceServer;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long minted credentials work: a long session keeps refreshing its allocation with
/// them, so they outlast any plausible session (a page left open longer reloads for new ones).
pub const CREDENTIAL_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// The embedded relay's addresses and its credential secret.
pub struct TurnAccess {
    /// `turn:` URLs, UDP first (browsers try them in order).
    urls: Vec<String>,
    key: Hmac<Sha256>,
}

impl std::fmt::Debug for TurnAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnAccess")
            .field("urls", &self.urls)
            .finish_non_exhaustive()
    }
}

impl TurnAccess {
    /// A relay reachable at `urls`, with a fresh random secret.
    pub fn new(urls: Vec<String>) -> TurnAccess {
        let secret: [u8; 32] = rand::random();
        TurnAccess {
            urls,
            key: Hmac::new_from_slice(&secret).expect("HMAC takes any key length"),
        }
    }

    fn password(&self, username: &str) -> String {
        let mut mac = self.key.clone();
        mac.update(username.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }

    /// New credentials, valid for `CREDENTIAL_LIFETIME` from `now`.
    pub fn mint(&self, now: SystemTime) -> (String, String) {
        let until = (now + CREDENTIAL_LIFETIME)
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let username = format!("{until}:beckon");
        let password = self.password(&username);
        (username, password)
    }

    /// The password of `username` if it is one of ours and not expired at `now` (the relay
    /// compares it with the client's proof); `None` refuses the client.
    pub fn password_for(&self, username: &str, now: SystemTime) -> Option<String> {
        let (until, tag) = username.split_once(':')?;
        let until: u64 = until.parse().ok()?;
        let now = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
        (tag == "beckon" && until >= now).then(|| self.password(username))
    }

    /// The relay as `RTCPeerConnection` takes it (one entry per URL), with new credentials.
    pub fn ice_servers(&self, now: SystemTime) -> Vec<IceServer> {
        let (username, password) = self.mint(now);
        self.urls
            .iter()
            .map(|url| IceServer {
                urls: url.clone(),
                username: Some(username.clone()),
                credential: Some(password.clone()),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_credentials_check_until_they_expire_and_nothing_else_does() {
        let turn = TurnAccess::new(vec!["turn:127.0.0.1:3478?transport=udp".into()]);
        let now = SystemTime::now();
        let (user, pass) = turn.mint(now);
        assert_eq!(turn.password_for(&user, now), Some(pass.clone()));
        let later = now + CREDENTIAL_LIFETIME + Duration::from_secs(1);
        assert_eq!(turn.password_for(&user, later), None, "expired");
        assert_eq!(turn.password_for("9999999999:other", now), None);
        assert_eq!(turn.password_for("garbage", now), None);
        let other = TurnAccess::new(Vec::new());
        assert_ne!(
            other.password_for(&user, now),
            Some(pass),
            "another process's secret gives another password"
        );
    }
}
