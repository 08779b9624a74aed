//! `POST /api/v1/projects/{project}/grid`: a filter and a view run against the project's
//! users, a page at a time, with typed values.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::body::JsonBody;
use super::openapi::ErrorBody;
use super::responses::{Invalid, KeyedBodyErrors, NotFound};
use super::schemas;
use super::url::Path;
use crate::domain::grid::{Choice, GridPage, GridRequest, SortKey, DEFAULT_PER_PAGE};
use crate::domain::project::Project;
use crate::domain::ValidationError;
use crate::server::auth::ApiCaller;
use crate::server::error::{AppError, AppResult};
use crate::server::service::{access, grid};
use crate::server::startup::AppState;
use crate::server::store::{GridSubject, Store};

/// What to show. `filter`: a saved filter's id, a filter written out
/// (`{"match", "criteria"}`), or null for everyone. `view`: a saved view's id, columns written
/// out (`{"columns": [{"data_group", "field"}]}`), or null for the default view (Email,
/// Username, Display name, Status, Joined).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"filter": {"match": "all", "criteria": [
        {"data_group": "Participation", "field": "Status", "qualifier": "is", "value": "active"}]},
    "view": {"columns": [{"data_group": "User account", "field": "Email"}, {"data_group": "Participation", "field": "Joined"}]},
    "sort": [{"column": 1, "order": "desc"}], "page": 1, "per_page": 50})))]
pub struct GridBody {
    #[schema(schema_with = schemas::grid_filter, required = false)]
    pub filter: Option<Value>,
    #[schema(schema_with = schemas::grid_view, required = false)]
    pub view: Option<Value>,
    /// `[{"column": <index into the view's columns>, "order": "asc"|"desc"}]`, in turn;
    /// typed order, empty values last both ways, ties by user.
    #[schema(schema_with = schemas::grid_sort, required = false)]
    pub sort: Option<Value>,
    /// From 1 (default 1).
    #[schema(schema_with = schemas::grid_page, required = false)]
    pub page: Option<Value>,
    /// 1 to 200 (default 50).
    #[schema(schema_with = schemas::grid_per_page, required = false)]
    pub per_page: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridColumnBody {
    pub data_group: String,
    pub field: String,
    /// boolean, datetime, integer or string.
    #[serde(rename = "type")]
    pub field_type: String,
    /// The header exports use: the field, prefixed with its data group where two columns
    /// share a label.
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridRowBody {
    /// The user's email.
    pub user: String,
    /// One per column, typed: boolean, number, RFC 3339 UTC text, text, or null when empty.
    #[schema(value_type = Vec<Value>)]
    pub values: Vec<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridPageBody {
    /// Users the filter lets through.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub columns: Vec<GridColumnBody>,
    pub rows: Vec<GridRowBody>,
}

impl From<GridPage> for GridPageBody {
    fn from(page: GridPage) -> Self {
        Self {
            total: page.total,
            page: page.page,
            per_page: page.per_page,
            columns: page
                .columns
                .into_iter()
                .map(|c| GridColumnBody {
                    data_group: c.data_group,
                    field: c.field,
                    field_type: c.field_type.as_str().into(),
                    label: c.label,
                })
                .collect(),
            rows: page
                .rows
                .into_iter()
                .map(|row| GridRowBody { user: row.user, values: row.values.iter().map(|cell| cell.to_json()).collect() })
                .collect(),
        }
    }
}

impl GridBody {
    /// Reads every member, reporting every problem at once (422).
    pub fn into_request(self) -> AppResult<GridRequest> {
        let mut errors: Vec<ValidationError> = Vec::new();
        let filter = keep(&mut errors, Choice::from_json(self.filter, "filter"));
        let view = keep(&mut errors, Choice::from_json(self.view, "view"));
        let sort = keep(
            &mut errors,
            match self.sort {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(sort) => serde_json::from_value::<Vec<SortKey>>(integral_columns(sort))
                    .map_err(|e| ValidationError::new("sort", e.to_string())),
            },
        );
        let page = keep(&mut errors, whole_number(self.page, "page", 1));
        let per_page = keep(&mut errors, whole_number(self.per_page, "per_page", DEFAULT_PER_PAGE));
        match (filter, view, sort, page, per_page) {
            (Some(filter), Some(view), Some(sort), Some(page), Some(per_page)) if errors.is_empty() => {
                Ok(GridRequest { filter, view, sort, page, per_page })
            }
            _ => Err(AppError::Invalid(errors)),
        }
    }
}

/// Sort keys' `column` written as `1.0` read as `1`, as JSON Schema's `integer` allows.
fn integral_columns(mut sort: Value) -> Value {
    for key in sort.as_array_mut().into_iter().flatten() {
        if let Some(column) = key.get_mut("column") {
            if let Some(whole) = column.as_number().and_then(crate::domain::grid::whole_number) {
                *column = Value::from(whole);
            }
        }
    }
    sort
}

fn keep<T>(errors: &mut Vec<ValidationError>, result: Result<T, ValidationError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// A page number or size; 0 passes here and is refused by the request's own check.
fn whole_number(value: Option<Value>, at: &str, default: u32) -> Result<u32, ValidationError> {
    match value {
        None | Some(Value::Null) => Ok(default),
        Some(value) => value
            .as_number()
            .and_then(crate::domain::grid::whole_number)
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| ValidationError::new(at, format!("expected a whole number, got {value}"))),
    }
}

/// Run a filter and a view over the project's users: one page, typed, with the total.
#[utoipa::path(post, path = "/api/v1/projects/{project}/grid", operation_id = "queryGrid", request_body = GridBody,
    tag = "User grid", params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid,
        (status = 200, body = GridPageBody, description = "one page, with the total"),
        (status = 404, body = ErrorBody, description = "no such project, saved filter or saved view"),
        (status = 422, body = ErrorBody, description = "every problem with the filter, columns, sort or page, e.g. \
            `view.columns[1].field`: criteria and columns must name fields the project has, and a sort column must be \
            an index into the view's columns")))]
pub async fn query(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<GridBody>,
) -> AppResult<Json<GridPageBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let request = body.into_request()?;
    Ok(Json(grid::grid(&state.store, &project, &request).await?.into()))
}

/// What to export: as for the grid, without paging (the whole result is exported).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"filter": null, "view": {"columns": [{"data_group": "User account", "field": "Email"},
    {"data_group": "Participation", "field": "Joined"}]}, "sort": [{"column": 1, "order": "desc"}]})))]
pub struct ExportBody {
    #[schema(schema_with = schemas::grid_filter, required = false)]
    pub filter: Option<Value>,
    #[schema(schema_with = schemas::grid_view, required = false)]
    pub view: Option<Value>,
    #[schema(schema_with = schemas::grid_sort, required = false)]
    pub sort: Option<Value>,
}

impl ExportBody {
    pub(crate) fn into_request(self) -> AppResult<GridRequest> {
        GridBody { filter: self.filter, view: self.view, sort: self.sort, page: None, per_page: None }.into_request()
    }
}

fn download(content_type: &str, file_name: &str, body: Body) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], body).into_response()
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/grid/export.csv", operation_id = "exportGridCsv", request_body = ExportBody,
    tag = "User grid", summary = "Export the whole grid as CSV.",
    description = "The whole result in the grid's order as RFC 4180 CSV (UTF-8, times in RFC 3339 UTC), a header \
        row of the columns' labels first. Streamed as it is read.",
    params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid,
        (status = 200, content_type = "text/csv", description = "`<project>-users-<date>.csv`"),
        (status = 404, body = ErrorBody, description = "no such project, saved filter or saved view")))]
pub async fn export_csv(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<ExportBody>,
) -> AppResult<Response> {
    let project = access::existing_project(&state.store, &slug).await?;
    csv_download(&state.store, &project, &body.into_request()?).await
}

/// The grid's whole result as a CSV download, streamed: the API's export and the page's
/// download link both answer with it.
pub(crate) async fn csv_download(store: &Store, project: &Project, request: &GridRequest) -> AppResult<Response> {
    csv_download_for(store, project, GridSubject::Users, request).await
}

/// [`csv_download`] for a grid of users or of tickets.
pub(crate) async fn csv_download_for(
    store: &Store,
    project: &Project,
    subject: GridSubject,
    request: &GridRequest,
) -> AppResult<Response> {
    let resolved = grid::resolve_for(store, project, subject, request, false).await?;
    let file_name = grid::export_file_name_for(project, subject, "csv");
    let slug = project.slug.clone();
    // Rows are read and written in a task of their own, a batch at a time, and each batch is
    // sent as soon as it is written; a full channel waits for the client to read.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let mut export = grid::CsvExport::start(store, project, resolved).await?;
    tokio::spawn(async move {
        loop {
            match export.next_chunk().await {
                Ok(Some(chunk)) => {
                    if sender.send(Ok(Bytes::from(chunk))).await.is_err() {
                        return; // the client went away
                    }
                }
                Ok(None) => return,
                Err(error) => {
                    tracing::warn!(project = %slug, error = %error, "a CSV export stopped");
                    // Ends the response with an error, so the client does not take a cut file
                    // for a whole one.
                    let _ = sender.send(Err(std::io::Error::other("the export failed"))).await;
                    return;
                }
            }
        }
    });
    let chunks =
        futures_util::stream::unfold(
            receiver,
            |mut receiver| async move { receiver.recv().await.map(|chunk| (chunk, receiver)) },
        );
    Ok(download(grid::CSV_CONTENT_TYPE, &file_name, Body::from_stream(chunks)))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/grid/export.xlsx", operation_id = "exportGridXlsx", request_body = ExportBody,
    tag = "User grid", summary = "Export the whole grid as XLSX.",
    description = "The whole result in the grid's order as one XLSX sheet: a bold, frozen header row with an \
        autofilter; integers as numbers, booleans as booleans, times as Excel dates (UTC), empty values as empty cells.",
    params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid,
        (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            description = "`<project>-users-<date>.xlsx`"),
        (status = 404, body = ErrorBody, description = "no such project, saved filter or saved view")))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<ExportBody>,
) -> AppResult<Response> {
    let project = access::existing_project(&state.store, &slug).await?;
    xlsx_download(&state.store, &project, &body.into_request()?).await
}

/// The grid's whole result as an XLSX download (written in constant memory, sent whole): the
/// API's export and the page's download link both answer with it.
pub(crate) async fn xlsx_download(store: &Store, project: &Project, request: &GridRequest) -> AppResult<Response> {
    xlsx_download_for(store, project, GridSubject::Users, request).await
}

/// [`xlsx_download`] for a grid of users or of tickets.
pub(crate) async fn xlsx_download_for(
    store: &Store,
    project: &Project,
    subject: GridSubject,
    request: &GridRequest,
) -> AppResult<Response> {
    let file = grid::xlsx_file_for(store, project, subject, request).await?;
    Ok(download(file.content_type, &file.file_name, Body::from(file.bytes)))
}
