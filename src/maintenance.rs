//! The operator's maintenance commands: `beckon backup FILE`, `beckon restore FILE` and
//! `beckon check`. Backup and check work with the server running (through its control
//! socket) or stopped (on the files); restore needs it stopped.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, AsyncReadExt};

use crate::links::{KEY_FILE, LinkKey};
use crate::store::{DB_FILE, Store, StoreError};

/// What `check` found.
pub struct CheckReport {
    pub problems: Vec<String>,
    pub summary: String,
}

/// Opens the store if no server holds it; `None` if one does.
fn open_if_stopped(data_dir: &Path) -> anyhow::Result<Option<Store>> {
    if !data_dir.join(DB_FILE).is_file() {
        bail!("there is no Beckon database in {}", data_dir.display());
    }
    match Store::open(data_dir) {
        Ok(store) => Ok(Some(store)),
        Err(StoreError::Locked(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Writes a backup of `data_dir` to `file` (which must not exist): the whole store as of one
/// moment, with the link key. Returns a one-line summary.
pub async fn backup(data_dir: &Path, file: &Path) -> anyhow::Result<String> {
    if file.exists() {
        bail!(
            "{} exists already; a backup never overwrites a file",
            file.display()
        );
    }
    // Written beside the target and renamed at the end: a backup cut short leaves no file
    // that looks complete.
    let partial = sibling(file, ".partial");
    let _ = std::fs::remove_file(&partial);
    let result = match open_if_stopped(data_dir)? {
        Some(store) => {
            let key = LinkKey::load_or_create(data_dir)
                .with_context(|| format!("reading the link key in {}", data_dir.display()))?;
            let summary = store.snapshot_to(&partial, &key.bytes())?;
            Ok(summary.to_string())
        }
        None => through_server(data_dir, &partial).await,
    };
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
        return result;
    }
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, file)
        .with_context(|| format!("moving the backup to {}", file.display()))?;
    result
}

async fn through_server(data_dir: &Path, to: &Path) -> anyhow::Result<String> {
    let (len, mut reader) = crate::control::ask(data_dir, "backup").await?;
    let len: u64 = len
        .parse()
        .context("the server's backup answer has no length")?;
    // Owner only: a backup holds the link key.
    let mut out = tokio::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(to)
        .await
        .with_context(|| format!("creating {}", to.display()))?;
    let copied = tokio::io::copy(&mut (&mut reader).take(len), &mut out).await?;
    if copied != len {
        bail!("the server stopped sending after {copied} of {len} bytes");
    }
    out.sync_all().await?;
    drop(out);
    // Read back what arrived: a backup that does not open is no backup.
    let check = tempfile_dir(to)?;
    std::fs::copy(to, check.join(DB_FILE))?;
    let store = Store::open(&check)?;
    let summary = store.summary()?.to_string();
    drop(store);
    let _ = std::fs::remove_dir_all(&check);
    Ok(format!("{summary} (taken by the running server)"))
}

/// Verifies `file` and makes it the store of `data_dir` (server stopped). What was there is
/// moved aside into `before-restore-TIME/`, never deleted. Returns a one-line summary.
pub fn restore(data_dir: &Path, file: &Path) -> anyhow::Result<String> {
    if !file.is_file() {
        bail!("no backup file at {}", file.display());
    }
    // Owner only, like `serve` makes it: it will hold the store and the link key.
    let mut dir = std::fs::DirBuilder::new();
    dir.recursive(true);
    std::os::unix::fs::DirBuilderExt::mode(&mut dir, 0o700);
    dir.create(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    // Verified in a scratch directory first: opening it (and migrating an older schema),
    // every index against its records, the link key present.
    let scratch = tempfile_dir(&data_dir.join(DB_FILE))?;
    let verified = (|| -> anyhow::Result<([u8; 32], String)> {
        std::fs::copy(file, scratch.join(DB_FILE))
            .with_context(|| format!("reading {}", file.display()))?;
        let store = Store::open(&scratch).map_err(|e| match e {
            StoreError::Redb(_) | StoreError::Codec(_) => {
                anyhow::anyhow!("{} is not a Beckon backup: {e}", file.display())
            }
            e => e.into(),
        })?;
        let key = store.take_backup_key()?;
        let problems = store.verify_indexes()?;
        if !problems.is_empty() {
            bail!(
                "the backup is inconsistent ({} problems), first: {}",
                problems.len(),
                problems[0]
            );
        }
        Ok((key, store.summary()?.to_string()))
    })();
    // Only a verified backup gets near the store: the running-server check opens it.
    let running = || -> anyhow::Result<bool> {
        Ok(data_dir.join(DB_FILE).is_file() && open_if_stopped(data_dir)?.is_none())
    };
    let (key, summary) = match verified.and_then(|v| match running()? {
        true => bail!(
            "the Beckon server is running on {}; stop it before restoring",
            data_dir.display()
        ),
        false => Ok(v),
    }) {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&scratch);
            return Err(e);
        }
    };

    let aside = data_dir.join(format!(
        "before-restore-{}",
        jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ")
    ));
    let mut moved = false;
    for name in [DB_FILE, KEY_FILE] {
        let from = data_dir.join(name);
        if from.exists() {
            std::fs::create_dir_all(&aside)?;
            std::fs::rename(&from, aside.join(name))?;
            moved = true;
        }
    }
    std::fs::rename(scratch.join(DB_FILE), data_dir.join(DB_FILE))?;
    let _ = std::fs::remove_dir_all(&scratch);
    LinkKey::install(data_dir, key)?;
    std::fs::File::open(data_dir)?.sync_all()?;
    Ok(if moved {
        format!("{summary}; the previous files are in {}", aside.display())
    } else {
        summary
    })
}

/// A PostgreSQL store's records against their columns (the server may be running: the
/// database serves both).
pub fn check_postgres(url: &str) -> anyhow::Result<CheckReport> {
    let store = Store::open_postgres(url)?;
    Ok(CheckReport {
        problems: store.verify_indexes()?,
        summary: format!("{} (PostgreSQL)", store.summary()?),
    })
}

/// Every index against its records and the outbox against its indexes.
pub async fn check(data_dir: &Path) -> anyhow::Result<CheckReport> {
    if let Some(store) = open_if_stopped(data_dir)? {
        return Ok(CheckReport {
            problems: store.verify_indexes()?,
            summary: store.summary()?.to_string(),
        });
    }
    let (_, mut reader) = crate::control::ask(data_dir, "check").await?;
    let mut report = CheckReport {
        problems: Vec::new(),
        summary: String::new(),
    };
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            bail!("the server's check report ended early");
        }
        let l = line.trim_end();
        if l == "end" {
            return Ok(report);
        } else if let Some(p) = l.strip_prefix("problem ") {
            report.problems.push(p.to_owned());
        } else if let Some(s) = l.strip_prefix("summary ") {
            report.summary = format!("{s} (checked by the running server)");
        }
    }
}

/// `FILE` + `suffix`, in the same directory (so a rename is atomic).
fn sibling(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    file.with_file_name(name)
}

/// A fresh directory beside `near` (same file system).
fn tempfile_dir(near: &Path) -> anyhow::Result<PathBuf> {
    let parent = near
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = parent.join(format!(".beckon-verify-{}", ulid::Ulid::new()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
