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
use crate::service::Service;

pub const COOKIE: &str = "beckon_session";
/// The name under TLS: a `__Host-` cookie is only accepted by browsers when it is Secure,
/// for this host alone (no Domain) and for every path, so a sibling subdomain or a plain-HTTP
/// page cannot plant or overwrite it.
pub const SECURE_COOKIE: &str = "__Host-beckon_session";

fn cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_COOKIE } else { COOKIE }
}

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
        .find(|c| c.name() == SECURE_COOKIE || c.name() == COOKIE)
        .map(|c| (c.value().to_owned(), true))
}

/// A cookie-carried mutation from another site is refused.
pub fn cross_site(parts: &Parts, svc: &Service) -> bool {
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    from_other_site(&parts.headers, &svc.settings().public_url)
}

/// A browser's request from a page that is not ours: `Sec-Fetch-Site` says so, or its
/// `Origin` is not the origin of `public_url` (the address our pages are served from; the
/// `Host` header is the client's to choose, so it proves nothing). Tools that send no
/// `Origin` are not browsers acting for someone else.
pub fn from_other_site(h: &HeaderMap, public_url: &str) -> bool {
    if h.get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|s| s == "cross-site" || s == "same-site")
    {
        return true;
    }
    match h.get(header::ORIGIN) {
        None => false,
        Some(origin) => {
            let ours = url::Url::parse(public_url).map(|u| u.origin().ascii_serialization());
            !matches!((origin.to_str(), ours), (Ok(o), Ok(ours)) if o.eq_ignore_ascii_case(&ours))
        }
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
        if via_cookie && cross_site(parts, &state.svc) {
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

/// The session cookie the portal keeps (HttpOnly, SameSite=Strict, Secure and `__Host-`
/// under TLS). It lasts no longer than the sign-in it carries (`lifetime`).
pub fn session_cookie(token: &str, secure: bool, lifetime: std::time::Duration) -> String {
    let max_age =
        cookie::time::Duration::seconds(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX));
    Cookie::build((cookie_name(secure), token.to_owned()))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .max_age(max_age)
        .build()
        .to_string()
}

pub fn cleared_cookie(secure: bool) -> String {
    Cookie::build((cookie_name(secure), ""))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}
