//! `/api/v1/projects/{project}/listeners`: managing external listeners and their deliveries.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::body::JsonBody;
use super::responses::{Invalid, KeyedBodyErrors, KeyedErrors, NotFound};
use super::schemas;
use super::url::{Path, Query};
use crate::domain::fields::FieldType;
use crate::domain::filter::Filter;
use crate::domain::listener::{outcome_name, Delivery, DeliveryQuery, MAX_DELIVERY_PAGE};
use crate::domain::listener::{FieldChange, FieldMapping, Listener, ListenerChanges};
use crate::domain::project::Project;
use crate::server::auth::ApiCaller;
use crate::server::error::{AppError, AppResult};
use crate::server::service::{access, ingest, listeners, signing};
use crate::server::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldBody {
    /// The field's label in the data group; unique in the listener, ignoring case.
    #[schema(schema_with = schemas::field_label)]
    pub label: String,
    /// Unique in the listener; no parameter may reach inside another (`account` and `account.plan`).
    #[schema(schema_with = schemas::parameter)]
    pub parameter: String,
    #[serde(rename = "type")]
    #[schema(schema_with = schemas::field_type)]
    pub field_type: FieldType,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({
    "name": "Mobile app", "key": "appdata", "identify_by": "email", "data_group": "App data",
    "fields": [{"label": "Plan", "parameter": "account.plan", "type": "string"},
               {"label": "Sessions", "parameter": "sessions", "type": "integer"}],
    "unknown_user": "reject"
})))]
pub struct NewListener {
    #[schema(schema_with = schemas::listener_name)]
    pub name: String,
    /// The short name in the endpoint URL, unique in the project.
    #[schema(schema_with = schemas::listener_key)]
    pub key: String,
    /// external_data (the default) stores the mapped values on the user; create_feedback also
    /// opens a feedback ticket from the user with each request, as `feedback` says.
    #[serde(rename = "type", default = "external_data")]
    #[schema(schema_with = listener_type_schema, required = false)]
    pub listener_type: String,
    #[serde(default = "email")]
    #[schema(schema_with = schemas::identify_by, required = false)]
    pub identify_by: String,
    #[schema(schema_with = schemas::data_group)]
    pub data_group: String,
    /// 1 to 100 mappings (0 to 100 for create_feedback).
    #[serde(default)]
    #[schema(max_items = 100)]
    pub fields: Vec<FieldBody>,
    /// create_feedback only (and required there): which parameters fill the ticket.
    #[serde(default)]
    #[schema(required = false)]
    pub feedback: Option<FeedbackMappingBody>,
    /// A gate: only users matching it are updated, others get 422 user_outside_filter.
    /// `{"match": "all"|"any", "criteria": [{"data_group", "field", "qualifier", "value"}]}`;
    /// fields may be the built-in ones (User account: Email, Username, Display name, Created;
    /// Participation: Status, Joined), the project's, or this listener's own.
    #[serde(default)]
    #[schema(schema_with = schemas::optional_filter, required = false)]
    pub filter: Option<serde_json::Value>,
    #[serde(default = "reject")]
    #[schema(schema_with = schemas::unknown_user, required = false)]
    pub unknown_user: String,
    /// When set, requests must be signed with this secret (16 to 200 visible ASCII
    /// characters); see POST …/signing-secret to have one generated instead.
    #[serde(default)]
    #[schema(schema_with = schemas::signing_secret, required = false)]
    pub signing_secret: Option<String>,
}

fn listener_type_schema() -> utoipa::openapi::schema::Object {
    schemas::one_of(&["external_data", "create_feedback"]).default(Some("external_data".into())).build()
}

/// What a Create feedback listener reads from each request for the ticket it opens.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackMappingBody {
    /// The parameter holding the title (required in every request).
    #[schema(schema_with = schemas::parameter)]
    pub title: String,
    /// The parameter holding the description.
    #[serde(default)]
    #[schema(schema_with = optional_parameter, required = false)]
    pub description: Option<String>,
    /// The parameter holding the feedback type's name.
    #[serde(default)]
    #[schema(schema_with = optional_parameter, required = false)]
    pub type_parameter: Option<String>,
    /// The type of tickets whose request names none: one of the project's types.
    #[schema(schema_with = default_type_schema)]
    pub default_type: String,
}

fn optional_parameter() -> utoipa::openapi::schema::ObjectBuilder {
    schemas::nullable(schemas::parameter())
}

fn default_type_schema() -> utoipa::openapi::schema::ObjectBuilder {
    schemas::printable(crate::domain::feedback::MAX_TYPE_CHARS).examples(["Bug"])
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
#[schema(examples(json!({"name": "Mobile app (v2)", "enabled": true,
    "fields": [{"field_id": 1, "label": "Plan name", "parameter": "account.plan"},
               {"label": "Country", "parameter": "country", "type": "string"}]})))]
pub struct ListenerPatch {
    pub enabled: Option<bool>,
    #[schema(schema_with = schemas::optional_listener_name, required = false)]
    pub name: Option<String>,
    #[schema(schema_with = schemas::optional_unknown_user, required = false)]
    pub unknown_user: Option<String>,
    /// The complete new list of mappings. An entry with `field_id` is a mapping the listener
    /// has (its label renames the data group's field; its type cannot change); one without
    /// is a new mapping, to the group's field of that label (same type) or a new field.
    /// Mappings left out are unmapped: the field and its stored values stay in the group.
    #[schema(min_items = 1, max_items = 100)]
    pub fields: Option<Vec<FieldPatch>>,
    /// Fixed: the endpoint URL is made of it. Accepted only unchanged (422 otherwise).
    #[schema(schema_with = schemas::optional_listener_key, required = false)]
    pub key: Option<String>,
    /// Fixed: senders name users this way. Accepted only unchanged (422 otherwise).
    #[schema(schema_with = schemas::optional_identify_by, required = false)]
    pub identify_by: Option<String>,
    /// Fixed: the fields and their values belong to it. Accepted only unchanged (422 otherwise).
    #[schema(schema_with = schemas::optional_data_group, required = false)]
    pub data_group: Option<String>,
    /// A new gate (same shape as at creation), or null to let everyone through.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::optional_filter, required = false)]
    pub filter: Option<Option<Filter>>,
    /// A new signing secret, or null to stop requiring signatures.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::signing_secret, required = false)]
    pub signing_secret: Option<Option<String>>,
    /// create_feedback listeners only: the new ticket mapping, whole.
    #[serde(default)]
    #[schema(required = false)]
    pub feedback: Option<FeedbackMappingBody>,
}

/// Tells a member sent as null (`Some(None)`) from one left out (`None`, the default).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldPatch {
    /// The field of a mapping this listener has (from GET); leave out to add a mapping.
    #[schema(minimum = 1)]
    pub field_id: Option<i64>,
    #[schema(schema_with = schemas::field_label)]
    pub label: String,
    #[schema(schema_with = schemas::parameter)]
    pub parameter: String,
    /// Required for a new mapping; for an existing one, only its current type.
    #[serde(rename = "type")]
    #[schema(schema_with = schemas::optional_field_type, required = false)]
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
    /// create_feedback only: what fills the ticket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<FeedbackMappingBody>,
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
            feedback: listener.feedback.map(|m| FeedbackMappingBody {
                title: m.title,
                description: m.description,
                type_parameter: m.type_parameter,
                default_type: m.default_type,
            }),
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
#[into_params(parameter_in = Query)]
pub struct DeliveryParams {
    /// Only the accepted or only the rejected ones (default: both).
    #[param(schema_with = outcome_schema)]
    outcome: Option<String>,
    /// Only deliveries older than this id: the previous page's `next_before`.
    #[param(schema_with = before_schema)]
    before: Option<String>,
    /// Page size (default 100).
    #[param(schema_with = limit_schema)]
    limit: Option<String>,
}

fn outcome_schema() -> utoipa::openapi::schema::Object {
    schemas::one_of(&["accepted", "rejected"]).build()
}

fn before_schema() -> utoipa::openapi::schema::Object {
    schemas::bounded(1, i64::MAX).build()
}

fn limit_schema() -> utoipa::openapi::schema::Object {
    schemas::bounded(1, MAX_DELIVERY_PAGE.into()).build()
}

/// Create an external listener.
#[utoipa::path(post, path = "/api/v1/projects/{project}/listeners", operation_id = "createListener", request_body = NewListener,
    tag = "User automation", params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, (status = 201, body = ListenerBody),
        (status = 409, body = super::openapi::ErrorBody, description = "the key is taken, or the data group has a field of that label with another type"),
        (status = 422, body = super::openapi::ErrorBody, description = "every invalid value, by member, e.g. fields[1].label: \
            labels or parameters used twice, a parameter inside another, a filter naming no such field or using \
            a qualifier its type does not have, unknown_user create with identify_by username, signing_secret \
            without INLET_SECRET_KEY on the server")))]
pub async fn create(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<NewListener>,
) -> AppResult<(StatusCode, Json<ListenerBody>)> {
    let project = access::existing_project(&state.store, &slug).await?;
    let feedback = match (body.listener_type.as_str(), &body.feedback) {
        ("external_data", None) => None,
        ("external_data", Some(_)) => return Err(AppError::invalid("feedback", "is for create_feedback listeners only")),
        ("create_feedback", Some(mapping)) => Some(listeners::FeedbackInput {
            title: &mapping.title,
            description: mapping.description.as_deref(),
            type_parameter: mapping.type_parameter.as_deref(),
            default_type: &mapping.default_type,
        }),
        ("create_feedback", None) => {
            return Err(AppError::invalid(
                "feedback",
                "is required: which parameters fill the ticket's title, description and type",
            ))
        }
        (other, _) => {
            return Err(AppError::invalid("type", format!("'{other}' is not a listener type (external_data, create_feedback)")))
        }
    };
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
        feedback,
        sealed_signing_secret: match body.signing_secret.as_deref() {
            Some(secret) => Some(signing::seal(state.secret_key.as_ref(), &signing::parse_signing_secret(secret)?)?),
            None => None,
        },
    };
    let listener = listeners::create_listener(&state.store, &project, input).await?;
    Ok((StatusCode::CREATED, Json(ListenerBody::new(&state.base_url, &project, listener))))
}

/// List a project's listeners.
#[utoipa::path(get, path = "/api/v1/projects/{project}/listeners", operation_id = "listListeners", tag = "User automation",
    params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, (status = 200, body = ListenerList)))]
pub async fn list(State(state): State<AppState>, _caller: ApiCaller, Path(slug): Path<String>) -> AppResult<Json<ListenerList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let found = state.store.list_listeners(project.id).await?;
    Ok(Json(ListenerList { listeners: found.into_iter().map(|l| ListenerBody::new(&state.base_url, &project, l)).collect() }))
}

/// Show a listener.
#[utoipa::path(get, path = "/api/v1/projects/{project}/listeners/{key}", operation_id = "showListener", tag = "User automation",
    params(("project" = String, Path, description = "project slug"), ("key" = String, Path, description = "listener key")), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, (status = 200, body = ListenerBody)))]
pub async fn show(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, key)): Path<(String, String)>,
) -> AppResult<Json<ListenerBody>> {
    let (project, listener) = listeners::existing_project_listener(&state.store, &slug, &key).await?;
    Ok(Json(ListenerBody::new(&state.base_url, &project, listener)))
}

/// Change a listener.
#[utoipa::path(patch, path = "/api/v1/projects/{project}/listeners/{key}", operation_id = "updateListener", request_body = ListenerPatch,
    tag = "User automation",
    description = "Renames, re-maps, adds or unmaps fields, changes the name or the unknown-user policy, enables or disables. \
        All of it is written at once or not at all.",
    params(("project" = String, Path, description = "project slug"), ("key" = String, Path, description = "listener key")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, (status = 200, body = ListenerBody, description = "the listener as it is now"),
        (status = 409, body = super::openapi::ErrorBody, description = "a new label is taken in the data group, or a reused field has another type"),
        (status = 422, body = super::openapi::ErrorBody, description = "every invalid value, by member, e.g. fields[2].label; \
            also a changed key, identify_by or data_group, a field_id the listener does not map, or another type for a mapped field")))]
pub async fn update(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, key)): Path<(String, String)>,
    JsonBody(mut patch): JsonBody<ListenerPatch>,
) -> AppResult<Json<ListenerBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    // A new ticket mapping is checked before anything is written.
    let mapping = match patch.feedback.take() {
        None => None,
        Some(body) => {
            let current = listeners::existing_listener(&state.store, &project, &key).await?;
            let parameters: Vec<String> = match &patch.fields {
                Some(fields) => fields.iter().map(|f| f.parameter.trim().to_string()).collect(),
                None => current.fields.iter().map(|f| f.parameter.clone()).collect(),
            };
            let input = listeners::FeedbackInput {
                title: &body.title,
                description: body.description.as_deref(),
                type_parameter: body.type_parameter.as_deref(),
                default_type: &body.default_type,
            };
            Some(listeners::checked_feedback_mapping(&state.store, &project, &current, &input, &parameters).await?)
        }
    };
    let mut listener = listeners::update_listener(&state.store, state.secret_key.as_ref(), &project, &key, patch.into()).await?;
    if let Some(mapping) = mapping {
        listener = listeners::set_feedback_mapping(&state.store, &project, &listener, &mapping).await?;
    }
    Ok(Json(ListenerBody::new(&state.base_url, &project, listener)))
}

/// Delete a listener.
#[utoipa::path(delete, path = "/api/v1/projects/{project}/listeners/{key}", operation_id = "deleteListener", tag = "User automation",
    params(("project" = String, Path, description = "project slug"), ("key" = String, Path, description = "listener key")), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, (status = 204, description = "deleted; the data group and stored values stay")))]
pub async fn delete(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, key)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let (_, listener) = listeners::existing_project_listener(&state.store, &slug, &key).await?;
    state.store.delete_listener(listener.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List a listener's deliveries, newest first.
#[utoipa::path(get, path = "/api/v1/projects/{project}/listeners/{key}/deliveries", operation_id = "listDeliveries",
    tag = "User automation", params(("project" = String, Path, description = "project slug"),
        ("key" = String, Path, description = "listener key"), DeliveryParams), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, Invalid, (status = 200, body = DeliveryList)))]
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

/// Replay a recorded delivery.
#[utoipa::path(post, path = "/api/v1/projects/{project}/listeners/{key}/deliveries/{id}/replay", operation_id = "replayDelivery",
    tag = "User automation", params(("project" = String, Path, description = "project slug"),
        ("key" = String, Path, description = "listener key"), ("id" = i64, Path, description = "delivery id")),
    security(("api_key" = [])),
    responses(KeyedErrors, NotFound, (status = 200, body = super::ingest::IngestReply, description = "the replay's own ingestion response, recorded as a new delivery"),
        (status = 409, body = super::openapi::ErrorBody, description = "the listener is disabled, or its filter no longer fits"),
        (status = 415, body = super::openapi::ErrorBody, description = "the recorded body was not JSON"),
        (status = 422, body = super::openapi::ErrorBody, description = "the payload still does not fit (or the user is outside the listener's filter)")))]
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
