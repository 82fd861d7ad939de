//! Starting and stopping the service. `Server::start` takes a bound listener (tests bind port
//! 0) and returns a handle that stops it gracefully: stop accepting, end live streams, finish
//! in-flight requests, close the store.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use leptos::config::LeptosOptions;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::http::{self, AppState};
use crate::links::LinkKey;
use crate::notify::Notifier;
use crate::service::Service;
use crate::store::Store;

pub struct Server {
    addr: SocketAddr,
    /// The plain-HTTP listener that redirects to HTTPS, if configured.
    redirect_addr: Option<SocketAddr>,
    shutdown: CancellationToken,
    task: JoinHandle<anyhow::Result<()>>,
    /// The outbox's delivery worker.
    notifier: JoinHandle<()>,
    /// The sweeper's scheduled jobs.
    sweeper: crate::sweep::Running,
    /// The embedded TURN relay, unless turned off.
    turn: Option<crate::turn::Turn>,
    state: AppState,
}

impl Server {
    /// Opens the store and starts serving on `listener`.
    pub async fn start(config: Config, listener: TcpListener) -> anyhow::Result<Server> {
        let addr = listener.local_addr()?;
        // Bound first: a port in use stops start-up before anything else is opened.
        let redirect = match config.redirect_listen {
            Some(_) if config.tls.is_none() => anyhow::bail!(
                "invalid setting BECKON_REDIRECT_LISTEN: it redirects to HTTPS, so it needs \
                 BECKON_TLS_CERT and BECKON_TLS_KEY (or serve --self-signed)"
            ),
            Some(at) => Some(TcpListener::bind(at).await.with_context(|| {
                format!("invalid setting BECKON_REDIRECT_LISTEN: cannot listen on {at}")
            })?),
            None => None,
        };
        let store = Store::open_for(
            &config.data_dir,
            config.database_url.as_ref().map(|u| u.0.as_str()),
            crate::store::Options {
                cache_mb: config.cache_mb,
                reserve_mb: config.disk_reserve_mb,
                quick_repair: config.quick_repair,
            },
        )?;
        tracing::info!(backend = store.backend_name(), "store open");
        let links = LinkKey::load_or_create(&config.data_dir)
            .with_context(|| format!("reading the link key in {}", config.data_dir.display()))?;
        let link_key = links.bytes();
        let svc = Arc::new(Service::new(store, links, &config)?);
        let turn = match &config.relay {
            Some(relay) => {
                let turn = crate::turn::start(relay, &config.public_url).await?;
                svc.use_turn(turn.access.clone());
                Some(turn)
            }
            None => None,
        };
        // One catalogue for mails and pages: each language is parsed on first use, once.
        let catalog = Arc::new(crate::i18n::Catalog::new());
        let notifier =
            Notifier::new(svc.clone(), &config, catalog.clone()).map_err(|e| anyhow::anyhow!(e))?;

        let setup = if svc.has_admin()? {
            None
        } else {
            let token = crate::links::random_token();
            let base = config.public_url.as_str().trim_end_matches('/');
            // Printed, not logged: the operator needs it once, log files keep it forever.
            println!("No administrator exists yet. Create the first one at: {base}/setup/{token}");
            Some(token)
        };

        let apps = Arc::new(
            crate::assist_apps::Apps::load(&svc.settings().public_url, &config.assist_app_files)
                .context("the assist apps")?,
        );
        apps.log();

        let shutdown = CancellationToken::new();
        let state = AppState::new(http::Shared {
            svc: svc.clone(),
            metrics: Arc::new(http::metrics::Metrics::default()),
            leptos: LeptosOptions::builder()
                .output_name("beckon")
                .site_pkg_dir("pkg")
                .site_addr(addr)
                .env(leptos::config::Env::PROD)
                .build(),
            edge: Arc::new(http::client::Edge {
                tls: config.tls.is_some(),
                trusted_proxies: config.trusted_proxies.clone(),
            }),
            portal: Arc::new(http::Portal {
                svc: svc.clone(),
                mail: notifier.mail_status(),
                catalog: catalog.clone(),
                apps: apps.clone(),
            }),
            shutdown: shutdown.clone(),
            setup: Arc::new(Mutex::new(setup)),
            event_streams: crate::slots::Slots::new(config.max_event_streams_per_signin as usize),
            metrics_token: config.metrics_token.clone(),
            catalog,
            apps,
        });
        let app = http::router(state.clone());
        let tls = match &config.tls {
            None => None,
            Some(files) => {
                let tls = crate::tls::load(files).await?;
                crate::tls::reload_on_hangup(tls.clone(), files.clone(), shutdown.clone());
                Some(tls)
            }
        };
        let task = tokio::spawn(crate::listen::serve(
            listener,
            app,
            tls,
            config.connections,
            shutdown.clone(),
        ));
        let redirect_addr = match redirect {
            Some(l) => {
                let at = l.local_addr()?;
                crate::tls::serve_redirect(l, config.public_url.clone(), shutdown.clone());
                tracing::info!(%at, "redirecting plain HTTP to HTTPS");
                Some(at)
            }
            None => None,
        };
        // Not fatal: without it, backup and check need the server stopped (a data directory
        // path too long for a socket address, a file system without sockets).
        if let Err(e) =
            crate::control::listen(&config.data_dir, svc.clone(), link_key, shutdown.clone())
        {
            tracing::warn!("backup and check need the server stopped: {e:#}");
        }
        let notifier = notifier.spawn(shutdown.clone());
        let sweeper = crate::sweep::Sweeper::start(&svc, config.sweeper.clone())
            .await
            .context("starting the sweeper")?;
        tracing::info!(%addr, tls = config.tls.is_some(), "beckon is serving");
        Ok(Server {
            addr,
            redirect_addr,
            shutdown,
            task,
            notifier,
            sweeper,
            turn,
            state,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn redirect_addr(&self) -> Option<SocketAddr> {
        self.redirect_addr
    }

    /// Where the embedded relay listens (UDP and TCP), if it is on.
    pub fn relay_addr(&self) -> Option<SocketAddr> {
        self.turn.as_ref().map(|t| t.local)
    }

    /// The one-time setup token, while no admin exists (tests use it).
    pub fn setup_token(&self) -> Option<String> {
        self.state.setup.lock().expect("setup lock").clone()
    }

    pub fn service(&self) -> &Arc<Service> {
        &self.state.svc
    }

    /// Graceful stop: waits for in-flight requests and the mail batch under way, then
    /// releases the store.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        let result = self.task.await.context("server task")?;
        self.sweeper.stop().await;
        drop(self.turn);
        self.notifier.await.context("mail delivery task")?;
        drop(self.state);
        result
    }

    /// Runs until `signal` resolves, then stops gracefully.
    pub async fn run_until(
        self,
        signal: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<()> {
        let shutdown = self.shutdown.clone();
        tokio::select! {
            _ = signal => tracing::info!("shutting down: finishing in-flight requests"),
            _ = shutdown.cancelled() => {}
        }
        self.stop().await
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
