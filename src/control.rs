//! The control socket: how `beckon backup` and `beckon check` reach a running server, which
//! holds the database open (redb allows one process). A Unix socket in the data directory,
//! readable by the server's own user only: whoever may read the data directory may ask for a
//! copy of it, and nobody else can, so it needs no password and is never on the network.
//!
//! Protocol: the client sends one line (`backup` or `check`). The server answers `ok LEN`
//! and LEN bytes (a backup file), or `ok` and report lines up to `end` (a check), or
//! `error MESSAGE`. Unix only, like the rest of the operator's side (signals, systemd).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio_util::sync::CancellationToken;

use crate::service::Service;

pub const SOCKET_FILE: &str = "control.sock";

pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SOCKET_FILE)
}

/// Serves the control socket until `stop`. Call only with the store open: holding it proves
/// no other server uses this directory, so a socket file left by a crash can be replaced.
pub fn listen(
    data_dir: &Path,
    svc: Arc<Service>,
    link_key: [u8; 32],
    stop: CancellationToken,
) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let path = socket_path(data_dir);
    let _ = std::fs::remove_file(&path);
    let listener = tokio::net::UnixListener::bind(&path)
        .with_context(|| format!("opening the control socket {}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    let dir = data_dir.to_path_buf();
    tokio::spawn(async move {
        loop {
            let stream = tokio::select! {
                _ = stop.cancelled() => break,
                got = listener.accept() => match got {
                    Ok((s, _)) => s,
                    Err(e) => {
                        tracing::warn!("control socket: {e}");
                        continue;
                    }
                },
            };
            let (svc, dir) = (svc.clone(), dir.clone());
            tokio::spawn(async move {
                if let Err(e) = answer(stream, svc, &dir, link_key).await {
                    tracing::warn!("control socket: {e:#}");
                }
            });
        }
        let _ = std::fs::remove_file(&path);
    });
    Ok(())
}

async fn answer(
    stream: tokio::net::UnixStream,
    svc: Arc<Service>,
    dir: &Path,
    link_key: [u8; 32],
) -> anyhow::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    BufReader::new(read.take(64)).read_line(&mut line).await?;
    match line.trim() {
        "backup" => {
            let tmp = dir.join(format!(".backup-{}.redb", ulid::Ulid::new()));
            let store = svc.store().clone();
            let at = tmp.clone();
            let made =
                tokio::task::spawn_blocking(move || store.snapshot_to(&at, &link_key)).await?;
            let result = match made {
                Ok(summary) => {
                    tracing::info!(%summary, "backup taken through the control socket");
                    let mut file = tokio::fs::File::open(&tmp).await?;
                    let len = file.metadata().await?.len();
                    write.write_all(format!("ok {len}\n").as_bytes()).await?;
                    tokio::io::copy(&mut file, &mut write).await?;
                    Ok(())
                }
                Err(e) => {
                    let msg = format!("error {e}\n");
                    write.write_all(msg.as_bytes()).await?;
                    Ok(())
                }
            };
            let _ = tokio::fs::remove_file(&tmp).await;
            result
        }
        "check" => {
            let store = svc.store().clone();
            let report = tokio::task::spawn_blocking(move || {
                Ok::<_, crate::store::StoreError>((store.verify_indexes()?, store.summary()?))
            })
            .await?;
            let text = match report {
                Ok((problems, summary)) => {
                    let mut t = String::from("ok\n");
                    for p in problems {
                        t.push_str(&format!("problem {p}\n"));
                    }
                    t.push_str(&format!("summary {summary}\nend\n"));
                    t
                }
                Err(e) => format!("error {e}\n"),
            };
            write.write_all(text.as_bytes()).await?;
            Ok(())
        }
        other => {
            let msg = format!("error unknown command `{}`\n", other.escape_debug());
            write.write_all(msg.as_bytes()).await?;
            Ok(())
        }
    }
}

/// Sends `command` to the server running on `data_dir` and returns its answer's first line
/// (after `ok`) and the stream positioned after it.
pub async fn ask(
    data_dir: &Path,
    command: &str,
) -> anyhow::Result<(String, BufReader<tokio::net::UnixStream>)> {
    let path = socket_path(data_dir);
    let mut stream = tokio::net::UnixStream::connect(&path)
        .await
        .with_context(|| {
            format!(
                "the server holds the database but its control socket {} does not answer",
                path.display()
            )
        })?;
    stream.write_all(format!("{command}\n").as_bytes()).await?;
    let mut reader = BufReader::new(stream);
    let mut first = String::new();
    reader.read_line(&mut first).await?;
    let first = first.trim_end();
    if let Some(rest) = first.strip_prefix("ok") {
        return Ok((rest.trim().to_owned(), reader));
    }
    match first.strip_prefix("error ") {
        Some(msg) => bail!("the server says: {msg}"),
        None => bail!(
            "the server's control socket answered `{}`",
            first.escape_debug()
        ),
    }
}
