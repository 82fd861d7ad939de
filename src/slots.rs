//! Counted places per key with a cap: connections per address, event streams per sign-in. A
//! `Slot` holds its place until dropped, so a connection or stream that ends for any reason
//! gives it back.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

pub struct Slots<K> {
    cap: usize,
    held: Arc<Mutex<HashMap<K, usize>>>,
}

impl<K> Clone for Slots<K> {
    fn clone(&self) -> Self {
        Slots {
            cap: self.cap,
            held: self.held.clone(),
        }
    }
}

pub struct Slot<K: Hash + Eq> {
    key: K,
    held: Arc<Mutex<HashMap<K, usize>>>,
}

impl<K: Hash + Eq + Clone> Slots<K> {
    pub fn new(cap: usize) -> Slots<K> {
        Slots {
            cap,
            held: Arc::default(),
        }
    }

    /// A place for `key`, or `None` when it holds `cap` already.
    pub fn take(&self, key: K) -> Option<Slot<K>> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let n = held.entry(key.clone()).or_default();
        if *n >= self.cap {
            return None;
        }
        *n += 1;
        Some(Slot {
            key,
            held: self.held.clone(),
        })
    }
}

impl<K: Hash + Eq> Drop for Slot<K> {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = held.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                held.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_capped_per_key_and_come_back_when_dropped() {
        let slots = Slots::new(2);
        let a = slots.take("a").unwrap();
        let _b = slots.take("a").unwrap();
        assert!(slots.take("a").is_none());
        assert!(slots.take("b").is_some());
        drop(a);
        assert!(slots.take("a").is_some());
        assert!(
            slots.held.lock().unwrap().len() <= 1,
            "empty keys are removed"
        );
    }
}
