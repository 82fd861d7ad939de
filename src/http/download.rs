//! The assist app download: the running binary itself (`beckon assist LINK` is one of its
//! commands), so an on-prem install serves its own client and needs nothing else. Its
//! checksum is computed once, in the background at start-up, and shown on the link page.

use std::sync::OnceLock;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::AppState;
use super::client::Client;
use super::error::{ApiError, ApiResult};

/// What the link page says about the download.
#[derive(Debug, Clone)]
pub struct Download {
    /// `linux-x86_64` and the like: the server's own platform.
    pub platform: String,
    pub sha256: String,
    pub size: u64,
}

static INFO: OnceLock<Option<Download>> = OnceLock::new();

/// The download's facts for a page: known after start-up's hashing, else waited for on a
/// blocking thread (only the earliest visitors wait, a second or so).
pub async fn facts() -> Option<&'static Download> {
    match INFO.get() {
        Some(known) => known.as_ref(),
        None => tokio::task::spawn_blocking(info).await.ok().flatten(),
    }
}

/// The download's facts; the first call reads and hashes the binary (blocking: call it
/// from a blocking thread; `serve` does so once at start-up).
pub fn info() -> Option<&'static Download> {
    INFO.get_or_init(|| {
        let path = std::env::current_exe().ok()?;
        let mut file = std::fs::File::open(path).ok()?;
        let mut hash = Sha256::new();
        let size = std::io::copy(&mut file, &mut hash).ok()?;
        Some(Download {
            platform: platform(),
            sha256: format!("{:x}", hash.finalize()),
            size,
        })
    })
    .as_ref()
}

pub fn platform() -> String {
    format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH)
}

/// `GET /download/beckon`: the binary, rate-limited like link look-ups (it is large).
pub async fn binary(State(st): State<AppState>, Client { ip, .. }: Client) -> ApiResult<Response> {
    st.svc.check_link_rate(ip)?;
    let path = std::env::current_exe().map_err(|_| ApiError::not_found())?;
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|_| ApiError::not_found())?;
    let len = file.metadata().await.map(|m| m.len()).ok();
    let mut res = Body::from_stream(tokio_util::io::ReaderStream::new(file)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"beckon-{}\"", platform()))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(len) = len {
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    Ok(res)
}
