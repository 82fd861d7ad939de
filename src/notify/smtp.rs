//! SMTP with lettre's protocol client over our own small connection pool.
//!
//! Why not lettre's pooled transport: it writes a message and its terminating `.` in two
//! writes on sockets without `TCP_NODELAY`, so Nagle's algorithm holds the final dot until
//! the server's delayed ACK arrives (40 ms on Linux). That caps every connection at about
//! 25 mails a second, whatever the relay could take (measured: 360 mails/s over 16
//! connections on loopback). Our sockets set `TCP_NODELAY`; the SMTP dialogue itself —
//! EHLO, STARTTLS, AUTH, MAIL/RCPT/DATA, dot-stuffing — is still lettre's.
//!
//! A connection is reused while it has been idle less than `IDLE_MAX`; one that turns out
//! to be dead is replaced once, at once, so a relay's idle timeout never costs a retry.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use lettre::Message;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{
    AsyncSmtpConnection, AsyncTokioStream, Certificate, TlsParameters,
};
use lettre::transport::smtp::extension::ClientId;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use super::transport::SendError;
use crate::config::{SmtpConfig, SmtpTls};

/// Per connect, per SMTP exchange.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Idle connections older than this are closed rather than reused (relays drop idle clients
/// after a minute or more).
const IDLE_MAX: Duration = Duration::from_secs(30);

pub struct SmtpPool {
    host: String,
    port: u16,
    tls: SmtpTls,
    credentials: Option<Credentials>,
    hello: ClientId,
    /// For implicit TLS (SMTPS); STARTTLS goes through lettre's own TLS parameters.
    connector: tokio_rustls::TlsConnector,
    /// Extra roots for STARTTLS (the implicit-TLS connector has them already).
    ca_pem: Option<Vec<u8>>,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    /// At most this many connections at once.
    slots: Semaphore,
}

/// What went wrong with one attempt on one connection.
enum Failure {
    /// The relay answered with a 5xx: this message will never be taken.
    Refused(String),
    /// A 4xx, a timeout, or the connection broke.
    Deferred(String),
}

impl SmtpPool {
    pub fn new(cfg: &SmtpConfig, size: usize) -> Result<SmtpPool, String> {
        use rustls::pki_types::{CertificateDer, pem::PemObject};
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(pem) = &cfg.ca_pem {
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|e| format!("BECKON_SMTP_CA_FILE: {e}"))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("BECKON_SMTP_CA_FILE: {e}"))?;
            }
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        Ok(SmtpPool {
            host: cfg.host.clone(),
            port: cfg.port,
            tls: cfg.tls,
            credentials: cfg.user.as_ref().map(|u| {
                Credentials::new(
                    u.clone(),
                    cfg.password.as_ref().map_or(String::new(), |p| p.0.clone()),
                )
            }),
            hello: ClientId::default(),
            connector: tokio_rustls::TlsConnector::from(Arc::new(tls)),
            ca_pem: cfg.ca_pem.clone(),
            idle: Mutex::new(Vec::new()),
            slots: Semaphore::new(size),
        })
    }

    /// Sends one message; `Ok` once the relay accepted it.
    pub async fn send(&self, message: &Message) -> Result<(), SendError> {
        let _slot = self
            .slots
            .acquire()
            .await
            .expect("the pool's semaphore is never closed");
        let bytes = message.formatted();
        if let Some(mut conn) = self.take_idle() {
            match exchange(&mut conn, message, &bytes).await {
                Ok(()) => {
                    self.put_idle(conn);
                    return Ok(());
                }
                Err(Failure::Refused(e)) => {
                    conn.abort().await;
                    return Err(SendError::Permanent(e));
                }
                // Most likely the relay closed it while idle: try once on a fresh one.
                Err(Failure::Deferred(_)) => conn.abort().await,
            }
        }
        let mut conn = self.connect().await?;
        match exchange(&mut conn, message, &bytes).await {
            Ok(()) => {
                self.put_idle(conn);
                Ok(())
            }
            Err(Failure::Refused(e)) => {
                conn.abort().await;
                Err(SendError::Permanent(e))
            }
            Err(Failure::Deferred(e)) => {
                conn.abort().await;
                Err(SendError::Transient(e))
            }
        }
    }

    fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        while let Some((conn, since)) = idle.pop() {
            if since.elapsed() < IDLE_MAX {
                return Some(conn);
            }
            // Too old to trust; dropping closes the socket.
            drop(conn);
        }
        None
    }

    fn put_idle(&self, conn: AsyncSmtpConnection) {
        self.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((conn, Instant::now()));
    }

    /// A new, ready connection: TCP (no Nagle), TLS as configured, EHLO, AUTH. Every failure
    /// here is about the relay or its settings, never about a message: retry later.
    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let transient = |what: &str, e: &dyn std::fmt::Display| {
            SendError::Transient(format!("{what} {}:{}: {e}", self.host, self.port))
        };
        let tcp = timed(TcpStream::connect((self.host.as_str(), self.port)))
            .await
            .map_err(|e| transient("cannot connect to", &e))?
            .map_err(|e| transient("cannot connect to", &e))?;
        tcp.set_nodelay(true)
            .map_err(|e| transient("cannot set up the socket to", &e))?;
        let stream: Box<dyn AsyncTokioStream> = match self.tls {
            SmtpTls::Tls => {
                let name = rustls::pki_types::ServerName::try_from(self.host.clone())
                    .map_err(|e| transient("not a TLS server name:", &e))?;
                let tls = timed(self.connector.connect(name, tcp))
                    .await
                    .map_err(|e| transient("TLS with", &e))?
                    .map_err(|e| transient("TLS with", &e))?;
                Box::new(TlsStream(tls))
            }
            SmtpTls::None | SmtpTls::StartTls => Box::new(tcp),
        };
        let mut conn = timed(AsyncSmtpConnection::connect_with_transport(
            stream,
            &self.hello,
        ))
        .await
        .map_err(|e| transient("no greeting from", &e))?
        .map_err(|e| transient("no greeting from", &e))?;
        if self.tls == SmtpTls::StartTls {
            let mut params = TlsParameters::builder(self.host.clone());
            if let Some(pem) = &self.ca_pem {
                params = params.add_root_certificate(
                    Certificate::from_pem(pem).map_err(|e| transient("CA file for", &e))?,
                );
            }
            let params = params
                .build_rustls()
                .map_err(|e| transient("TLS parameters for", &e))?;
            timed(conn.starttls(params, &self.hello))
                .await
                .map_err(|e| transient("STARTTLS with", &e))?
                .map_err(|e| transient("STARTTLS with", &e))?;
        }
        if let Some(c) = &self.credentials {
            timed(conn.auth(&[Mechanism::Plain, Mechanism::Login], c))
                .await
                .map_err(|e| transient("signing in to", &e))?
                .map_err(|e| transient("signing in to", &e))?;
        }
        Ok(conn)
    }
}

/// One MAIL/RCPT/DATA exchange on an open connection.
async fn exchange(
    conn: &mut AsyncSmtpConnection,
    message: &Message,
    bytes: &[u8],
) -> Result<(), Failure> {
    match timed(conn.send(message.envelope(), bytes)).await {
        Err(e) => Err(Failure::Deferred(e.to_string())),
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) if e.is_permanent() => Err(Failure::Refused(e.to_string())),
        Ok(Err(e)) => Err(Failure::Deferred(e.to_string())),
    }
}

#[derive(Debug, thiserror::Error)]
#[error("timed out after {} s", TIMEOUT.as_secs())]
struct TimedOut;

async fn timed<T>(f: impl std::future::Future<Output = T>) -> Result<T, TimedOut> {
    tokio::time::timeout(TIMEOUT, f).await.map_err(|_| TimedOut)
}

/// An implicit-TLS stream in the shape lettre's client takes.
#[derive(Debug)]
struct TlsStream(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncRead for TlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for TlsStream {
    fn peer_addr(&self) -> std::io::Result<SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}
