//! The service layer's one error type. The HTTP layer maps it to status codes in exactly one
//! place (`http::error`).

use app::domain::DomainError;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Bad input; `field` names what to fix.
    #[error("{field}: {message}")]
    InvalidInput { field: String, message: String },
    /// Several fields are bad at once (a form checked as a whole, `input::Problems`): each
    /// as `InvalidInput` would name it, in the form's order.
    #[error("{}", fields.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("; "))]
    InvalidFields { fields: Vec<(String, String)> },
    #[error("sign in first")]
    Unauthenticated,
    #[error("wrong email or password")]
    BadCredentials,
    /// The password matched; the agent's second factor is on and no code came with it.
    #[error("enter the code from your authenticator app")]
    TotpRequired,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A link that existed but whose request is closed or expired.
    #[error("this link has ended")]
    LinkGone,
    #[error(transparent)]
    Transition(#[from] DomainError),
    /// The action fits the status but not the request's state (e.g. a stale prompt).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("too many attempts; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    /// A bug or broken invariant; details go to the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ServiceError::InvalidInput {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

macro_rules! store_errors {
    ($($t:ty),*) => {$(
        impl From<$t> for ServiceError {
            fn from(e: $t) -> Self { ServiceError::Store(e.into()) }
        }
    )*};
}
store_errors!(crate::store::CodecError);

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;
