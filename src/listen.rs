//! Accepting connections, with what a server facing the open internet needs beyond axum's
//! plain `serve`: a cap on connections per address (429), a deadline for each request's head
//! (408) and for idle kept-alive connections, TLS when configured, and a graceful stop.
//!
//! The deadlines live in `TimedIo`, a wrapper around the connection's byte stream that the
//! service wrapper tells whether a request is in flight: only a connection that waits for a
//! request is timed, so event streams and uploads are not, and a WebSocket stops being timed
//! once it is upgraded (its own heartbeat closes dead ones).

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use futures_util::task::AtomicWaker;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpListener;
use tokio::time::Sleep;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

use crate::config::ConnectionLimits;
use crate::slots::{Slot, Slots};

/// What a client over the per-address cap reads before the connection closes.
static TOO_MANY: LazyLock<Vec<u8>> = LazyLock::new(|| {
    answer(
        "429 Too Many Requests",
        "too_many_connections",
        "too many connections from this address",
    )
});
/// What a client that took too long to send a request's head reads.
static TOO_SLOW: LazyLock<Vec<u8>> = LazyLock::new(|| {
    answer(
        "408 Request Timeout",
        "request_timeout",
        "the request's head did not arrive in time",
    )
});

/// A whole HTTP/1.1 answer with the API's error body, written straight to the socket (these
/// come before, or instead of, any request the router could see).
fn answer(status: &str, code: &str, message: &str) -> Vec<u8> {
    let body = serde_json::json!({"error": {"code": code, "message": message}}).to_string();
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nretry-after: 10\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}
/// How long a graceful stop waits for connections to finish.
const DRAIN: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` (over TLS with `tls`) until `stop` is cancelled.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<axum_server::tls_rustls::RustlsConfig>,
    limits: ConnectionLimits,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    let slots = Slots::<IpAddr>::new(limits.max_per_address as usize);
    let tracker = TaskTracker::new();
    loop {
        let (stream, peer) = tokio::select! {
            _ = stop.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors and the like: wait a moment instead of spinning.
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let slot = slots.take(peer.ip());
        let (app, tls, stop) = (app.clone(), tls.clone(), stop.clone());
        tracker.spawn(async move {
            match tls {
                None => connection(stream, slot, peer, app, limits, stop).await,
                Some(tls) => {
                    let acceptor = tokio_rustls::TlsAcceptor::from(tls.get_inner());
                    // A failed or too slow handshake leaves nothing to answer on.
                    let handshake =
                        tokio::time::timeout(limits.header_read_timeout, acceptor.accept(stream));
                    if let Ok(Ok(stream)) = handshake.await {
                        connection(stream, slot, peer, app, limits, stop).await;
                    }
                }
            }
        });
    }
    tracker.close();
    if tokio::time::timeout(DRAIN, tracker.wait()).await.is_err() {
        tracing::warn!("stopping with connections still open");
    }
    Ok(())
}

/// Serves one connection (plain or TLS) for `peer`; `slot` is `None` when the address is
/// over its cap.
async fn connection<S>(
    mut stream: S,
    slot: Option<Slot<IpAddr>>,
    peer: SocketAddr,
    app: Router,
    limits: ConnectionLimits,
    stop: CancellationToken,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let Some(_slot) = slot else {
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            let _ = stream.write_all(&TOO_MANY).await;
            let _ = stream.shutdown().await;
        })
        .await;
        return;
    };
    let state = Arc::new(ConnState::default());
    let io = TokioIo::new(TimedIo::new(stream, state.clone(), limits));
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        let busy = Busy::enter(&state);
        let app = app.clone();
        let state = state.clone();
        async move {
            let res = app
                .oneshot(req.map(Body::new))
                .await
                .unwrap_or_else(|e: Infallible| match e {});
            if res.status() == axum::http::StatusCode::SWITCHING_PROTOCOLS {
                state.upgraded.store(true, Ordering::Relaxed);
            }
            // In flight until the body is sent (or dropped): an event stream is never idle.
            Ok::<_, Infallible>(res.map(|body| {
                Body::new(body.map_frame(move |frame| {
                    let _ = &busy;
                    frame
                }))
            }))
        }
    });
    let builder = Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection_with_upgrades(io, service);
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stop.cancelled() => conn.as_mut().graceful_shutdown(),
    }
    let _ = conn.await;
}

/// What the service knows of a connection and its byte stream needs.
#[derive(Default)]
struct ConnState {
    /// Requests whose response is not fully sent yet.
    busy: AtomicUsize,
    /// The connection became a WebSocket: no more HTTP deadlines.
    upgraded: AtomicBool,
    /// A request arrived since the stream last started waiting: its deadline starts afresh.
    arrived: AtomicBool,
    /// The reader to wake when the last request in flight finishes, so the idle deadline
    /// starts then (hyper may already be parked in a read).
    reader: AtomicWaker,
}

/// One request in flight, until dropped.
struct Busy(Arc<ConnState>);

impl Busy {
    fn enter(state: &Arc<ConnState>) -> Busy {
        state.busy.fetch_add(1, Ordering::Relaxed);
        state.arrived.store(true, Ordering::Relaxed);
        Busy(state.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if self.0.busy.fetch_sub(1, Ordering::Relaxed) == 1 {
            self.0.reader.wake();
        }
    }
}

/// A byte stream with the two deadlines of a connection that waits for a request: the whole
/// head within `header_read_timeout` of its first byte, and the first byte within
/// `idle_timeout` of the connection falling idle.
struct TimedIo<S> {
    inner: S,
    state: Arc<ConnState>,
    limits: ConnectionLimits,
    /// Running while the connection waits for a request; `None` while one is in flight.
    deadline: Option<Pin<Box<Sleep>>>,
    /// Bytes of a request's head have arrived since the connection fell idle.
    started: bool,
    /// The first bytes were HTTP/2's preface: a 408 in HTTP/1 words would be garbage.
    http2: Option<bool>,
    timed_out: bool,
}

impl<S> TimedIo<S> {
    fn new(inner: S, state: Arc<ConnState>, limits: ConnectionLimits) -> TimedIo<S> {
        TimedIo {
            inner,
            state,
            limits,
            deadline: None,
            started: false,
            http2: None,
            timed_out: false,
        }
    }

    fn waiting(&self) -> bool {
        self.state.busy.load(Ordering::Relaxed) == 0 && !self.state.upgraded.load(Ordering::Relaxed)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for TimedIo<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.timed_out {
            return Poll::Ready(Err(io::ErrorKind::TimedOut.into()));
        }
        this.state.reader.register(cx.waker());
        if this.state.arrived.swap(false, Ordering::Relaxed) || !this.waiting() {
            // A request is (or was just) in flight: the next wait starts a fresh deadline.
            this.deadline = None;
            this.started = false;
        }
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        let got = buf.filled().len() - before;
        if !this.waiting() {
            return polled;
        }
        if got > 0 {
            if this.http2.is_none() {
                this.http2 = Some(buf.filled()[before..].starts_with(b"PRI * HTTP/2"));
            }
            if !this.started {
                // The head has begun: it must be complete by the header deadline.
                this.started = true;
                this.deadline = Some(Box::pin(tokio::time::sleep(
                    this.limits.header_read_timeout,
                )));
            }
            return polled;
        }
        if !matches!(polled, Poll::Pending) {
            return polled;
        }
        let limits = this.limits;
        let deadline = this
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limits.idle_timeout)));
        if deadline.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        this.timed_out = true;
        if this.started && this.http2 != Some(true) {
            // Best effort: a few bytes into the socket buffer, then the connection closes.
            let _ = Pin::new(&mut this.inner).poll_write(cx, &TOO_SLOW);
            let _ = Pin::new(&mut this.inner).poll_flush(cx);
        }
        Poll::Ready(Err(io::ErrorKind::TimedOut.into()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for TimedIo<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
