//! `/api/v1/session-requests`: thin handlers over the service's use cases.

use app::domain::{Id, RequestId};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::auth::Authed;
use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, ApiQuery};
use super::json::{PageJson, RequestDetailJson, RequestJson};
use super::signin_guard::SignInGuard;
use crate::service::{ListQuery, NewRequest, RequestPatch};

/// Parses an ID from a path; anything that is not one is simply unknown.
pub fn path_id<K>(s: &str) -> ApiResult<Id<K>> {
    s.parse().map_err(|_| ApiError::not_found())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `upcoming`, `active` or `past`.
    view: Option<String>,
    /// Repeatable: `status=open&status=waiting`.
    #[serde(default)]
    status: Vec<String>,
    /// `me`, `unassigned`, or an agent or client ID.
    assignee: Option<String>,
    /// Free text over name, email and comment: each word must begin a word of one of them,
    /// ignoring case (`gra fis` finds "Grace Fischer"; in Chinese, Japanese and Korean text
    /// any part of a word).
    q: Option<String>,
    /// 1..=200, default 50.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    cursor: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ReopenBody {
    #[schema(value_type = Option<String>, format = DateTime)]
    expires_at: Option<Timestamp>,
}

#[utoipa::path(post, path = "/api/v1/session-requests", operation_id = "create_session_request", summary = "Create a session request", tag = "session-requests", request_body = NewRequest,
    responses((status = 201, body = RequestJson), (status = 400, body = super::ErrorJson), (status = 401), (status = 403)))]
pub async fn create(
    State(st): State<AppState>,
    auth: Authed,
    ApiJson(input): ApiJson<NewRequest>,
) -> ApiResult<(StatusCode, Json<RequestJson>)> {
    // Checked and awaited on this task: no blocking-pool hand-off (`create_request_async`).
    let rec = st.svc.create_request_async(&auth.agent, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(RequestJson::new(&st.svc, &auth.agent, &rec)),
    ))
}

#[utoipa::path(get, path = "/api/v1/session-requests", operation_id = "list_session_requests", summary = "List session requests by view, status, assignee and search words", tag = "session-requests", params(ListParams),
    responses((status = 200, body = PageJson), (status = 400, body = super::ErrorJson), (status = 401), (status = 403)))]
pub async fn list(
    State(st): State<AppState>,
    auth: Authed,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<PageJson>> {
    let svc = &st.svc;
    let query = ListQuery::parse(
        p.view.as_deref(),
        &p.status,
        p.assignee.as_deref(),
        p.q.as_deref(),
        p.limit.as_deref(),
        p.cursor.as_deref(),
        |id| svc.assignee_kind(id),
    )?;
    // A filtered page may scan many records: keep it off the async workers.
    let caller = auth.agent;
    let page = {
        let caller = caller.clone();
        svc.run(move |s| s.list_requests(&caller, query)).await?
    };
    Ok(Json(PageJson {
        items: page
            .items
            .iter()
            .map(|r| RequestJson::new(svc, &caller, r))
            .collect(),
        next_cursor: page.next_cursor.map(|c| c.to_string()),
    }))
}

#[utoipa::path(get, path = "/api/v1/session-requests/{id}", operation_id = "get_session_request", summary = "A session request with its timeline", tag = "session-requests",
    responses((status = 200, body = RequestDetailJson), (status = 404, body = super::ErrorJson)))]
pub async fn get(
    State(st): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<RequestDetailJson>> {
    let id: RequestId = path_id(&id)?;
    let (rec, events) = st.svc.get_request(&auth.agent, id)?;
    Ok(Json(RequestDetailJson {
        request: RequestJson::new(&st.svc, &auth.agent, &rec),
        events: events.iter().map(Into::into).collect(),
    }))
}

#[utoipa::path(patch, path = "/api/v1/session-requests/{id}", operation_id = "edit_session_request", summary = "Edit a session request", tag = "session-requests", request_body = RequestPatch,
    params(("If-Match" = Option<String>, Header, description = "the `version` the edit is based on; 409 `version_conflict` if the request changed since")),
    responses((status = 200, body = RequestJson), (status = 400, body = super::ErrorJson), (status = 409, body = super::ErrorJson)))]
pub async fn edit(
    State(st): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    ApiJson(mut patch): ApiJson<RequestPatch>,
) -> ApiResult<Json<RequestJson>> {
    let id: RequestId = path_id(&id)?;
    // `If-Match: "VERSION"` (quoted as an entity tag, or bare); `*` matches any version.
    if let Some(v) = headers
        .get(axum::http::header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .filter(|v| *v != "*")
    {
        patch.version = Some(v.to_owned());
    }
    let caller = auth.agent;
    let rec = {
        let caller = caller.clone();
        st.svc
            .run(move |s| s.edit_request(&caller, id, patch))
            .await?
    };
    Ok(Json(RequestJson::new(&st.svc, &caller, &rec)))
}

/// The lifecycle actions share one shape: authenticate, parse the ID, run the use case.
macro_rules! action {
    ($name:ident, $path:literal, $op:literal, $summary:literal, $status:expr, $code:literal, $call:ident) => {
        #[utoipa::path(post, path = $path, operation_id = $op, summary = $summary, tag = "session-requests",
            responses((status = $code, body = RequestJson), (status = 404, body = super::ErrorJson), (status = 409, body = super::ErrorJson)))]
        pub async fn $name(
            State(st): State<AppState>,
            auth: Authed,
            Path(id): Path<String>,
        ) -> ApiResult<(StatusCode, Json<RequestJson>)> {
            let id: RequestId = path_id(&id)?;
            let caller = auth.agent;
            let rec = {
                let caller = caller.clone();
                st.svc.run(move |s| s.$call(&caller, id)).await?
            };
            Ok(($status, Json(RequestJson::new(&st.svc, &caller, &rec))))
        }
    };
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ConnectBody {
    /// Start the session as soon as the end user allows (default `false`: `ready`, and the
    /// agent starts it).
    #[serde(default)]
    start: bool,
}

#[utoipa::path(post, path = "/api/v1/session-requests/{id}/connect", operation_id = "connect_session_request", summary = "Ask the end user to let the calling agent connect", tag = "session-requests", request_body = ConnectBody,
    responses((status = 202, body = RequestJson), (status = 400, body = super::ErrorJson), (status = 404, body = super::ErrorJson), (status = 409, body = super::ErrorJson)))]
pub async fn connect(
    State(st): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ConnectBody>,
) -> ApiResult<(StatusCode, Json<RequestJson>)> {
    let id: RequestId = path_id(&id)?;
    let caller = auth.agent;
    let rec = {
        let caller = caller.clone();
        st.svc
            .run(move |s| s.connect(&caller, id, body.start))
            .await?
    };
    Ok((
        StatusCode::ACCEPTED,
        Json(RequestJson::new(&st.svc, &caller, &rec)),
    ))
}
action!(
    start,
    "/api/v1/session-requests/{id}/start",
    "start_session",
    "Start the session",
    StatusCode::OK,
    200,
    start
);
action!(
    close,
    "/api/v1/session-requests/{id}/close",
    "close_session_request",
    "Close the request (its link ends; the recipient is told)",
    StatusCode::OK,
    200,
    close
);
action!(
    release,
    "/api/v1/session-requests/{id}/release",
    "release_link",
    "Free the link from the device it is bound to",
    StatusCode::OK,
    200,
    release
);
action!(
    resend,
    "/api/v1/session-requests/{id}/resend",
    "resend_invitation",
    "Send the invitation again",
    StatusCode::ACCEPTED,
    202,
    resend
);

/// What becomes of the request when its session ends.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AfterEnd {
    /// Back to `waiting`: the end user may be helped again through the same link.
    Keep,
    /// `closed`: the link stops working.
    Close,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct EndBody {
    /// Without it, the `session_end` setting decides (default `keep`).
    then: Option<AfterEnd>,
}

#[utoipa::path(post, path = "/api/v1/session-requests/{id}/end", operation_id = "end_session", summary = "End the session", tag = "session-requests", request_body = EndBody,
    responses((status = 200, body = RequestJson), (status = 400, body = super::ErrorJson), (status = 404, body = super::ErrorJson), (status = 409, body = super::ErrorJson)))]
pub async fn end(
    State(st): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EndBody>,
) -> ApiResult<Json<RequestJson>> {
    let id: RequestId = path_id(&id)?;
    let keep = body.then.map(|t| matches!(t, AfterEnd::Keep));
    let caller = auth.agent;
    let rec = {
        let caller = caller.clone();
        st.svc.run(move |s| s.end(&caller, id, keep)).await?
    };
    Ok(Json(RequestJson::new(&st.svc, &caller, &rec)))
}

#[utoipa::path(post, path = "/api/v1/session-requests/{id}/reopen", operation_id = "reopen_session_request", summary = "Reopen a finished request with a new link", tag = "session-requests", request_body = ReopenBody,
    responses((status = 200, body = RequestJson), (status = 400, body = super::ErrorJson), (status = 409, body = super::ErrorJson)))]
pub async fn reopen(
    State(st): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReopenBody>,
) -> ApiResult<Json<RequestJson>> {
    let id: RequestId = path_id(&id)?;
    let caller = auth.agent;
    let rec = {
        let caller = caller.clone();
        st.svc
            .run(move |s| s.reopen(&caller, id, body.expires_at))
            .await?
    };
    Ok(Json(RequestJson::new(&st.svc, &caller, &rec)))
}

/// An agent's live view of a session: status and the end user's presence as they change, the
/// end user's screen (WebRTC signalling) and chat. Needs the right to connect.
#[utoipa::path(get, path = "/api/v1/session-requests/{id}/ws", operation_id = "agent_session_socket", summary = "The agent's session socket (WebSocket)", tag = "session-requests",
    responses((status = 101, description = "WebSocket"), (status = 403, body = super::ErrorJson), (status = 404, body = super::ErrorJson), (status = 409, body = super::ErrorJson)))]
pub async fn socket(
    State(st): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    ws: axum::extract::ws::WebSocketUpgrade,
) -> ApiResult<axum::response::Response> {
    use super::socket::{Peer, upgrade};
    // Browsers send cookies with cross-site socket upgrades too: only our own pages may
    // open one (tools without an Origin header authenticate with a bearer token).
    if super::auth::from_other_site(&headers, &st.svc.settings().public_url) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "a session socket must come from this site",
        ));
    }
    let id: RequestId = path_id(&id)?;
    let agent = auth.agent;
    let (name, agent_id) = (agent.name.clone(), agent.id);
    let (rec, assignee) = st.svc.run(move |s| s.session_peer(&agent, id)).await?;
    let who = crate::service::AgentSeat {
        agent: agent_id,
        assignee,
    };
    let seat = st.svc.relay().join_agent(rec.id, who).ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "too_many_connections",
            "too many agents are watching this session",
        )
    })?;
    // The socket lives only as long as the sign-in that opened it, with the right to connect.
    let guard = SignInGuard::new(st.svc.clone(), auth.token, crate::service::require_edit);
    Ok(upgrade(
        ws,
        st,
        Peer::agent(&rec, seat, name, agent_id, guard),
    ))
}
