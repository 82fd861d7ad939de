//! Operations routes: health, metrics, the OpenAPI document, embedded static files.

use std::sync::OnceLock;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::AppState;
use super::error::ApiError;

#[utoipa::path(get, path = "/healthz", operation_id = "health", summary = "Whether the server can take traffic", tag = "operations", responses((status = 200, description = "the store accepts writes"), (status = 503)))]
pub async fn healthz(State(st): State<AppState>) -> Response {
    match st.svc.run(|s| Ok(s.store().check_writable())).await {
        Ok(Ok(())) => (StatusCode::OK, "ok\n").into_response(),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health check: store not writable");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the store is not writable",
            )
            .into_response()
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[utoipa::path(get, path = "/metrics", operation_id = "metrics", summary = "Prometheus metrics", tag = "operations", responses((status = 200, description = "Prometheus text format"), (status = 401, body = super::ErrorJson), (status = 404, body = super::ErrorJson)))]
pub async fn metrics(State(st): State<AppState>, headers: HeaderMap) -> Response {
    // Off unless the operator set `metrics_token`, and then only for that bearer token: the
    // figures tell an outsider how busy the service is and which routes it has.
    let Some(want) = st.metrics_token.as_deref() else {
        return ApiError::not_found().into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !bool::from(subtle::ConstantTimeEq::ct_eq(
        given.as_bytes(),
        want.as_bytes(),
    )) {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "send the metrics token as a bearer token",
        )
        .into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        st.metrics.render(),
    )
        .into_response()
}

pub async fn openapi() -> Json<serde_json::Value> {
    Json(super::api_doc::document())
}

/// A file built into the binary, served with its ETag so browsers revalidate cheaply after
/// an upgrade (the names are not content-hashed).
pub struct Embedded {
    pub bytes: &'static [u8],
    /// The same bytes gzipped at build time, for browsers that accept gzip.
    pub gzip: Option<&'static [u8]>,
    pub content_type: &'static str,
    etag: OnceLock<String>,
}

impl Embedded {
    pub const fn new(bytes: &'static [u8], content_type: &'static str) -> Embedded {
        Embedded {
            gzip: None,
            bytes,
            content_type,
            etag: OnceLock::new(),
        }
    }

    pub const fn gzipped(
        bytes: &'static [u8],
        gzip: &'static [u8],
        content_type: &'static str,
    ) -> Embedded {
        Embedded {
            bytes,
            gzip: Some(gzip),
            content_type,
            etag: OnceLock::new(),
        }
    }

    pub fn respond(&'static self, headers: &HeaderMap) -> Response {
        let etag = self.etag.get_or_init(|| {
            let digest = Sha256::digest(self.bytes);
            format!(
                "\"{}\"",
                digest
                    .iter()
                    .take(12)
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            )
        });
        let gzip = self.gzip.filter(|_| {
            headers
                .get_all(header::ACCEPT_ENCODING)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .any(|e| e.split(';').next().is_some_and(|e| e.trim() == "gzip"))
        });
        // Each encoding is its own representation, with its own validator.
        let etag = match gzip {
            Some(_) => format!("{}-gz\"", etag.trim_end_matches('"')),
            None => etag.clone(),
        };
        let body = axum::body::Body::from(gzip.unwrap_or(self.bytes));
        let mut res = validated(headers, &etag, self.content_type, body);
        let h = res.headers_mut();
        if self.gzip.is_some() {
            h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        if gzip.is_some() {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        res
    }
}

/// A GET of a resource validated by `etag` (quoted): 304 when the client holds it
/// (`If-None-Match`), else `body` as `content_type`; public, and revalidated on every use.
pub fn validated(
    headers: &HeaderMap,
    etag: &str,
    content_type: &'static str,
    body: axum::body::Body,
) -> Response {
    let held = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if held {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], body).into_response()
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    res
}

pub static BUNDLE_JS: Embedded = Embedded::gzipped(
    include_bytes!(concat!(env!("OUT_DIR"), "/pkg/beckon.js")),
    include_bytes!(concat!(env!("OUT_DIR"), "/pkg/beckon.js.gz")),
    "text/javascript; charset=utf-8",
);
pub static BUNDLE_WASM: Embedded = Embedded::gzipped(
    include_bytes!(concat!(env!("OUT_DIR"), "/pkg/beckon_bg.wasm")),
    include_bytes!(concat!(env!("OUT_DIR"), "/pkg/beckon_bg.wasm.gz")),
    "application/wasm",
);
pub static LINK_JS: Embedded = Embedded::gzipped(
    include_bytes!(concat!(env!("OUT_DIR"), "/pkg/link.js")),
    include_bytes!(concat!(env!("OUT_DIR"), "/pkg/link.js.gz")),
    "text/javascript; charset=utf-8",
);
pub static LINK_WASM: Embedded = Embedded::gzipped(
    include_bytes!(concat!(env!("OUT_DIR"), "/pkg/link_bg.wasm")),
    include_bytes!(concat!(env!("OUT_DIR"), "/pkg/link_bg.wasm.gz")),
    "application/wasm",
);
pub static STYLES: Embedded = Embedded::new(
    include_bytes!("../../assets/beckon.css"),
    "text/css; charset=utf-8",
);

pub async fn bundle_js(headers: HeaderMap) -> Response {
    BUNDLE_JS.respond(&headers)
}
pub async fn bundle_wasm(headers: HeaderMap) -> Response {
    BUNDLE_WASM.respond(&headers)
}
pub async fn link_js(headers: HeaderMap) -> Response {
    LINK_JS.respond(&headers)
}
pub async fn link_wasm(headers: HeaderMap) -> Response {
    LINK_WASM.respond(&headers)
}
pub async fn styles(headers: HeaderMap) -> Response {
    STYLES.respond(&headers)
}

pub static ICON: Embedded = Embedded::new(include_bytes!("../../assets/icon.svg"), "image/svg+xml");

pub async fn icon(headers: HeaderMap) -> Response {
    ICON.respond(&headers)
}
