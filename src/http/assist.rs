//! The end user's API routes, `/api/v1/assist/{token}/…` (the link page itself is a Leptos
//! page, `app::pages::link`). The token is the
//! credential: every route is rate-limited per address, and the token never reaches a log
//! (spans and metrics use the route template, not the URI).

use std::time::Duration;

use axum::Json;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde_json::json;

use app::domain::{RequestId, Status};

use super::AppState;
use super::error::ApiResult;
use super::extract::{ApiJson, ClientIp};
use super::json::{AssistStatusJson, PromptEnvelope, PromptJson};
use crate::service::{CheckIn, Consent};

/// Largest message the end user's socket accepts (signalling and chat fit easily).
const WS_MAX_MESSAGE: usize = 64 * 1024;

#[utoipa::path(post, path = "/api/v1/assist/{token}/checkin", tag = "assist", request_body = CheckIn,
    responses((status = 200, body = AssistStatusJson), (status = 404, body = super::ErrorJson), (status = 410, body = super::ErrorJson), (status = 429)))]
pub async fn checkin(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<CheckIn>,
) -> ApiResult<Json<AssistStatusJson>> {
    st.svc.check_link_rate(ip)?;
    let rec = st.svc.run(move |s| s.checkin(&token, body)).await?;
    Ok(Json(AssistStatusJson::new(&st.svc, &rec)))
}

#[utoipa::path(get, path = "/api/v1/assist/{token}/prompt", tag = "assist",
    responses((status = 200, body = PromptEnvelope), (status = 404), (status = 410), (status = 429)))]
pub async fn prompt(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> ApiResult<Json<PromptEnvelope>> {
    st.svc.check_link_rate(ip)?;
    let prompt = st.svc.prompt(&token)?;
    Ok(Json(PromptEnvelope {
        prompt: prompt.as_ref().map(PromptJson::from),
    }))
}

#[utoipa::path(post, path = "/api/v1/assist/{token}/consent", tag = "assist", request_body = Consent,
    responses((status = 200, body = AssistStatusJson), (status = 400), (status = 404), (status = 409), (status = 410), (status = 429)))]
pub async fn consent(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<Consent>,
) -> ApiResult<Json<AssistStatusJson>> {
    st.svc.check_link_rate(ip)?;
    let rec = st.svc.run(move |s| s.consent(&token, body)).await?;
    Ok(Json(AssistStatusJson::new(&st.svc, &rec)))
}

#[utoipa::path(post, path = "/api/v1/assist/{token}/decline", tag = "assist",
    responses((status = 200, body = AssistStatusJson), (status = 404), (status = 410), (status = 429)))]
pub async fn decline(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> ApiResult<Json<AssistStatusJson>> {
    st.svc.check_link_rate(ip)?;
    let rec = st.svc.run(move |s| s.decline(&token)).await?;
    Ok(Json(AssistStatusJson::new(&st.svc, &rec)))
}

/// The end user's live channel: presence while open, status and connect prompts pushed as
/// they happen. (Session signalling and chat ride it in the end-user issue.)
#[utoipa::path(get, path = "/api/v1/assist/{token}/ws", tag = "assist",
    responses((status = 101, description = "WebSocket"), (status = 404), (status = 410), (status = 429)))]
pub async fn socket(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    ws: WebSocketUpgrade,
) -> ApiResult<Response> {
    st.svc.check_link_rate(ip)?;
    let rec = st.svc.assist_request(&token)?;
    Ok(ws
        .max_message_size(WS_MAX_MESSAGE)
        .max_frame_size(WS_MAX_MESSAGE)
        .on_upgrade(move |socket| run_socket(socket, st, rec.id, token)))
}

async fn run_socket(socket: WebSocket, st: AppState, id: RequestId, token: String) {
    let svc = st.svc.clone();
    svc.presence().socket_opened(id);
    let mut changes = svc.subscribe();
    let (mut tx, mut rx) = socket.split();
    let mut heartbeat = tokio::time::interval(Duration::from_secs(20));
    let snapshot = |svc: &crate::service::Service| -> Option<String> {
        let rec = svc.assist_request(&token).ok()?;
        let status = rec.status_at(jiff::Timestamp::now());
        let prompt = rec
            .prompt
            .as_ref()
            .filter(|_| status == Status::Waiting)
            .map(PromptJson::from);
        Some(json!({ "type": "status", "status": status.as_str(), "prompt": prompt }).to_string())
    };
    if let Some(msg) = snapshot(&svc)
        && tx.send(Message::Text(msg.into())).await.is_err()
    {
        svc.presence().socket_closed(id);
        return;
    }
    loop {
        tokio::select! {
            _ = st.shutdown.cancelled() => break,
            _ = heartbeat.tick() => {
                if tx.send(Message::Ping(Vec::new().into())).await.is_err() { break; }
            }
            change = changes.recv() => match change {
                Ok(c) if c.id != id => {}
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    let Some(msg) = snapshot(&svc) else {
                        // The link ended (closed, expired, reopened): say so and hang up.
                        let _ = tx.send(Message::Text(json!({"type":"status","status":"closed"}).to_string().into())).await;
                        break;
                    };
                    if tx.send(Message::Text(msg.into())).await.is_err() { break; }
                }
                Err(_) => break,
            },
            incoming = rx.next() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => svc.presence().touch(id),
            },
        }
    }
    svc.presence().socket_closed(id);
}
