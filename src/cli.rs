//! The command line: `serve`, `admin create`, `send-test-mail`, `backup`, `restore`, `check`,
//! `healthcheck`, `assist-app`.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::config::{Config, LogFormat};
use crate::links::LinkKey;
use crate::service::Service;
use crate::store::{Store, StoreError};

#[derive(Debug, Parser)]
#[command(
    name = "beckon",
    version,
    about = "Self-hosted remote-support session requests"
)]
pub struct Cli {
    /// Settings file (default: beckon.toml in the working directory, if present).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start everything: HTTP, portal, API, mail delivery.
    Serve {
        /// Serve HTTPS with a certificate made for this server and kept in the data
        /// directory (`tls/`); prints its fingerprint. For trying it out and for small
        /// sites whose users can check a fingerprint; BECKON_TLS_CERT/KEY win when set.
        #[arg(long)]
        self_signed: bool,
    },
    /// Manage administrators while the server is stopped.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Send one mail through the configured SMTP relay (or to an .eml file) to check the setup.
    SendTestMail {
        /// Who gets it.
        #[arg(long)]
        to: String,
    },
    /// Write the assist app for PLATFORM (`windows-x86_64`, `linux-x86_64`) with this
    /// server's public_url in it, to sign with your code-signing certificate and hand out
    /// through `assist_app_windows` (see the README).
    AssistApp {
        platform: String,
        /// Where to write it.
        #[arg(long)]
        out: PathBuf,
    },
    /// Copy the whole store (requests, agents, outbox, settings) and the link key into FILE,
    /// as of one moment. Works while the server runs (it takes the copy) and while stopped.
    Backup {
        /// Where to write it; must not exist yet.
        file: PathBuf,
    },
    /// Make FILE (from `beckon backup`) the store, with the server stopped. The backup is
    /// verified first; the files it replaces are moved aside, not deleted.
    Restore { file: PathBuf },
    /// Verify every index against its records and the outbox against its indexes; exit 1
    /// when anything is off. Works while the server runs and while stopped.
    Check,
    /// Move the installation between stores, with the server stopped: `--to postgres://…`
    /// copies the embedded store of the data directory into an empty PostgreSQL database,
    /// `--from postgres://…` copies a PostgreSQL store into a new embedded one. Every record
    /// is compared after the copy. The link key stays in the data directory, so every link
    /// keeps working; afterwards set (or unset) `database_url`.
    MigrateStore {
        /// The PostgreSQL database to move into.
        #[arg(long, conflicts_with = "from", required_unless_present = "from")]
        to: Option<String>,
        /// The PostgreSQL database to move out of.
        #[arg(long)]
        from: Option<String>,
    },
    /// Exit 0 when the running server answers /healthz (for container health checks).
    Healthcheck {
        /// Base URL to check (default: derived from the listen address).
        #[arg(long)]
        url: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an administrator in the data directory.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let (config, warnings) = Config::load(cli.config.as_deref(), |k| std::env::var(k).ok())?;
    init_tracing(config.log_format);
    for w in warnings {
        tracing::warn!("{w}");
    }
    Ok(config)
}

/// `serve --self-signed`: HTTPS from the data directory's own certificate, made on first use
/// for every name this server is reached by here. Printed, so the operator can compare it
/// with what a browser or `beckon assist` shows.
fn use_self_signed(config: &mut Config) -> anyhow::Result<()> {
    if let Some(files) = &config.tls {
        tracing::warn!(
            cert = %files.cert.display(),
            "--self-signed ignored: BECKON_TLS_CERT and BECKON_TLS_KEY are set"
        );
        return Ok(());
    }
    let mut names = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    if let Some(host) = config.public_url.host_str() {
        names.push(host.trim_matches(['[', ']']).to_owned());
    }
    if !config.listen.ip().is_unspecified() {
        names.push(config.listen.ip().to_string());
    }
    names.sort();
    names.dedup();
    let (files, made) = crate::tls::self_signed(&config.data_dir, names.clone())?;
    let fingerprint = crate::tls::fingerprint_file(&files.cert)?;
    let what = if made {
        "Made a self-signed certificate"
    } else {
        "Using the self-signed certificate"
    };
    println!(
        "{what} ({}), SHA-256 fingerprint {fingerprint}",
        files.cert.display()
    );
    if made {
        println!("It is valid for: {}", names.join(", "));
    }
    if config.public_url.scheme() == "http" {
        let _ = config.public_url.set_scheme("https");
    }
    config.tls = Some(files);
    Ok(())
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("BECKON_LOG").unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("info,tower_http=warn,tokio_cron_scheduler=warn")
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Serve { self_signed } => {
            let mut config = load_config(&cli)?;
            if *self_signed {
                use_self_signed(&mut config)?;
            }
            let listener = tokio::net::TcpListener::bind(config.listen)
                .await
                .with_context(|| {
                    format!(
                        "invalid setting BECKON_LISTEN: cannot listen on {}",
                        config.listen
                    )
                })?;
            let server = crate::server::Server::start(config, listener).await?;
            server.run_until(crate::server::shutdown_signal()).await
        }
        Command::Backup { file } => {
            let config = load_config(&cli)?;
            if config.database_url.is_some() {
                return Err(crate::store::postgres::backups_are_pg_dump().into());
            }
            let summary = crate::maintenance::backup(&config.data_dir, file).await?;
            println!("Backed up to {}: {summary}", file.display());
            Ok(())
        }
        Command::Restore { file } => {
            let config = load_config(&cli)?;
            if config.database_url.is_some() {
                return Err(crate::store::postgres::backups_are_pg_dump().into());
            }
            let summary = crate::maintenance::restore(&config.data_dir, file)?;
            println!(
                "Restored {} into {}: {summary}",
                file.display(),
                config.data_dir.display()
            );
            Ok(())
        }
        Command::MigrateStore { to, from } => {
            let config = load_config(&cli)?;
            let embedded = match Store::open_with_cache(&config.data_dir, config.cache_mb) {
                Ok(s) => s,
                Err(StoreError::Locked(path)) => bail!(
                    "the Beckon server is running and holds {}; stop it first",
                    path.display()
                ),
                Err(e) => return Err(e.into()),
            };
            let (source, target) = match (to, from) {
                (Some(url), None) => (embedded, Store::open_postgres(url)?),
                (None, Some(url)) => (Store::open_postgres(url)?, embedded),
                _ => bail!("name one of --to or --from"),
            };
            let started = std::time::Instant::now();
            let copied = target.copy_from(&source)?;
            println!(
                "moved {} from {} to {} in {:.1} s; every record compared equal",
                copied.describe(),
                source.backend_name(),
                target.backend_name(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Check => {
            let config = load_config(&cli)?;
            let report = match &config.database_url {
                Some(url) => crate::maintenance::check_postgres(&url.0)?,
                None => crate::maintenance::check(&config.data_dir).await?,
            };
            for p in &report.problems {
                println!("problem: {p}");
            }
            println!("{}", report.summary);
            if report.problems.is_empty() {
                println!("OK: every index matches its records");
                Ok(())
            } else {
                bail!("{} problems found", report.problems.len())
            }
        }
        Command::Admin {
            command: AdminCommand::Create { email, name, .. },
        } => {
            let config = load_config(&cli)?;
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let options = crate::store::Options {
                cache_mb: config.cache_mb,
                ..Default::default()
            };
            let url = config.database_url.as_ref().map(|u| u.0.as_str());
            let store = match Store::open_for(&config.data_dir, url, options) {
                Ok(s) => s,
                Err(StoreError::Locked(path)) => bail!(
                    "the Beckon server is running and holds {}; stop it first, or use the setup link / portal to add admins",
                    path.display()
                ),
                Err(e) => return Err(e.into()),
            };
            let links = LinkKey::load_or_create(&config.data_dir)?;
            let svc = Service::new(store, links, &config)?;
            let agent = svc
                .create_admin_unchecked(email, name, password)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "created administrator {} <{}> ({})",
                agent.name, agent.email, agent.id
            );
            Ok(())
        }
        Command::SendTestMail { to } => {
            let config = load_config(&cli)?;
            let report = crate::notify::send_test_mail(&config, to)
                .await
                .map_err(|e| anyhow::anyhow!(e))?;
            println!("{report}");
            Ok(())
        }
        Command::AssistApp { platform, out } => {
            let config = load_config(&cli)?;
            let Some(p) = wire::Platform::parse(platform) else {
                bail!("unknown platform {platform}: windows-x86_64 or linux-x86_64");
            };
            let url = config.public_url.as_str().trim_end_matches('/');
            let file = crate::assist_apps::export(p, url)?;
            std::fs::write(out, &file).with_context(|| format!("writing {}", out.display()))?;
            #[cfg(unix)]
            if p == wire::Platform::LinuxX86_64 {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(out, std::fs::Permissions::from_mode(0o755))?;
            }
            println!(
                "wrote the {} assist app for {url} to {}",
                p.as_str(),
                out.display()
            );
            Ok(())
        }
        Command::Healthcheck { url } => {
            let config = load_config(&cli)?;
            let base = url.clone().unwrap_or_else(|| {
                let scheme = if config.tls.is_some() {
                    "https"
                } else {
                    "http"
                };
                let mut addr = config.listen;
                if addr.ip().is_unspecified() {
                    addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
                }
                format!("{scheme}://{addr}")
            });
            let client = reqwest::Client::builder()
                // Checking our own listener: a self-signed certificate is fine here.
                .danger_accept_invalid_certs(true)
                .timeout(std::time::Duration::from_secs(5))
                .build()?;
            let res = client
                .get(format!("{}/healthz", base.trim_end_matches('/')))
                .send()
                .await?;
            if !res.status().is_success() {
                bail!("unhealthy: /healthz answered {}", res.status());
            }
            println!("healthy");
            Ok(())
        }
    }
}
