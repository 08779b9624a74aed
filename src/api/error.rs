//! The error every server function returns: typed on both sides of the wire, so a page can
//! tell "no access" from "invalid input" from "try again".

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::ValidationError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum UiError {
    #[error("Please log in again.")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{}", join(.0))]
    Invalid(Vec<ValidationError>),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

fn join(errors: &[ValidationError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl UiError {
    /// The message for one form field, if this error names it.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            UiError::Invalid(errors) => errors.iter().find(|e| e.field == name).map(|e| e.message.clone()),
            _ => None,
        }
    }

    #[cfg(feature = "ssr")]
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            UiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            UiError::Forbidden(_) => StatusCode::FORBIDDEN,
            UiError::NotFound(_) => StatusCode::NOT_FOUND,
            UiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            UiError::Conflict(_) => StatusCode::CONFLICT,
            UiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            UiError::Internal | UiError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl FromServerFnError for UiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        UiError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::error::AppError> for UiError {
    fn from(error: crate::server::error::AppError) -> Self {
        use crate::server::error::AppError;
        let message = error.public_message();
        match error {
            AppError::Invalid(errors) => UiError::Invalid(errors),
            AppError::Unauthenticated => UiError::Unauthenticated,
            AppError::Forbidden(_) => UiError::Forbidden(message),
            AppError::NotFound(_) => UiError::NotFound(message),
            AppError::Conflict(_) => UiError::Conflict(message),
            AppError::TooManyRequests { .. } => UiError::TooManyRequests(message),
            AppError::BadRequest(_) | AppError::PayloadTooLarge { .. } | AppError::UnsupportedMediaType(_) => {
                UiError::Invalid(vec![ValidationError::new("request", message)])
            }
            internal @ AppError::Internal(_) => {
                tracing::error!(error = format!("{:#}", anyhow::Error::new(internal)), "server function failed");
                UiError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::store::Error> for UiError {
    fn from(error: crate::server::store::Error) -> Self {
        crate::server::error::AppError::from(error).into()
    }
}
