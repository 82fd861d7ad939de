//! Group commit. Every write transaction commits without syncing (redb's `Durability::None`:
//! visible to the next transaction at once, persisted by the next durable commit), then waits
//! for one thread, the syncer, to make it durable. The syncer makes one empty durable commit,
//! which persists every commit made before it, each time the previous one finishes. So while
//! one fsync is under way the writes that arrive meanwhile pile up, and the next fsync takes
//! them all: throughput grows with concurrency instead of being one fsync per write.
//!
//! A caller's `commit` returns only once a durable commit that began after its own commit
//! has finished, so nothing acknowledged (a 201, a queued mail) can be lost in a crash. Each
//! use case keeps its own redb transaction, so a failing one rolls back alone; batching
//! happens at the sync, not inside a transaction.
//!
//! One caveat, written down in docs/PERFORMANCE.md: a reader may see another caller's commit
//! up to one fsync before that caller is told it is durable. If the process dies in that
//! window, the write is lost and its caller was never told otherwise.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;

use redb::{Database, Durability, WriteTransaction};

use super::StoreError;

/// Told once a commit is durable (or that its durable commit failed); run by whichever
/// thread made it durable (the syncer, or a writer's `commit_now`), so it only hands the
/// answer on.
pub type OnDurable = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

#[derive(Default)]
struct State {
    /// Non-durable commits made so far (a count, so a later commit has a larger number).
    committed: u64,
    /// Every commit up to this count is durable.
    durable: u64,
    /// The last durable commit that failed: the counts it covered (after, through] and why.
    failed: Option<(u64, u64, String)>,
    /// Durable commits made (for the benchmark's "writes per fsync").
    syncs: u64,
    /// Commits whose callers are told by callback rather than by waiting (`on_durable`).
    waiting: Vec<(u64, OnDurable)>,
    stop: bool,
}

impl State {
    /// Takes out the callbacks whose commits `durable` now covers, each with its outcome.
    /// Everything still waiting was committed after the previous durable commit, so the
    /// latest durable commit's outcome is theirs.
    fn due(&mut self) -> Vec<(Result<(), StoreError>, OnDurable)> {
        let durable = self.durable;
        let (done, later) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition::<Vec<_>, _>(|(mine, _)| *mine <= durable);
        self.waiting = later;
        done.into_iter()
            .map(|(mine, then)| (self.outcome(mine), then))
            .collect()
    }

    /// What the caller of commit `mine` is told, once `durable` covers it.
    fn outcome(&self, mine: u64) -> Result<(), StoreError> {
        match &self.failed {
            Some((after, through, msg)) if (*after + 1..=*through).contains(&mine) => {
                Err(StoreError::Sync(msg.clone()))
            }
            _ => Ok(()),
        }
    }
}

struct Shared {
    state: Mutex<State>,
    /// The syncer waits here for commits to make durable.
    work: Condvar,
    /// Callers wait here for their commit to become durable. Apart from `work`, so a commit
    /// wakes only the syncer, not every caller waiting (a futex storm at 64 writers).
    durable: Condvar,
    /// Durable commits save the allocator state, for a quick repair after a crash.
    quick_repair: bool,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The syncer thread and the counters callers wait on. Dropping it makes the last pending
/// commits durable and stops the thread.
pub struct GroupCommit {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl GroupCommit {
    pub fn start(db: Arc<Database>, quick_repair: bool) -> GroupCommit {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            work: Condvar::new(),
            durable: Condvar::new(),
            quick_repair,
        });
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("beckon-sync".into())
            .spawn(move || syncer(&db, &s))
            .expect("spawning the store's sync thread");
        GroupCommit {
            shared,
            thread: Some(thread),
        }
    }

    /// A write transaction that commits through the group.
    pub fn begin(&self, db: &Database) -> Result<WriteTransaction, StoreError> {
        let mut txn = db.begin_write()?;
        txn.set_durability(Durability::None)
            .map_err(|e| StoreError::Redb(redb::Error::from(e)))?;
        Ok(txn)
    }

    /// Commits `txn` and returns once it is durable.
    pub fn commit(&self, txn: WriteTransaction) -> Result<(), StoreError> {
        let mine = self.commit_unsynced(txn)?;
        self.wait(mine)
    }

    /// Commits `txn` (visible to the next transaction at once) and returns its number, for
    /// `wait`: the batch writer hands the waiting to its callers and goes on.
    pub fn commit_unsynced(&self, txn: WriteTransaction) -> Result<u64, StoreError> {
        txn.commit()?;
        let mut st = self.shared.lock();
        st.committed += 1;
        self.shared.work.notify_one();
        Ok(st.committed)
    }

    /// Commits `txn` durably at once, which persists every commit before it too; for a
    /// writer that finds no one to share a sync with, this saves the hand-off to the syncer.
    pub fn commit_now(&self, mut txn: WriteTransaction) -> Result<(), StoreError> {
        // Read while `txn` holds redb's write lock: every commit counted by now has finished,
        // so this durable commit persists it (the syncer's argument).
        let before = self.shared.lock().committed;
        txn.set_durability(Durability::Immediate)
            .map_err(|e| StoreError::Redb(redb::Error::from(e)))?;
        // Like the syncer's: every durable commit saves the allocator state (quick repair).
        txn.set_quick_repair(self.shared.quick_repair);
        txn.commit()?;
        let mut st = self.shared.lock();
        st.durable = st.durable.max(before);
        st.syncs += 1;
        // Callbacks of earlier unsynced commits are covered too: only the syncer told them
        // before, and it sleeps once everything committed is durable, so they waited forever.
        let told = st.due();
        drop(st);
        self.shared.durable.notify_all();
        tell(told);
        Ok(())
    }

    /// Returns once commit number `mine` is durable.
    pub fn wait(&self, mine: u64) -> Result<(), StoreError> {
        let mut st = self.shared.lock();
        loop {
            if st.durable >= mine {
                return st.outcome(mine);
            }
            st = self
                .shared
                .durable
                .wait(st)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Calls `then` once commit number `mine` is durable: at once if it is already, else on
    /// the syncer's thread. Nobody blocks, so a caller on an async task can await a channel
    /// that `then` answers, and the hand-offs per write are one to the syncer and one back.
    pub fn on_durable(&self, mine: u64, then: OnDurable) {
        let mut st = self.shared.lock();
        if st.durable >= mine {
            let outcome = st.outcome(mine);
            drop(st);
            then(outcome);
        } else {
            st.waiting.push((mine, then));
        }
    }

    /// Durable commits made since start.
    pub fn syncs(&self) -> u64 {
        self.shared.lock().syncs
    }
}

impl Drop for GroupCommit {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.work.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn syncer(db: &Database, shared: &Shared) {
    loop {
        {
            let mut st = shared.lock();
            while st.committed == st.durable && !st.stop {
                st = shared.work.wait(st).unwrap_or_else(PoisonError::into_inner);
            }
            if st.stop && st.committed == st.durable {
                return;
            }
        }
        // Read the count only once this transaction holds redb's write lock: every commit
        // counted by then has finished, so this durable commit persists it.
        let result = db
            .begin_write()
            .map_err(|e| e.to_string())
            .and_then(|mut txn| {
                // Quick repair: this durable commit also saves the allocator state (and commits
                // in two phases), so opening after a crash loads it instead of walking the whole
                // file (seconds at a million requests, half a minute from a cold cache). One
                // extra page write per fsync, not per write.
                txn.set_quick_repair(true);
                let through = shared.lock().committed;
                txn.commit().map(|()| through).map_err(|e| e.to_string())
            });
        let mut st = shared.lock();
        match result {
            Ok(through) => {
                st.durable = through;
                st.syncs += 1;
            }
            Err(msg) => {
                tracing::error!(error = %msg, "a durable commit failed");
                let through = st.committed;
                st.failed = Some((st.durable, through, msg));
                // Those callers get the error; the syncer waits for new commits.
                st.durable = through;
            }
        }
        let told = st.due();
        drop(st);
        shared.durable.notify_all();
        tell(told);
    }
}

/// Runs the callbacks `State::due` took out (outside the lock: they send on channels).
fn tell(told: Vec<(Result<(), StoreError>, OnDurable)>) {
    for (outcome, then) in told {
        then(outcome);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Barrier;

    use redb::ReadableDatabase;

    use super::super::{Db as Store, tables};

    /// Many threads writing at once share durable commits, and everything acknowledged is
    /// in the file when it is opened again.
    #[test]
    fn concurrent_writers_share_syncs_and_all_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let base = store.syncs();
        let (threads, each) = (16, 20u32);
        let barrier = Barrier::new(threads);
        std::thread::scope(|s| {
            for t in 0..threads {
                let (store, barrier) = (&store, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    for i in 0..each {
                        let txn = store.begin_write().unwrap();
                        let key = format!("k{t}-{i}");
                        txn.open_table(tables::META)
                            .unwrap()
                            .insert(key.as_str(), [1u8].as_slice())
                            .unwrap();
                        txn.commit().unwrap();
                    }
                });
            }
        });
        let writes = threads as u64 * u64::from(each);
        let syncs = store.syncs() - base;
        assert!(syncs >= 1, "nothing was made durable");
        assert!(
            syncs < writes,
            "{syncs} syncs for {writes} writes: no grouping"
        );
        drop(store);

        let db = redb::Database::open(dir.path().join(super::super::DB_FILE)).unwrap();
        let meta = db.begin_read().unwrap().open_table(tables::META).unwrap();
        for t in 0..threads {
            for i in 0..each {
                assert!(meta.get(format!("k{t}-{i}").as_str()).unwrap().is_some());
            }
        }
    }

    /// A write that is never committed (a use case that failed) holds no one up and leaves
    /// nothing behind; the next write goes through.
    #[test]
    fn an_abandoned_write_leaves_nothing_and_blocks_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        {
            let txn = store.begin_write().unwrap();
            txn.open_table(tables::META)
                .unwrap()
                .insert("lost", [1u8].as_slice())
                .unwrap();
        }
        let txn = store.begin_write().unwrap();
        txn.open_table(tables::META)
            .unwrap()
            .insert("kept", [1u8].as_slice())
            .unwrap();
        txn.commit().unwrap();
        let read = store.begin_read().unwrap();
        let meta = read.open_table(tables::META).unwrap();
        assert!(meta.get("lost").unwrap().is_none());
        assert!(meta.get("kept").unwrap().is_some());
    }

    /// A commit's callback is told even when the next commit, made durable by its own
    /// writer (`commit_now`), covers it before the syncer does: the syncer then sleeps, as
    /// nothing is left to sync, so it must not be the only one to tell.
    #[test]
    fn a_callback_is_told_when_a_later_durable_commit_covers_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        for i in 0..1000u32 {
            let txn = store.begin_write().unwrap();
            txn.open_table(tables::META)
                .unwrap()
                .insert(format!("u{i}").as_str(), [1u8].as_slice())
                .unwrap();
            let seq = txn.commit_unsynced().unwrap();
            let (told, heard) = std::sync::mpsc::channel();
            store.on_durable(seq, Box::new(move |r| told.send(r.is_ok()).unwrap()));
            let txn = store.begin_write().unwrap();
            txn.open_table(tables::META)
                .unwrap()
                .insert(format!("d{i}").as_str(), [1u8].as_slice())
                .unwrap();
            txn.commit_now().unwrap();
            let ok = heard
                .recv_timeout(std::time::Duration::from_secs(5))
                .unwrap_or_else(|_| panic!("commit {seq} was never told (round {i})"));
            assert!(ok);
        }
    }
}
