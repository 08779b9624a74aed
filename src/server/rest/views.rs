//! `/api/v1/projects/{project}/views`: saved views (ordered columns).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::JsonBody;
use super::openapi::ErrorBody;
use super::url::Path;
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
pub struct NewView {
    pub name: String,
    /// In order; each field at most once.
    pub columns: Vec<ColumnBody>,
}

/// Changes to a saved view; members left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewPatch {
    pub name: Option<String>,
    /// The complete new list of columns, in order.
    pub columns: Option<Vec<ColumnBody>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloneView {
    /// The copy's name.
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ViewBody {
    pub id: i64,
    pub name: String,
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

#[utoipa::path(post, path = "/api/v1/projects/{project}/views", operation_id = "createView", request_body = NewView,
    tag = "views", params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses((status = 201, body = ViewBody, description = "saved"),
        (status = 400, body = ErrorBody, description = "malformed JSON or an unknown member"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "no such project"),
        (status = 409, body = ErrorBody, description = "the project has a view of that name"),
        (status = 422, body = ErrorBody, description = "every invalid value, e.g. columns[2].field")))]
pub async fn create(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<NewView>,
) -> AppResult<(StatusCode, Json<ViewBody>)> {
    let project = access::existing_project(&state.store, &slug).await?;
    let view = View { columns: body.columns.into_iter().map(Into::into).collect() };
    let saved = saved::create_view(&state.store, &project, &body.name, &view).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/views", operation_id = "listViews", tag = "views",
    params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses((status = 200, body = ViewList, description = "by name"), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, _caller: ApiCaller, Path(slug): Path<String>) -> AppResult<Json<ViewList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let views = saved::list_views(&state.store, &project).await?;
    Ok(Json(ViewList { views: views.into_iter().map(Into::into).collect() }))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/views/{id}", operation_id = "showView", tag = "views",
    params(("project" = String, Path), ("id" = i64, Path)), security(("api_key" = [])),
    responses((status = 200, body = ViewBody), (status = 400, body = ErrorBody, description = "the id is not a number"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<ViewBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    Ok(Json(saved::get_view(&state.store, &project, id).await?.into()))
}

#[utoipa::path(patch, path = "/api/v1/projects/{project}/views/{id}", operation_id = "updateView", request_body = ViewPatch,
    tag = "views", params(("project" = String, Path), ("id" = i64, Path)), security(("api_key" = [])),
    responses((status = 200, body = ViewBody, description = "the view as it is now"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the new name is taken"),
        (status = 422, body = ErrorBody)))]
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

#[utoipa::path(delete, path = "/api/v1/projects/{project}/views/{id}", operation_id = "deleteView", tag = "views",
    params(("project" = String, Path), ("id" = i64, Path)), security(("api_key" = [])),
    responses((status = 204, description = "deleted"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    let project = access::existing_project(&state.store, &slug).await?;
    saved::delete_view(&state.store, &project, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/views/{id}/clone", operation_id = "cloneView", request_body = CloneView,
    tag = "views", params(("project" = String, Path), ("id" = i64, Path)), security(("api_key" = [])),
    responses((status = 201, body = ViewBody, description = "the copy"), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "no such project or view"),
        (status = 409, body = ErrorBody, description = "the name is taken"), (status = 422, body = ErrorBody)))]
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
