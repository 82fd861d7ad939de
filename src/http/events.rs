//! `GET /api/v1/events`: server push of status changes, for agents who may view requests.

use std::convert::Infallible;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use futures_util::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use super::AppState;
use super::auth::Authed;
use super::error::{ApiError, ApiResult};
use super::json::ChangeJson;
use super::signin_guard::SignInGuard;
use axum::http::StatusCode;

#[utoipa::path(get, path = "/api/v1/events", operation_id = "stream_events", summary = "Changes to session requests as they happen (server-sent events)", tag = "session-requests",
    responses((status = 200, description = "text/event-stream of ChangeJson", content_type = "text/event-stream"), (status = 401), (status = 403), (status = 429, body = super::ErrorJson)))]
pub async fn stream(
    State(st): State<AppState>,
    auth: Authed,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    crate::service::require_view(&auth.agent)?;
    let Some(slot) = st.event_streams.take(auth.token.clone()) else {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_streams",
            "this sign-in has too many event streams open; close a tab or two",
        ));
    };
    let shutdown = st.shutdown.clone();
    // The stream ends when its sign-in does, or when the agent may no longer view requests.
    let mut guard = SignInGuard::new(st.svc.clone(), auth.token, crate::service::require_view);
    let changes = BroadcastStream::new(st.svc.subscribe())
        // A lagging client skips what it missed; the next list load catches it up.
        .filter_map(|c| async move { c.ok() })
        .map(|c| {
            let event = Event::default().event("status").id(c.id.to_string());
            Ok(event
                .json_data(ChangeJson::from(&c))
                .unwrap_or_else(|_| Event::default().comment("encode error")))
        })
        .take_until(async move {
            // Held for as long as the stream is open.
            let _slot = slot;
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = guard.lost() => {}
            }
        });
    Ok(Sse::new(changes).keep_alive(KeepAlive::default()))
}
