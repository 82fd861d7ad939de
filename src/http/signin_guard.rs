//! Live channels stay tied to the sign-in that opened them. The event stream and an agent's
//! session socket hold a `SignInGuard`; it resolves as soon as that sign-in ends (signed out,
//! signed out everywhere, password changed or reset, agent disabled, timed out) or the agent
//! loses the right the channel needs, and the channel then ends (socket: close 1008 with the
//! reason; stream: ends).
//!
//! Revocations are pushed (`Service::watch_signins` moves after every such commit), so they
//! take effect at once; time-outs are noticed by a re-check every `RECHECK`.

use std::sync::Arc;
use std::time::Duration;

use app::domain::Agent;
use tokio::sync::watch;
use tokio::time::{Interval, MissedTickBehavior};

use crate::service::{self, Service};

/// How often a channel re-checks its sign-in without being told (idle and absolute
/// time-outs end a sign-in by the clock, with no commit to announce it).
const RECHECK: Duration = Duration::from_millis(500);

/// The right a channel needs, checked again on every re-check.
pub type Right = fn(&Agent) -> service::Result<()>;

pub struct SignInGuard {
    svc: Arc<Service>,
    token: String,
    right: Right,
    signins: watch::Receiver<u64>,
    tick: Interval,
    /// The service stopped announcing (it is going away): only the clock is left.
    deaf: bool,
}

impl SignInGuard {
    pub fn new(svc: Arc<Service>, token: String, right: Right) -> SignInGuard {
        let signins = svc.watch_signins();
        let mut tick = tokio::time::interval(RECHECK);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        SignInGuard {
            svc,
            token,
            right,
            signins,
            tick,
            deaf: false,
        }
    }

    /// Why the channel must end now, or `None` while the sign-in holds with its right.
    pub fn check(&self) -> Option<&'static str> {
        match self.svc.still_signed_in(&self.token) {
            Err(_) => Some("your sign-in ended"),
            Ok(agent) => (self.right)(&agent)
                .err()
                .map(|_| "you no longer have the right to this"),
        }
    }

    /// Resolves with the reason once the sign-in ends or loses its right. Cancel-safe: a
    /// `select!` loop may poll it afresh each turn.
    pub async fn lost(&mut self) -> &'static str {
        loop {
            if self.deaf {
                self.tick.tick().await;
            } else {
                tokio::select! {
                    changed = self.signins.changed() => self.deaf = changed.is_err(),
                    _ = self.tick.tick() => {}
                }
            }
            if let Some(why) = self.check() {
                return why;
            }
        }
    }
}
