//! `POST /api/v1/projects/{project}/feedback/grid` and its exports: the user grid's contract
//! (the same body, paging, typed sort and exports) run over the project's tickets, whose
//! filters and views name the tickets' own fields (data group `Ticket`) beside their
//! submitters'.

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::body::JsonBody;
use super::grid::{csv_download_for, xlsx_download_for, ExportBody, GridBody, GridColumnBody};
use super::openapi::ErrorBody;
use super::responses::{Invalid, KeyedBodyErrors, NotFound};
use super::url::Path;
use crate::domain::grid::GridPage;
use crate::server::auth::ApiCaller;
use crate::server::error::AppResult;
use crate::server::service::{access, grid};
use crate::server::startup::AppState;
use crate::server::store::GridSubject;

const TICKETS: GridSubject = GridSubject::TICKETS;

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackGridRowBody {
    /// The ticket's id.
    pub id: i64,
    /// The submitter's email.
    pub submitter: String,
    /// One per column, typed: boolean, number, RFC 3339 UTC text, text, or null when empty.
    #[schema(value_type = Vec<Value>)]
    pub values: Vec<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackGridPageBody {
    /// Tickets the filter lets through.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub columns: Vec<GridColumnBody>,
    pub rows: Vec<FeedbackGridRowBody>,
}

impl From<GridPage> for FeedbackGridPageBody {
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
                .map(|row| FeedbackGridRowBody {
                    id: row.ticket_id.unwrap_or_default(),
                    submitter: row.user,
                    values: row.values.iter().map(|cell| cell.to_json()).collect(),
                })
                .collect(),
        }
    }
}

/// Run a filter and a view over the project's feedback: one page, typed, with the total.
#[utoipa::path(post, path = "/api/v1/projects/{project}/feedback/grid", operation_id = "queryFeedbackGrid", request_body = GridBody,
    tag = "Feedback", params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid,
        (status = 200, body = FeedbackGridPageBody, description = "one page, with the total; newest first unless sorted"),
        (status = 404, body = ErrorBody, description = "no such project, saved filter or saved view"),
        (status = 422, body = ErrorBody, description = "every problem with the filter, columns, sort or page: criteria and \
            columns name the tickets' fields (data group `Ticket`: Type, Title, Status, Created, Updated, Comments) or \
            fields the project has; the default view is Type, Title, Status, Email, Created")))]
pub async fn query(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<GridBody>,
) -> AppResult<Json<FeedbackGridPageBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let request = body.into_request()?;
    Ok(Json(grid::grid_for(&state.store, &project, TICKETS, &request).await?.into()))
}

/// Export the whole feedback grid as CSV.
#[utoipa::path(post, path = "/api/v1/projects/{project}/feedback/grid/export.csv", operation_id = "exportFeedbackGridCsv",
    request_body = ExportBody, tag = "Feedback",
    description = "The whole result in the grid's order as RFC 4180 CSV (UTF-8, times in RFC 3339 UTC), a header \
        row of the columns' labels first. Streamed as it is read.",
    params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid,
        (status = 200, content_type = "text/csv", description = "`<project>-feedback-<date>.csv`"),
        (status = 404, body = ErrorBody, description = "no such project, saved filter or saved view")))]
pub async fn export_csv(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<ExportBody>,
) -> AppResult<Response> {
    let project = access::existing_project(&state.store, &slug).await?;
    csv_download_for(&state.store, &project, TICKETS, &body.into_request()?).await
}

/// Export the whole feedback grid as XLSX.
#[utoipa::path(post, path = "/api/v1/projects/{project}/feedback/grid/export.xlsx", operation_id = "exportFeedbackGridXlsx",
    request_body = ExportBody, tag = "Feedback",
    description = "The whole result in the grid's order as one XLSX sheet, typed as the user grid's export.",
    params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid,
        (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            description = "`<project>-feedback-<date>.xlsx`"),
        (status = 404, body = ErrorBody, description = "no such project, saved filter or saved view")))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<ExportBody>,
) -> AppResult<Response> {
    let project = access::existing_project(&state.store, &slug).await?;
    xlsx_download_for(&state.store, &project, TICKETS, &body.into_request()?).await
}
