//! The end user's API routes, `/api/v1/assist/{token}/…` (the link page itself is a Leptos
//! page, `app::pages::link`). The token is the
//! credential: every route is rate-limited per address, and the token never reaches a log
//! (spans and metrics use the route template, not the URI).

use axum::Json;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, State};
use axum::response::Response;

use super::AppState;
use super::client::Client;
use super::device::EndUserDevice;
use super::error::{ApiError, ApiResult};
use super::extract::ApiJson;
use super::json::{AssistStatusJson, CheckInJson, PromptEnvelope, PromptJson};
use super::socket::{Peer, upgrade};
use crate::service::{CheckIn, Consent, ControlDecision};

#[utoipa::path(post, path = "/api/v1/assist/{token}/checkin", tag = "assist", request_body = CheckIn,
    responses((status = 200, body = CheckInJson), (status = 404, body = super::ErrorJson), (status = 410, body = super::ErrorJson), (status = 429)))]
pub async fn checkin(
    State(st): State<AppState>,
    Client { ip, .. }: Client,
    EndUserDevice(device): EndUserDevice,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<CheckIn>,
) -> ApiResult<Json<CheckInJson>> {
    st.svc.check_link_rate(ip)?;
    let rec = st
        .svc
        .run(move |s| s.checkin(&token, &device, body))
        .await?;
    Ok(Json(CheckInJson::new(&st.svc, &rec)))
}

#[utoipa::path(get, path = "/api/v1/assist/{token}/prompt", tag = "assist",
    responses((status = 200, body = PromptEnvelope), (status = 404), (status = 410), (status = 429)))]
pub async fn prompt(
    State(st): State<AppState>,
    Client { ip, .. }: Client,
    EndUserDevice(device): EndUserDevice,
    Path(token): Path<String>,
) -> ApiResult<Json<PromptEnvelope>> {
    st.svc.check_link_rate(ip)?;
    let prompt = st.svc.prompt(&token, &device)?;
    Ok(Json(PromptEnvelope {
        prompt: prompt.as_ref().map(PromptJson::from),
    }))
}

#[utoipa::path(post, path = "/api/v1/assist/{token}/consent", tag = "assist", request_body = Consent,
    responses((status = 200, body = AssistStatusJson), (status = 400), (status = 404), (status = 409), (status = 410), (status = 429)))]
pub async fn consent(
    State(st): State<AppState>,
    Client { ip, .. }: Client,
    EndUserDevice(device): EndUserDevice,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<Consent>,
) -> ApiResult<Json<AssistStatusJson>> {
    st.svc.check_link_rate(ip)?;
    let rec = st
        .svc
        .run(move |s| s.consent(&token, &device, body))
        .await?;
    Ok(Json(AssistStatusJson::new(&st.svc, &rec)))
}

/// The end user gives an agent who asked (`control_request` on the socket) control of their
/// computer, or takes it back. Only in session, only to an agent they allowed to connect;
/// recorded on the timeline as `control_granted` / `control_revoked`.
#[utoipa::path(post, path = "/api/v1/assist/{token}/control", tag = "assist", request_body = ControlDecision,
    responses((status = 200, body = AssistStatusJson), (status = 400), (status = 404), (status = 409), (status = 410), (status = 429)))]
pub async fn control(
    State(st): State<AppState>,
    Client { ip, .. }: Client,
    EndUserDevice(device): EndUserDevice,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<ControlDecision>,
) -> ApiResult<Json<AssistStatusJson>> {
    st.svc.check_link_rate(ip)?;
    let rec = st
        .svc
        .run(move |s| s.control(&token, &device, body))
        .await?;
    Ok(Json(AssistStatusJson::new(&st.svc, &rec)))
}

#[utoipa::path(post, path = "/api/v1/assist/{token}/decline", tag = "assist",
    responses((status = 200, body = AssistStatusJson), (status = 404), (status = 410), (status = 429)))]
pub async fn decline(
    State(st): State<AppState>,
    Client { ip, .. }: Client,
    EndUserDevice(device): EndUserDevice,
    Path(token): Path<String>,
) -> ApiResult<Json<AssistStatusJson>> {
    st.svc.check_link_rate(ip)?;
    let rec = st.svc.run(move |s| s.decline(&token, &device)).await?;
    Ok(Json(AssistStatusJson::new(&st.svc, &rec)))
}

/// The end user's live channel: presence while open; status and connect prompts pushed as
/// they happen; the session's signalling and chat (`signal`).
#[utoipa::path(get, path = "/api/v1/assist/{token}/ws", tag = "assist",
    responses((status = 101, description = "WebSocket"), (status = 404), (status = 409), (status = 410), (status = 429)))]
pub async fn socket(
    State(st): State<AppState>,
    Client { ip, .. }: Client,
    EndUserDevice(device): EndUserDevice,
    Path(token): Path<String>,
    ws: WebSocketUpgrade,
) -> ApiResult<Response> {
    st.svc.check_link_rate(ip)?;
    let rec = st.svc.assist_request(&token, &device)?;
    let seat = st.svc.relay().join_end_user(rec.id).ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "too_many_connections",
            "this link has too many open connections",
        )
    })?;
    let peer = Peer::end_user(rec, seat, token, device);
    Ok(upgrade(ws, st, peer))
}
