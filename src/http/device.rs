//! Which device the end user is on. A link is bound to the first device that checks in with
//! it (`service::Device`). Browsers carry a random `beckon_device` cookie, given here on their
//! first visit to a link route; the native client sends a `beckon-device` header instead.

use axum::extract::{FromRequestParts, Request};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use cookie::{Cookie, SameSite};

use super::AppState;
use super::error::ApiError;
use crate::service::Device;

pub const COOKIE_NAME: &str = "beckon_device";
pub const HEADER: &str = "beckon-device";

/// The device a request comes from: the header, else the cookie.
pub fn device_of(headers: &HeaderMap) -> Option<Device> {
    if let Some(v) = headers.get(HEADER) {
        return v.to_str().ok().and_then(Device::parse);
    }
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE_NAME)
        .and_then(|c| Device::parse(c.value()))
}

pub const AGENT_SIGNED_IN: &str = "this browser is signed in to the portal as an agent: an agent \
     cannot act as the end user (open the link in a private window to try it)";

/// Whether the request carries a live agent sign-in. End-user routes refuse it: an agent's
/// sign-in gives no end-user powers (a view-only agent must not decline a request through
/// its link).
pub fn signed_in_agent(headers: &HeaderMap, svc: &crate::service::Service) -> bool {
    super::auth::token_of(headers).is_some_and(|(token, _)| svc.still_signed_in(&token).is_ok())
}

/// The calling device, for the end user's routes.
pub struct EndUserDevice(pub Device);

impl FromRequestParts<AppState> for EndUserDevice {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        if signed_in_agent(&parts.headers, &st.svc) {
            return Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "agent_signed_in",
                AGENT_SIGNED_IN,
            ));
        }
        device_of(&parts.headers).map(EndUserDevice).ok_or_else(|| {
            ApiError::invalid(format!(
                "{HEADER}: send a device ID (16 to 128 characters of A-Z a-z 0-9 - _) or accept the {COOKIE_NAME} cookie"
            ))
        })
    }
}

/// Gives a browser on a link route its device cookie when it has none, and lets this very
/// request already carry it (the page renders and checks in with it).
pub async fn ensure_cookie(mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let link_route = path.starts_with("/s/")
        || path.starts_with("/api/v1/assist/")
        || path.starts_with("/portal/api/link/");
    if !link_route || device_of(req.headers()).is_some() || req.headers().contains_key(HEADER) {
        return next.run(req).await;
    }
    let https = req
        .extensions()
        .get::<super::client::Client>()
        .is_some_and(|c| c.https);
    let device = Device::random();
    let pair = format!("{COOKIE_NAME}={}", device.as_str());
    if let Ok(v) = HeaderValue::from_str(&pair) {
        req.headers_mut().append(COOKIE, v);
    }
    let mut res = next.run(req).await;
    // Only a link that exists and is live gets a device (an unknown or ended link's page
    // answers 404/410 and leaves no cookie behind).
    if !res.status().is_success() {
        return res;
    }
    let cookie = Cookie::build((COOKIE_NAME, device.as_str().to_owned()))
        .http_only(true)
        // Lax: the link is opened from a mail, a top-level navigation from another site.
        .same_site(SameSite::Lax)
        .secure(https)
        .path("/")
        .max_age(cookie::time::Duration::days(365))
        .build()
        .to_string();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}
