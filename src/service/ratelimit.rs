//! Rate limits on guessing: password checks per account and per address, link look-ups per
//! address. In memory (governor's GCRA), so a restart forgets them, which is acceptable: they
//! slow guessing, the secrets themselves are unguessable.
//!
//! A password is checked at sign-in and behind it (changing one's password, turning two-factor
//! sign-in off); all of them draw on the same allowances. An account's guesses are limited
//! per address, and in total from addresses it never signed in from: an attacker who keeps
//! an account's limit spent from elsewhere does not lock its owner out of the addresses they
//! use.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::error::{Result, ServiceError};

/// Addresses remembered per account (the most recent successful sign-ins).
const KNOWN_PER_ACCOUNT: usize = 8;
/// Accounts whose addresses are remembered; beyond this the oldest entries are dropped.
const KNOWN_ACCOUNTS: usize = 10_000;

pub struct RateLimits {
    login_ip: DefaultKeyedRateLimiter<IpAddr>,
    /// One account from one address.
    login_pair: DefaultKeyedRateLimiter<(String, IpAddr)>,
    /// One account from all the addresses it never signed in from.
    login_account: DefaultKeyedRateLimiter<String>,
    known: Mutex<HashMap<String, VecDeque<IpAddr>>>,
    link_ip: DefaultKeyedRateLimiter<IpAddr>,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RateLimits")
    }
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

fn check<K: std::hash::Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<()> {
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        ServiceError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        }
    })
}

impl RateLimits {
    /// `login`: attempts per minute per account (an address gets three times that, since
    /// several people may share it); `link`: look-ups per minute per address.
    pub fn new(login: u32, link: u32) -> RateLimits {
        RateLimits {
            login_ip: RateLimiter::keyed(per_minute(login.saturating_mul(3))),
            login_pair: RateLimiter::keyed(per_minute(login)),
            login_account: RateLimiter::keyed(per_minute(login)),
            known: Mutex::new(HashMap::new()),
            link_ip: RateLimiter::keyed(per_minute(link)),
        }
    }

    /// One password check for `account` (an email) from `ip`.
    pub fn login(&self, ip: IpAddr, account: &str) -> Result<()> {
        let account = account.trim().to_ascii_lowercase();
        check(&self.login_ip, &ip)?;
        check(&self.login_pair, &(account.clone(), ip))?;
        if !self.is_known(&account, ip) {
            check(&self.login_account, &account)?;
        }
        Ok(())
    }

    /// `account` signed in from `ip`: from there its own allowance is all that limits it.
    pub fn signed_in(&self, ip: IpAddr, account: &str) {
        let account = account.trim().to_ascii_lowercase();
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if known.len() >= KNOWN_ACCOUNTS && !known.contains_key(&account) {
            // Bounded: forget some account's addresses (it falls back to the total limit).
            if let Some(k) = known.keys().next().cloned() {
                known.remove(&k);
            }
        }
        let ips = known.entry(account).or_default();
        ips.retain(|a| *a != ip);
        ips.push_back(ip);
        while ips.len() > KNOWN_PER_ACCOUNT {
            ips.pop_front();
        }
    }

    fn is_known(&self, account: &str, ip: IpAddr) -> bool {
        let known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        known.get(account).is_some_and(|ips| ips.contains(&ip))
    }

    /// Drops the state of keys that are back to full allowance (the maps would otherwise
    /// keep every address and account name ever tried).
    pub fn forget_idle(&self) {
        self.login_ip.retain_recent();
        self.login_pair.retain_recent();
        self.login_account.retain_recent();
        self.link_ip.retain_recent();
    }

    pub fn link(&self, ip: IpAddr) -> Result<()> {
        check(&self.link_ip, &ip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_from_elsewhere_do_not_lock_the_owner_out_of_a_known_address() {
        let limits = RateLimits::new(3, 10);
        let (home, attacker, other) = (
            "192.0.2.1".parse().unwrap(),
            "198.51.100.7".parse().unwrap(),
            "203.0.113.9".parse().unwrap(),
        );
        limits.login(home, "ada@example.com").unwrap();
        limits.signed_in(home, "Ada@Example.com");
        let mut tries = 0;
        while limits.login(attacker, "ada@example.com").is_ok() {
            tries += 1;
            assert!(tries <= 3, "the attacker's address is limited");
        }
        assert!(
            limits.login(other, "ada@example.com").is_err(),
            "and so is the account from every unknown address"
        );
        assert!(
            limits.login(home, "ada@example.com").is_ok(),
            "the owner at home still gets in"
        );
        limits.forget_idle();
    }
}
