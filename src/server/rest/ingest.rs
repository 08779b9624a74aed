//! The ingestion endpoint other systems call:
//! `POST /api/v1/projects/{project}/listeners/{key}/users/{VALUE}`.

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::url::{Path, Query};
use crate::server::auth::{api_key, ClientAddress};
use crate::server::error::AppError;
use crate::server::service::ingest::{ingest, signature, IngestRequest, SignatureHeaders};
use crate::server::startup::AppState;

#[derive(Deserialize)]
pub struct KeyParam {
    /// For senders that can only set a URL. Never logged: request logs carry the path only.
    api_key: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/listeners/{key}/users/{value}", tag = "ingestion",
    params(("project" = String, Path), ("key" = String, Path, description = "listener key"),
        ("value" = String, Path, description = "the user's email or username, as the listener identifies users"),
        ("api_key" = Option<String>, Query, description = "the API key, when it cannot travel in X-Api-Key"),
        ("Idempotency-Key" = Option<String>, Header, description = "a repeat returns the first response and writes nothing"),
        ("X-Inlet-Timestamp" = Option<String>, Header, description = "Unix seconds; required when the listener has a signing secret"),
        ("X-Inlet-Signature" = Option<String>, Header, description = "sha256=<hex HMAC-SHA256 of \"<timestamp>.<body>\">; required when the listener has a signing secret")),
    request_body(content = Object, content_type = "application/json", description = "members named by the listener's parameters"),
    security(("api_key" = [])),
    responses((status = 200, description = "stored: {status, user, updated, ignored}"),
        (status = 400, body = super::openapi::ErrorBody), (status = 401, body = super::openapi::ErrorBody),
        (status = 403, body = super::openapi::ErrorBody, description = "the key may not be used from this address"),
        (status = 404, body = super::openapi::ErrorBody), (status = 409, body = super::openapi::ErrorBody, description = "listener disabled"),
        (status = 413, body = super::openapi::ErrorBody), (status = 415, body = super::openapi::ErrorBody),
        (status = 429, body = super::openapi::ErrorBody, description = "too many requests with this key; see Retry-After"),
        (status = 422, body = super::openapi::ErrorBody, description = "values that do not fit; nothing stored")))]
pub async fn receive(
    State(state): State<AppState>,
    Path((project, listener, user)): Path<(String, String, String)>,
    Query(params): Query<KeyParam>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let key = text(api_key::HEADER).or(params.api_key.as_deref()).map(str::trim);
    let bytes = to_bytes(body, state.ingest_max_body_bytes).await.ok();
    let request = IngestRequest {
        project: &project,
        listener: &listener,
        user: &user,
        api_key: key,
        content_type: text(header::CONTENT_TYPE.as_str()).unwrap_or(""),
        idempotency_key: text("idempotency-key").map(str::trim).filter(|k| !k.is_empty()),
        body: bytes.as_deref(),
        signature: SignatureHeaders {
            timestamp: text(signature::TIMESTAMP_HEADER),
            signature: text(signature::SIGNATURE_HEADER),
        },
        client,
    };
    match ingest(&state, &request).await {
        Ok(response) => {
            let mut answer = (response.status, Json(response.body)).into_response();
            if let Some(seconds) = response.retry_after_secs {
                answer.headers_mut().insert(header::RETRY_AFTER, seconds.into());
            }
            answer
        }
        Err(error) => AppError::from(error).into_response(),
    }
}
