//! The notifier: the worker that empties the durable outbox. It claims due items in batches,
//! renders and sends them concurrently (mails over one pooled SMTP transport, webhooks over
//! HTTPS), and records every outcome of a batch in one transaction — an item is marked sent
//! only after the receiver accepted it. Failures are retried with exponential back-off and
//! jitter; mails give up after the configured number of attempts and show up as failed.
//!
//! Nothing is lost by a crash: an item not yet marked is sent again after a restart, under
//! the same `Message-ID` (see `compose`). The worker holds no state of its own; the store is
//! the queue.
//!
//! Never decides *what* to send (the service queues that) and never logs a link.

pub mod compose;

pub mod ics;
mod smtp;
pub mod transport;
pub mod webhook;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use jiff::{SignedDuration, Timestamp};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::service::{Due, Outcome, Service};
use crate::store::records::OutboxMessage;
use compose::MailEnv;
use transport::{MailTransport, SendError};
use webhook::WebhookClient;

/// Items claimed per round; also the most a crash can make us send twice.
const BATCH: usize = 64;
/// Longest wait between retries, and longest sleep when nothing is due.
const MAX_DELAY: Duration = Duration::from_secs(3600);
const IDLE_POLL: Duration = Duration::from_secs(60);

/// When to try again, and when to stop trying.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts at a mail before it is marked failed.
    pub max_attempts: u32,
    /// Wait after the first failure; doubled for each further one, up to an hour.
    pub first_delay: Duration,
}

impl RetryPolicy {
    /// The outcome of the `attempt`-th failed try (1-based). Webhooks never give up: their
    /// receivers must see every event, in order.
    fn after_failure(&self, attempt: u32, is_mail: bool, error: String, now: Timestamp) -> Outcome {
        if is_mail && attempt >= self.max_attempts {
            return Outcome::Failed {
                error: format!("gave up after {attempt} attempts: {error}"),
            };
        }
        let doublings = attempt.saturating_sub(1).min(20);
        let base = self
            .first_delay
            .saturating_mul(1u32 << doublings)
            .min(MAX_DELAY);
        // ±20 % so that many mails failing together do not all come back together.
        let jitter = 0.8 + 0.4 * rand::random::<f64>();
        let delay = SignedDuration::try_from(base.mul_f64(jitter)).unwrap_or(SignedDuration::MAX);
        Outcome::Retry {
            at: now.saturating_add(delay).unwrap_or(Timestamp::MAX),
            error,
        }
    }
}

pub struct Notifier {
    svc: Arc<Service>,
    mail: MailTransport,
    env: MailEnv,
    webhooks: WebhookClient,
    policy: RetryPolicy,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier")
            .field("mail", &self.mail)
            .finish_non_exhaustive()
    }
}

impl Notifier {
    /// Everything the worker needs, checked before the server starts. The catalogue is the
    /// one the pages use, so a language both need is parsed once.
    pub fn new(
        svc: Arc<Service>,
        config: &Config,
        catalog: Arc<crate::i18n::Catalog>,
    ) -> Result<Notifier, String> {
        Ok(Notifier {
            svc,
            mail: MailTransport::from_config(config)?,
            env: MailEnv::new(catalog, config.public_url.as_str(), &config.mail_from)
                .map_err(|e| e.to_string())?,
            webhooks: WebhookClient::new(config.allow_internal_webhooks)?,
            policy: RetryPolicy {
                max_attempts: config.mail_max_attempts,
                first_delay: config.mail_retry_delay,
            },
        })
    }

    /// Where mail goes, for the settings pages (never the relay's credentials).
    pub fn mail_status(&self) -> app::portal::MailStatus {
        match &self.mail {
            MailTransport::Smtp { relay, .. } => app::portal::MailStatus::Smtp {
                host: relay.clone(),
            },
            MailTransport::Files(dir) => app::portal::MailStatus::Files {
                dir: dir.display().to_string(),
            },
        }
    }

    /// Runs the worker until `shutdown`; a batch under way is finished first.
    pub fn spawn(self, shutdown: CancellationToken) -> JoinHandle<()> {
        tokio::spawn(async move { self.run(shutdown).await })
    }

    async fn run(self, shutdown: CancellationToken) {
        tracing::info!(to = %self.mail.describe(), "mail delivery started");
        let wake = self.svc.outbox_waker();
        loop {
            if shutdown.is_cancelled() {
                break;
            }
            let handled = match self.deliver_due().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(error = %e, "the outbox could not be read or updated");
                    0
                }
            };
            if handled == BATCH {
                continue;
            }
            let svc = self.svc.clone();
            let next = svc.run(|s| s.next_due_at()).await.ok().flatten();
            let wait = next.map_or(IDLE_POLL, |t| {
                let ms = t.duration_since(Timestamp::now()).as_millis().max(0) as u64;
                Duration::from_millis(ms).min(IDLE_POLL)
            });
            if wait.is_zero() && handled > 0 {
                continue;
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(wait.max(Duration::from_millis(5))) => {}
                _ = shutdown.cancelled() => break,
            }
        }
        tracing::info!("mail delivery stopped");
    }

    /// One round: claims what is due now, sends it and records the outcomes. Returns how
    /// many items were handled (tests and benchmarks drive the worker with this).
    pub async fn deliver_due(&self) -> Result<usize, crate::service::ServiceError> {
        let now = Timestamp::now();
        let due = self.svc.run(move |s| s.due_deliveries(now, BATCH)).await?;
        if due.is_empty() {
            return Ok(0);
        }
        let organisation = self.svc.settings().organisation.clone();
        let results: Vec<_> = futures_util::stream::iter(due)
            .map(|d| {
                let org = organisation.as_str();
                async move {
                    let id = d.item.id;
                    (id, self.deliver(d, org).await)
                }
            })
            .buffer_unordered(transport::POOL_SIZE as usize)
            .collect()
            .await;
        let n = results.len();
        self.svc
            .run(move |s| s.record_deliveries(results, Timestamp::now()))
            .await?;
        Ok(n)
    }

    async fn deliver(&self, due: Due, organisation: &str) -> Outcome {
        let now = Timestamp::now();
        if let Some(why) = due.moot(now) {
            return Outcome::Superseded { why: why.into() };
        }
        let attempt = due.item.attempts + 1;
        let kind = due.item.kind_name();
        match &due.item.message {
            OutboxMessage::Mail { .. } => {
                let message = match self.env.compose(&due, organisation, now) {
                    Ok(m) => m,
                    Err(e) => {
                        tracing::warn!(id = %due.item.id, kind, error = %e, "mail cannot be built");
                        return Outcome::Failed {
                            error: e.to_string(),
                        };
                    }
                };
                match self.mail.send(due.item.id, &message).await {
                    Ok(()) => Outcome::Sent,
                    Err(SendError::Permanent(e)) => {
                        tracing::warn!(id = %due.item.id, kind, error = %e, "mail refused");
                        Outcome::Failed {
                            error: format!("refused: {e}"),
                        }
                    }
                    Err(SendError::Transient(e)) => {
                        tracing::debug!(id = %due.item.id, kind, attempt, error = %e, "mail not delivered yet");
                        self.policy.after_failure(attempt, true, e, now)
                    }
                }
            }
            OutboxMessage::Webhook { body, .. } => {
                let Some(endpoint) = &due.endpoint else {
                    return Outcome::Superseded {
                        why: "the webhook endpoint was removed".into(),
                    };
                };
                match self.webhooks.post(endpoint, due.item.id, body, now).await {
                    Ok(()) => Outcome::Sent,
                    Err(e) => {
                        tracing::debug!(id = %due.item.id, attempt, error = %e, "webhook not delivered yet");
                        self.policy.after_failure(attempt, false, e, now)
                    }
                }
            }
        }
    }
}

/// `beckon send-test-mail`: sends one mail straight through the configured transport (no
/// database needed) and says what happened.
pub async fn send_test_mail(config: &Config, to: &str) -> Result<String, String> {
    use crate::store::records::{DeliveryState, MailKind, OutboxItem};
    let env = MailEnv::new(
        Arc::new(crate::i18n::Catalog::new()),
        config.public_url.as_str(),
        &config.mail_from,
    )
    .map_err(|e| e.to_string())?;
    let transport = MailTransport::from_config(config)?;
    let now = Timestamp::now();
    let id = crate::service::new_id(now);
    let due = Due {
        item: OutboxItem {
            id,
            request: None,
            message: OutboxMessage::Mail {
                kind: MailKind::Test,
                to: to.to_owned(),
                language: "en".into(),
                link_generation: 0,
            },
            created_at: now,
            state: DeliveryState::Pending,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            finished_at: None,
        },
        request: None,
        agent: None,
        link: None,
        endpoint: None,
    };
    let message = env
        .compose(&due, &config.organisation, now)
        .map_err(|e| e.to_string())?;
    transport
        .send(id, &message)
        .await
        .map_err(|e| format!("{} did not take the mail: {e}", transport.describe()))?;
    Ok(format!(
        "test mail to {to} accepted by {}",
        transport.describe()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_then_mails_give_up() {
        let p = RetryPolicy {
            max_attempts: 4,
            first_delay: Duration::from_secs(10),
        };
        let now = Timestamp::from_second(1_000_000).unwrap();
        let delay = |attempt| match p.after_failure(attempt, true, "x".into(), now) {
            Outcome::Retry { at, .. } => at.duration_since(now).as_secs_f64(),
            other => panic!("{other:?}"),
        };
        assert!((8.0..=12.0).contains(&delay(1)));
        assert!((16.0..=24.0).contains(&delay(2)));
        assert!((32.0..=48.0).contains(&delay(3)));
        assert!(matches!(
            p.after_failure(4, true, "x".into(), now),
            Outcome::Failed { .. }
        ));
        // Webhooks keep trying, never more than an hour (plus jitter) apart.
        match p.after_failure(40, false, "x".into(), now) {
            Outcome::Retry { at, .. } => assert!(at.duration_since(now).as_secs() <= 4320),
            other => panic!("{other:?}"),
        }
    }
}
