//! Settings: read and validated once at start-up, then passed down. Layers, later wins:
//! built-in defaults → `beckon.toml` (or `--config FILE`) → `BECKON_*` environment variables.
//! A bad value stops start-up with one line naming the setting; unknown file keys only warn.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

/// One setting: its key in `beckon.toml` and its environment variable.
struct Key {
    file: &'static str,
    env: &'static str,
}

const KEYS: &[Key] = &[
    Key {
        file: "listen",
        env: "BECKON_LISTEN",
    },
    Key {
        file: "data_dir",
        env: "BECKON_DATA_DIR",
    },
    Key {
        file: "public_url",
        env: "BECKON_PUBLIC_URL",
    },
    Key {
        file: "smtp_url",
        env: "BECKON_SMTP_URL",
    },
    Key {
        file: "database_url",
        env: "BECKON_DATABASE_URL",
    },
    Key {
        file: "smtp_ca_file",
        env: "BECKON_SMTP_CA_FILE",
    },
    Key {
        file: "mail_from",
        env: "BECKON_MAIL_FROM",
    },
    Key {
        file: "tls_cert",
        env: "BECKON_TLS_CERT",
    },
    Key {
        file: "tls_key",
        env: "BECKON_TLS_KEY",
    },
    Key {
        file: "log_format",
        env: "BECKON_LOG_FORMAT",
    },
    Key {
        file: "organisation",
        env: "BECKON_ORGANISATION",
    },
    Key {
        file: "default_expiry",
        env: "BECKON_DEFAULT_EXPIRY",
    },
    Key {
        file: "max_expiry",
        env: "BECKON_MAX_EXPIRY",
    },
    Key {
        file: "login_attempts_per_minute",
        env: "BECKON_LOGIN_ATTEMPTS_PER_MINUTE",
    },
    Key {
        file: "presence_timeout",
        env: "BECKON_PRESENCE_TIMEOUT",
    },
    Key {
        file: "cache_mb",
        env: "BECKON_CACHE_MB",
    },
    Key {
        file: "link_lookups_per_minute",
        env: "BECKON_LINK_LOOKUPS_PER_MINUTE",
    },
    Key {
        file: "mail_max_attempts",
        env: "BECKON_MAIL_MAX_ATTEMPTS",
    },
    Key {
        file: "mail_retry_delay",
        env: "BECKON_MAIL_RETRY_DELAY",
    },
    Key {
        file: "expiry_schedule",
        env: "BECKON_EXPIRY_SCHEDULE",
    },
    Key {
        file: "reminder_schedule",
        env: "BECKON_REMINDER_SCHEDULE",
    },
    Key {
        file: "retention_schedule",
        env: "BECKON_RETENTION_SCHEDULE",
    },
    Key {
        file: "prompt_schedule",
        env: "BECKON_PROMPT_SCHEDULE",
    },
    Key {
        file: "consent_timeout",
        env: "BECKON_CONSENT_TIMEOUT",
    },
    Key {
        file: "session_schedule",
        env: "BECKON_SESSION_SCHEDULE",
    },
    Key {
        file: "disconnect_grace",
        env: "BECKON_DISCONNECT_GRACE",
    },
    Key {
        file: "session_end",
        env: "BECKON_SESSION_END",
    },
    Key {
        file: "ice_servers",
        env: "BECKON_ICE_SERVERS",
    },
    Key {
        file: "relay_listen",
        env: "BECKON_RELAY_LISTEN",
    },
    Key {
        file: "relay_address",
        env: "BECKON_RELAY_ADDRESS",
    },
    Key {
        file: "relay_ports",
        env: "BECKON_RELAY_PORTS",
    },
    Key {
        file: "reminders",
        env: "BECKON_REMINDERS",
    },
    Key {
        file: "retention",
        env: "BECKON_RETENTION",
    },
    Key {
        file: "redirect_listen",
        env: "BECKON_REDIRECT_LISTEN",
    },
    Key {
        file: "trusted_proxies",
        env: "BECKON_TRUSTED_PROXIES",
    },
    Key {
        file: "session_idle_timeout",
        env: "BECKON_SESSION_IDLE_TIMEOUT",
    },
    Key {
        file: "session_lifetime",
        env: "BECKON_SESSION_LIFETIME",
    },
    Key {
        file: "require_totp_for_admins",
        env: "BECKON_REQUIRE_TOTP_FOR_ADMINS",
    },
    Key {
        file: "quick_repair",
        env: "BECKON_QUICK_REPAIR",
    },
    Key {
        file: "disk_reserve_mb",
        env: "BECKON_DISK_RESERVE_MB",
    },
    Key {
        file: "metrics_token",
        env: "BECKON_METRICS_TOKEN",
    },
    Key {
        file: "support_phone",
        env: "BECKON_SUPPORT_PHONE",
    },
    Key {
        file: "assist_app_windows",
        env: "BECKON_ASSIST_APP_WINDOWS",
    },
    Key {
        file: "assist_app_linux",
        env: "BECKON_ASSIST_APP_LINUX",
    },
    Key {
        file: "allow_internal_webhooks",
        env: "BECKON_ALLOW_INTERNAL_WEBHOOKS",
    },
    Key {
        file: "header_read_timeout",
        env: "BECKON_HEADER_READ_TIMEOUT",
    },
    Key {
        file: "idle_timeout",
        env: "BECKON_IDLE_TIMEOUT",
    },
    Key {
        file: "max_connections_per_address",
        env: "BECKON_MAX_CONNECTIONS_PER_ADDRESS",
    },
    Key {
        file: "max_event_streams_per_signin",
        env: "BECKON_MAX_EVENT_STREAMS_PER_SIGNIN",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A value that must never be printed (it may hold a password).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(pub T);

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// How the SMTP connection is secured (`?tls=` in the URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text (a relay on the same host or network).
    None,
    /// Plain connection upgraded with STARTTLS; refused if the server cannot (port 587).
    StartTls,
    /// TLS from the first byte (SMTPS, port 465).
    Tls,
}

/// The SMTP relay, parsed from `smtp_url` once at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub user: Option<String>,
    pub password: Option<Secret<String>>,
    /// PEM certificates to trust besides the public roots (a relay with an in-house CA).
    pub ca_pem: Option<Vec<u8>>,
}

impl SmtpConfig {
    /// `smtp://[user:pass@]host[:port][?tls=none|starttls|tls]`; `smtps://` means `tls=tls`.
    /// Without `tls=`, `smtp://` uses STARTTLS: credentials never cross the wire in clear
    /// unless the operator says so. Errors never echo the URL (it may hold a password).
    fn parse(value: &str) -> Result<SmtpConfig, String> {
        const SHAPE: &str = "not a URL like smtp://user:pass@host:587?tls=starttls";
        let url = Url::parse(value.trim()).map_err(|_| SHAPE.to_owned())?;
        let implicit = match url.scheme() {
            "smtp" => SmtpTls::StartTls,
            "smtps" => SmtpTls::Tls,
            _ => return Err("must be an smtp:// or smtps:// URL with a host".into()),
        };
        let host = match url.host_str() {
            Some(h) if !h.is_empty() => h.trim_matches(['[', ']']).to_owned(),
            _ => return Err("must be an smtp:// or smtps:// URL with a host".into()),
        };
        let mut tls = implicit;
        for (k, v) in url.query_pairs() {
            match (k.as_ref(), v.as_ref()) {
                ("tls", "none") => tls = SmtpTls::None,
                ("tls", "starttls") => tls = SmtpTls::StartTls,
                ("tls", "tls") => tls = SmtpTls::Tls,
                ("tls", _) => return Err("tls= must be none, starttls or tls".into()),
                (other, _) => return Err(format!("unknown URL parameter `{other}` (only tls=)")),
            }
        }
        let port = url.port().unwrap_or(match tls {
            SmtpTls::None => 25,
            SmtpTls::StartTls => 587,
            SmtpTls::Tls => 465,
        });
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| "the user or password is not valid UTF-8".to_owned())
        };
        let user = (!url.username().is_empty())
            .then(|| decode(url.username()))
            .transpose()?;
        let password = url.password().map(decode).transpose()?.map(Secret);
        Ok(SmtpConfig {
            host,
            port,
            tls,
            user,
            password,
            ca_pem: None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `postgres://…`: the store is on PostgreSQL; `None`: the embedded store in `data_dir`.
    /// Secret: the URL may carry a password.
    pub database_url: Option<Secret<String>>,
    /// Base of links in mails and API responses, without a trailing slash.
    pub public_url: Url,
    /// `None`: mails are written as `.eml` files under the data directory.
    pub smtp: Option<SmtpConfig>,
    pub mail_from: String,
    pub tls: Option<TlsFiles>,
    /// A plain-HTTP listener that only redirects to `public_url` (needs TLS).
    pub redirect_listen: Option<SocketAddr>,
    /// Reverse proxies whose `X-Forwarded-For`/`-Proto` are believed (rate limits, cookies).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub log_format: LogFormat,
    /// Shown to end users: who is asking for access.
    pub organisation: String,
    pub default_expiry: Duration,
    pub max_expiry: Duration,
    pub login_attempts_per_minute: u32,
    pub link_lookups_per_minute: u32,
    /// A sign-in unused this long ends (checked to within a minute).
    pub session_idle_timeout: Duration,
    /// A sign-in ends this long after it began, however busy.
    pub session_lifetime: Duration,
    /// Administrators must sign in with a one-time code (they get no rights until set up).
    pub require_totp_for_admins: bool,
    /// How long after the end user's last sign of life they still count as present.
    pub presence_timeout: Duration,
    /// The store's page cache in MiB (redb's own; the OS caches the file besides).
    pub cache_mb: u32,
    /// MiB kept free on the data directory's disk: below it, writes answer 503 and wait.
    pub disk_reserve_mb: u32,
    /// Durable commits save the allocator state: a restart after a crash takes milliseconds.
    pub quick_repair: bool,
    /// Attempts at a mail before it is marked failed (webhooks retry until accepted).
    pub mail_max_attempts: u32,
    /// Delay before the first retry; each further retry waits twice as long (capped at an
    /// hour), with jitter.
    pub mail_retry_delay: Duration,
    /// The sweeper's jobs: when each runs, and what reminders and retention mean.
    pub sweeper: SweeperConfig,
    /// STUN/TURN servers for in-browser sessions (none needed on one network).
    pub ice_servers: Vec<app::portal::IceServer>,
    /// The embedded TURN relay (`None`: off).
    pub relay: Option<RelayConfig>,
    /// What one client may hold of the server (slow clients, connection floods).
    pub connections: ConnectionLimits,
    /// Open `/api/v1/events` streams per sign-in (a portal tab holds one).
    pub max_event_streams_per_signin: u32,
    /// `/metrics` answers only `Authorization: Bearer <this>`; unset, `/metrics` is off.
    pub metrics_token: Option<String>,
    /// Webhooks may go to loopback, private, link-local and unique-local addresses (off:
    /// only public ones, so a webhook cannot reach into the server's own network).
    pub allow_internal_webhooks: bool,
    /// Assist app files to hand out instead of the built-in ones (a Windows app signed with
    /// the operator's certificate), by platform. Each must carry this server's address
    /// (`beckon assist-app` writes it).
    pub assist_app_files: Vec<(wire::Platform, PathBuf)>,
    /// The organisation's phone number, on link pages: "if in doubt, call us on …".
    pub support_phone: Option<String>,
}

/// The embedded TURN relay: where it listens (UDP and TCP, one port), the address it gives
/// clients, and the UDP ports its relayed connections take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayConfig {
    pub listen: SocketAddr,
    /// The relay's address as both sides reach it; `None`: `public_url`'s host (resolved at
    /// start-up), or the listen address when it names one.
    pub address: Option<IpAddr>,
    /// First and last UDP port for relayed connections (one per side of a relayed session).
    pub ports: (u16, u16),
}

impl Default for RelayConfig {
    fn default() -> Self {
        RelayConfig {
            listen: SocketAddr::from(([0, 0, 0, 0], 3478)),
            address: None,
            ports: (49152, 65535),
        }
    }
}

/// Limits on connections, so slow or greedy clients cannot hold the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A request's head must arrive within this (else 408 and the connection closes).
    pub header_read_timeout: Duration,
    /// A kept-alive connection with no request in flight closes after this.
    pub idle_timeout: Duration,
    /// Connections open at once from one address (429 beyond; behind a trusted proxy this
    /// counts the proxy).
    pub max_per_address: u32,
}

/// A cron expression with seconds (`sec min hour day-of-month month day-of-week`), checked at
/// start-up with the same parser the scheduler uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronSpec(pub String);

impl CronSpec {
    fn parse(value: &str) -> Result<CronSpec, String> {
        let v = value.trim();
        croner::parser::CronParser::builder()
            .seconds(croner::parser::Seconds::Required)
            .dom_and_dow(true)
            .build()
            .parse(v)
            .map_err(|e| {
                format!("`{v}` is not a cron expression with seconds, like `*/15 * * * * *` ({e})")
            })?;
        Ok(CronSpec(v.to_owned()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweeperConfig {
    /// Moves overdue requests to `expired` (default every 15 s).
    pub expiry: CronSpec,
    /// Queues reminder mails (default every minute).
    pub reminder: CronSpec,
    /// Deletes finished requests past retention (default nightly, 03:30 UTC).
    pub retention: CronSpec,
    /// How long before a scheduled session each reminder goes out, longest first.
    pub reminder_leads: Vec<Duration>,
    /// How long finished requests are kept; `None`: forever.
    pub retention_period: Option<Duration>,
    /// Denies connect prompts nobody answered in time (default every 5 s).
    pub prompts: CronSpec,
    /// How long the end user has to answer a connect prompt; silence is a deny.
    pub consent_timeout: Duration,
    /// Ends sessions a side left more than `disconnect_grace` ago (default every second).
    pub sessions: CronSpec,
    /// How long a session waits for a side that lost its connection to come back.
    pub disconnect_grace: Duration,
    /// What ending a session does to the request when nobody says (an agent's *End*
    /// without a choice, a session ended by disconnection).
    pub session_end: AfterSession,
}

/// What happens to a request when its session ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AfterSession {
    /// Back to *waiting*: the end user may be helped again through the same link.
    #[default]
    Keep,
    /// The request is closed and its link stops working.
    Close,
}

impl AfterSession {
    pub const fn keeps(self) -> bool {
        matches!(self, AfterSession::Keep)
    }

    pub fn parse(s: &str) -> Option<AfterSession> {
        match s {
            "keep" => Some(AfterSession::Keep),
            "close" => Some(AfterSession::Close),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            AfterSession::Keep => "keep",
            AfterSession::Close => "close",
        }
    }
}

impl Default for SweeperConfig {
    fn default() -> Self {
        SweeperConfig {
            expiry: CronSpec("*/15 * * * * *".into()),
            reminder: CronSpec("0 * * * * *".into()),
            retention: CronSpec("0 30 3 * * *".into()),
            reminder_leads: vec![Duration::from_secs(15 * 60)],
            retention_period: Some(Duration::from_secs(365 * 86_400)),
            prompts: CronSpec("*/5 * * * * *".into()),
            consent_timeout: Duration::from_secs(60),
            sessions: CronSpec("* * * * * *".into()),
            disconnect_grace: Duration::from_secs(60),
            session_end: AfterSession::Keep,
        }
    }
}

/// A setting that cannot be used; its `Display` is the one line start-up prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid setting {setting}: {message}")]
pub struct ConfigError {
    pub setting: String,
    pub message: String,
}

/// Where a raw value came from, for naming it in errors.
#[derive(Clone)]
struct Raw {
    value: String,
    source: String,
}

impl Config {
    /// Loads the layers. `file`: an explicit `--config` (must exist); `None` reads
    /// `beckon.toml` in the working directory if present. `env` looks up a variable.
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<(Config, Vec<String>), ConfigError> {
        let (path, required) = match file {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("beckon.toml"), false),
        };
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => String::new(),
            Err(e) => {
                return Err(ConfigError {
                    setting: "--config".into(),
                    message: format!("cannot read {shown}: {e}"),
                });
            }
        };
        Self::parse(&text, &shown, env)
    }

    /// The settings from the text of a `beckon.toml` (named `shown` in messages) under the
    /// environment `env`. Never panics, whatever the text (fuzzed: `fuzz/`).
    pub fn parse(
        text: &str,
        shown: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<(Config, Vec<String>), ConfigError> {
        let mut warnings = Vec::new();
        let mut raw: BTreeMap<&'static str, Raw> = BTreeMap::new();
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ConfigError {
            setting: shown.to_owned(),
            message: e.message().to_owned(),
        })?;
        for (name, value) in table {
            let Some(key) = KEYS.iter().find(|k| k.file == name) else {
                warnings.push(format!("{shown}: unknown setting `{name}` ignored"));
                continue;
            };
            let value = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => {
                    return Err(ConfigError {
                        setting: format!("{} in {shown}", key.file),
                        message: format!("expected a string or number, found {}", other.type_str()),
                    });
                }
            };
            raw.insert(
                key.file,
                Raw {
                    value,
                    source: format!("{} in {shown}", key.file),
                },
            );
        }
        for key in KEYS {
            if let Some(value) = env(key.env) {
                raw.insert(
                    key.file,
                    Raw {
                        value,
                        source: key.env.to_owned(),
                    },
                );
            }
        }
        Ok((Self::from_raw(&raw)?, warnings))
    }

    fn from_raw(raw: &BTreeMap<&'static str, Raw>) -> Result<Config, ConfigError> {
        let get = |k: &str| raw.get(k).filter(|r| !r.value.trim().is_empty());
        fn bad(r: &Raw, message: impl Into<String>) -> ConfigError {
            ConfigError {
                setting: r.source.clone(),
                message: message.into(),
            }
        }

        let listen = match get("listen") {
            Some(r) => r.value.trim().parse::<SocketAddr>().map_err(|_| {
                bad(
                    r,
                    format!("`{}` is not an address like 127.0.0.1:8080", r.value),
                )
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
        };
        let data_dir = get("data_dir").map_or_else(
            || PathBuf::from("./beckon-data"),
            |r| PathBuf::from(&r.value),
        );

        let tls = match (get("tls_cert"), get("tls_key")) {
            (Some(c), Some(k)) => {
                for r in [c, k] {
                    if !Path::new(&r.value).is_file() {
                        return Err(bad(r, format!("no readable file at {}", r.value)));
                    }
                }
                Some(TlsFiles {
                    cert: c.value.clone().into(),
                    key: k.value.clone().into(),
                })
            }
            (Some(r), None) | (None, Some(r)) => {
                return Err(bad(
                    r,
                    "BECKON_TLS_CERT and BECKON_TLS_KEY must be set together",
                ));
            }
            (None, None) => None,
        };

        let public_url = match get("public_url") {
            Some(r) => {
                let url =
                    Url::parse(r.value.trim()).map_err(|e| bad(r, format!("not a URL: {e}")))?;
                if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                    return Err(bad(r, "must be an http:// or https:// URL with a host"));
                }
                url
            }
            None => {
                let host = match listen.ip() {
                    ip if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST).to_string(),
                    IpAddr::V6(ip) => format!("[{ip}]"),
                    ip => ip.to_string(),
                };
                let scheme = if tls.is_some() { "https" } else { "http" };
                Url::parse(&format!("{scheme}://{host}:{}", listen.port()))
                    .expect("derived URL is valid")
            }
        };

        let database_url = match get("database_url") {
            // Never echo the value: it may carry a password.
            Some(r) if r.value.trim().is_empty() => None,
            Some(r) => match Url::parse(r.value.trim()) {
                Ok(u) if matches!(u.scheme(), "postgres" | "postgresql") => {
                    Some(Secret(r.value.trim().to_owned()))
                }
                _ => {
                    return Err(bad(
                        r,
                        "must be a URL like postgres://user:pass@host/beckon",
                    ));
                }
            },
            None => None,
        };
        let mut smtp = match get("smtp_url") {
            // Never echo the value: it may carry a password.
            Some(r) => Some(SmtpConfig::parse(&r.value).map_err(|m| bad(r, m))?),
            None => None,
        };
        if let Some(r) = get("smtp_ca_file") {
            use rustls::pki_types::{CertificateDer, pem::PemObject};
            // A regular file of at most 1 MiB: never a device or a pipe that reads forever.
            let path = Path::new(r.value.trim());
            let size = std::fs::metadata(path)
                .map_err(|e| bad(r, format!("cannot read {}: {e}", path.display())))?;
            if !size.is_file() || size.len() > 1024 * 1024 {
                return Err(bad(r, "must be a PEM file of at most 1 MiB"));
            }
            let pem = std::fs::read(path)
                .map_err(|e| bad(r, format!("cannot read {}: {e}", path.display())))?;
            let certs = CertificateDer::pem_slice_iter(&pem).count();
            if certs == 0 || CertificateDer::pem_slice_iter(&pem).any(|c| c.is_err()) {
                return Err(bad(r, "holds no PEM certificate"));
            }
            match smtp.as_mut() {
                Some(s) => s.ca_pem = Some(pem),
                None => return Err(bad(r, "needs BECKON_SMTP_URL as well")),
            }
        }
        let mail_from = match get("mail_from") {
            Some(r) => {
                let v = r.value.trim();
                if let Err(e) = sender(v) {
                    return Err(bad(
                        r,
                        format!(
                            "{e} (write `noreply@example.com` or `Support <noreply@example.com>`)"
                        ),
                    ));
                }
                v.to_owned()
            }
            None => format!("beckon@{}", public_url.host_str().unwrap_or("localhost")),
        };

        let log_format = match get("log_format").map(|r| (r, r.value.trim().to_ascii_lowercase())) {
            None => LogFormat::Text,
            Some((_, v)) if v == "text" => LogFormat::Text,
            Some((_, v)) if v == "json" => LogFormat::Json,
            Some((r, _)) => return Err(bad(r, "must be `text` or `json`")),
        };
        let organisation = match get("organisation") {
            Some(r) if r.value.chars().any(char::is_control) || r.value.len() > 200 => {
                return Err(bad(r, "must be one line of at most 200 characters"));
            }
            Some(r) => r.value.trim().to_owned(),
            None => "Beckon".to_owned(),
        };

        let duration = |k: &str, default: Duration| -> Result<Duration, ConfigError> {
            match get(k) {
                None => Ok(default),
                Some(r) => match humantime::parse_duration(r.value.trim()) {
                    Ok(d) if d >= Duration::from_secs(1) => Ok(d),
                    Ok(_) => Err(bad(r, "must be at least one second")),
                    Err(_) => Err(bad(
                        r,
                        format!("`{}` is not a duration like 7d or 12h", r.value),
                    )),
                },
            }
        };
        let max_expiry = duration("max_expiry", Duration::from_secs(30 * 86_400))?;
        // Unset, the default follows a shorter maximum; set, it must fit under it.
        let default_expiry = duration(
            "default_expiry",
            Duration::from_secs(7 * 86_400).min(max_expiry),
        )?;
        if let Some(r) = get("default_expiry").filter(|_| default_expiry > max_expiry) {
            return Err(bad(r, "is longer than the maximum expiry (max_expiry)"));
        }

        let per_minute = |k: &str, default: u32| -> Result<u32, ConfigError> {
            match get(k) {
                None => Ok(default),
                Some(r) => match r.value.trim().parse::<u32>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => Err(bad(r, "must be a whole number above 0")),
                },
            }
        };
        let flag = |k: &str| -> Result<bool, ConfigError> {
            match get(k).map(|r| (r, r.value.trim().to_ascii_lowercase())) {
                None => Ok(false),
                Some((_, v)) if v == "true" || v == "1" || v == "yes" => Ok(true),
                Some((_, v)) if v == "false" || v == "0" || v == "no" => Ok(false),
                Some((r, _)) => Err(bad(r, "must be true or false")),
            }
        };
        let mail_retry_delay = match get("mail_retry_delay") {
            None => Duration::from_secs(30),
            Some(r) => match humantime::parse_duration(r.value.trim()) {
                Ok(d) if d >= Duration::from_millis(10) && d <= Duration::from_secs(3600) => d,
                _ => return Err(bad(r, "must be a duration from 10ms to 1h, like 30s")),
            },
        };
        Ok(Config {
            listen,
            data_dir,
            database_url,
            public_url,
            smtp,
            mail_from,
            tls,
            redirect_listen: match get("redirect_listen") {
                None => None,
                Some(r) => Some(r.value.trim().parse::<SocketAddr>().map_err(|_| {
                    bad(
                        r,
                        format!("`{}` is not an address like 0.0.0.0:80", r.value),
                    )
                })?),
            },
            trusted_proxies: match get("trusted_proxies") {
                None => Vec::new(),
                Some(r) => trusted_proxies(&r.value).map_err(|m| bad(r, m))?,
            },
            log_format,
            organisation,
            default_expiry,
            max_expiry,
            login_attempts_per_minute: per_minute("login_attempts_per_minute", 10)?,
            link_lookups_per_minute: per_minute("link_lookups_per_minute", 120)?,
            presence_timeout: duration("presence_timeout", Duration::from_secs(45))?,
            session_idle_timeout: duration("session_idle_timeout", Duration::from_secs(12 * 3600))?,
            session_lifetime: duration("session_lifetime", Duration::from_secs(7 * 86_400))?,
            require_totp_for_admins: flag("require_totp_for_admins")?,
            cache_mb: match get("cache_mb") {
                None => crate::store::DEFAULT_CACHE_MB,
                Some(r) => match r.value.trim().parse::<u32>() {
                    Ok(n) if (8..=65_536).contains(&n) => n,
                    _ => return Err(bad(r, "must be a whole number of MiB from 8 to 65536")),
                },
            },
            mail_max_attempts: match get("mail_max_attempts") {
                None => 10,
                Some(r) => match r.value.trim().parse::<u32>() {
                    Ok(n) if (1..=100).contains(&n) => n,
                    _ => return Err(bad(r, "must be a whole number from 1 to 100")),
                },
            },
            mail_retry_delay,
            sweeper: sweeper(&get)?,
            connections: ConnectionLimits {
                header_read_timeout: duration("header_read_timeout", Duration::from_secs(10))?,
                idle_timeout: duration("idle_timeout", Duration::from_secs(75))?,
                max_per_address: per_minute("max_connections_per_address", 256)?,
            },
            max_event_streams_per_signin: per_minute("max_event_streams_per_signin", 16)?,
            quick_repair: match get("quick_repair") {
                None => true,
                Some(_) => flag("quick_repair")?,
            },
            disk_reserve_mb: match get("disk_reserve_mb") {
                None => crate::store::DEFAULT_RESERVE_MB,
                Some(r) => r
                    .value
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n <= 1024 * 1024)
                    .ok_or_else(|| bad(r, "must be a whole number of MiB (0 to 1048576)"))?,
            },
            allow_internal_webhooks: flag("allow_internal_webhooks")?,
            metrics_token: match get("metrics_token") {
                None => None,
                Some(r)
                    if r.value.trim().len() < 16
                        || r.value.trim().contains(char::is_whitespace) =>
                {
                    return Err(bad(r, "must be at least 16 characters without spaces"));
                }
                Some(r) => Some(r.value.trim().to_owned()),
            },
            ice_servers: match get("ice_servers") {
                None => Vec::new(),
                Some(r) => ice_servers(&r.value).map_err(|m| bad(r, m))?,
            },
            relay: relay(&get)?,
            support_phone: match get("support_phone") {
                None => None,
                Some(r) if r.value.trim().is_empty() => None,
                Some(r)
                    if r.value.trim().chars().count() > 40
                        || !r
                            .value
                            .trim()
                            .chars()
                            .all(|c| c.is_ascii_digit() || " +-()./".contains(c)) =>
                {
                    return Err(bad(
                        r,
                        "must be a phone number: digits, spaces and + - ( ) . / (at most 40)",
                    ));
                }
                Some(r) => Some(r.value.trim().to_owned()),
            },
            assist_app_files: [
                ("assist_app_windows", wire::Platform::WindowsX86_64),
                ("assist_app_linux", wire::Platform::LinuxX86_64),
            ]
            .into_iter()
            .filter_map(|(key, p)| {
                get(key)
                    .filter(|r| !r.value.trim().is_empty())
                    .map(|r| (p, PathBuf::from(r.value.trim())))
            })
            .collect(),
        })
    }

    /// The embedded defaults, with the data directory elsewhere (tests, tools).
    pub fn with_data_dir(data_dir: impl Into<PathBuf>) -> Config {
        let (mut config, _) =
            Config::load(Some(Path::new("/dev/null")), |_| None).expect("defaults are valid");
        config.data_dir = data_dir.into();
        config
    }
}

/// The mail sender as a mail administrator writes it: `noreply@example.com`,
/// `Support <noreply@example.com>`, `"Support, Acme" <noreply@example.com>` or a name in any
/// script. Checked at start-up with this, so a sender that cannot work stops the server
/// instead of every mail; the mail composer reads it with the same function.
pub fn sender(value: &str) -> Result<lettre::message::Mailbox, String> {
    let v = value.trim();
    let mailbox: lettre::message::Mailbox = v
        .parse()
        .map_err(|e| format!("`{v}` is not a mail address: {e}"))?;
    Ok(lettre::message::Mailbox {
        name: mailbox.name.filter(|n| !n.trim().is_empty()),
        ..mailbox
    })
}

/// Addresses (`10.0.0.5`) or networks (`10.0.0.0/8`, `fd00::/8`), comma-separated.
fn trusted_proxies(value: &str) -> Result<Vec<ipnet::IpNet>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<ipnet::IpNet>()
                .or_else(|_| p.parse::<IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("`{p}` is not an address or a network like 10.0.0.0/8"))
        })
        .collect()
}

/// The relay's settings: `relay_listen` (`off` turns it off), `relay_address`, `relay_ports`.
fn relay<'a>(get: &impl Fn(&str) -> Option<&'a Raw>) -> Result<Option<RelayConfig>, ConfigError> {
    let bad = |r: &Raw, message: &str| ConfigError {
        setting: r.source.clone(),
        message: message.to_owned(),
    };
    let mut c = RelayConfig::default();
    if let Some(r) = get("relay_listen") {
        if r.value.trim() == "off" {
            return Ok(None);
        }
        c.listen = r
            .value
            .trim()
            .parse()
            .map_err(|_| bad(r, "must be `off` or an address like 0.0.0.0:3478"))?;
    }
    if let Some(r) = get("relay_address") {
        c.address = Some(
            r.value
                .trim()
                .parse()
                .map_err(|_| bad(r, "must be an IP address like 203.0.113.7"))?,
        );
    }
    if let Some(r) = get("relay_ports") {
        let range = r
            .value
            .trim()
            .split_once('-')
            .and_then(|(a, b)| Some((a.trim().parse::<u16>().ok()?, b.trim().parse::<u16>().ok()?)))
            .filter(|(a, b)| *a >= 1024 && a <= b);
        c.ports =
            range.ok_or_else(|| bad(r, "must be a port range like 49152-65535 (from 1024)"))?;
    }
    Ok(Some(c))
}

/// `stun:HOST:PORT` or `turn:USER:PASSWORD@HOST:PORT` (also `turns:`), comma-separated.
fn ice_servers(value: &str) -> Result<Vec<app::portal::IceServer>, String> {
    let mut out = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (scheme, rest) = part
            .split_once(':')
            .filter(|(s, _)| matches!(*s, "stun" | "stuns" | "turn" | "turns"))
            .ok_or_else(|| format!("`{part}` is not a stun:, turn: or turns: address"))?;
        let server = match rest.rsplit_once('@') {
            Some((auth, host)) if scheme.starts_with("turn") => {
                let (user, pass) = auth.split_once(':').ok_or_else(|| {
                    "a TURN server needs USER:PASSWORD@ before its host".to_owned()
                })?;
                app::portal::IceServer {
                    urls: format!("{scheme}:{host}"),
                    username: Some(user.to_owned()),
                    credential: Some(pass.to_owned()),
                }
            }
            Some(_) => return Err(format!("`{scheme}:` servers take no credentials")),
            None if scheme.starts_with("turn") => {
                return Err("a TURN server needs USER:PASSWORD@ before its host".to_owned());
            }
            None => app::portal::IceServer {
                urls: part.to_owned(),
                username: None,
                credential: None,
            },
        };
        if server.urls.len() <= scheme.len() + 1 {
            return Err(format!("`{part}` names no host"));
        }
        out.push(server);
    }
    Ok(out)
}

/// The sweeper's settings, each checked and named on error.
fn sweeper<'a>(get: &impl Fn(&str) -> Option<&'a Raw>) -> Result<SweeperConfig, ConfigError> {
    let bad = |r: &Raw, message: String| ConfigError {
        setting: r.source.clone(),
        message,
    };
    let mut s = SweeperConfig::default();
    for (key, slot) in [
        ("expiry_schedule", &mut s.expiry),
        ("reminder_schedule", &mut s.reminder),
        ("retention_schedule", &mut s.retention),
        ("prompt_schedule", &mut s.prompts),
        ("session_schedule", &mut s.sessions),
    ] {
        if let Some(r) = get(key) {
            *slot = CronSpec::parse(&r.value).map_err(|m| bad(r, m))?;
        }
    }
    if let Some(r) = get("consent_timeout") {
        s.consent_timeout = match humantime::parse_duration(r.value.trim()) {
            Ok(d) if d >= Duration::from_secs(10) && d <= Duration::from_secs(600) => d,
            _ => {
                return Err(bad(
                    r,
                    "must be a duration from 10s to 10m, like 60s".into(),
                ));
            }
        };
    }
    if let Some(r) = get("disconnect_grace") {
        s.disconnect_grace = match humantime::parse_duration(r.value.trim()) {
            Ok(d) if d >= Duration::from_secs(1) && d <= Duration::from_secs(3600) => d,
            _ => {
                return Err(bad(r, "must be a duration from 1s to 1h, like 60s".into()));
            }
        };
    }
    if let Some(r) = get("session_end") {
        s.session_end = AfterSession::parse(r.value.trim())
            .ok_or_else(|| bad(r, "must be `keep` or `close`".into()))?;
    }
    if let Some(r) = get("reminders") {
        let mut leads = Vec::new();
        for part in r.value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match humantime::parse_duration(part) {
                Ok(d) if d >= Duration::from_secs(60) && d <= Duration::from_secs(30 * 86_400) => {
                    leads.push(Duration::from_secs(d.as_secs() / 60 * 60));
                }
                _ => {
                    return Err(bad(
                        r,
                        format!("`{part}` is not a lead time from 1m to 30d (a list like 24h,15m)"),
                    ));
                }
            }
        }
        leads.sort_unstable_by(|a, b| b.cmp(a));
        leads.dedup();
        s.reminder_leads = leads;
    }
    if let Some(r) = get("retention") {
        s.retention_period = match r.value.trim() {
            "0" => None,
            v => match humantime::parse_duration(v) {
                Ok(d) if d >= Duration::from_secs(86_400) => Some(d),
                _ => {
                    return Err(bad(
                        r,
                        format!("`{v}` is not a period of at least 1d like 365d (0 keeps forever)"),
                    ));
                }
            },
        };
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_env(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load(Some(Path::new("/dev/null")), |k| vars.get(k).cloned()).map(|(c, _)| c)
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let c = load_env(&[]).unwrap();
        assert_eq!(c.listen, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(c.data_dir, PathBuf::from("./beckon-data"));
        assert_eq!(c.public_url.as_str(), "http://127.0.0.1:8080/");
        assert!(c.smtp.is_none());
        assert!(c.tls.is_none());
        assert_eq!(c.relay, Some(RelayConfig::default()));
        assert_eq!(c.sweeper.disconnect_grace, Duration::from_secs(60));
        assert_eq!(c.sweeper.session_end, AfterSession::Keep);
    }

    #[test]
    fn relay_settings_are_checked() {
        let c = load_env(&[("BECKON_RELAY_LISTEN", "off")]).unwrap();
        assert_eq!(c.relay, None);
        let c = load_env(&[
            ("BECKON_RELAY_LISTEN", "10.0.0.2:3479"),
            ("BECKON_RELAY_ADDRESS", "203.0.113.7"),
            ("BECKON_RELAY_PORTS", "50000-50100"),
        ])
        .unwrap();
        let r = c.relay.unwrap();
        assert_eq!(
            (
                r.listen.to_string(),
                r.address.unwrap().to_string(),
                r.ports
            ),
            ("10.0.0.2:3479".into(), "203.0.113.7".into(), (50000, 50100))
        );
        for (key, value) in [
            ("BECKON_RELAY_LISTEN", "everywhere"),
            ("BECKON_RELAY_ADDRESS", "relay.example.com"),
            ("BECKON_RELAY_PORTS", "900-1000"),
            ("BECKON_RELAY_PORTS", "6000-5000"),
            ("BECKON_DISCONNECT_GRACE", "0s"),
            ("BECKON_SESSION_END", "maybe"),
        ] {
            assert_eq!(
                load_env(&[(key, value)]).unwrap_err().setting,
                key,
                "{value}"
            );
        }
    }

    #[test]
    fn a_bad_value_names_the_setting() {
        let e = load_env(&[("BECKON_LISTEN", "nonsense")]).unwrap_err();
        assert_eq!(e.setting, "BECKON_LISTEN");
        assert!(
            e.to_string().starts_with("invalid setting BECKON_LISTEN:"),
            "{e}"
        );
        let e = load_env(&[("BECKON_TLS_CERT", "/nope.pem")]).unwrap_err();
        assert_eq!(e.setting, "BECKON_TLS_CERT");
        let e = load_env(&[("BECKON_SMTP_URL", "http://user:hunter2@x")]).unwrap_err();
        assert!(!e.to_string().contains("hunter2"));
        // A device that never ends is refused, not read.
        let e = load_env(&[
            ("BECKON_SMTP_URL", "smtp://mail.example.com"),
            ("BECKON_SMTP_CA_FILE", "/dev/zero"),
        ])
        .unwrap_err();
        assert_eq!(e.setting, "BECKON_SMTP_CA_FILE", "{e}");
        let e = load_env(&[("BECKON_SMTP_URL", "smtp://u:hunter2@x?tls=maybe")]).unwrap_err();
        assert_eq!(e.setting, "BECKON_SMTP_URL");
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }

    #[test]
    fn every_sender_form_a_mail_admin_writes_is_accepted() {
        for (written, name, address) in [
            ("noreply@example.com", None, "noreply@example.com"),
            (
                "Support <noreply@example.com>",
                Some("Support"),
                "noreply@example.com",
            ),
            (
                "\"Support, Acme\" <noreply@example.com>",
                Some("Support, Acme"),
                "noreply@example.com",
            ),
            (
                "Société Générale <noreply@example.com>",
                Some("Société Générale"),
                "noreply@example.com",
            ),
            ("  <noreply@example.com>  ", None, "noreply@example.com"),
        ] {
            let m = sender(written).unwrap_or_else(|e| panic!("{written}: {e}"));
            assert_eq!(
                (m.name.as_deref(), m.email.as_ref()),
                (name, address),
                "{written}"
            );
        }
        for bad in ["Support <noreply>", "not an address", "", "a@b@c"] {
            assert!(sender(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn senders_in_every_form_start_and_unusable_ones_stop_start_up_naming_the_setting() {
        for from in [
            "noreply@example.com",
            "Support <noreply@example.com>",
            "\"Support, Acme\" <noreply@example.com>",
            "Société Générale <noreply@example.com>",
        ] {
            let c = load_env(&[("BECKON_MAIL_FROM", from)]).unwrap();
            assert_eq!(c.mail_from, from);
        }
        for bad in ["Support <noreply>", "not an address"] {
            let e = load_env(&[("BECKON_MAIL_FROM", bad)]).unwrap_err();
            assert_eq!(e.setting, "BECKON_MAIL_FROM", "{bad}");
        }
        let e = load_env(&[("BECKON_METRICS_TOKEN", "short")]).unwrap_err();
        assert_eq!(e.setting, "BECKON_METRICS_TOKEN");
        let e = load_env(&[("BECKON_DISK_RESERVE_MB", "lots")]).unwrap_err();
        assert_eq!(e.setting, "BECKON_DISK_RESERVE_MB");
        let e = load_env(&[("BECKON_IDLE_TIMEOUT", "soon")]).unwrap_err();
        assert_eq!(e.setting, "BECKON_IDLE_TIMEOUT");
    }

    #[test]
    fn proxies_and_the_redirect_listener_are_checked() {
        let c = load_env(&[
            ("BECKON_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7,fd00::/8"),
            ("BECKON_REDIRECT_LISTEN", "0.0.0.0:80"),
        ])
        .unwrap();
        let nets: Vec<String> = c.trusted_proxies.iter().map(|n| n.to_string()).collect();
        assert_eq!(nets, ["10.0.0.0/8", "192.168.1.7/32", "fd00::/8"]);
        assert_eq!(c.redirect_listen, Some("0.0.0.0:80".parse().unwrap()));
        let e = load_env(&[("BECKON_TRUSTED_PROXIES", "10.0.0.0/8,proxy.local")]).unwrap_err();
        assert_eq!(e.setting, "BECKON_TRUSTED_PROXIES");
        assert!(e.message.contains("proxy.local"), "{e}");
        let e = load_env(&[("BECKON_REDIRECT_LISTEN", "80")]).unwrap_err();
        assert_eq!(e.setting, "BECKON_REDIRECT_LISTEN");
    }

    #[test]
    fn sweeper_settings_are_checked_and_name_the_setting() {
        let c = load_env(&[]).unwrap();
        assert_eq!(c.sweeper, SweeperConfig::default());
        let c = load_env(&[
            ("BECKON_EXPIRY_SCHEDULE", "* * * * * *"),
            ("BECKON_REMINDERS", "15m, 24h"),
            ("BECKON_RETENTION", "0"),
        ])
        .unwrap();
        assert_eq!(c.sweeper.expiry.0, "* * * * * *");
        assert_eq!(
            c.sweeper.reminder_leads,
            vec![Duration::from_secs(86_400), Duration::from_secs(900)]
        );
        assert_eq!(c.sweeper.retention_period, None);
        for (k, v) in [
            ("BECKON_EXPIRY_SCHEDULE", "every minute"),
            ("BECKON_RETENTION_SCHEDULE", "0 30 3 * *"),
            ("BECKON_REMINDERS", "15m,soon"),
            ("BECKON_RETENTION", "5s"),
        ] {
            let e = load_env(&[(k, v)]).unwrap_err();
            assert_eq!(e.setting, k, "{e}");
        }
    }

    #[test]
    fn smtp_urls_pick_tls_port_and_credentials() {
        let smtp = |v: &str| load_env(&[("BECKON_SMTP_URL", v)]).unwrap().smtp.unwrap();
        let s = smtp("smtp://mail.example.com");
        assert_eq!((s.port, s.tls, s.user), (587, SmtpTls::StartTls, None));
        let s = smtp("smtps://ada%40example.com:p%40ss@mail.example.com");
        assert_eq!((s.port, s.tls), (465, SmtpTls::Tls));
        assert_eq!(s.user.as_deref(), Some("ada@example.com"));
        assert_eq!(s.password.unwrap().0, "p@ss");
        let s = smtp("smtp://127.0.0.1:2525?tls=none");
        assert_eq!(
            (s.host.as_str(), s.port, s.tls),
            ("127.0.0.1", 2525, SmtpTls::None)
        );
        assert!(load_env(&[("BECKON_SMTP_URL", "smtp://h?verify=no")]).is_err());
    }

    #[test]
    fn env_overrides_file_and_unknown_keys_warn() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("beckon.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\nmax_expiry = \"2d\"\ncolour = \"blue\"\n",
        )
        .unwrap();
        let (c, warnings) = Config::load(Some(&file), |k| {
            (k == "BECKON_LISTEN").then(|| "127.0.0.1:9001".to_owned())
        })
        .unwrap();
        assert_eq!(c.listen.port(), 9001);
        assert_eq!(c.max_expiry, Duration::from_secs(2 * 86_400));
        assert_eq!(
            c.default_expiry, c.max_expiry,
            "an unset default follows a shorter maximum"
        );
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("colour"));
    }
}
