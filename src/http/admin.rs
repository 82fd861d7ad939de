//! Sign-in, the signed-in agent, and the admin routes for agents and clients.

use app::domain::{AgentId, ClientId};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use super::AppState;
use super::auth::{Authed, cleared_cookie, session_cookie};
use super::client::Client;
use super::error::ApiResult;
use super::extract::ApiJson;
use super::json::{AgentJson, ClientJson, LoginJson};
use super::requests::path_id;
use crate::service::{AgentPatch, ClientPatch, NewAgent, NewClient};

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginBody {
    email: String,
    password: String,
    /// The one-time code, for an agent who turned on two-factor sign-in (else 401
    /// `totp_required` after a right password).
    totp: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/auth/login", operation_id = "login", summary = "Sign in with email and password (and a second-factor code when it is on)", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = LoginJson), (status = 401, body = super::ErrorJson), (status = 429, body = super::ErrorJson)))]
pub async fn login(
    State(st): State<AppState>,
    Client { ip, https }: Client,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<Response> {
    // Sign-in sets the portal's cookie: a page on another site must not sign a browser in
    // (login CSRF). JSON only (`ApiJson`), and no foreign Origin.
    if super::auth::from_other_site(&headers, &st.svc.settings().public_url) {
        return Err(super::error::ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_site",
            "cross-site requests are not allowed",
        ));
    }
    let (token, agent) = st
        .svc
        .run(move |s| s.login_with_code(ip, &body.email, &body.password, body.totp.as_deref()))
        .await?;
    let cookie = session_cookie(&token, https, st.svc.signin_lifetime());
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(LoginJson {
            token,
            agent: (&agent).into(),
        }),
    )
        .into_response())
}

#[utoipa::path(post, path = "/api/v1/auth/logout", operation_id = "logout", summary = "End this sign-in", tag = "auth", responses((status = 204), (status = 401)))]
pub async fn logout(
    State(st): State<AppState>,
    client: Client,
    auth: Authed,
) -> ApiResult<Response> {
    st.svc.run(move |s| s.logout(&auth.token)).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cleared_cookie(client.https))],
    )
        .into_response())
}

/// Ends every sign-in of the caller (this one too).
#[utoipa::path(post, path = "/api/v1/auth/logout-all", operation_id = "logout_everywhere", summary = "End every sign-in of the calling agent", tag = "auth", responses((status = 204), (status = 401)))]
pub async fn logout_all(
    State(st): State<AppState>,
    client: Client,
    auth: Authed,
) -> ApiResult<Response> {
    let agent = auth.agent;
    st.svc.run(move |s| s.logout_everywhere(&agent)).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cleared_cookie(client.https))],
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordBody {
    current_password: String,
    new_password: String,
}

/// The caller's own password; every other sign-in of theirs ends.
#[utoipa::path(post, path = "/api/v1/me/password", operation_id = "change_password", summary = "Change the calling agent's password", tag = "auth", request_body = PasswordBody,
    responses((status = 204), (status = 400, body = super::ErrorJson), (status = 401), (status = 429, body = super::ErrorJson)))]
pub async fn change_password(
    State(st): State<AppState>,
    Client { ip, .. }: Client,
    auth: Authed,
    ApiJson(body): ApiJson<PasswordBody>,
) -> ApiResult<StatusCode> {
    st.svc
        .run(move |s| {
            s.change_own_password(
                ip,
                &auth.agent,
                &auth.token,
                &body.current_password,
                &body.new_password,
            )
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts setting up two-factor sign-in: the secret for the authenticator app.
#[utoipa::path(post, path = "/api/v1/me/totp", operation_id = "begin_totp", summary = "Begin turning on two-factor sign-in", tag = "auth",
    responses((status = 200, body = crate::service::TotpSetup), (status = 401), (status = 409, body = super::ErrorJson)))]
pub async fn totp_begin(
    State(st): State<AppState>,
    auth: Authed,
) -> ApiResult<Json<crate::service::TotpSetup>> {
    Ok(Json(st.svc.run(move |s| s.totp_begin(&auth.agent)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct TotpCodeBody {
    code: String,
}

/// Turns two-factor sign-in on with a first code from the app.
#[utoipa::path(post, path = "/api/v1/me/totp/confirm", operation_id = "confirm_totp", summary = "Turn two-factor sign-in on with a first code", tag = "auth", request_body = TotpCodeBody,
    responses((status = 204), (status = 400, body = super::ErrorJson), (status = 401), (status = 409, body = super::ErrorJson)))]
pub async fn totp_confirm(
    State(st): State<AppState>,
    auth: Authed,
    ApiJson(body): ApiJson<TotpCodeBody>,
) -> ApiResult<StatusCode> {
    st.svc
        .run(move |s| s.totp_confirm(&auth.agent, &body.code))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct TotpOffBody {
    password: String,
}

/// Turns two-factor sign-in off (the password proves it is you).
#[utoipa::path(post, path = "/api/v1/me/totp/disable", operation_id = "disable_totp", summary = "Turn two-factor sign-in off", tag = "auth", request_body = TotpOffBody,
    responses((status = 204), (status = 400, body = super::ErrorJson), (status = 401), (status = 403), (status = 429, body = super::ErrorJson)))]
pub async fn totp_disable(
    State(st): State<AppState>,
    Client { ip, .. }: Client,
    auth: Authed,
    ApiJson(body): ApiJson<TotpOffBody>,
) -> ApiResult<StatusCode> {
    st.svc
        .run(move |s| s.totp_disable(ip, &auth.agent, &body.password))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/me", operation_id = "get_me", summary = "The calling agent", tag = "auth", responses((status = 200, body = AgentJson), (status = 401)))]
pub async fn me(auth: Authed) -> Json<AgentJson> {
    Json((&auth.agent).into())
}

#[utoipa::path(get, path = "/api/v1/agents", operation_id = "list_agents", summary = "List agents", tag = "admin", responses((status = 200, body = [AgentJson]), (status = 403)))]
pub async fn list_agents(
    State(st): State<AppState>,
    auth: Authed,
) -> ApiResult<Json<Vec<AgentJson>>> {
    Ok(Json(
        st.svc
            .list_agents(&auth.agent)?
            .iter()
            .map(Into::into)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/agents", operation_id = "create_agent", summary = "Add an agent", tag = "admin", request_body = NewAgent,
    responses((status = 201, body = AgentJson), (status = 400, body = super::ErrorJson), (status = 403), (status = 409)))]
pub async fn create_agent(
    State(st): State<AppState>,
    auth: Authed,
    ApiJson(body): ApiJson<NewAgent>,
) -> ApiResult<(StatusCode, Json<AgentJson>)> {
    let agent = st
        .svc
        .run(move |s| s.create_agent(&auth.agent, body))
        .await?;
    Ok((StatusCode::CREATED, Json((&agent).into())))
}

#[utoipa::path(patch, path = "/api/v1/agents/{id}", operation_id = "update_agent", summary = "Change an agent (role, permissions, disabled, password, language)", tag = "admin", request_body = AgentPatch,
    responses((status = 200, body = AgentJson), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn update_agent(
    State(st): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AgentPatch>,
) -> ApiResult<Json<AgentJson>> {
    let id: AgentId = path_id(&id)?;
    let agent = st
        .svc
        .run(move |s| s.update_agent(&auth.agent, id, body))
        .await?;
    Ok(Json((&agent).into()))
}

#[utoipa::path(get, path = "/api/v1/clients", operation_id = "list_clients", summary = "List clients", tag = "admin", responses((status = 200, body = [ClientJson]), (status = 403)))]
pub async fn list_clients(
    State(st): State<AppState>,
    auth: Authed,
) -> ApiResult<Json<Vec<ClientJson>>> {
    Ok(Json(
        st.svc
            .list_clients(&auth.agent)?
            .iter()
            .map(Into::into)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/clients", operation_id = "create_client", summary = "Add a client", tag = "admin", request_body = NewClient,
    responses((status = 201, body = ClientJson), (status = 400), (status = 403)))]
pub async fn create_client(
    State(st): State<AppState>,
    auth: Authed,
    ApiJson(body): ApiJson<NewClient>,
) -> ApiResult<(StatusCode, Json<ClientJson>)> {
    let client = st
        .svc
        .run(move |s| s.create_client(&auth.agent, body))
        .await?;
    Ok((StatusCode::CREATED, Json((&client).into())))
}

#[utoipa::path(patch, path = "/api/v1/clients/{id}", operation_id = "update_client", summary = "Change a client's name or members", tag = "admin", request_body = ClientPatch,
    responses((status = 200, body = ClientJson), (status = 400), (status = 403), (status = 404)))]
pub async fn update_client(
    State(st): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ClientPatch>,
) -> ApiResult<Json<ClientJson>> {
    let id: ClientId = path_id(&id)?;
    let client = st
        .svc
        .run(move |s| s.update_client(&auth.agent, id, body))
        .await?;
    Ok(Json((&client).into()))
}

/// Durations are written as people write them: `7d`, `36h`, `2weeks`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SettingsBody {
    organisation: Option<String>,
    #[schema(example = "7d")]
    default_expiry: Option<String>,
    #[schema(example = "30d")]
    max_expiry: Option<String>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct SettingsJson {
    organisation: String,
    public_url: String,
    default_expiry: String,
    default_expiry_secs: u64,
    max_expiry: String,
    max_expiry_secs: u64,
    /// The organisation's logo shown on link pages (`PUT /api/v1/settings/logo`), if any.
    logo_url: Option<String>,
}

impl SettingsJson {
    fn of(s: &crate::service::Settings, svc: &crate::service::Service) -> Self {
        SettingsJson {
            organisation: s.organisation.clone(),
            public_url: s.public_url.clone(),
            default_expiry: humantime::format_duration(s.default_expiry).to_string(),
            default_expiry_secs: s.default_expiry.as_secs(),
            max_expiry: humantime::format_duration(s.max_expiry).to_string(),
            max_expiry_secs: s.max_expiry.as_secs(),
            logo_url: svc.logo().map(|l| super::logo::url(&l)),
        }
    }
}

/// Parses a patch of settings as typed (REST body or portal form), naming a bad field.
pub fn settings_patch(
    organisation: Option<String>,
    default_expiry: Option<String>,
    max_expiry: Option<String>,
) -> Result<crate::service::SettingsPatch, crate::service::ServiceError> {
    let span = |field: &str, v: Option<String>| {
        v.filter(|v| !v.trim().is_empty())
            .map(|v| {
                humantime::parse_duration(v.trim()).map_err(|_| {
                    crate::service::ServiceError::invalid(
                        field,
                        "must be a duration such as 7d or 36h",
                    )
                })
            })
            .transpose()
    };
    Ok(crate::service::SettingsPatch {
        organisation,
        default_expiry: span("default_expiry", default_expiry)?,
        max_expiry: span("max_expiry", max_expiry)?,
    })
}

#[utoipa::path(get, path = "/api/v1/settings", operation_id = "get_settings", summary = "The settings in force", tag = "admin", responses((status = 200, body = SettingsJson), (status = 403)))]
pub async fn get_settings(
    State(st): State<AppState>,
    auth: Authed,
) -> ApiResult<Json<SettingsJson>> {
    let s = st.svc.settings_for_admin(&auth.agent)?;
    Ok(Json(SettingsJson::of(&s, &st.svc)))
}

#[utoipa::path(patch, path = "/api/v1/settings", operation_id = "update_settings", summary = "Change settings", tag = "admin", request_body = SettingsBody,
    responses((status = 200, body = SettingsJson), (status = 400, body = super::ErrorJson), (status = 403)))]
pub async fn update_settings(
    State(st): State<AppState>,
    auth: Authed,
    ApiJson(body): ApiJson<SettingsBody>,
) -> ApiResult<Json<SettingsJson>> {
    let patch = settings_patch(body.organisation, body.default_expiry, body.max_expiry)?;
    let s = st
        .svc
        .run(move |s| s.update_settings(&auth.agent, patch))
        .await?;
    Ok(Json(SettingsJson::of(&s, &st.svc)))
}

/// One retention run (`GET /api/v1/purges`).
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct PurgeJson {
    at: String,
    /// Requests that finished before this were deleted.
    cutoff: String,
    requests: u64,
    events: u64,
    outbox_items: u64,
}

#[utoipa::path(get, path = "/api/v1/purges", operation_id = "list_purges", summary = "The retention runs, newest first", tag = "admin",
    responses((status = 200, body = [PurgeJson], description = "the retention runs, newest first"), (status = 403)))]
pub async fn purges(State(st): State<AppState>, auth: Authed) -> ApiResult<Json<Vec<PurgeJson>>> {
    let log = st.svc.run(move |s| s.purge_log(&auth.agent, 100)).await?;
    Ok(Json(
        log.into_iter()
            .map(|p| PurgeJson {
                at: p.at.to_string(),
                cutoff: p.cutoff.to_string(),
                requests: p.requests,
                events: p.events,
                outbox_items: p.outbox_items,
            })
            .collect(),
    ))
}
