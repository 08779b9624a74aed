//! `/api/v1/projects/{project}/users`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::body::{CsvBody, JsonBody};
use super::url::{Path, Query};
use crate::domain::import::ImportReport;
use crate::domain::user::{ProjectUser, UserListQuery, UserRef, UserSort};
use crate::domain::PageRequest;
use crate::server::auth::ApiCaller;
use crate::server::error::{AppError, AppResult};
use crate::server::service::{access, users};
use crate::server::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub email: String,
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserBody {
    pub email: String,
    pub username: String,
    pub display_name: String,
    pub created_at: DateTime<Utc>,
    /// Membership in this project: active, invited, inactive or removed.
    pub status: String,
    pub joined_at: DateTime<Utc>,
}

impl From<ProjectUser> for UserBody {
    fn from(user: ProjectUser) -> Self {
        Self {
            email: user.email,
            username: user.username,
            display_name: user.display_name,
            created_at: user.created_at,
            status: user.status.to_string(),
            joined_at: user.joined_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    pub users: Vec<UserBody>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListParams {
    /// Text to find in email, username or display name.
    q: Option<String>,
    /// 1-based page number.
    page: Option<u32>,
    /// Page size, at most 200 (default 50).
    per_page: Option<u32>,
    /// email, username, name, joined or status.
    sort: Option<String>,
    /// asc or desc.
    order: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedRowBody {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportBody {
    pub id: i64,
    pub total_rows: u64,
    pub created: u64,
    pub updated: u64,
    pub rejected: Vec<RejectedRowBody>,
}

impl From<ImportReport> for ImportBody {
    fn from(report: ImportReport) -> Self {
        Self {
            id: report.id,
            total_rows: report.total_rows,
            created: report.created,
            updated: report.updated,
            rejected: report.rejected.into_iter().map(|r| RejectedRowBody { line: r.line, reason: r.reason }).collect(),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/users", request_body = NewUser, tag = "users",
    params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses((status = 201, body = UserBody), (status = 404, body = super::openapi::ErrorBody),
        (status = 409, body = super::openapi::ErrorBody, description = "email or username taken"),
        (status = 422, body = super::openapi::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<NewUser>,
) -> AppResult<(StatusCode, Json<UserBody>)> {
    let project = access::existing_project(&state.store, &slug).await?;
    let user = users::add_user(&state.store, &project, &body.email, &body.username, &body.display_name).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/users", tag = "users",
    params(("project" = String, Path, description = "project slug"), ListParams), security(("api_key" = [])),
    responses((status = 200, body = UserList), (status = 404, body = super::openapi::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    Query(params): Query<ListParams>,
) -> AppResult<Json<UserList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let sort = match params.sort.as_deref() {
        None => UserSort::default(),
        Some(value) => UserSort::parse(value)
            .ok_or_else(|| AppError::invalid("sort", format!("'{value}' is not one of email, username, name, joined, status")))?,
    };
    let descending = match params.order.as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => return Err(AppError::invalid("order", format!("'{other}' is not asc or desc"))),
    };
    let query = UserListQuery { search: params.q, sort, descending, page: PageRequest::new(params.page, params.per_page) };
    let page = state.store.list_project_users(project.id, &query).await?;
    Ok(Json(UserList {
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        users: page.items.into_iter().map(Into::into).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/users/{user}", tag = "users",
    params(("project" = String, Path, description = "project slug"), ("user" = String, Path, description = "email or username")),
    security(("api_key" = [])),
    responses((status = 200, body = UserBody), (status = 404, body = super::openapi::ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, user)): Path<(String, String)>,
) -> AppResult<Json<UserBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let not_found = || AppError::NotFound(format!("there is no user '{user}' in project '{slug}'"));
    let user_ref = UserRef::parse(&user).map_err(|_| not_found())?;
    let found = state.store.find_project_user(project.id, &user_ref).await?.ok_or_else(not_found)?;
    Ok(Json(found.into()))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/users/import", tag = "users",
    params(("project" = String, Path, description = "project slug")),
    request_body(content = String, content_type = "text/csv", description = "header email,username,name; one user per line"),
    security(("api_key" = [])),
    responses((status = 200, body = ImportBody, description = "good rows imported, bad rows listed by line"),
        (status = 415, body = super::openapi::ErrorBody), (status = 422, body = super::openapi::ErrorBody, description = "not a users CSV: nothing imported")))]
pub async fn import(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(slug): Path<String>,
    CsvBody(bytes): CsvBody,
) -> AppResult<Json<ImportBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let source = format!("api key #{}", caller.key_id);
    Ok(Json(users::import_csv(&state.store, &project, &bytes, &source).await?.into()))
}
