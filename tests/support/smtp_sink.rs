//! A real SMTP server for tests and benchmarks: the `mailin` crate speaks the protocol (its
//! state machine and parser), this file gives it tokio sockets. It keeps every accepted
//! message in memory. It can be stopped and started again on the same port (an outage), and
//! refuses recipients at `bounce@…` with a 550 (a permanent failure).
//!
//! Shared by `tests/api` and the benches through `#[path]`.
#![allow(dead_code)]

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin::{Action, Handler, Response, SessionBuilder};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

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

    async fn start_with(addr: SocketAddr, inbox: Inbox) -> SmtpSink {
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
                let inbox = accept_inbox.clone();
                conns.spawn(async move {
                    let _ = serve(stream, peer.ip(), inbox).await;
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

async fn serve(stream: tokio::net::TcpStream, ip: IpAddr, inbox: Inbox) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut session = SessionBuilder::new("sink.test").build(
        ip,
        Collect {
            inbox,
            from: String::new(),
            to: Vec::new(),
            data: Vec::new(),
        },
    );
    write.write_all(&session.greeting().buffer()?).await?;
    let mut line = Vec::with_capacity(1024);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let res = session.process(&line);
        match res.action {
            Action::NoReply => {}
            Action::Reply => write.write_all(&res.buffer()?).await?,
            Action::Close | Action::UpgradeTls => {
                write.write_all(&res.buffer()?).await?;
                return Ok(());
            }
        }
    }
}
