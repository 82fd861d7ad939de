//! Where mails go: an SMTP relay through lettre (rustls, pooled connections, timeouts), or —
//! with no relay configured, the embedded default — `.eml` files in the data directory. A send
//! returns only once the relay accepted the message (or the file is durably in place), and
//! says whether a failure is worth retrying.

use std::path::PathBuf;
use std::time::Duration;

use app::domain::MailId;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Config, SmtpConfig, SmtpTls};

/// Connections kept open to the relay; also how many mails are sent at once.
pub const POOL_SIZE: u32 = 16;
/// Per SMTP command and for connecting.
const TIMEOUT: Duration = Duration::from_secs(30);

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
        transport: AsyncSmtpTransport<Tokio1Executor>,
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
            Some(smtp) => Self::smtp(smtp),
            None => Ok(MailTransport::Files(config.data_dir.join("outbox"))),
        }
    }

    pub fn smtp(smtp: &SmtpConfig) -> Result<MailTransport, String> {
        let builder = match smtp.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                .map_err(|e| format!("invalid setting BECKON_SMTP_URL: {e}"))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
                .map_err(|e| format!("invalid setting BECKON_SMTP_URL: {e}"))?,
        };
        let mut builder = builder
            .port(smtp.port)
            .timeout(Some(TIMEOUT))
            .pool_config(PoolConfig::new().max_size(POOL_SIZE));
        if let Some(user) = &smtp.user {
            let password = smtp.password.as_ref().map_or("", |p| p.0.as_str());
            builder = builder.credentials(Credentials::new(user.clone(), password.to_owned()));
        }
        Ok(MailTransport::Smtp {
            transport: builder.build(),
            relay: format!("{}:{}", smtp.host, smtp.port),
        })
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
            MailTransport::Smtp { transport, .. } => match transport.send(message.clone()).await {
                Ok(_) => Ok(()),
                Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
                Err(e) => Err(SendError::Transient(e.to_string())),
            },
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
