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

#[utoipa::path(post, path = "/api/v1/assist/{token}/checkin", operation_id = "check_in", summary = "The end user arrives on their link", tag = "assist", request_body = CheckIn,
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
    let agent = st.svc.agent_name_of(&rec);
    let settings = st.svc.settings();
    let lang = st.catalog.lang(&rec.email_language);
    let mut json = CheckInJson::new(&st.svc, &rec);
    json.language = lang.code.to_owned();
    json.agent_name = agent.clone();
    json.texts = super::texts::app_texts(&lang, &rec, agent.as_deref(), &settings)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    Ok(Json(json))
}

/// The assist app's way in when it has a join code (from its file's name, or typed): the
/// link the code stands for. Rate-limited like link look-ups; the code redeems to nothing
/// the link itself does not allow.
#[utoipa::path(post, path = "/api/v1/assist/join", operation_id = "join_with_code", summary = "Exchange a short join code for the link it stands for", tag = "assist", request_body = JoinBody,
    responses((status = 200, body = JoinJson), (status = 400, body = super::ErrorJson), (status = 404, body = super::ErrorJson), (status = 410, body = super::ErrorJson), (status = 429)))]
pub async fn join(
    State(st): State<AppState>,
    Client { ip, .. }: Client,
    ApiJson(body): ApiJson<JoinBody>,
) -> ApiResult<Json<JoinJson>> {
    st.svc.check_link_rate(ip)?;
    let code = wire::JoinCode::parse(&body.code).ok_or_else(|| {
        ApiError::from(crate::service::ServiceError::invalid(
            "code",
            "must be the 8 letters and digits shown on the link page (e.g. K7QM-4XPA)",
        ))
    })?;
    let link = st.svc.run(move |s| s.redeem_join_code(code)).await?;
    Ok(Json(JoinJson { link }))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinBody {
    /// The join code (`K7QM-4XPA`; case, spaces and dashes do not matter).
    pub code: String,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct JoinJson {
    /// The request's link (`https://…/s/TOKEN`).
    pub link: String,
}

/// The end user ends the running session (the assist app's End, the page's Stop): back to
/// `waiting`, recorded as `session_ended` with reason `end_user`.
#[utoipa::path(post, path = "/api/v1/assist/{token}/end", operation_id = "end_session_as_end_user", summary = "The end user ends the session", tag = "assist",
    responses((status = 200, body = AssistStatusJson), (status = 404), (status = 409), (status = 410), (status = 429)))]
pub async fn end(
    State(st): State<AppState>,
    Client { ip, .. }: Client,
    EndUserDevice(device): EndUserDevice,
    Path(token): Path<String>,
) -> ApiResult<Json<AssistStatusJson>> {
    st.svc.check_link_rate(ip)?;
    let rec = st
        .svc
        .run(move |s| s.end_by_end_user(&token, &device))
        .await?;
    Ok(Json(AssistStatusJson::new(&st.svc, &rec)))
}

#[utoipa::path(get, path = "/api/v1/assist/{token}/prompt", operation_id = "get_prompt", summary = "The connect prompt waiting for the end user's answer", tag = "assist",
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

#[utoipa::path(post, path = "/api/v1/assist/{token}/consent", operation_id = "answer_prompt", summary = "The end user allows or denies an agent's connect", tag = "assist", request_body = Consent,
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
#[utoipa::path(post, path = "/api/v1/assist/{token}/control", operation_id = "decide_control", summary = "The end user grants or takes back control", tag = "assist", request_body = ControlDecision,
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

#[utoipa::path(post, path = "/api/v1/assist/{token}/decline", operation_id = "decline_session_request", summary = "The end user declines the request (This wasn't me)", tag = "assist",
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
#[utoipa::path(get, path = "/api/v1/assist/{token}/ws", operation_id = "end_user_session_socket", summary = "The end user's session socket (WebSocket)", tag = "assist",
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
