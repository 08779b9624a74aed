//! Request bodies for the HTTP API, with every rejection turned into the API's JSON error
//! shape (axum's own rejections are plain text).

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{FromRequest, Request};
use axum::Json;
use serde::de::DeserializeOwned;

use crate::server::error::AppError;
use crate::server::startup::AppState;

/// A JSON body (`Content-Type: application/json`).
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(AppError::UnsupportedMediaType("the body must be JSON (Content-Type: application/json)".into()))
            }
            Err(JsonRejection::JsonDataError(error)) => {
                Err(AppError::BadRequest(format!("the JSON does not fit: {}", error.body_text())))
            }
            Err(JsonRejection::JsonSyntaxError(error)) => {
                Err(AppError::BadRequest(format!("malformed JSON: {}", error.body_text())))
            }
            Err(JsonRejection::BytesRejection(error)) => Err(bytes_rejection(error, state)),
            Err(other) => Err(AppError::BadRequest(other.body_text())),
        }
    }
}

/// A CSV body (`Content-Type: text/csv`, `application/csv` or `text/plain`).
pub struct CsvBody(pub Bytes);

impl FromRequest<AppState> for CsvBody {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let content_type = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .unwrap_or_default();
        if !matches!(content_type.as_str(), "text/csv" | "application/csv" | "text/plain") {
            return Err(AppError::UnsupportedMediaType("the body must be CSV (Content-Type: text/csv)".into()));
        }
        Bytes::from_request(request, state).await.map(CsvBody).map_err(|e| bytes_rejection(e, state))
    }
}

fn bytes_rejection(error: BytesRejection, state: &AppState) -> AppError {
    if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge { limit_bytes: state.max_body_bytes }
    } else {
        AppError::BadRequest(error.body_text())
    }
}
