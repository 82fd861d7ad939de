//! Rate limits on guessing: sign-in attempts per account and per address, link look-ups per
//! address. In memory (governor's GCRA), so a restart forgets them, which is acceptable: they
//! slow guessing, the secrets themselves are unguessable.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::error::{Result, ServiceError};

pub struct RateLimits {
    login_ip: DefaultKeyedRateLimiter<IpAddr>,
    login_account: DefaultKeyedRateLimiter<String>,
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
            login_account: RateLimiter::keyed(per_minute(login)),
            link_ip: RateLimiter::keyed(per_minute(link)),
        }
    }

    pub fn login(&self, ip: IpAddr, account: &str) -> Result<()> {
        check(&self.login_ip, &ip)?;
        check(&self.login_account, &account.to_ascii_lowercase())
    }

    pub fn link(&self, ip: IpAddr) -> Result<()> {
        check(&self.link_ip, &ip)
    }
}
