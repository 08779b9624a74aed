//! `/api/v1/projects/{project}/views`: saved views (ordered columns).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::body::JsonBody;
use super::filters::{subject, SubjectParam};
use super::openapi::ErrorBody;
use super::responses::{Conflict, Invalid, KeyedBodyErrors, KeyedErrors, NotFound};
use super::schemas;
use super::url::{Path, Query};
use crate::domain::grid::{SavedView, View, ViewColumn};
use crate::server::auth::ApiCaller;
use crate::server::error::AppResult;
use crate::server::service::access;
use crate::server::service::saved::{self, ViewChanges};
use crate::server::startup::AppState;

/// A column: a field of a data group (User account, Participation, or one of the project's).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnBody {
    pub data_group: String,
    pub field: String,
}

impl From<ColumnBody> for ViewColumn {
    fn from(c: ColumnBody) -> Self {
        ViewColumn { data_group: c.data_group, field: c.field }
    }
}

impl From<ViewColumn> for ColumnBody {
    fn from(c: ViewColumn) -> Self {
        ColumnBody { data_group: c.data_group, field: c.field }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Who joined when", "columns": [
    {"data_group": "User account", "field": "Email"}, {"data_group": "Participation", "field": "Status"},
    {"data_group": "Participation", "field": "Joined"}]})))]
pub struct NewView {
    #[schema(schema_with = schemas::saved_name)]
    pub name: String,
    /// In order; each field at most once.
    #[schema(schema_with = schemas::columns)]
    pub columns: Vec<ColumnBody>,
    #[schema(schema_with = schemas::saved_subject, required = false)]
    pub subject: Option<Value>,
}

/// Changes to a saved view; members left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Who joined"})))]
pub struct ViewPatch {
    #[schema(schema_with = schemas::optional_saved_name, required = false)]
    pub name: Option<String>,
    /// The complete new list of columns, in order.
    #[schema(schema_with = schemas::optional_columns, required = false)]
    pub columns: Option<Vec<ColumnBody>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Who joined when (copy)"})))]
pub struct CloneView {
    /// The copy's name.
    #[schema(schema_with = schemas::saved_name)]
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ViewBody {
    pub id: i64,
    pub name: String,
    /// users or feedback.
    pub subject: String,
    /// As checked: names spelled as the project spells them.
    pub columns: Vec<ColumnBody>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SavedView> for ViewBody {
    fn from(saved: SavedView) -> Self {
        Self {
            id: saved.id,
            name: saved.name,
            subject: saved.subject.as_str().into(),
            columns: saved.columns.into_iter().map(Into::into).collect(),
            created_at: saved.created_at,
            updated_at: saved.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ViewList {
    pub views: Vec<ViewBody>,
}

/// Save a view: named, ordered columns.
#[utoipa::path(post, path = "/api/v1/projects/{project}/views", operation_id = "createView", request_body = NewView,
    tag = "User grid", params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid, Conflict,
        (status = 201, body = ViewBody, description = "saved"),
        (status = 409, body = ErrorBody, description = "the project has a view of that name"),
        (status = 422, body = ErrorBody, description = "every invalid value, e.g. `columns[2].field`: columns must name \
            fields the project has, each once (names compared ignoring case)")))]
pub async fn create(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<NewView>,
) -> AppResult<(StatusCode, Json<ViewBody>)> {
    let project = access::existing_project(&state.store, &slug).await?;
    let subject = subject(body.subject)?;
    let view = View { columns: body.columns.into_iter().map(Into::into).collect() };
    let saved = saved::create_view(&state.store, &project, subject, &body.name, &view).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// List the project's saved views.
#[utoipa::path(get, path = "/api/v1/projects/{project}/views", operation_id = "listViews", tag = "User grid",
    params(("project" = String, Path, description = "project slug"), SubjectParam), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, Invalid, (status = 200, body = ViewList, description = "by name")))]
pub async fn list(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    Query(params): Query<SubjectParam>,
) -> AppResult<Json<ViewList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let views = saved::list_views(&state.store, &project, params.subject()?).await?;
    Ok(Json(ViewList { views: views.into_iter().map(Into::into).collect() }))
}

/// Show a saved view.
#[utoipa::path(get, path = "/api/v1/projects/{project}/views/{id}", operation_id = "showView", tag = "User grid",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the saved view's id")), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, (status = 200, body = ViewBody)))]
pub async fn show(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<ViewBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    Ok(Json(saved::get_view(&state.store, &project, id).await?.into()))
}

/// Rename a saved view or change its columns.
#[utoipa::path(patch, path = "/api/v1/projects/{project}/views/{id}", operation_id = "updateView", request_body = ViewPatch,
    tag = "User grid", params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the saved view's id")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid, Conflict,
        (status = 200, body = ViewBody, description = "the view as it is now"),
        (status = 409, body = ErrorBody, description = "the new name is taken")))]
pub async fn update(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    JsonBody(patch): JsonBody<ViewPatch>,
) -> AppResult<Json<ViewBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let changes = ViewChanges { name: patch.name, columns: patch.columns.map(|c| c.into_iter().map(Into::into).collect()) };
    Ok(Json(saved::update_view(&state.store, &project, id, changes).await?.into()))
}

/// Delete a saved view.
#[utoipa::path(delete, path = "/api/v1/projects/{project}/views/{id}", operation_id = "deleteView", tag = "User grid",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the saved view's id")), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, (status = 204, description = "deleted")))]
pub async fn delete(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    let project = access::existing_project(&state.store, &slug).await?;
    saved::delete_view(&state.store, &project, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Copy a saved view under a new name.
#[utoipa::path(post, path = "/api/v1/projects/{project}/views/{id}/clone", operation_id = "cloneView", request_body = CloneView,
    tag = "User grid", params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the saved view's id")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid, Conflict,
        (status = 201, body = ViewBody, description = "the copy"),
        (status = 409, body = ErrorBody, description = "the name is taken")))]
pub async fn clone(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    JsonBody(body): JsonBody<CloneView>,
) -> AppResult<(StatusCode, Json<ViewBody>)> {
    let project = access::existing_project(&state.store, &slug).await?;
    let copy = saved::clone_view(&state.store, &project, id, &body.name).await?;
    Ok((StatusCode::CREATED, Json(copy.into())))
}
