//! The sweeper: background jobs on cron schedules (tokio-cron-scheduler), started by `serve`.
//!
//! - **expiry** moves overdue requests to `expired`, tells people, pushes the change;
//! - **reminders** queues reminder mails at the configured lead times before a schedule;
//! - **prompts** denies connect prompts the end user left unanswered (consent timeout);
//! - **sessions** ends sessions a side left longer than the grace period ago
//!   (`service/departures.rs`);
//! - **retention** deletes finished requests (and old mail-log rows) past the retention
//!   period, and records what it did.
//!
//! Each job is a plain async function taking `now`, so tests call it with any clock and no
//! test waits for a wall clock; the scheduler only supplies `Timestamp::now()`. Work happens
//! in bounded batches (one transaction each) with a yield between them, so a backlog after
//! downtime clears quickly without holding the write lock against the API for long. A job
//! still running when its next tick comes is not started twice.
//!
//! Outbox retries need no job here: the notifier keeps its own timer. Nothing here compacts
//! the database (that needs it closed); deleted pages are reused by later writes.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Weak};

use jiff::Timestamp;
use tokio::sync::RwLock;
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::config::SweeperConfig;
use crate::service::{Service, ServiceError, cutoff};
use crate::store::records::PurgeRecord;

/// Requests per transaction.
pub const BATCH: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("the scheduler: {0}")]
    Scheduler(#[from] tokio_cron_scheduler::JobSchedulerError),
}

/// The jobs, over one service.
#[derive(Debug, Clone)]
pub struct Sweeper {
    svc: Arc<Service>,
    config: SweeperConfig,
}

impl Sweeper {
    pub fn new(svc: Arc<Service>, config: SweeperConfig) -> Sweeper {
        Sweeper { svc, config }
    }

    /// Expires everything due at `now`; returns how many.
    pub async fn expire(&self, now: Timestamp) -> Result<usize, SweepError> {
        let mut total = 0;
        loop {
            let b = self.svc.run(move |s| s.expire_due(now, BATCH)).await?;
            total += b.done;
            if !b.more {
                return Ok(total);
            }
            // Let waiting API writes have the lock between batches.
            tokio::task::yield_now().await;
        }
    }

    /// Queues the reminders due at `now`; returns how many.
    pub async fn remind(&self, now: Timestamp) -> Result<usize, SweepError> {
        let leads: Arc<[u32]> = self
            .config
            .reminder_leads
            .iter()
            .map(|d| (d.as_secs() / 60) as u32)
            .collect();
        let mut total = 0;
        loop {
            let leads = leads.clone();
            let b = self
                .svc
                .run(move |s| s.remind_due(now, &leads, BATCH))
                .await?;
            total += b.done;
            if !b.more {
                return Ok(total);
            }
            tokio::task::yield_now().await;
        }
    }

    /// Denies the connect prompts unanswered for longer than the consent timeout.
    pub async fn deny_stale_prompts(&self, now: Timestamp) -> Result<usize, SweepError> {
        let timeout = self.config.consent_timeout;
        Ok(self
            .svc
            .run(move |s| s.deny_stale_prompts(now, timeout))
            .await?)
    }

    /// Ends the sessions a side left longer than the grace period ago; returns how many.
    pub async fn end_deserted(&self) -> Result<usize, SweepError> {
        Ok(self.svc.run(|s| s.end_deserted()).await?.len())
    }

    /// Deletes what finished before `now - retention` (nothing when kept forever) and records
    /// the run, even an empty one. Ended sign-ins go every run: they are no record of anything.
    pub async fn retain(&self, now: Timestamp) -> Result<Option<PurgeRecord>, SweepError> {
        let ended = self.svc.run(move |s| s.purge_sessions(now)).await?;
        if ended > 0 {
            tracing::info!(ended, "deleted ended sign-ins");
        }
        let Some(period) = self.config.retention_period else {
            return Ok(None);
        };
        let cutoff = cutoff(now, period);
        let mut record = PurgeRecord {
            at: now,
            cutoff,
            ..PurgeRecord::default()
        };
        loop {
            let p = self
                .svc
                .run(move |s| s.purge_finished(cutoff, BATCH))
                .await?;
            record.requests += p.requests;
            record.events += p.events;
            if !p.more {
                break;
            }
            tokio::task::yield_now().await;
        }
        loop {
            let p = self.svc.run(move |s| s.purge_outbox(cutoff, BATCH)).await?;
            record.outbox_items += p.outbox_items;
            if !p.more {
                break;
            }
            tokio::task::yield_now().await;
        }
        let r = record.clone();
        self.svc.run(move |s| s.record_purge(&r)).await?;
        tracing::info!(
            requests = record.requests,
            events = record.events,
            outbox_items = record.outbox_items,
            cutoff = %record.cutoff,
            "retention run"
        );
        Ok(Some(record))
    }

    /// Starts the jobs on their schedules. The jobs hold the service weakly, so a
    /// stopped server releases its store even if the scheduler keeps a job around.
    pub async fn start(svc: &Arc<Service>, config: SweeperConfig) -> Result<Running, SweepError> {
        let sched = JobScheduler::new().await?;
        let gate = Arc::new(RwLock::new(()));
        let weak = Arc::downgrade(svc);
        let jobs: [(&str, &'static str, Run); 5] = [
            (&config.expiry.0, "expiry", |s| {
                Box::pin(async move { s.expire(Timestamp::now()).await.map(|n| n as u64) })
            }),
            (&config.reminder.0, "reminders", |s| {
                Box::pin(async move { s.remind(Timestamp::now()).await.map(|n| n as u64) })
            }),
            (&config.prompts.0, "prompts", |s| {
                Box::pin(async move {
                    s.deny_stale_prompts(Timestamp::now())
                        .await
                        .map(|n| n as u64)
                })
            }),
            (&config.sessions.0, "sessions", |s| {
                Box::pin(async move { s.end_deserted().await.map(|n| n as u64) })
            }),
            (&config.retention.0, "retention", |s| {
                Box::pin(async move {
                    s.retain(Timestamp::now())
                        .await
                        .map(|r| r.map_or(0, |r| r.requests))
                })
            }),
        ];
        for (expr, name, run) in jobs {
            let ctx = JobContext {
                svc: weak.clone(),
                config: config.clone(),
                gate: gate.clone(),
                busy: Arc::new(tokio::sync::Mutex::new(())),
                name,
                run,
            };
            sched
                .add(Job::new_async(expr, move |_, _| {
                    let ctx = ctx.clone();
                    Box::pin(async move { ctx.tick().await })
                })?)
                .await?;
        }
        sched.start().await?;
        Ok(Running { sched, gate })
    }
}

/// The running scheduler.
pub struct Running {
    sched: JobScheduler,
    /// Held (shared) by every job while it runs; `stop` takes it exclusively.
    gate: Arc<RwLock<()>>,
}

impl Running {
    /// Stops scheduling and waits for a job under way to finish its batch.
    pub async fn stop(mut self) {
        if let Err(e) = self.sched.shutdown().await {
            tracing::warn!(error = %e, "stopping the sweeper's scheduler");
        }
        let _ = self.gate.write().await;
    }
}

type Run = fn(Sweeper) -> Pin<Box<dyn Future<Output = Result<u64, SweepError>> + Send>>;

#[derive(Clone)]
struct JobContext {
    svc: Weak<Service>,
    config: SweeperConfig,
    gate: Arc<RwLock<()>>,
    /// This job's own: a tick that finds it held is skipped.
    busy: Arc<tokio::sync::Mutex<()>>,
    name: &'static str,
    run: Run,
}

impl JobContext {
    async fn tick(self) {
        let Ok(_running) = self.gate.try_read() else {
            return; // stopping
        };
        let Ok(_busy) = self.busy.try_lock() else {
            tracing::debug!(job = self.name, "still running; this tick is skipped");
            return;
        };
        let Some(svc) = self.svc.upgrade() else {
            return;
        };
        let started = std::time::Instant::now();
        match (self.run)(Sweeper::new(svc, self.config)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                job = self.name,
                n,
                took_ms = started.elapsed().as_millis() as u64,
                "sweeper job done"
            ),
            Err(e) => tracing::error!(job = self.name, error = %e, "sweeper job failed"),
        }
    }
}
