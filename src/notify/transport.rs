//! Where mails go: an SMTP relay (lettre's client over our pool, see `smtp`: rustls,
//! timeouts, reused connections), or — with no relay configured, the embedded default —
//! `.eml` files in the data directory. A send returns only once the relay accepted the
//! message (or the file is durably in place), and says whether a failure is worth retrying.

use std::path::PathBuf;
use std::sync::Arc;

use app::domain::MailId;
use lettre::Message;

use super::smtp::SmtpPool;
use crate::config::Config;

/// Connections kept open to the relay; also how many mails are sent at once.
pub const POOL_SIZE: u32 = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The relay is down, slow or asks us to come back later.
    #[error("{0}")]
    Transient(String),
    /// The relay refused this message for good (a 5xx reply).
    #[error("{0}")]
    Permanent(String),
}

#[derive(Clone)]
pub enum MailTransport {
    Smtp {
        pool: Arc<SmtpPool>,
        /// `host:port`, for logs and the settings page (never the credentials).
        relay: String,
    },
    Files(PathBuf),
}

impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl MailTransport {
    /// The relay of the config, or the files fallback under the data directory.
    pub fn from_config(config: &Config) -> Result<MailTransport, String> {
        match &config.smtp {
            Some(smtp) => Ok(MailTransport::Smtp {
                pool: Arc::new(SmtpPool::new(smtp, POOL_SIZE as usize)?),
                relay: format!("{}:{}", smtp.host, smtp.port),
            }),
            None => Ok(MailTransport::Files(config.data_dir.join("outbox"))),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            MailTransport::Smtp { relay, .. } => format!("SMTP relay {relay}"),
            MailTransport::Files(dir) => format!(".eml files in {}", dir.display()),
        }
    }

    /// Delivers one message; `Ok` only once the relay accepted it (or the file is synced).
    pub async fn send(&self, id: MailId, message: &Message) -> Result<(), SendError> {
        match self {
            MailTransport::Smtp { pool, .. } => pool.send(message).await,
            MailTransport::Files(dir) => {
                let dir = dir.clone();
                let bytes = message.formatted();
                tokio::task::spawn_blocking(move || write_eml(&dir, id, &bytes))
                    .await
                    .map_err(|e| SendError::Transient(e.to_string()))?
                    .map_err(|e| SendError::Transient(format!("writing the .eml file: {e}")))
            }
        }
    }
}

/// Writes `<id>.eml` whole or not at all (temporary file, sync, rename). The same ID always
/// lands on the same name, so a retry after a crash replaces rather than duplicates.
fn write_eml(dir: &std::path::Path, id: MailId, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{id}.eml"));
    let tmp = dir.join(format!(".{id}.eml.tmp"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        // The file holds the end user's link: readable by the service's user only.
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, &path)?;
    tracing::info!(path = %path.display(), "mail written as a file (no SMTP relay configured)");
    Ok(())
}
