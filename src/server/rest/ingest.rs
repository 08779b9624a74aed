//! The ingestion endpoint other systems call:
//! `POST /api/v1/projects/{project}/listeners/{key}/users/{VALUE}`.

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::responses::{KeyedBodyErrors, NotFound, TooManyRequests};
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

/// What an accepted request is answered (other answers are errors, as everywhere).
#[derive(Serialize, ToSchema)]
pub struct IngestReply {
    /// Always "accepted".
    pub status: String,
    /// The user, as the URL named them.
    pub user: String,
    /// The parameters whose values were stored.
    pub updated: Vec<String>,
    /// The body's members no field takes.
    pub ignored: Vec<String>,
}

/// Post a user's data to a listener.
#[utoipa::path(post, path = "/api/v1/projects/{project}/listeners/{key}/users/{value}", operation_id = "ingestUserData",
    tag = "Ingestion",
    description = "Stores the values of the listener's fields found in the body for one user. A repeat of an \
        Idempotency-Key returns the first response (whatever its status) and writes nothing.",
    params(("project" = String, Path, description = "project slug"), ("key" = String, Path, description = "listener key"),
        ("value" = String, Path, description = "the user's email or username, as the listener identifies users"),
        ("api_key" = Option<String>, Query, description = "the API key, when it cannot travel in X-Api-Key"),
        ("Idempotency-Key" = Option<String>, Header, description = "a repeat returns the first response and writes nothing"),
        ("X-Inlet-Timestamp" = Option<String>, Header, description = "Unix seconds; required when the listener has a signing secret"),
        ("X-Inlet-Signature" = Option<String>, Header, description = "sha256=<hex HMAC-SHA256 of \"<timestamp>.<body>\">; required when the listener has a signing secret")),
    request_body(content = Object, content_type = "application/json", description = "members named by the listener's parameters",
        example = json!({"account": {"plan": "pro"}, "sessions": 12})),
    security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, TooManyRequests, (status = 200, body = IngestReply, description = "stored"),
        (status = 401, body = super::openapi::ErrorBody, description = "no valid API key, or a missing or wrong signature"),
        (status = 404, body = super::openapi::ErrorBody, description = "no such project, listener or (with unknown_user reject) user"),
        (status = 409, body = super::openapi::ErrorBody, description = "the listener is disabled, or its filter no longer fits the project's fields"),
        (status = 422, body = super::openapi::ErrorBody, description = "values that do not fit their field's type (each in `fields`), or the user is outside the listener's filter; nothing stored"),
        (status = 503, body = super::openapi::ErrorBody, description = "the listener requires signatures that the server cannot check (INLET_SECRET_KEY is missing)")))]
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
