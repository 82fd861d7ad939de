//! The command line: `serve`, `admin create`, `send-test-mail`, `healthcheck`.

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
    Serve,
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
    /// The end user's assist client: check in with a session link, answer the agent's
    /// request for access, and follow the session (and chat) in this terminal.
    Assist {
        /// The link from the invitation (`https://…/s/…`).
        link: String,
        /// A PEM file of a CA to trust besides the public ones (a server with its own
        /// certificate).
        #[arg(long)]
        ca: Option<std::path::PathBuf>,
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
        Command::Serve => {
            let config = load_config(&cli)?;
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
            let store = match Store::open_with_cache(&config.data_dir, config.cache_mb) {
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
        Command::Assist { link, ca } => crate::assist::run(link, ca.as_deref()).await,
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
