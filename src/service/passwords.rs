//! Password hashing (argon2id). Each hash costs tens of milliseconds of a core and about
//! 19 MiB, so at most one per core runs at a time: a flood of password checks (sign-ins,
//! password changes, turning two-factor off) queues here instead of starving every other
//! request of CPU. The rate limits in front of them bound how long the queue gets.

use std::sync::{Condvar, Mutex, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// A counting semaphore for blocking threads (the use cases run on tokio's blocking pool).
struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

fn slots() -> &'static Slots {
    static SLOTS: OnceLock<Slots> = OnceLock::new();
    SLOTS.get_or_init(|| Slots {
        free: Mutex::new(std::thread::available_parallelism().map_or(2, |n| n.get())),
        freed: Condvar::new(),
    })
}

/// Runs `f` holding one of the hashing slots.
fn in_slot<T>(f: impl FnOnce() -> T) -> T {
    let s = slots();
    {
        let mut free = s.free.lock().unwrap_or_else(|p| p.into_inner());
        while *free == 0 {
            free = s.freed.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= 1;
    }
    struct Release(&'static Slots);
    impl Drop for Release {
        fn drop(&mut self) {
            *self.0.free.lock().unwrap_or_else(|p| p.into_inner()) += 1;
            self.0.freed.notify_one();
        }
    }
    let _release = Release(s);
    f()
}

pub fn hash_password(password: &str) -> String {
    let salt =
        SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("16 bytes is a valid salt");
    in_slot(|| {
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .expect("argon2id hashes any password")
            .to_string()
    })
}

pub(super) fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        in_slot(|| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
    })
}

/// Hash used when no agent matches, so a wrong email takes as long as a wrong password.
pub(super) fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password"))
}
