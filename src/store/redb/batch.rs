//! The batch writer: creates and transitions from concurrent callers run together in one
//! redb write transaction on one thread. A write transaction has a fixed cost (opening the
//! tables, writing out every touched page and the allocator state at commit) that, one use
//! case per transaction, caps throughput well below the disk's fsync rate; shared, it is paid
//! once per batch. The batch commits without a sync and the store's group commit answers its
//! callers once it is durable. redb keeps its one write slot through a durable commit's
//! fsync, so the next batch's transaction starts when that sync ends; meanwhile the callers
//! arriving queue up, and they make the next batch.
//!
//! Callers wait on a channel: a blocking one (`write`, for use cases on the blocking pool) or
//! an async one (`write_async`, for handlers that await the write on their own task, which
//! saves the two thread hand-offs of the blocking pool).
//!
//! A use case is a closure over the open transaction (a `Job`, see `store::Store::write`).
//! When one fails its partial writes must not reach the disk, and redb cannot roll back part
//! of a transaction, so the batch is dropped and run again without it: closures are `FnMut`
//! and only look at their inputs and the transaction, so a second run does the same. Failures are rare (the inputs were checked before
//! the batch); a batch runs at most once more per failing use case.
//!
//! The writer also keeps the search index close behind the creates (`tables::WORDS_PENDING`):
//! when no caller has come for `IDLE` it indexes the pending requests' words, a chunk per
//! transaction; under a long burst, a batch that leaves more than `WORDS_LAG` pending
//! indexes the oldest of them before it commits, so searches never have many to check by
//! hand.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;

use redb::ReadableTableMetadata;

use super::Base;
use super::requests::index_pending_words;
use super::tx::{Result, Txn};
use crate::store::{Job, StoreError};

/// At most this many use cases share a transaction: bounds a batch's latency.
const MAX_BATCH: usize = 256;

/// Requests whose words may wait (see the module doc): a search checks at most this many on
/// their records besides what the index finds.
pub const WORDS_LAG: u64 = 4096;
/// How long the writer waits with nothing to do before it indexes pending words.
const IDLE: std::time::Duration = std::time::Duration::from_millis(50);
/// Pending requests indexed per idle transaction: a caller arriving meanwhile waits at most
/// one chunk.
const IDLE_CHUNK: usize = 1024;

#[derive(Default)]
struct Queue {
    jobs: Vec<Box<dyn Job>>,
    stop: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
}

pub struct Writer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub fn start(store: Base) -> Writer {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            ready: Condvar::new(),
        });
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("beckon-writer".into())
            .spawn(move || run(&store, &s))
            .expect("spawning the batch writer thread");
        Writer {
            shared,
            thread: Some(thread),
        }
    }

    /// Queues `job` for the next batch; it is told its outcome once the batch is durable.
    pub fn submit(&self, job: Box<dyn Job>) -> Result<()> {
        {
            let mut q = self
                .shared
                .queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if q.stop {
                return Err(StoreError::Closing);
            }
            q.jobs.push(job);
        }
        self.shared.ready.notify_one();
        Ok(())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.shared
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .stop = true;
        self.shared.ready.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(store: &Base, shared: &Shared) {
    // Words may be pending from before a restart; the first idle moment finds out.
    let mut words_pending = true;
    loop {
        let mut jobs = {
            let mut q = shared.queue.lock().unwrap_or_else(PoisonError::into_inner);
            while q.jobs.is_empty() && !q.stop {
                if !words_pending {
                    q = shared.ready.wait(q).unwrap_or_else(PoisonError::into_inner);
                    continue;
                }
                let (guard, waited) = shared
                    .ready
                    .wait_timeout(q, IDLE)
                    .unwrap_or_else(PoisonError::into_inner);
                q = guard;
                if waited.timed_out() && q.jobs.is_empty() && !q.stop {
                    drop(q);
                    words_pending = index_words(store);
                    q = shared.queue.lock().unwrap_or_else(PoisonError::into_inner);
                }
            }
            if q.jobs.is_empty() {
                return;
            }
            let n = q.jobs.len().min(MAX_BATCH);
            q.jobs.drain(..n).collect::<Vec<_>>()
        };
        while !jobs.is_empty() {
            // Until a batch commits, as much may be pending as before it, or more.
            words_pending = true;
            match attempt(store, shared, &mut jobs) {
                // Their answers go out once the commit is durable (from the syncer), while
                // this thread goes on with the next batch.
                Ok((seq, pending)) => {
                    words_pending = pending > 0;
                    let done = std::mem::take(&mut jobs);
                    store.on_durable(
                        seq,
                        Box::new(move |outcome| {
                            for job in done {
                                job.finish(match &outcome {
                                    Ok(()) => Ok(()),
                                    Err(e) => Err(shared_error(e)),
                                });
                            }
                        }),
                    );
                }
                // One use case failed (it keeps its own error, or gets this one if it
                // panicked); the others run again without it.
                Err((Some(i), e)) => jobs.remove(i).finish(Err(e)),
                // The transaction itself failed: everyone gets the error (a full disk as
                // itself, so callers hear "try later" rather than "our bug").
                Err((None, e)) => {
                    for job in jobs.drain(..) {
                        job.finish(Err(shared_error(&e)));
                    }
                }
            }
        }
    }
}

/// One failure told to each caller of a batch.
fn shared_error(e: &StoreError) -> StoreError {
    match e {
        StoreError::DiskFull { free, reserve } => StoreError::DiskFull {
            free: *free,
            reserve: *reserve,
        },
        StoreError::Sync(msg) => StoreError::Sync(msg.clone()),
        e => StoreError::Failed(e.to_string()),
    }
}

/// With more than `WORDS_LAG` requests' words pending (a long burst of creates), indexes the
/// oldest of them down to half that, in the batch's own transaction; returns how many are
/// left pending.
fn catch_up_words(tx: &mut Txn<'_>) -> Result<u64> {
    let pending = tx.words_pending.len()?;
    if pending > WORDS_LAG {
        let indexed = index_pending_words(tx, (pending - WORDS_LAG / 2) as usize)?;
        return Ok(pending - indexed as u64);
    }
    Ok(pending)
}

/// Indexes a chunk of pending words in a transaction of its own, made durable at once (the
/// writer is idle); returns whether more may be pending. A failure is logged and waits for
/// the next batch, rather than being retried in a loop.
fn index_words(store: &Base) -> bool {
    let indexed = (|| -> Result<usize> {
        let txn = store.begin_write()?;
        let mut tx = Txn::open(&txn)?;
        let n = index_pending_words(&mut tx, IDLE_CHUNK)?;
        drop(tx);
        if n > 0 {
            txn.commit_now()?;
        }
        Ok(n)
    })();
    match indexed {
        Ok(n) => n == IDLE_CHUNK,
        Err(e) => {
            tracing::error!(error = %e, "indexing pending search words failed");
            false
        }
    }
}

/// Runs every job in one transaction and commits it; says which commit it was and how many
/// requests' words are left pending, or on failure which job failed.
fn attempt(
    store: &Base,
    shared: &Shared,
    jobs: &mut [Box<dyn Job>],
) -> std::result::Result<(u64, u64), (Option<usize>, StoreError)> {
    let txn = store.begin_write().map_err(|e| (None, e))?;
    let mut tx = Txn::open(&txn).map_err(|e| (None, e))?;
    for (i, job) in jobs.iter_mut().enumerate() {
        let ran = std::panic::catch_unwind(AssertUnwindSafe(|| job.run(&mut tx)));
        match ran {
            Ok(true) => {}
            Ok(false) => return Err((Some(i), StoreError::Failed("its own".into()))),
            Err(_) => {
                tracing::error!("a batched use case panicked");
                return Err((Some(i), StoreError::Failed("a use case panicked".into())));
            }
        }
    }
    let pending = catch_up_words(&mut tx).map_err(|e| (None, e))?;
    drop(tx);
    // With callers queued behind this batch, leave the sync to the group commit and start on
    // them; with none, sync here (one writer alone: one thread hand-off fewer).
    let alone = shared
        .queue
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .jobs
        .is_empty();
    let committed = if alone {
        txn.commit_now()
    } else {
        txn.commit_unsynced()
    };
    committed.map(|seq| (seq, pending)).map_err(|e| (None, e))
}

#[cfg(test)]
mod tests {
    use std::sync::Barrier;

    use app::domain::SessionRequest;
    use jiff::ToSpan;
    use redb::{ReadableTable, ReadableTableMetadata};

    use super::super::requests::put_request;
    use super::super::{keys, tables, word_blocks};
    use super::*;
    use crate::config::Config;
    use crate::links::LinkKey;
    use crate::service::{NewRequest, Service, ServiceError};
    use crate::store::Store;

    fn request(name: &str, assignee: serde_json::Value) -> NewRequest {
        serde_json::from_value(serde_json::json!({
            "recipient_name": name,
            "recipient_email": "ada@example.com",
            "send_email": true,
            "assignee": assignee,
        }))
        .unwrap()
    }

    /// Use cases that fail inside a shared transaction (an assignee that does not exist is
    /// only found out there) get their error; the others in the same batches are stored
    /// whole, with their indexes and mail, and nothing of the failed ones is.
    #[test]
    fn a_failing_use_case_leaves_nothing_and_its_batch_mates_are_stored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let links = LinkKey::load_or_create(dir.path()).unwrap();
        let svc = Service::new(store, links, &Config::with_data_dir(dir.path())).unwrap();
        let admin = svc
            .create_admin_unchecked("a@example.com", "Ada", "a long password")
            .unwrap();
        let ghost = serde_json::json!({"type": "agent", "id": "01JD0000000000000000000000"});
        let threads = 32;
        let barrier = Barrier::new(threads);
        let results: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (svc, admin, barrier, ghost) = (&svc, &admin, &barrier, ghost.clone());
                    s.spawn(move || {
                        barrier.wait();
                        let assignee = if t % 2 == 0 {
                            serde_json::json!({"type": "me"})
                        } else {
                            ghost
                        };
                        svc.create_request(admin, request(&format!("P{t}"), assignee))
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (t, r) in results.iter().enumerate() {
            match (t % 2, r) {
                (0, Ok(rec)) => assert_eq!(rec.recipient_name, format!("P{t}")),
                (1, Err(ServiceError::InvalidInput { field, .. })) => assert_eq!(field, "assignee"),
                other => panic!("{other:?}"),
            }
        }
        let page = svc
            .list_requests(&admin, crate::service::ListQuery::default())
            .unwrap();
        assert_eq!(page.items.len(), threads / 2);
        assert_eq!(svc.store().verify_indexes().unwrap(), Vec::<String>::new());
        let counts = svc.outbox_counts().unwrap();
        assert_eq!(counts.pending, (threads / 2) as u64, "{counts:?}");
    }

    /// A create whose caller goes away while it waits for the disk (a client hanging up)
    /// is still stored, and live views still hear of it: the wait does not belong to the
    /// caller's task.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_create_whose_caller_went_away_is_stored_and_announced() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let links = LinkKey::load_or_create(dir.path()).unwrap();
        let svc = std::sync::Arc::new(
            Service::new(store, links, &Config::with_data_dir(dir.path())).unwrap(),
        );
        let admin = svc
            .create_admin_unchecked("a@example.com", "Ada", "a long password")
            .unwrap();
        let mut changes = svc.subscribe();
        {
            let create = svc
                .create_request_async(&admin, request("Gone", serde_json::json!({"type": "me"})));
            let mut create = std::pin::pin!(create);
            // Polled once (checked and queued for the writer), then dropped.
            let _ = futures_util::poll!(create.as_mut());
        }
        let change = tokio::time::timeout(std::time::Duration::from_secs(10), changes.recv())
            .await
            .expect("the create was announced")
            .unwrap();
        assert_eq!(change.event, "created");
        let page = svc
            .list_requests(&admin, crate::service::ListQuery::default())
            .unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].recipient_name, "Gone");
        assert_eq!(svc.outbox_counts().unwrap().pending, 1);
    }

    fn service(dir: &std::path::Path) -> (Service, app::domain::Agent) {
        crate::service::test_service(dir)
    }

    /// Stores requests as a create does, outside the writer: their words go pending.
    fn store_pending(store: &Base, by: app::domain::AgentId, names: &[String]) {
        let now = jiff::Timestamp::now();
        let txn = store.begin_write().unwrap();
        let mut tx = Txn::open(&txn).unwrap();
        for name in names {
            let id = crate::service::new_id(now);
            let rec = SessionRequest::new(id, name.clone(), by, now, now + 3_600.seconds());
            put_request(&mut tx, None, &rec).unwrap();
        }
        drop(tx);
        txn.commit().unwrap();
    }

    fn names_found(svc: &Service, admin: &app::domain::Agent, q: &str) -> Vec<String> {
        let query = crate::service::ListQuery {
            q: Some(q.into()),
            ..Default::default()
        };
        let mut names: Vec<String> = (svc.list_requests(admin, query).unwrap().items)
            .into_iter()
            .map(|r| r.recipient_name)
            .collect();
        names.sort();
        names
    }

    fn pending(svc: &Service) -> u64 {
        let read = svc.store().redb().begin_read().unwrap();
        read.open_table(tables::WORDS_PENDING)
            .unwrap()
            .len()
            .unwrap()
    }

    /// A create only queues its words. Search finds the request all the same, and once the
    /// writer has been idle its words are in the index, the queue is empty, and every
    /// index matches the records.
    #[test]
    fn pending_words_are_searched_and_then_indexed_when_idle() {
        let dir = tempfile::tempdir().unwrap();
        let (svc, admin) = service(dir.path());
        store_pending(svc.store().redb(), admin.id, &["Grace Hopper".into()]);
        assert_eq!(names_found(&svc, &admin, "gra hop"), ["Grace Hopper"]);
        assert_eq!(svc.store().verify_indexes().unwrap(), Vec::<String>::new());
        let kelly = svc
            .create_request(
                &admin,
                request("Grace Kelly", serde_json::json!({"type": "me"})),
            )
            .unwrap();
        let start = std::time::Instant::now();
        while pending(&svc) > 0 {
            assert!(
                start.elapsed().as_secs() < 30,
                "the words were never indexed"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let read = svc.store().redb().begin_read().unwrap();
        let index = read.open_table(tables::IDX_WORDS).unwrap();
        for k in keys::words(&kelly) {
            assert!(word_blocks::contains(&index, &k).unwrap());
        }
        assert_eq!(
            names_found(&svc, &admin, "grace"),
            ["Grace Hopper", "Grace Kelly"]
        );
        assert_eq!(names_found(&svc, &admin, "kel gr"), ["Grace Kelly"]);
        assert_eq!(svc.store().verify_indexes().unwrap(), Vec::<String>::new());
    }

    /// Past `WORDS_LAG` pending, a batch indexes the oldest down to half of it. (On a store
    /// without a service: a writer's idle indexing would race the count.)
    #[test]
    fn a_long_queue_of_pending_words_is_cut_by_the_batch() {
        let dir = tempfile::tempdir().unwrap();
        let store = Base::open_with(dir.path(), super::super::Options::default()).unwrap();
        let names: Vec<String> = (0..WORDS_LAG + 10).map(|i| format!("Person {i}")).collect();
        store_pending(&store, app::domain::AgentId::from_u128(1), &names);
        let txn = store.begin_write().unwrap();
        let mut tx = Txn::open(&txn).unwrap();
        assert_eq!(catch_up_words(&mut tx).unwrap(), WORDS_LAG / 2);
        assert_eq!(tx.words_pending.len().unwrap(), WORDS_LAG / 2);
        // The oldest went first: every one left is newer than every one indexed.
        let oldest_left = tx.words_pending.first().unwrap().unwrap().0.value();
        let indexed = tx.idx_words.len().unwrap();
        assert!(indexed > 0);
        for e in tx.idx_words.iter().unwrap() {
            for id in word_blocks::ids(e.unwrap().1.value()) {
                assert!(id.to_be_bytes() < oldest_left);
            }
        }
        drop(tx);
        txn.commit().unwrap();
        assert_eq!(store.verify_indexes().unwrap(), Vec::<String>::new());
        drop(store);
        let (svc, admin) = service(dir.path());
        // Each number names one request, indexed or still pending.
        for n in [1000, 2000, 3000, 4105] {
            assert_eq!(
                names_found(&svc, &admin, &format!("person {n}")),
                [format!("Person {n}")]
            );
        }
    }
}
