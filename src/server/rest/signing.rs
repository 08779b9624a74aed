//! `/api/v1/projects/{project}/listeners/{key}/signing-secret`: make a listener require signed
//! requests (with a chosen or a generated secret), or stop requiring them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::JsonBody;
use super::responses::{KeyedBodyErrors, KeyedErrors, NotFound};
use super::url::Path;
use crate::server::auth::ApiCaller;
use crate::server::error::AppResult;
use crate::server::service::{listeners, signing};
use crate::server::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({}), json!({"secret": "a-secret-of-16-or-more-characters"})))]
pub struct SigningSecretRequest {
    /// The secret the sender uses (16 to 200 visible ASCII characters); omit it to have Inlet
    /// generate one.
    #[serde(default)]
    #[schema(schema_with = super::schemas::signing_secret, required = false)]
    pub secret: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SigningSecretBody {
    /// Sign `<timestamp>.<body>` with HMAC-SHA256 under this secret; send the Unix time in
    /// X-Inlet-Timestamp and `sha256=<hex>` in X-Inlet-Signature.
    pub signing_secret: String,
}

/// Require signed requests.
#[utoipa::path(post, path = "/api/v1/projects/{project}/listeners/{key}/signing-secret", operation_id = "setSigningSecret",
    request_body = SigningSecretRequest, tag = "User automation",
    params(("project" = String, Path, description = "project slug"), ("key" = String, Path, description = "listener key")),
    security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, (status = 200, body = SigningSecretBody, description = "from now on, requests must be signed with this secret"),
        (status = 422, body = super::openapi::ErrorBody, description = "the server cannot keep secrets: INLET_SECRET_KEY is not set")))]
pub async fn set(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, key)): Path<(String, String)>,
    JsonBody(request): JsonBody<SigningSecretRequest>,
) -> AppResult<Json<SigningSecretBody>> {
    let (_, listener) = listeners::existing_project_listener(&state.store, &slug, &key).await?;
    let secret = signing::set_signing_secret(&state.store, state.secret_key.as_ref(), &listener, request.secret.as_deref())
        .await
        .map_err(|e| e.for_member("signing_secret", "secret"))?;
    Ok(Json(SigningSecretBody { signing_secret: secret }))
}

/// Stop requiring signed requests.
#[utoipa::path(delete, path = "/api/v1/projects/{project}/listeners/{key}/signing-secret", operation_id = "removeSigningSecret",
    tag = "User automation",
    params(("project" = String, Path, description = "project slug"), ("key" = String, Path, description = "listener key")),
    security(("api_key" = [])),
    responses(KeyedErrors, NotFound, (status = 204, description = "requests no longer need a signature")))]
pub async fn remove(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, key)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let (_, listener) = listeners::existing_project_listener(&state.store, &slug, &key).await?;
    signing::remove_signing_secret(&state.store, &listener).await?;
    Ok(StatusCode::NO_CONTENT)
}
