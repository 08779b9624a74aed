//! `/api/v1/projects/{project}/listeners`: managing external listeners and their deliveries.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::JsonBody;
use crate::domain::fields::FieldType;
use crate::domain::filter::Filter;
use crate::domain::listener::Delivery;
use crate::domain::listener::{FieldMapping, Listener};
use crate::domain::project::Project;
use crate::server::auth::ApiCaller;
use crate::server::error::{AppError, AppResult};
use crate::server::service::{access, ingest, listeners, signing};
use crate::server::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldBody {
    pub label: String,
    /// The member of the posted JSON: a name, or a dotted path such as `account.plan`.
    pub parameter: String,
    /// boolean, datetime, integer or string.
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub field_type: FieldType,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewListener {
    pub name: String,
    pub key: String,
    /// Only "external_data" so far.
    #[serde(rename = "type", default = "external_data")]
    pub listener_type: String,
    /// email or username.
    #[serde(default = "email")]
    pub identify_by: String,
    /// The data group's label; an existing group of the project is reused.
    pub data_group: String,
    pub fields: Vec<FieldBody>,
    /// A gate: only users matching it are updated, others get 422 user_outside_filter.
    /// `{"match": "all"|"any", "criteria": [{"data_group", "field", "qualifier", "value"}]}`;
    /// fields may be the built-in ones (User account: Email, Username, Display name, Created;
    /// Participation: Status, Joined), the project's, or this listener's own.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub filter: Option<serde_json::Value>,
    /// reject (404 for unknown users) or create (add them; needs identify_by email).
    #[serde(default = "reject")]
    pub unknown_user: String,
    /// When set, requests must be signed with this secret (16 to 200 visible ASCII
    /// characters); see POST …/signing-secret to have one generated instead.
    #[serde(default)]
    pub signing_secret: Option<String>,
}

fn external_data() -> String {
    "external_data".into()
}
fn email() -> String {
    "email".into()
}
fn reject() -> String {
    "reject".into()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListenerPatch {
    pub enabled: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListenerFieldBody {
    pub label: String,
    pub parameter: String,
    #[serde(rename = "type")]
    pub field_type: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListenerBody {
    pub key: String,
    pub name: String,
    #[serde(rename = "type")]
    pub listener_type: String,
    pub identify_by: String,
    pub unknown_user: String,
    pub data_group: String,
    pub enabled: bool,
    /// Whether requests must carry X-Inlet-Timestamp and X-Inlet-Signature.
    pub signed: bool,
    /// The gate, as checked (names spelled as the project spells them); null: everyone.
    #[schema(value_type = Option<Object>)]
    pub filter: Option<Filter>,
    pub fields: Vec<ListenerFieldBody>,
    /// Where senders POST, with VALUE standing for the user's email or username.
    pub endpoint_url: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ListenerBody {
    fn new(base_url: &str, project: &Project, listener: Listener) -> Self {
        Self {
            endpoint_url: listeners::endpoint_url(base_url, project, &listener),
            key: listener.key,
            name: listener.name,
            listener_type: listener.listener_type.as_str().into(),
            identify_by: listener.identify_by.as_str().into(),
            unknown_user: listener.unknown_user.as_str().into(),
            data_group: listener.data_group,
            enabled: listener.enabled,
            signed: listener.signed,
            filter: listener.filter,
            fields: listener
                .fields
                .into_iter()
                .map(|f| ListenerFieldBody { label: f.label, parameter: f.parameter, field_type: f.field_type.as_str().into() })
                .collect(),
            created_at: listener.created_at,
            updated_at: listener.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListenerList {
    pub listeners: Vec<ListenerBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryBody {
    pub id: i64,
    pub user: String,
    pub received_at: DateTime<Utc>,
    pub status: u16,
    /// accepted or rejected.
    pub outcome: String,
    pub error_code: Option<String>,
    #[schema(value_type = Object)]
    pub response: serde_json::Value,
    pub content_type: String,
    /// The body as it was received (as text).
    pub payload: String,
    pub replay_of: Option<i64>,
}

impl From<Delivery> for DeliveryBody {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id,
            user: d.user_ref,
            received_at: d.received_at,
            status: d.status,
            outcome: if d.accepted { "accepted" } else { "rejected" }.into(),
            error_code: d.error_code,
            response: serde_json::from_str(&d.response).unwrap_or(serde_json::Value::Null),
            content_type: d.content_type,
            payload: d.payload,
            replay_of: d.replay_of,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    pub deliveries: Vec<DeliveryBody>,
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/listeners", request_body = NewListener, tag = "listeners",
    params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses((status = 201, body = ListenerBody), (status = 409, body = super::openapi::ErrorBody, description = "key taken, or a field exists with another type"),
        (status = 422, body = super::openapi::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<NewListener>,
) -> AppResult<(StatusCode, Json<ListenerBody>)> {
    let project = access::existing_project(&state.store, &slug).await?;
    if body.listener_type != "external_data" {
        return Err(AppError::invalid("type", format!("'{}' is not a listener type (external_data)", body.listener_type)));
    }
    let filter = match body.filter {
        None | Some(serde_json::Value::Null) => None,
        Some(json) => Some(serde_json::from_value::<Filter>(json).map_err(|e| AppError::invalid("filter", e.to_string()))?),
    };
    let fields = body
        .fields
        .into_iter()
        .map(|f| FieldMapping { label: f.label, parameter: f.parameter, field_type: f.field_type })
        .collect();
    let input = listeners::ListenerInput {
        name: &body.name,
        key: &body.key,
        data_group: &body.data_group,
        identify_by: &body.identify_by,
        unknown_user: &body.unknown_user,
        fields,
        filter,
        sealed_signing_secret: match body.signing_secret.as_deref() {
            Some(secret) => Some(signing::seal(state.secret_key.as_ref(), &signing::parse_signing_secret(secret)?)?),
            None => None,
        },
    };
    let listener = listeners::create_listener(&state.store, &project, input).await?;
    Ok((StatusCode::CREATED, Json(ListenerBody::new(&state.base_url, &project, listener))))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/listeners", tag = "listeners",
    params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses((status = 200, body = ListenerList), (status = 404, body = super::openapi::ErrorBody)))]
pub async fn list(State(state): State<AppState>, _caller: ApiCaller, Path(slug): Path<String>) -> AppResult<Json<ListenerList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let found = state.store.list_listeners(project.id).await?;
    Ok(Json(ListenerList { listeners: found.into_iter().map(|l| ListenerBody::new(&state.base_url, &project, l)).collect() }))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/listeners/{key}", tag = "listeners",
    params(("project" = String, Path), ("key" = String, Path)), security(("api_key" = [])),
    responses((status = 200, body = ListenerBody), (status = 404, body = super::openapi::ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, key)): Path<(String, String)>,
) -> AppResult<Json<ListenerBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let listener = listeners::existing_listener(&state.store, &project, &key).await?;
    Ok(Json(ListenerBody::new(&state.base_url, &project, listener)))
}

#[utoipa::path(patch, path = "/api/v1/projects/{project}/listeners/{key}", request_body = ListenerPatch, tag = "listeners",
    params(("project" = String, Path), ("key" = String, Path)), security(("api_key" = [])),
    responses((status = 200, body = ListenerBody), (status = 404, body = super::openapi::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, key)): Path<(String, String)>,
    JsonBody(patch): JsonBody<ListenerPatch>,
) -> AppResult<Json<ListenerBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let listener = listeners::existing_listener(&state.store, &project, &key).await?;
    if let Some(enabled) = patch.enabled {
        state.store.set_listener_enabled(listener.id, enabled).await?;
    }
    let listener = listeners::existing_listener(&state.store, &project, &key).await?;
    Ok(Json(ListenerBody::new(&state.base_url, &project, listener)))
}

#[utoipa::path(delete, path = "/api/v1/projects/{project}/listeners/{key}", tag = "listeners",
    params(("project" = String, Path), ("key" = String, Path)), security(("api_key" = [])),
    responses((status = 204, description = "deleted; the data group and stored values stay"), (status = 404, body = super::openapi::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, key)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let project = access::existing_project(&state.store, &slug).await?;
    let listener = listeners::existing_listener(&state.store, &project, &key).await?;
    state.store.delete_listener(listener.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/listeners/{key}/deliveries", tag = "listeners",
    params(("project" = String, Path), ("key" = String, Path)), security(("api_key" = [])),
    responses((status = 200, body = DeliveryList), (status = 404, body = super::openapi::ErrorBody)))]
pub async fn deliveries(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, key)): Path<(String, String)>,
) -> AppResult<Json<DeliveryList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let listener = listeners::existing_listener(&state.store, &project, &key).await?;
    let found = state.store.deliveries(listener.id, 100).await?;
    Ok(Json(DeliveryList { deliveries: found.into_iter().map(Into::into).collect() }))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/listeners/{key}/deliveries/{id}/replay", tag = "listeners",
    params(("project" = String, Path), ("key" = String, Path), ("id" = i64, Path)), security(("api_key" = [])),
    responses((status = 200, description = "the replay's own ingestion response, recorded as a new delivery"),
        (status = 404, body = super::openapi::ErrorBody)))]
pub async fn replay(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, key, id)): Path<(String, String, i64)>,
) -> AppResult<Response> {
    let project = access::existing_project(&state.store, &slug).await?;
    let listener = listeners::existing_listener(&state.store, &project, &key).await?;
    let response = ingest::replay(&state, &project, &listener, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("listener '{key}' has no delivery {id}")))?;
    Ok((response.status, Json(response.body)).into_response())
}
