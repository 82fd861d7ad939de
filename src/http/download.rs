//! `GET /s/{token}/app/{platform}`: the assist app, for the holder of a live link. The file
//! is the same for everyone (a signed app stays signed); its name carries the link's join
//! code (`Beckon-Support-K7QM-4XPA.exe`), so the app opened from the Downloads folder joins
//! this request without typing. The name is in a response header only: no URL, so no log,
//! holds the code.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::client::Client;
use super::device::EndUserDevice;
use super::error::{ApiError, ApiResult};

pub async fn app(
    State(st): State<AppState>,
    Client { ip, .. }: Client,
    EndUserDevice(device): EndUserDevice,
    Path((token, platform)): Path<(String, String)>,
) -> ApiResult<Response> {
    st.svc.check_link_rate(ip)?;
    let platform = wire::Platform::parse(&platform).ok_or_else(ApiError::not_found)?;
    let app = st.apps.get(platform).ok_or_else(ApiError::not_found)?;
    let code = st.svc.run(move |s| s.join_code(&token, &device)).await?;
    let (body, len) = app.body().await.map_err(|e| {
        tracing::error!("cannot send the {} assist app: {e}", platform.as_str());
        ApiError::not_found()
    })?;
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        platform.file_name(code)
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
