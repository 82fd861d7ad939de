//! HTTP: the router, shared state and middleware. Handlers are thin: extract, call the
//! service, shape JSON. Errors become responses in `error` only.

pub(crate) mod admin;
mod api_doc;
mod assist;
mod audit;
mod auth;
pub mod client;
mod device;
pub mod download;
mod error;
mod events;
mod extract;
mod headers;
mod json;
mod link_page;
mod logo;
pub mod metrics;
mod ops;
pub(crate) mod outbox;
mod page;
mod portal;
mod requests;
mod setup;
mod signal;
mod signin_guard;
mod socket;
mod texts;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, MatchedPath, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::config::LeptosOptions;
use leptos::context::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use serde::Serialize;
use tokio_util::sync::CancellationToken;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa::ToSchema;

pub use device::HEADER as DEVICE_HEADER;
pub use error::ApiError;
pub use portal::Portal;

use crate::service::Service;

/// Largest request body accepted (docs/API.md: 413 beyond).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What every handler and middleware gets. The router clones it several times per request
/// (once per layer and route service), so it is one `Arc`: cloning the fields themselves cost
/// about 6 % of a small request's CPU, most of it `CancellationToken`'s clone and drop, which
/// lock a mutex each.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub svc: Arc<Service>,
    pub metrics: Arc<metrics::Metrics>,
    pub leptos: LeptosOptions,
    /// How clients reach us: our TLS, trusted proxies (see `client`).
    pub edge: Arc<client::Edge>,
    /// What the portal's server functions call (the service, behind the pages' port).
    pub portal: app::portal::backend::SharedBackend,
    /// Cancelled on shutdown, so long-lived streams end and in-flight requests can finish.
    pub shutdown: CancellationToken,
    /// The one-time first-admin setup token, while no admin exists.
    pub setup: Arc<Mutex<Option<String>>>,
    /// The bearer token `/metrics` wants; `None`: `/metrics` is off.
    pub metrics_token: Option<String>,
    /// Open event streams per sign-in token (`max_event_streams_per_signin`).
    pub event_streams: crate::slots::Slots<String>,
    /// The end user's words (the assist app's, with its check-in).
    pub catalog: Arc<crate::i18n::Catalog>,
    /// The assist apps handed out.
    pub apps: Arc<crate::assist_apps::Apps>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(st: &AppState) -> LeptosOptions {
        st.leptos.clone()
    }
}

/// The error body, for the OpenAPI document.
#[derive(Serialize, ToSchema)]
pub struct ErrorJson {
    #[schema(value_type = Object, example = json!({"code": "invalid_input", "message": "recipient_name: must not be empty"}))]
    error: serde_json::Value,
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take that method",
    )
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    ApiError::internal().into_response()
}

/// Middleware on the portal's server functions (`/portal/api/NAME`, routed by Leptos).
///
/// The body is read here first, within `BODY_LIMIT` (413 beyond). Leptos answers arguments
/// it cannot decode with 500: that is mended to the status the error's code means, with the
/// portal's JSON error (`AppError`), so bad input is never a server error.
async fn server_fn_errors(req: Request, next: axum::middleware::Next) -> Response {
    use app::portal::AppError;
    if !req.uri().path().starts_with("/portal/api/") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let declared = parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        return portal_error(StatusCode::PAYLOAD_TOO_LARGE, too_large());
    }
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return portal_error(StatusCode::PAYLOAD_TOO_LARGE, too_large());
    };
    let res = next
        .run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await;
    if !res.status().is_server_error() {
        return res;
    }
    let (head, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return ApiError::internal().into_response();
    };
    match serde_json::from_slice::<AppError>(&bytes) {
        // A decoding failure leptos reported as its own: the caller's input is at fault.
        Ok(e) if e.code != "internal" => portal_error(app::portal::api::status_of(&e), e),
        _ => Response::from_parts(head, axum::body::Body::from(bytes)),
    }
}

fn too_large() -> app::portal::AppError {
    app::portal::AppError::new("payload_too_large", "the request body is larger than 1 MiB")
}

/// A portal function's error answer: its status and the portal's error JSON.
fn portal_error(status: StatusCode, e: app::portal::AppError) -> Response {
    (status, axum::Json(e)).into_response()
}

/// `/portal/api/NAME` with no such function.
async fn no_portal_function() -> Response {
    portal_error(
        StatusCode::NOT_FOUND,
        app::portal::AppError::new("not_found", "no such portal function"),
    )
}

pub fn router(state: AppState) -> Router {
    use requests as r;
    let api = Router::new()
        .route("/api/v1/auth/login", post(admin::login))
        .route("/api/v1/auth/logout", post(admin::logout))
        .route("/api/v1/auth/logout-all", post(admin::logout_all))
        .route("/api/v1/me/password", post(admin::change_password))
        .route("/api/v1/me/totp", post(admin::totp_begin))
        .route("/api/v1/me/totp/confirm", post(admin::totp_confirm))
        .route("/api/v1/me/totp/disable", post(admin::totp_disable))
        .route("/api/v1/me", get(admin::me))
        .route(
            "/api/v1/agents",
            get(admin::list_agents).post(admin::create_agent),
        )
        .route(
            "/api/v1/agents/{id}",
            axum::routing::patch(admin::update_agent),
        )
        .route(
            "/api/v1/clients",
            get(admin::list_clients).post(admin::create_client),
        )
        .route(
            "/api/v1/clients/{id}",
            axum::routing::patch(admin::update_client),
        )
        .route(
            "/api/v1/settings",
            get(admin::get_settings).patch(admin::update_settings),
        )
        .route(
            "/api/v1/settings/logo",
            axum::routing::put(logo::upload).delete(logo::remove),
        )
        .route("/api/v1/purges", get(admin::purges))
        .route("/api/v1/audit", get(audit::list))
        .route("/api/v1/audit.csv", get(audit::csv))
        .route("/api/v1/outbox", get(outbox::list))
        .route("/api/v1/outbox/test-mail", post(outbox::test_mail))
        .route("/api/v1/outbox/{id}/retry", post(outbox::retry))
        .route(
            "/api/v1/webhooks",
            get(outbox::list_webhooks).post(outbox::add_webhook),
        )
        .route(
            "/api/v1/webhooks/{id}",
            axum::routing::delete(outbox::remove_webhook),
        )
        .route("/api/v1/session-requests", get(r::list).post(r::create))
        .route("/api/v1/session-requests/{id}", get(r::get).patch(r::edit))
        .route("/api/v1/session-requests/{id}/connect", post(r::connect))
        .route("/api/v1/session-requests/{id}/start", post(r::start))
        .route("/api/v1/session-requests/{id}/end", post(r::end))
        .route("/api/v1/session-requests/{id}/close", post(r::close))
        .route("/api/v1/session-requests/{id}/reopen", post(r::reopen))
        .route("/api/v1/session-requests/{id}/resend", post(r::resend))
        .route("/api/v1/session-requests/{id}/release", post(r::release))
        .route("/api/v1/session-requests/{id}/ws", get(r::socket))
        .route("/api/v1/events", get(events::stream))
        .route("/api/v1/assist/{token}/checkin", post(assist::checkin))
        .route("/api/v1/assist/{token}/prompt", get(assist::prompt))
        .route("/api/v1/assist/{token}/consent", post(assist::consent))
        .route("/api/v1/assist/{token}/control", post(assist::control))
        .route("/api/v1/assist/{token}/decline", post(assist::decline))
        .route("/api/v1/assist/{token}/end", post(assist::end))
        .route("/api/v1/assist/join", post(assist::join))
        .route("/api/v1/assist/{token}/ws", get(assist::socket))
        .route("/api/v1/openapi.json", get(ops::openapi));

    let pages = generate_route_list(app::pages::App);
    let leptos = state.leptos.clone();
    let backend = state.portal.clone();
    let pages = Router::new()
        .leptos_routes_with_context(
            &state,
            pages,
            move || {
                provide_context(backend.clone());
                provide_context(app::portal::backend::CallerCache::default());
            },
            move || app::pages::shell(leptos.clone()),
        )
        .layer(axum::middleware::from_fn(page::whole))
        .layer(axum::middleware::from_fn(server_fn_errors));
    Router::new()
        .merge(api)
        .merge(pages)
        .route("/s/{token}", get(link_page::page))
        .route("/portal/api/{*name}", post(no_portal_function))
        .route("/setup/{token}", get(setup::form).post(setup::submit))
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/pkg/beckon.js", get(ops::bundle_js))
        .route("/pkg/beckon_bg.wasm", get(ops::bundle_wasm))
        .route(app::pages::LINK_JS, get(ops::link_js))
        .route(app::pages::LINK_WASM, get(ops::link_wasm))
        .route("/assets/beckon.css", get(ops::styles))
        .route("/assets/icon.svg", get(ops::icon))
        .route("/s/{token}/app/{platform}", get(download::app))
        .route("/logo", get(logo::image))
        .route("/admin/settings/logo", post(logo::form))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(device::ensure_cookie))
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::from_fn(headers::secure))
        .layer(axum::middleware::from_fn_with_state(
            state.edge.clone(),
            client::identify,
        ))
        .layer(
            // Spans name the route template, never the URI: link tokens stay out of logs.
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let route = req
                    .extensions()
                    .get::<MatchedPath>()
                    .map_or("unmatched", |p| p.as_str());
                tracing::info_span!("http", method = %req.method(), route)
            }),
        )
        // Pages and JSON compress well (a 50-row list page: 126 KB → about 10 KB). The fastest
        // level: it was a tenth of the CPU of rendering a page at the default one. The bundle is
        // gzipped at build time and event streams are never compressed (default predicate).
        .layer(
            tower_http::compression::CompressionLayer::new()
                .gzip(true)
                .quality(tower_http::CompressionLevel::Fastest),
        )
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .with_state(state)
}
