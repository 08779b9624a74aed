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
use crate::domain::summary::{SummaryChange, SummaryGroup};
use crate::domain::user::{ProjectUser, UserListQuery, UserSort};
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

/// A user with every data group of the project and their values in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDetail {
    #[serde(flatten)]
    pub user: UserBody,
    /// User account and Participation first, then the project's data groups.
    pub data_groups: Vec<DataGroupBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DataGroupBody {
    pub data_group: String,
    pub values: Vec<FieldValueBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldValueBody {
    pub field: String,
    /// boolean, datetime, integer or string.
    #[serde(rename = "type")]
    pub field_type: String,
    /// Typed: a boolean, an integer, an RFC 3339 UTC time or a string; null when empty.
    #[schema(value_type = Object, nullable = true)]
    pub value: serde_json::Value,
    /// When the value was last stored; null when empty and for built-in fields.
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<SummaryGroup> for DataGroupBody {
    fn from(group: SummaryGroup) -> Self {
        Self {
            data_group: group.data_group,
            values: group
                .values
                .into_iter()
                .map(|v| FieldValueBody {
                    field: v.field,
                    field_type: v.field_type.as_str().into(),
                    value: v.value.to_json(),
                    updated_at: v.updated_at,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct HistoryParams {
    /// 1-based page number.
    page: Option<u32>,
    /// Page size, at most 200 (default 50).
    per_page: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryList {
    pub changes: Vec<ChangeBody>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// One change of a value; `old` and `new` are typed like the values (null when empty).
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeBody {
    pub data_group: String,
    pub field: String,
    #[schema(value_type = Object, nullable = true)]
    pub old: serde_json::Value,
    #[schema(value_type = Object, nullable = true)]
    pub new: serde_json::Value,
    pub changed_at: DateTime<Utc>,
    /// The delivery that made the change; null once that delivery is deleted.
    pub delivery_id: Option<i64>,
}

impl From<SummaryChange> for ChangeBody {
    fn from(change: SummaryChange) -> Self {
        Self {
            data_group: change.data_group,
            field: change.field,
            old: change.old.to_json(),
            new: change.new.to_json(),
            changed_at: change.changed_at,
            delivery_id: change.delivery_id,
        }
    }
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

#[utoipa::path(get, path = "/api/v1/projects/{project}/users/{user}", tag = "users", operation_id = "showUser",
    params(("project" = String, Path, description = "project slug"), ("user" = String, Path, description = "email or username")),
    security(("api_key" = [])),
    responses((status = 200, body = UserDetail, description = "the user, with every data group of the project and their values"),
        (status = 401, body = super::openapi::ErrorBody), (status = 404, body = super::openapi::ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, user)): Path<(String, String)>,
) -> AppResult<Json<UserDetail>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let found = users::existing_user(&state.store, &project, &user).await?;
    let groups = users::data_groups(&state.store, &project, &found).await?;
    Ok(Json(UserDetail { user: found.into(), data_groups: groups.into_iter().map(Into::into).collect() }))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/users/{user}/history", tag = "users", operation_id = "listUserHistory",
    params(("project" = String, Path, description = "project slug"), ("user" = String, Path, description = "email or username"),
        HistoryParams),
    security(("api_key" = [])),
    responses((status = 200, body = HistoryList, description = "changes to the user's values in this project, newest first"),
        (status = 400, body = super::openapi::ErrorBody, description = "page or per_page is not a positive whole number"),
        (status = 401, body = super::openapi::ErrorBody), (status = 404, body = super::openapi::ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, user)): Path<(String, String)>,
    Query(params): Query<HistoryParams>,
) -> AppResult<Json<HistoryList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let found = users::existing_user(&state.store, &project, &user).await?;
    let page = PageRequest::new(params.page, params.per_page);
    let changes = users::history(&state.store, &project, &found, None, page).await?;
    Ok(Json(HistoryList {
        total: changes.total,
        page: changes.page,
        per_page: changes.per_page,
        changes: changes.items.into_iter().map(Into::into).collect(),
    }))
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
