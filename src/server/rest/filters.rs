//! `/api/v1/projects/{project}/filters`: saved filters.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::body::JsonBody;
use super::openapi::ErrorBody;
use super::url::Path;
use crate::domain::filter::{Combine, Criterion, Filter};
use crate::domain::grid::SavedFilter;
use crate::server::auth::ApiCaller;
use crate::server::error::{AppError, AppResult};
use crate::server::service::access;
use crate::server::service::saved::{self, FilterChanges};
use crate::server::startup::AppState;

/// A filter to save. Criteria take the shape of listener gates:
/// `{"data_group", "field", "qualifier", "value"}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFilter {
    pub name: String,
    /// all (the default) or any.
    #[serde(rename = "match")]
    #[schema(value_type = Option<String>)]
    pub combine: Option<Value>,
    /// No criteria: everyone.
    #[schema(value_type = Option<Vec<Object>>)]
    pub criteria: Option<Value>,
}

/// Changes to a saved filter; members left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilterPatch {
    pub name: Option<String>,
    /// all or any.
    #[serde(rename = "match")]
    #[schema(value_type = Option<String>)]
    pub combine: Option<Value>,
    /// The complete new list of criteria.
    #[schema(value_type = Option<Vec<Object>>)]
    pub criteria: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FilterBody {
    pub id: i64,
    pub name: String,
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

#[utoipa::path(post, path = "/api/v1/projects/{project}/filters", operation_id = "createFilter", request_body = NewFilter,
    tag = "filters", params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses((status = 201, body = FilterBody, description = "saved"),
        (status = 400, body = ErrorBody, description = "malformed JSON or an unknown member"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "no such project"),
        (status = 409, body = ErrorBody, description = "the project has a filter of that name"),
        (status = 422, body = ErrorBody, description = "every invalid value, e.g. criteria[1].value")))]
pub async fn create(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<NewFilter>,
) -> AppResult<(StatusCode, Json<FilterBody>)> {
    let project = access::existing_project(&state.store, &slug).await?;
    let filter =
        Filter { combine: combine(body.combine)?.unwrap_or_default(), criteria: criteria(body.criteria)?.unwrap_or_default() };
    let saved = saved::create_filter(&state.store, &project, &body.name, filter).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/filters", operation_id = "listFilters", tag = "filters",
    params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses((status = 200, body = FilterList, description = "by name"), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, _caller: ApiCaller, Path(slug): Path<String>) -> AppResult<Json<FilterList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let filters = saved::list_filters(&state.store, &project).await?;
    Ok(Json(FilterList { filters: filters.into_iter().map(Into::into).collect() }))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/filters/{id}", operation_id = "showFilter", tag = "filters",
    params(("project" = String, Path), ("id" = i64, Path)), security(("api_key" = [])),
    responses((status = 200, body = FilterBody), (status = 400, body = ErrorBody, description = "the id is not a number"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<FilterBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    Ok(Json(saved::get_filter(&state.store, &project, id).await?.into()))
}

#[utoipa::path(patch, path = "/api/v1/projects/{project}/filters/{id}", operation_id = "updateFilter", request_body = FilterPatch,
    tag = "filters", params(("project" = String, Path), ("id" = i64, Path)), security(("api_key" = [])),
    responses((status = 200, body = FilterBody, description = "the filter as it is now"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the new name is taken"),
        (status = 422, body = ErrorBody)))]
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

#[utoipa::path(delete, path = "/api/v1/projects/{project}/filters/{id}", operation_id = "deleteFilter", tag = "filters",
    params(("project" = String, Path), ("id" = i64, Path)), security(("api_key" = [])),
    responses((status = 204, description = "deleted"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    let project = access::existing_project(&state.store, &slug).await?;
    saved::delete_filter(&state.store, &project, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
