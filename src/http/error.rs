//! The HTTP layer's one error type, and the one place where errors become status codes.
//! Every error is `{"error":{"code","message"}}`; internal details go to the log, never to
//! the response.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::service::ServiceError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after: Option<u64>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_input", message)
    }

    /// Our fault; the details went to the log, not to the client.
    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side; it has been logged",
        )
    }

    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }

    pub fn too_large() -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is larger than 1 MiB",
        )
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> ApiError {
        use ServiceError as E;
        let message = e.to_string();
        match e {
            E::InvalidInput { .. } | E::InvalidFields { .. } => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_input", message)
            }
            E::Unauthenticated => {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
            }
            E::BadCredentials => {
                ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", message)
            }
            E::TotpRequired => ApiError::new(StatusCode::UNAUTHORIZED, "totp_required", message),
            E::Forbidden(_) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", message),
            E::NotFound(_) => ApiError::new(StatusCode::NOT_FOUND, "not_found", message),
            E::LinkGone => ApiError::new(StatusCode::GONE, "gone", message),
            E::Transition(_) => ApiError::new(StatusCode::CONFLICT, "invalid_transition", message),
            E::Conflict { code, .. } => ApiError::new(StatusCode::CONFLICT, code, message),
            E::RateLimited { retry_after_secs } => ApiError {
                retry_after: Some(retry_after_secs),
                ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message)
            },
            // Writes wait for disk space; reads go on. Not our bug, and it passes by itself.
            E::Store(crate::store::StoreError::DiskFull { .. }) => {
                tracing::warn!(error = %message, "a write was refused: the disk is full");
                ApiError {
                    retry_after: Some(30),
                    ..ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "storage_full",
                        "the server's disk is full; nothing was changed, try again later",
                    )
                }
            }
            // The database is down or restarting: nothing was written, and the node
            // reconnects by itself.
            E::Store(crate::store::StoreError::Unavailable(_)) => {
                tracing::warn!(error = %message, "the database is unavailable");
                ApiError {
                    retry_after: Some(5),
                    ..ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "store_unavailable",
                        "the database is unavailable; nothing was changed, try again shortly",
                    )
                }
            }
            E::Store(_) | E::Internal(_) => {
                tracing::error!(error = %message, "request failed on our side");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (
            self.status,
            Json(Body {
                error: Inner {
                    code: self.code,
                    message: &self.message,
                },
            }),
        )
            .into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
