//! `/api/v1/projects/{project}/users`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::body::{CsvBody, JsonBody};
use super::responses::{Conflict, Invalid, KeyedBodyErrors, KeyedErrors, NotFound};
use super::schemas;
use super::url::{PageParams, Path, Query};
use crate::domain::identity::has_control_characters;
use crate::domain::import::ImportReport;
use crate::domain::summary::{SummaryChange, SummaryGroup};
use crate::domain::user::{ProjectUser, UserListQuery, UserSort};
use crate::server::auth::ApiCaller;
use crate::server::error::{AppError, AppResult};
use crate::server::service::{access, users};
use crate::server::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"email": "ada@example.com", "username": "ada", "display_name": "Ada Lovelace"})))]
pub struct NewUser {
    /// Stored lower-case; unique in the community.
    #[schema(schema_with = schemas::email)]
    pub email: String,
    /// 2–64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit; stored lower-case.
    #[schema(schema_with = schemas::username)]
    pub username: String,
    #[schema(schema_with = schemas::display_name)]
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
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Text to find in email, username or display name.
    #[param(schema_with = search_schema)]
    q: Option<String>,
    /// The order of the list (default email).
    #[param(schema_with = sort_schema)]
    sort: Option<String>,
    /// Ascending (default) or descending.
    #[param(schema_with = order_schema)]
    order: Option<String>,
}

const MAX_SEARCH: usize = 200;

fn search_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(r"^[^\x00-\x1f\x7f-\x9f]*$"))
        .max_length(Some(MAX_SEARCH))
        .build()
}

fn sort_schema() -> utoipa::openapi::schema::Object {
    schemas::one_of(&["email", "username", "name", "joined", "status"]).build()
}

fn order_schema() -> utoipa::openapi::schema::Object {
    schemas::one_of(&["asc", "desc"]).build()
}

/// The CSV body's schema: text that starts with a users header.
struct CsvUsers;

impl utoipa::PartialSchema for CsvUsers {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^email,username,name(?:\r?\n[^\r\n]*)*$"))
            .into()
    }
}

impl ToSchema for CsvUsers {}

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
    #[schema(value_type = Value)]
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
    #[schema(value_type = Value)]
    pub old: serde_json::Value,
    #[schema(value_type = Value)]
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

/// Add a user to a project.
#[utoipa::path(post, path = "/api/v1/projects/{project}/users", operation_id = "createUser", request_body = NewUser,
    tag = "Project users", params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid, Conflict, (status = 201, body = UserBody),
        (status = 409, body = super::openapi::ErrorBody, description = "the email or username is taken")))]
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

/// List a project's users, searched, sorted and paged.
#[utoipa::path(get, path = "/api/v1/projects/{project}/users", operation_id = "listUsers", tag = "Project users",
    params(("project" = String, Path, description = "project slug"), ListParams, PageParams), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, Invalid, (status = 200, body = UserList)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    Query(params): Query<ListParams>,
    Query(paging): Query<PageParams>,
) -> AppResult<Json<UserList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let page = paging.page_request()?;
    if let Some(q) = params.q.as_deref().filter(|q| has_control_characters(q) || q.chars().count() > MAX_SEARCH) {
        let why = if has_control_characters(q) { "may not contain control characters" } else { "is longer than 200 characters" };
        return Err(AppError::invalid("q", why));
    }
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
    let query = UserListQuery { search: params.q, sort, descending, page };
    let page = state.store.list_project_users(project.id, &query).await?;
    Ok(Json(UserList {
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        users: page.items.into_iter().map(Into::into).collect(),
    }))
}

/// Show one user of a project, by email or username, with every data group's values.
#[utoipa::path(get, path = "/api/v1/projects/{project}/users/{user}", operation_id = "showUser", tag = "Project users",
    params(("project" = String, Path, description = "project slug"), ("user" = String, Path, description = "email or username")),
    security(("api_key" = [])),
    responses(KeyedErrors, NotFound, (status = 200, body = UserDetail, description = "the user, with every data group of the project and their values")))]
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

/// List the changes to a user's values in this project, newest first.
#[utoipa::path(get, path = "/api/v1/projects/{project}/users/{user}/history", operation_id = "listUserHistory", tag = "Project users",
    params(("project" = String, Path, description = "project slug"), ("user" = String, Path, description = "email or username"),
        PageParams),
    security(("api_key" = [])),
    responses(KeyedErrors, NotFound, Invalid,
        (status = 200, body = HistoryList, description = "changes to the user's values in this project, newest first")))]
pub async fn history(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, user)): Path<(String, String)>,
    Query(paging): Query<PageParams>,
) -> AppResult<Json<HistoryList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let found = users::existing_user(&state.store, &project, &user).await?;
    let page = paging.page_request()?;
    let changes = users::history(&state.store, &project, &found, None, page).await?;
    Ok(Json(HistoryList {
        total: changes.total,
        page: changes.page,
        per_page: changes.per_page,
        changes: changes.items.into_iter().map(Into::into).collect(),
    }))
}

/// Import users from a CSV file.
#[utoipa::path(post, path = "/api/v1/projects/{project}/users/import", operation_id = "importUsers", tag = "Project users",
    params(("project" = String, Path, description = "project slug")),
    request_body(content = inline(CsvUsers), content_type = "text/csv", description = "A header naming the columns email, username and name \
        (in any order, other columns ignored; the schema's pattern shows the plainest), then one user per line; a row that does not \
        make a user is listed in `rejected`. Also taken as application/csv or text/plain.",
        example = "email,username,name\nada@example.com,ada,Ada Lovelace\n"),
    security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound,
        (status = 200, body = ImportBody, description = "good rows imported, bad rows listed by line"),
        (status = 422, body = super::openapi::ErrorBody, description = "not a users CSV (no such header, not UTF-8, too many rows): nothing imported")))]
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
