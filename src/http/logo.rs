//! The organisation's logo: served to link pages (`GET /logo`), set and removed by
//! administrators through the REST API (`PUT`/`DELETE /api/v1/settings/logo`) and through
//! the portal's settings page, a plain multipart form (`POST /admin/settings/logo`) that
//! needs no script and comes back to the page saying what happened.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::auth::Authed;
use super::error::{ApiError, ApiResult};
use crate::service::ServiceError;
use crate::service::logo::{self, Logo};

/// Where link pages load the logo from; the hash makes a new logo a new URL.
pub fn url(logo: &Logo) -> String {
    format!("/logo?v={}", logo.etag)
}

/// The logo in force (`PUT /api/v1/settings/logo`).
#[derive(Debug, Serialize, ToSchema)]
pub struct LogoJson {
    /// Where pages load it from (relative to the server's address).
    url: String,
    content_type: String,
    width: u32,
    height: u32,
    size: usize,
}

impl From<&Logo> for LogoJson {
    fn from(l: &Logo) -> Self {
        LogoJson {
            url: url(l),
            content_type: l.content_type.to_owned(),
            width: l.width,
            height: l.height,
            size: l.bytes.len(),
        }
    }
}

/// `GET /logo`: public, like the page that shows it. Sent with its own type and `nosniff`
/// (the bytes were checked to be that image when uploaded), revalidated by its hash.
pub async fn image(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let Some(logo) = st.svc.logo() else {
        return ApiError::not_found().into_response();
    };
    let etag = format!("\"{}\"", logo.etag);
    let body = Body::from(Bytes::from_owner(LogoBytes(logo.clone())));
    super::ops::validated(&headers, &etag, logo.content_type, body)
}

/// Lets the response borrow the logo's bytes without copying them.
struct LogoBytes(std::sync::Arc<Logo>);

impl AsRef<[u8]> for LogoBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0.bytes
    }
}

/// The image's bytes, for the OpenAPI document (a `Vec<u8>` would read as an array of
/// numbers there).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct LogoBody(#[allow(dead_code)] Vec<u8>);

#[utoipa::path(put, path = "/api/v1/settings/logo", operation_id = "upload_logo", summary = "Upload the organisation's logo", tag = "admin",
    request_body(content = LogoBody, content_type = "application/octet-stream", description = "a PNG, JPEG or WebP image, at most 256 KB, 16 to 2048 pixels wide and high"),
    responses((status = 200, body = LogoJson), (status = 400, body = super::ErrorJson), (status = 403)))]
pub async fn upload(
    State(st): State<AppState>,
    auth: Authed,
    body: Bytes,
) -> ApiResult<Json<LogoJson>> {
    let logo = st
        .svc
        .run(move |s| s.set_logo(&auth.agent, body.to_vec()))
        .await?;
    Ok(Json(LogoJson::from(&*logo)))
}

#[utoipa::path(delete, path = "/api/v1/settings/logo", operation_id = "remove_logo", summary = "Remove the organisation's logo", tag = "admin",
    responses((status = 204, description = "removed (or there was none)"), (status = 403)))]
pub async fn remove(State(st): State<AppState>, auth: Authed) -> ApiResult<StatusCode> {
    st.svc.run(move |s| s.remove_logo(&auth.agent)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /admin/settings/logo`: the settings page's form (a file named `logo`, or a field
/// `remove`). Back to the page with `?done=logo` or `?logo_error=…`, which it words.
pub async fn form(State(st): State<AppState>, auth: Authed, mut form: Multipart) -> Response {
    let back = |q: &str| Redirect::to(&format!("/admin/settings?{q}")).into_response();
    let mut file = None;
    let mut remove = false;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("remove") => remove = true,
                Some("logo") => match field.bytes().await {
                    Ok(b) => file = Some(b),
                    Err(_) => return back("logo_error=too_big"),
                },
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return back("logo_error=too_big"),
        }
    }
    let agent = auth.agent;
    let done = match (remove, file) {
        (true, _) => st.svc.run(move |s| s.remove_logo(&agent)).await.map(|_| ()),
        (false, Some(b)) => {
            let sent = b.clone();
            match st.svc.run(move |s| s.set_logo(&agent, b.to_vec())).await {
                // Refused: why, for the page to word it (read again on this path only).
                Err(ServiceError::InvalidInput { .. }) => {
                    let code = logo::check(&sent).err().map_or("not_image", |r| r.code());
                    return back(&format!("logo_error={code}"));
                }
                other => other.map(|_| ()),
            }
        }
        (false, None) => return back("logo_error=not_image"),
    };
    match done {
        Ok(()) => back("done=logo"),
        Err(e) => ApiError::from(e).into_response(),
    }
}
