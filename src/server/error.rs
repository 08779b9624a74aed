//! The one place where failures become HTTP statuses and client-safe messages. Internal
//! errors are logged with their whole cause chain; the client only gets a plain reason.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::store;
use crate::domain::ValidationError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the request has invalid values")]
    Invalid(Vec<ValidationError>),
    #[error("{0}")]
    BadRequest(String),
    #[error("a valid API key or login is required")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("too many requests; retry in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("the body is larger than the {limit_bytes}-byte limit")]
    PayloadTooLarge { limit_bytes: usize },
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("something went wrong on our side")]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![ValidationError::new(field, message)])
    }

    /// Names a refused value by the member the caller sent it in, where one service serves
    /// bodies that spell it differently (`signing_secret` at creation, `secret` on its own).
    pub fn for_member(self, field: &str, member: &str) -> Self {
        match self {
            AppError::Invalid(errors) => AppError::Invalid(
                errors.into_iter().map(|e| if e.field == field { ValidationError::new(member, e.message) } else { e }).collect(),
            ),
            other => other,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable, machine-readable name for the error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid",
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthenticated => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::TooManyRequests { .. } => "rate_limited",
            AppError::PayloadTooLarge { .. } => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::Internal(_) => "internal",
        }
    }

    /// The message a client may see: for `Invalid`, every problem in one sentence.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Invalid(errors) => errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
            other => other.to_string(),
        }
    }

    fn log(&self) {
        if let AppError::Internal(error) = self {
            tracing::error!(error = format!("{error:#}"), "request failed");
        }
    }
}

impl From<store::Error> for AppError {
    fn from(error: store::Error) -> Self {
        match error {
            store::Error::Conflict(message) => AppError::Conflict(message),
            store::Error::NotFound => AppError::NotFound("not found".into()),
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<Vec<ValidationError>> for AppError {
    fn from(errors: Vec<ValidationError>) -> Self {
        AppError::Invalid(errors)
    }
}

impl From<ValidationError> for AppError {
    fn from(error: ValidationError) -> Self {
        AppError::Invalid(vec![error])
    }
}

/// `{"error": {"code", "message", "fields"?}}` with the matching status.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let mut body = json!({ "error": { "code": self.code(), "message": self.public_message() } });
        if let AppError::Invalid(errors) = &self {
            body["error"]["fields"] =
                errors.iter().map(|e| json!({ "field": e.field, "reason": e.message })).collect::<Vec<_>>().into();
        }
        let mut response = (self.status(), axum::Json(body)).into_response();
        if let AppError::TooManyRequests { retry_after_secs } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs.max(1)));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_errors_never_reach_the_client() {
        let error = AppError::from(store::Error::Database(sqlx::Error::Protocol("SELECT secret FROM x".into())));
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!error.public_message().contains("SELECT"));
    }

    #[test]
    fn conflicts_keep_their_reason() {
        let error = AppError::from(store::Error::Conflict("slug 'a' is taken".into()));
        assert_eq!((error.status(), error.public_message().as_str()), (StatusCode::CONFLICT, "slug 'a' is taken"));
    }

    #[test]
    fn refused_values_can_be_named_by_the_callers_member() {
        let error = AppError::Invalid(vec![ValidationError::new("signing_secret", "too short"), ValidationError::new("x", "y")]);
        let AppError::Invalid(errors) = error.for_member("signing_secret", "secret") else { unreachable!() };
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["secret", "x"]);
    }

    #[test]
    fn invalid_lists_every_field() {
        let error =
            AppError::Invalid(vec![ValidationError::new("email", "is required"), ValidationError::new("name", "is required")]);
        assert_eq!(error.public_message(), "email: is required; name: is required");
    }
}
