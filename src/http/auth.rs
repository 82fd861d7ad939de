//! Who is calling: the `Authed` extractor accepts `Authorization: Bearer TOKEN` or the
//! portal's session cookie. Cookie-authenticated mutations must come from our own origin
//! (SameSite=Strict plus an Origin / Sec-Fetch-Site check), so a cross-site form cannot act
//! with someone's cookie.

use app::domain::Agent;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use cookie::{Cookie, SameSite};

use super::AppState;
use super::error::ApiError;

pub const COOKIE: &str = "beckon_session";

pub struct Authed {
    pub agent: Agent,
    pub token: String,
}

/// The sign-in token a request carries, and whether it came as a cookie.
pub fn token_of(headers: &HeaderMap) -> Option<(String, bool)> {
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let (scheme, token) = v.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| (token.trim().to_owned(), false));
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .map(|c| (c.value().to_owned(), true))
}

/// A cookie-carried mutation from another site is refused.
pub fn cross_site(parts: &Parts) -> bool {
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let h = &parts.headers;
    if h.get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|s| s == "cross-site" || s == "same-site")
    {
        return true;
    }
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    match (h.get(header::ORIGIN).and_then(|v| v.to_str().ok()), host) {
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            origin_host != host
        }
        (Some(_), None) => true,
        _ => false,
    }
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some((token, via_cookie)) = token_of(&parts.headers) else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "sign in first",
            ));
        };
        if via_cookie && cross_site(parts) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "cross_site",
                "cross-site requests are not allowed",
            ));
        }
        // A read transaction: fast, no fsync; fine on the async thread.
        let agent = state.svc.authenticate(&token)?;
        Ok(Authed { agent, token })
    }
}

/// The session cookie the portal keeps (HttpOnly, SameSite=Strict, Secure under TLS).
pub fn session_cookie(token: &str, secure: bool) -> String {
    Cookie::build((COOKIE, token.to_owned()))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .max_age(cookie::time::Duration::days(30))
        .build()
        .to_string()
}

pub fn cleared_cookie(secure: bool) -> String {
    Cookie::build((COOKIE, ""))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}
