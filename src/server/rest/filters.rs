//! `/api/v1/projects/{project}/filters`: saved filters.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::IntoParams;
use utoipa::ToSchema;

use super::body::JsonBody;
use super::openapi::ErrorBody;
use super::responses::{Conflict, Invalid, KeyedBodyErrors, KeyedErrors, NotFound};
use super::schemas;
use super::url::{Path, Query};
use crate::domain::filter::{Combine, Criterion, Filter};
use crate::domain::grid::{SavedFilter, SavedSubject};
use crate::server::auth::ApiCaller;
use crate::server::error::{AppError, AppResult};
use crate::server::service::access;
use crate::server::service::saved::{self, FilterChanges};
use crate::server::startup::AppState;

/// A filter to save. Criteria take the shape of listener gates:
/// `{"data_group", "field", "qualifier", "value"}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Joined before November", "match": "all", "criteria": [
    {"data_group": "User account", "field": "Email", "qualifier": "contains", "value": "@example.com"},
    {"data_group": "Participation", "field": "Joined", "qualifier": "before", "value": "2026-11-01T00:00:00Z"}]})))]
pub struct NewFilter {
    #[schema(schema_with = schemas::saved_name)]
    pub name: String,
    /// all (the default) or any.
    #[serde(rename = "match")]
    #[schema(schema_with = schemas::optional_match, required = false)]
    pub combine: Option<Value>,
    /// No criteria: everyone.
    #[schema(schema_with = schemas::optional_criteria, required = false)]
    pub criteria: Option<Value>,
    #[schema(schema_with = schemas::saved_subject, required = false)]
    pub subject: Option<Value>,
}

/// `?subject=` on the lists of saved filters and views: users (the default) or feedback.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubjectParam {
    /// users (the default) or feedback: which of the project's filters (or views) to list.
    #[param(schema_with = subject_param)]
    subject: Option<String>,
}

fn subject_param() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["users", "feedback"]))
        .build()
}

impl SubjectParam {
    pub(super) fn subject(&self) -> AppResult<SavedSubject> {
        subject(self.subject.clone().map(Value::from))
    }
}

/// A body's or a query's `subject` (users when left out), or a 422 naming it.
pub(super) fn subject(value: Option<Value>) -> AppResult<SavedSubject> {
    match value.filter(|v| !v.is_null()) {
        None => Ok(SavedSubject::Users),
        Some(value) => value
            .as_str()
            .and_then(SavedSubject::parse)
            .ok_or_else(|| AppError::invalid("subject", "must be \"users\" or \"feedback\"")),
    }
}

/// Changes to a saved filter; members left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Pro testers", "match": "any"})))]
pub struct FilterPatch {
    #[schema(schema_with = schemas::optional_saved_name, required = false)]
    pub name: Option<String>,
    /// all or any.
    #[serde(rename = "match")]
    #[schema(schema_with = schemas::optional_match, required = false)]
    pub combine: Option<Value>,
    /// The complete new list of criteria.
    #[schema(schema_with = schemas::optional_criteria, required = false)]
    pub criteria: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FilterBody {
    pub id: i64,
    pub name: String,
    /// users or feedback.
    pub subject: String,
    /// all or any.
    #[serde(rename = "match")]
    pub combine: String,
    /// As checked: names spelled as the project spells them.
    #[schema(value_type = Vec<Object>)]
    pub criteria: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SavedFilter> for FilterBody {
    fn from(saved: SavedFilter) -> Self {
        let filter = serde_json::to_value(&saved.filter).expect("filters serialise");
        Self {
            id: saved.id,
            name: saved.name,
            subject: saved.subject.as_str().into(),
            combine: filter["match"].as_str().unwrap_or("all").to_string(),
            criteria: filter["criteria"].clone(),
            created_at: saved.created_at,
            updated_at: saved.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FilterList {
    pub filters: Vec<FilterBody>,
}

/// `match` and `criteria` as the filter engine reads them; a shape it cannot read is a 422
/// naming the member.
fn combine(value: Option<Value>) -> AppResult<Option<Combine>> {
    value
        .filter(|v| !v.is_null())
        .map(|v| serde_json::from_value(v).map_err(|_| AppError::invalid("match", "must be \"all\" or \"any\"")))
        .transpose()
}

fn criteria(value: Option<Value>) -> AppResult<Option<Vec<Criterion>>> {
    value
        .filter(|v| !v.is_null())
        .map(|v| serde_json::from_value(v).map_err(|e| AppError::invalid("criteria", e.to_string())))
        .transpose()
}

/// Save a filter.
#[utoipa::path(post, path = "/api/v1/projects/{project}/filters", operation_id = "createFilter", request_body = NewFilter,
    tag = "User grid", params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid, Conflict,
        (status = 201, body = FilterBody, description = "saved"),
        (status = 409, body = ErrorBody, description = "the project has a filter of that name"),
        (status = 422, body = ErrorBody, description = "every invalid value, e.g. `criteria[1].value`; criteria must name \
            fields the project has (for a users' filter, not the Ticket group) and use a qualifier that fits the field's type")))]
pub async fn create(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<NewFilter>,
) -> AppResult<(StatusCode, Json<FilterBody>)> {
    let project = access::existing_project(&state.store, &slug).await?;
    let subject = subject(body.subject)?;
    let filter =
        Filter { combine: combine(body.combine)?.unwrap_or_default(), criteria: criteria(body.criteria)?.unwrap_or_default() };
    let saved = saved::create_filter(&state.store, &project, subject, &body.name, filter).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// List the project's saved filters.
#[utoipa::path(get, path = "/api/v1/projects/{project}/filters", operation_id = "listFilters", tag = "User grid",
    params(("project" = String, Path, description = "project slug"), SubjectParam), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, Invalid, (status = 200, body = FilterList, description = "by name")))]
pub async fn list(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    Query(params): Query<SubjectParam>,
) -> AppResult<Json<FilterList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let filters = saved::list_filters(&state.store, &project, params.subject()?).await?;
    Ok(Json(FilterList { filters: filters.into_iter().map(Into::into).collect() }))
}

/// Show a saved filter.
#[utoipa::path(get, path = "/api/v1/projects/{project}/filters/{id}", operation_id = "showFilter", tag = "User grid",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the saved filter's id")), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, (status = 200, body = FilterBody)))]
pub async fn show(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<FilterBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    Ok(Json(saved::get_filter(&state.store, &project, id).await?.into()))
}

/// Rename a saved filter or change its criteria.
#[utoipa::path(patch, path = "/api/v1/projects/{project}/filters/{id}", operation_id = "updateFilter", request_body = FilterPatch,
    tag = "User grid", params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the saved filter's id")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid, Conflict,
        (status = 200, body = FilterBody, description = "the filter as it is now"),
        (status = 409, body = ErrorBody, description = "the new name is taken")))]
pub async fn update(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    JsonBody(patch): JsonBody<FilterPatch>,
) -> AppResult<Json<FilterBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let changes = FilterChanges { name: patch.name, combine: combine(patch.combine)?, criteria: criteria(patch.criteria)? };
    Ok(Json(saved::update_filter(&state.store, &project, id, changes).await?.into()))
}

/// Delete a saved filter.
#[utoipa::path(delete, path = "/api/v1/projects/{project}/filters/{id}", operation_id = "deleteFilter", tag = "User grid",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the saved filter's id")), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, (status = 204, description = "deleted")))]
pub async fn delete(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    let project = access::existing_project(&state.store, &slug).await?;
    saved::delete_filter(&state.store, &project, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
