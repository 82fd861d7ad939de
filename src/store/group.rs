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
    stop: bool,
}

struct Shared {
    state: Mutex<State>,
    /// The syncer waits here for work; callers wait here for durability. One condvar, as
    /// both sides re-check their own condition.
    changed: Condvar,
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
    pub fn start(db: Arc<Database>) -> GroupCommit {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
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
        txn.commit()?;
        let mut st = self.shared.lock();
        st.committed += 1;
        let mine = st.committed;
        self.shared.changed.notify_all();
        loop {
            if let Some((after, through, msg)) = &st.failed
                && (*after + 1..=*through).contains(&mine)
            {
                return Err(StoreError::Sync(msg.clone()));
            }
            if st.durable >= mine {
                return Ok(());
            }
            st = self
                .shared
                .changed
                .wait(st)
                .unwrap_or_else(PoisonError::into_inner);
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
        self.shared.changed.notify_all();
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
                st = shared
                    .changed
                    .wait(st)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            if st.stop && st.committed == st.durable {
                return;
            }
        }
        // Read the count only once this transaction holds redb's write lock: every commit
        // counted by then has finished, so this durable commit persists it.
        let result = db.begin_write().map_err(|e| e.to_string()).and_then(|txn| {
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
        shared.changed.notify_all();
    }
}
