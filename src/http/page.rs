//! Rendered pages leave in one piece. Pages render asynchronously (`SsrMode::Async`): the
//! whole document exists before its first byte is sent, yet Leptos hands it over as a stream
//! of chunks (the page, then each resource's data), which hyper writes as a chunked body in
//! several system calls. Joined first, a page is one write with a `Content-Length`, and gzip
//! compresses it as a whole.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

pub async fn whole(req: Request, next: Next) -> Response {
    // Rendered to its end on a task of its own, even when the browser goes away meanwhile (a
    // refresh cut short by a click): Leptos disposes a page's reactive owner when its stream
    // is dropped, and the page's data still resolving would then find it gone and panic.
    let render = tokio::spawn(async move {
        let (parts, body) = next.run(req).await.into_parts();
        // No limit: the page is already in memory, this only joins its chunks.
        to_bytes(body, usize::MAX)
            .await
            .map(|bytes| Response::from_parts(parts, Body::from(bytes)))
    });
    match render.await {
        Ok(Ok(page)) => page,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "a rendered page could not be read");
            ApiError::internal().into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "rendering a page failed");
            ApiError::internal().into_response()
        }
    }
}
