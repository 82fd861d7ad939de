//! Free space on the disk that holds the database. Writes are refused (`StoreError::DiskFull`,
//! a 503 for clients) while less than the reserve is free, before redb is asked to grow the
//! file: a write that reached the disk and failed half-way would leave the database needing a
//! reopen, while a write refused up front leaves everything as it was. Reads go on; once space
//! is freed the next write goes through, with nothing to restart.

use std::path::{Path, PathBuf};

/// Space kept free by default (settings: `disk_reserve_mb`): more than redb grows the file by
/// in one step, with room for the outbox's `.eml` files and the logs.
pub const DEFAULT_RESERVE_MB: u32 = 64;

#[derive(Debug, Clone)]
pub struct Space {
    dir: PathBuf,
    reserve: u64,
}

impl Space {
    pub fn new(dir: &Path, reserve_mb: u32) -> Space {
        Space {
            dir: dir.to_path_buf(),
            reserve: u64::from(reserve_mb) * 1024 * 1024,
        }
    }

    /// Bytes free for us on the data directory's file system; `None` if it cannot be asked
    /// (then writes are not held back: redb's own error is the last word).
    pub fn free(&self) -> Option<u64> {
        let st = rustix::fs::statvfs(&self.dir).ok()?;
        Some(st.f_bavail.saturating_mul(st.f_frsize))
    }

    /// `Err((free, reserve))` while less than the reserve is free.
    pub fn check(&self) -> Result<(), (u64, u64)> {
        match self.free() {
            Some(free) if free < self.reserve => Err((free, self.reserve)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reserve_larger_than_the_disk_refuses_and_a_small_one_allows() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Space::new(dir.path(), 0).check().is_ok());
        let huge = Space::new(dir.path(), u32::MAX);
        let (free, reserve) = huge.check().unwrap_err();
        assert!(free < reserve);
        assert!(huge.free().is_some());
    }
}
