//! A real SMTP server for tests and benchmarks: the `mailin` crate speaks the protocol (its
//! state machine and parser), this file gives it tokio sockets, and optionally TLS (STARTTLS
//! or implicit, through tokio-rustls) and AUTH. It keeps every accepted message in memory.
//! It can be stopped and started again on the same port (an outage), and refuses recipients
//! at `bounce@…` with a 550 (a permanent failure).
//!
//! Shared by `tests/api` and the benches through `#[path]`.
#![allow(dead_code)]

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin::{Action, AuthMechanism, Handler, Response, Session, SessionBuilder};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

/// How the sink secures and guards its connections.
#[derive(Clone, Default)]
pub struct SinkOptions {
    /// TLS with this acceptor: from the first byte (`implicit`) or after STARTTLS.
    pub tls: Option<(tokio_rustls::TlsAcceptor, bool)>,
    /// Required AUTH credentials (user, password).
    pub auth: Option<(String, String)>,
}

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<Received>>>);

struct Collect {
    inbox: Inbox,
    auth: Option<(String, String)>,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Collect {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        self.from = from.to_owned();
        self.to.clear();
        mailin::response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        if to.starts_with("bounce@") {
            return mailin::response::NO_MAILBOX;
        }
        self.to.push(to.to_owned());
        mailin::response::OK
    }

    fn data_start(&mut self, _: &str, _: &str, _: bool, _: &[String]) -> Response {
        self.data.clear();
        mailin::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn auth_plain(&mut self, _authz: &str, user: &str, password: &str) -> Response {
        self.auth_login(user, password)
    }

    fn auth_login(&mut self, user: &str, password: &str) -> Response {
        match &self.auth {
            Some((u, p)) if u == user && p == password => mailin::response::AUTH_OK,
            _ => mailin::response::INVALID_CREDENTIALS,
        }
    }

    fn data_end(&mut self) -> Response {
        self.inbox.0.lock().unwrap().push(Received {
            from: self.from.clone(),
            to: self.to.clone(),
            data: std::mem::take(&mut self.data),
        });
        mailin::response::OK
    }
}

pub struct SmtpSink {
    pub addr: SocketAddr,
    inbox: Inbox,
    tasks: JoinSet<()>,
}

impl SmtpSink {
    /// Listens on a free loopback port.
    pub async fn start() -> SmtpSink {
        Self::start_on("127.0.0.1:0".parse().unwrap()).await
    }

    /// Listens on `addr` (to come back on the port of an earlier, stopped sink).
    pub async fn start_on(addr: SocketAddr) -> SmtpSink {
        Self::start_with(addr, Inbox::default()).await
    }

    /// Listens on a free loopback port with TLS and/or AUTH.
    pub async fn start_secure(options: SinkOptions) -> SmtpSink {
        Self::start_full("127.0.0.1:0".parse().unwrap(), Inbox::default(), options).await
    }

    async fn start_with(addr: SocketAddr, inbox: Inbox) -> SmtpSink {
        Self::start_full(addr, inbox, SinkOptions::default()).await
    }

    async fn start_full(addr: SocketAddr, inbox: Inbox, options: SinkOptions) -> SmtpSink {
        let listener = TcpListener::bind(addr).await.expect("bind the SMTP sink");
        let addr = listener.local_addr().unwrap();
        let mut tasks = JoinSet::new();
        let accept_inbox = inbox.clone();
        tasks.spawn(async move {
            let mut conns = JoinSet::new();
            loop {
                let Ok((stream, peer)) = listener.accept().await else {
                    continue;
                };
                let (inbox, options) = (accept_inbox.clone(), options.clone());
                conns.spawn(async move {
                    let _ = serve(stream, peer.ip(), inbox, options).await;
                });
                while conns.try_join_next().is_some() {}
            }
        });
        SmtpSink { addr, inbox, tasks }
    }

    /// A free loopback port with nothing listening on it (yet).
    pub fn free_port() -> SocketAddr {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
    }

    pub fn mails(&self) -> Vec<Received> {
        self.inbox.0.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.inbox.0.lock().unwrap().len()
    }

    /// Waits until at least `n` messages arrived (panics after `timeout`).
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            assert!(
                start.elapsed() < timeout,
                "expected {n} mails within {timeout:?}, got {}",
                mails.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops listening and drops every open connection (an outage).
    pub async fn stop(mut self) {
        self.tasks.shutdown().await;
    }
}

async fn serve(
    tcp: tokio::net::TcpStream,
    ip: IpAddr,
    inbox: Inbox,
    options: SinkOptions,
) -> io::Result<()> {
    tcp.set_nodelay(true)?;
    let mut builder = SessionBuilder::new("sink.test");
    if options.auth.is_some() {
        builder
            .enable_auth(AuthMechanism::Plain)
            .enable_auth(AuthMechanism::Login);
    }
    let handler = Collect {
        inbox,
        auth: options.auth.clone(),
        from: String::new(),
        to: Vec::new(),
        data: Vec::new(),
    };
    match options.tls {
        None => {
            let mut session = builder.build(ip, handler);
            converse(tcp, &mut session, true).await?;
        }
        Some((acceptor, true)) => {
            // The transport is TLS already: AUTH may be offered at once.
            builder.insecure_enable_plaintext_auth();
            let mut session = builder.build(ip, handler);
            let tls = acceptor.accept(tcp).await?;
            converse(tls, &mut session, true).await?;
        }
        Some((acceptor, false)) => {
            builder.enable_start_tls();
            let mut session = builder.build(ip, handler);
            if let Some(tcp) = converse(tcp, &mut session, true).await? {
                let tls = acceptor.accept(tcp).await?;
                session.tls_active();
                converse(tls, &mut session, false).await?;
            }
        }
    }
    Ok(())
}

/// Runs the dialogue on `stream`; hands the stream back when the client asked for STARTTLS.
async fn converse<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    session: &mut Session<Collect>,
    greet: bool,
) -> io::Result<Option<S>> {
    let mut stream = BufReader::new(stream);
    if greet {
        stream.write_all(&session.greeting().buffer()?).await?;
    }
    let mut line = Vec::with_capacity(1024);
    loop {
        line.clear();
        if stream.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        let res = session.process(&line);
        match res.action {
            Action::NoReply => {}
            Action::Reply => stream.write_all(&res.buffer()?).await?,
            Action::Close => {
                stream.write_all(&res.buffer()?).await?;
                return Ok(None);
            }
            Action::UpgradeTls => {
                stream.write_all(&res.buffer()?).await?;
                stream.flush().await?;
                return Ok(Some(stream.into_inner()));
            }
        }
    }
}
