//! Whether an end user is here right now. Presence is ephemeral (not worth a disk write per
//! heartbeat): a check-in within the window, or an open assist socket, counts as present.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use app::domain::RequestId;

#[derive(Debug)]
pub struct Presence {
    /// How long one check-in keeps the end user present.
    window: Duration,
    inner: Mutex<HashMap<RequestId, Seen>>,
}

#[derive(Debug, Clone, Copy)]
struct Seen {
    last: Instant,
    sockets: usize,
}

impl Presence {
    pub fn new(window: Duration) -> Presence {
        Presence {
            window,
            inner: Mutex::default(),
        }
    }

    pub fn touch(&self, id: RequestId) {
        let mut map = self.inner.lock().expect("presence lock");
        map.entry(id)
            .and_modify(|s| s.last = Instant::now())
            .or_insert(Seen {
                last: Instant::now(),
                sockets: 0,
            });
        // Keep the map small: forget whoever left long ago.
        if map.len() > 10_000 {
            map.retain(|_, s| s.sockets > 0 || s.last.elapsed() < self.window);
        }
    }

    /// Counts an open socket; true when it is the end user's first (they just arrived).
    pub fn socket_opened(&self, id: RequestId) -> bool {
        let mut map = self.inner.lock().expect("presence lock");
        let seen = map.entry(id).or_insert(Seen {
            last: Instant::now(),
            sockets: 0,
        });
        seen.sockets += 1;
        seen.last = Instant::now();
        seen.sockets == 1
    }

    /// Counts a closed socket; true when it was the last one. A page that closed its socket
    /// has left: the end user is absent at once, not after the check-in window.
    pub fn socket_closed(&self, id: RequestId) -> bool {
        let mut map = self.inner.lock().expect("presence lock");
        let Some(seen) = map.get_mut(&id) else {
            return false;
        };
        seen.sockets = seen.sockets.saturating_sub(1);
        if seen.sockets == 0 {
            map.remove(&id);
            return true;
        }
        false
    }

    pub fn is_present(&self, id: RequestId) -> bool {
        let map = self.inner.lock().expect("presence lock");
        map.get(&id)
            .is_some_and(|s| s.sockets > 0 || s.last.elapsed() < self.window)
    }

    pub fn forget(&self, id: RequestId) {
        self.inner.lock().expect("presence lock").remove(&id);
    }
}
