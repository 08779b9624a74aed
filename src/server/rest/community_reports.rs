//! `/api/v1/reports`: the community's custom reports, over every project's users. The same
//! bodies and answers as a project's reports (`reports.rs`), whose work these share.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;

use super::body::JsonBody;
use super::openapi::ErrorBody;
use super::reports::{
    add_element_in, clone_in, create_in, delete_element_in, delete_in, export_element_in, export_in, list_in, show_element_in,
    show_in, update_element_in, update_in, CloneReport, ElementBody, ElementPatch, NewElement, NewReport, ReportBody, ReportList,
    ReportPatch, ReportSummary,
};
use super::responses::{Conflict, Invalid, KeyedBodyErrors, KeyedErrors, NotFound};
use super::url::Path;
use crate::server::auth::ApiCaller;
use crate::server::error::AppResult;
use crate::server::service::reports::Scope;
use crate::server::startup::AppState;

/// List the community's custom reports.
#[utoipa::path(get, path = "/api/v1/reports", operation_id = "listCommunityReports", tag = "Community reports",
    security(("api_key" = [])),
    responses(KeyedErrors, (status = 200, body = ReportList, description = "by name")))]
pub async fn list(State(state): State<AppState>, _caller: ApiCaller) -> AppResult<Json<ReportList>> {
    list_in(&state, &Scope::Community).await
}

/// Create a community report.
#[utoipa::path(post, path = "/api/v1/reports", operation_id = "createCommunityReport", request_body = NewReport,
    tag = "Community reports", security(("api_key" = [])),
    responses(KeyedBodyErrors, Invalid, Conflict,
        (status = 201, body = ReportSummary, description = "created, with no elements yet"),
        (status = 409, body = ErrorBody, description = "the community has a report of that name")))]
pub async fn create(
    State(state): State<AppState>,
    _caller: ApiCaller,
    JsonBody(body): JsonBody<NewReport>,
) -> AppResult<(StatusCode, Json<ReportSummary>)> {
    create_in(&state, &Scope::Community, body).await
}

/// Show a report with every element's data computed now.
#[utoipa::path(get, path = "/api/v1/reports/{id}", operation_id = "showCommunityReport", tag = "Community reports",
    params(("id" = i64, Path, description = "the report's id")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound, (status = 200, body = ReportBody)))]
pub async fn show(State(state): State<AppState>, _caller: ApiCaller, Path(id): Path<i64>) -> AppResult<Json<ReportBody>> {
    show_in(&state, &Scope::Community, id).await
}

/// Rename a report or change its time zone.
#[utoipa::path(patch, path = "/api/v1/reports/{id}", operation_id = "updateCommunityReport", request_body = ReportPatch,
    tag = "Community reports", params(("id" = i64, Path, description = "the report's id")),
    security(("api_key" = [])), responses(KeyedBodyErrors, NotFound, Invalid, Conflict,
        (status = 200, body = ReportSummary, description = "the report as it is now"),
        (status = 409, body = ErrorBody, description = "the new name is taken")))]
pub async fn update(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(id): Path<i64>,
    JsonBody(patch): JsonBody<ReportPatch>,
) -> AppResult<Json<ReportSummary>> {
    update_in(&state, &Scope::Community, id, patch).await
}

/// Delete a report and its elements.
#[utoipa::path(delete, path = "/api/v1/reports/{id}", operation_id = "deleteCommunityReport", tag = "Community reports",
    params(("id" = i64, Path, description = "the report's id")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound, (status = 204, description = "deleted")))]
pub async fn delete(State(state): State<AppState>, _caller: ApiCaller, Path(id): Path<i64>) -> AppResult<StatusCode> {
    delete_in(&state, &Scope::Community, id).await
}

/// Copy a report and all its elements under a new name.
#[utoipa::path(post, path = "/api/v1/reports/{id}/clone", operation_id = "cloneCommunityReport", request_body = CloneReport,
    tag = "Community reports", params(("id" = i64, Path, description = "the report's id")),
    security(("api_key" = [])), responses(KeyedBodyErrors, NotFound, Invalid, Conflict,
        (status = 201, body = ReportSummary, description = "the copy"),
        (status = 409, body = ErrorBody, description = "the name is taken")))]
pub async fn clone(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<CloneReport>,
) -> AppResult<(StatusCode, Json<ReportSummary>)> {
    clone_in(&state, &Scope::Community, id, body).await
}

/// Add an element to a report.
#[utoipa::path(post, path = "/api/v1/reports/{id}/elements", operation_id = "addCommunityReportElement",
    request_body = NewElement, tag = "Community reports",
    params(("id" = i64, Path, description = "the report's id")),
    security(("api_key" = [])), responses(KeyedBodyErrors, NotFound, Invalid, Conflict,
        (status = 201, body = ElementBody, description = "added, with its data"),
        (status = 409, body = ErrorBody, description = "the report holds the most elements it may"),
        (status = 422, body = ErrorBody, description = "every invalid value; a style that does not fit the data names the \
            styles that would")))]
pub async fn add_element(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<NewElement>,
) -> AppResult<(StatusCode, Json<ElementBody>)> {
    add_element_in(&state, &Scope::Community, id, body).await
}

/// Show one element of a report with its data.
#[utoipa::path(get, path = "/api/v1/reports/{id}/elements/{element}", operation_id = "showCommunityReportElement",
    tag = "Community reports", params(("id" = i64, Path, description = "the report's id"), ("element" = i64, Path, description = "the element's id")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound, (status = 200, body = ElementBody)))]
pub async fn show_element(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((id, element)): Path<(i64, i64)>,
) -> AppResult<Json<ElementBody>> {
    show_element_in(&state, &Scope::Community, id, element).await
}

/// Change an element, or move it within its report.
#[utoipa::path(patch, path = "/api/v1/reports/{id}/elements/{element}", operation_id = "updateCommunityReportElement",
    request_body = ElementPatch, tag = "Community reports", params(("id" = i64, Path, description = "the report's id"), ("element" = i64, Path, description = "the element's id")),
    security(("api_key" = [])), responses(KeyedBodyErrors, NotFound, Invalid,
        (status = 200, body = ElementBody, description = "the element as it is now, with its data")))]
pub async fn update_element(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((id, element)): Path<(i64, i64)>,
    JsonBody(patch): JsonBody<ElementPatch>,
) -> AppResult<Json<ElementBody>> {
    update_element_in(&state, &Scope::Community, id, element, patch).await
}

/// Remove an element from its report.
#[utoipa::path(delete, path = "/api/v1/reports/{id}/elements/{element}", operation_id = "deleteCommunityReportElement",
    tag = "Community reports", params(("id" = i64, Path, description = "the report's id"), ("element" = i64, Path, description = "the element's id")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound, (status = 204, description = "removed")))]
pub async fn delete_element(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((id, element)): Path<(i64, i64)>,
) -> AppResult<StatusCode> {
    delete_element_in(&state, &Scope::Community, id, element).await
}

/// Export a whole report: PDF, XLSX (a sheet per element) or a zip of one CSV per element.
#[utoipa::path(get, path = "/api/v1/reports/{id}/{file}", operation_id = "exportCommunityReport",
    tag = "Community reports", params(("id" = i64, Path, description = "the report's id"),
        ("file" = String, Path, description = "export.pdf, export.xlsx or export.zip", pattern = "^export\\.(pdf|xlsx|zip)$")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound,
        (status = 200, content_type = "application/octet-stream", description = "`<report>-<date>.pdf|xlsx|zip`")))]
pub async fn export(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((id, file)): Path<(i64, String)>,
) -> AppResult<Response> {
    export_in(&state, &Scope::Community, id, &file).await
}

/// Export one element: PDF, XLSX or its table as CSV.
#[utoipa::path(get, path = "/api/v1/reports/{id}/elements/{element}/{file}", operation_id = "exportCommunityReportElement",
    tag = "Community reports", params(("id" = i64, Path, description = "the report's id"), ("element" = i64, Path, description = "the element's id"),
        ("file" = String, Path, description = "export.pdf, export.xlsx or export.csv", pattern = "^export\\.(pdf|xlsx|csv)$")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound,
        (status = 200, content_type = "application/octet-stream", description = "`<report>-<element>-<date>.pdf|xlsx|csv`")))]
pub async fn export_element(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((id, element, file)): Path<(i64, i64, String)>,
) -> AppResult<Response> {
    export_element_in(&state, &Scope::Community, id, element, &file).await
}
