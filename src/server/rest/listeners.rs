//! `/api/v1/projects/{project}/listeners`: managing external listeners and their deliveries.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::body::JsonBody;
use super::url::{Path, Query};
use crate::domain::fields::FieldType;
use crate::domain::filter::Filter;
use crate::domain::listener::{outcome_name, Delivery, DeliveryQuery};
use crate::domain::listener::{FieldChange, FieldMapping, Listener, ListenerChanges};
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

/// Changes to a listener; members left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListenerPatch {
    pub enabled: Option<bool>,
    pub name: Option<String>,
    /// reject (404 for unknown users) or create (add them; needs identify_by email).
    pub unknown_user: Option<String>,
    /// The complete new list of mappings. An entry with `field_id` is a mapping the listener
    /// has (its label renames the data group's field; its type cannot change); one without
    /// is a new mapping, to the group's field of that label (same type) or a new field.
    /// Mappings left out are unmapped: the field and its stored values stay in the group.
    pub fields: Option<Vec<FieldPatch>>,
    /// Fixed: the endpoint URL is made of it. Accepted only unchanged (422 otherwise).
    pub key: Option<String>,
    /// Fixed: senders name users this way. Accepted only unchanged (422 otherwise).
    pub identify_by: Option<String>,
    /// Fixed: the fields and their values belong to it. Accepted only unchanged (422 otherwise).
    pub data_group: Option<String>,
    /// A new gate (same shape as at creation), or null to let everyone through.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Object>)]
    pub filter: Option<Option<Filter>>,
    /// A new signing secret, or null to stop requiring signatures.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub signing_secret: Option<Option<String>>,
}

/// Tells a member sent as null (`Some(None)`) from one left out (`None`, the default).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldPatch {
    /// The field of a mapping this listener has (from GET); leave out to add a mapping.
    pub field_id: Option<i64>,
    pub label: String,
    /// The member of the posted JSON: a name, or a dotted path such as `account.plan`.
    pub parameter: String,
    /// boolean, datetime, integer or string: required for a new mapping; for an existing one,
    /// only its current type.
    #[serde(rename = "type")]
    #[schema(value_type = Option<String>)]
    pub field_type: Option<FieldType>,
}

impl From<ListenerPatch> for ListenerChanges {
    fn from(patch: ListenerPatch) -> Self {
        ListenerChanges {
            name: patch.name,
            unknown_user: patch.unknown_user,
            enabled: patch.enabled,
            fields: patch.fields.map(|fields| {
                fields
                    .into_iter()
                    .map(|f| FieldChange {
                        field_id: f.field_id,
                        label: f.label,
                        parameter: f.parameter,
                        field_type: f.field_type,
                    })
                    .collect()
            }),
            key: patch.key,
            identify_by: patch.identify_by,
            data_group: patch.data_group,
            filter: patch.filter,
            signing_secret: patch.signing_secret,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListenerFieldBody {
    /// Names this mapping in a PATCH.
    pub field_id: i64,
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
                .map(|f| ListenerFieldBody {
                    field_id: f.field_id,
                    label: f.label,
                    parameter: f.parameter,
                    field_type: f.field_type.as_str().into(),
                })
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
            outcome: outcome_name(d.accepted).into(),
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
    /// Pass as `before` for the next (older) page; `null` on the last page.
    pub next_before: Option<i64>,
}

/// Taken as text and checked by `DeliveryQuery::parse`, so that a bad value gets the usual
/// 422 naming it.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DeliveryParams {
    /// accepted or rejected (default: both).
    outcome: Option<String>,
    /// Only deliveries older than this id: the previous page's `next_before`.
    before: Option<String>,
    /// Page size, 1 to 500 (default 100).
    limit: Option<String>,
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
    let (project, listener) = listeners::existing_project_listener(&state.store, &slug, &key).await?;
    Ok(Json(ListenerBody::new(&state.base_url, &project, listener)))
}

#[utoipa::path(patch, path = "/api/v1/projects/{project}/listeners/{key}", request_body = ListenerPatch, tag = "listeners",
    description = "Renames, re-maps, adds or unmaps fields, changes the name or the unknown-user policy, enables or disables. \
        All of it is written at once or not at all.",
    params(("project" = String, Path), ("key" = String, Path)), security(("api_key" = [])),
    responses((status = 200, body = ListenerBody, description = "the listener as it is now"),
        (status = 400, body = super::openapi::ErrorBody, description = "malformed JSON or an unknown member"),
        (status = 404, body = super::openapi::ErrorBody),
        (status = 409, body = super::openapi::ErrorBody, description = "a new label is taken in the data group, or a reused field has another type"),
        (status = 422, body = super::openapi::ErrorBody, description = "every invalid value, by field, e.g. fields[2].label")))]
pub async fn update(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, key)): Path<(String, String)>,
    JsonBody(patch): JsonBody<ListenerPatch>,
) -> AppResult<Json<ListenerBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let listener = listeners::update_listener(&state.store, state.secret_key.as_ref(), &project, &key, patch.into()).await?;
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
    let (_, listener) = listeners::existing_project_listener(&state.store, &slug, &key).await?;
    state.store.delete_listener(listener.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/listeners/{key}/deliveries", tag = "listeners",
    params(("project" = String, Path), ("key" = String, Path), DeliveryParams), security(("api_key" = [])),
    responses((status = 200, body = DeliveryList), (status = 404, body = super::openapi::ErrorBody),
        (status = 422, body = super::openapi::ErrorBody)))]
pub async fn deliveries(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, key)): Path<(String, String)>,
    Query(params): Query<DeliveryParams>,
) -> AppResult<Json<DeliveryList>> {
    let (_, listener) = listeners::existing_project_listener(&state.store, &slug, &key).await?;
    let query = DeliveryQuery::parse(params.outcome.as_deref(), params.before.as_deref(), params.limit.as_deref())?;
    let found = state.store.deliveries(listener.id, &query).await?;
    let next_before = query.next_before(&found);
    Ok(Json(DeliveryList { deliveries: found.into_iter().map(Into::into).collect(), next_before }))
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
    let (project, listener) = listeners::existing_project_listener(&state.store, &slug, &key).await?;
    let response = ingest::replay(&state, &project, &listener, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("listener '{key}' has no delivery {id}")))?;
    Ok((response.status, Json(response.body)).into_response())
}
