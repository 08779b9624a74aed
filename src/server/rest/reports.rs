//! `/api/v1/projects/{project}/reports`: custom reports, their elements and their exports.
//! The community's reports (`/api/v1/reports`, in `community_reports.rs`) take the same bodies
//! and give the same answers through the functions at the end of this file.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::body::JsonBody;
use super::openapi::ErrorBody;
use super::responses::{Conflict, Invalid, KeyedBodyErrors, KeyedErrors, NotFound};
use super::schemas;
use super::url::Path;
use crate::domain::filter::Filter;
use crate::domain::grid::{Choice, ViewColumn};
use crate::domain::report::{Bucket, ComputedElement, ElementDefinition, ProjectFigure, Report, Source, StoredElement, Style};
use crate::server::auth::ApiCaller;
use crate::server::error::{AppError, AppResult};
use crate::server::service::access;
use crate::server::service::reports::{self, ElementChanges, ReportChanges, ReportFormat, Scope};
use crate::server::startup::AppState;

/// A report to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Aurora weekly", "time_zone": "Europe/Berlin"})))]
pub struct NewReport {
    #[schema(schema_with = schemas::saved_name)]
    pub name: String,
    /// An IANA time zone (default UTC): lines and date ranges count days in it.
    #[schema(schema_with = schemas::optional_known_time_zone, required = false)]
    pub time_zone: Option<String>,
}

/// Changes to a report; members left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Aurora weekly (old)"})))]
pub struct ReportPatch {
    #[schema(schema_with = schemas::optional_saved_name, required = false)]
    pub name: Option<String>,
    #[schema(schema_with = schemas::optional_known_time_zone, required = false)]
    pub time_zone: Option<String>,
}

/// The copy's name.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Aurora weekly (copy)"})))]
pub struct CloneReport {
    #[schema(schema_with = schemas::saved_name)]
    pub name: String,
}

/// An element to add. `data` names one or two fields (none for a number); the style must fit
/// them (else 422 naming the styles that would).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Participation", "source": "users", "data": [{"data_group": "Participation", "field": "Status"}],
    "filter": null, "style": "pie"})))]
pub struct NewElement {
    #[schema(schema_with = schemas::saved_name)]
    pub name: String,
    /// users (the default), project (a headline figure) or feedback (the project's tickets:
    /// fields from the Ticket data group and the submitters' groups; counts name "Tickets").
    #[schema(schema_with = schemas::element_source, required = false)]
    pub source: Option<Value>,
    #[schema(schema_with = schemas::element_data, required = false)]
    pub data: Option<Value>,
    /// A saved filter's id, a filter written out, or null (every user).
    #[schema(schema_with = schemas::grid_filter, required = false)]
    pub filter: Option<Value>,
    #[schema(schema_with = schemas::element_style)]
    pub style: Value,
    /// For a line: day (the default), week (from Monday) or month.
    #[schema(schema_with = schemas::element_bucket, required = false)]
    pub bucket: Option<Value>,
    /// For a project figure: users (the default), active_users or values_last_7_days.
    #[schema(schema_with = schemas::element_figure, required = false)]
    pub figure: Option<Value>,
    /// Where to put it (0 is first; default last).
    #[schema(schema_with = schemas::element_position, required = false)]
    pub position: Option<Value>,
}

/// Changes to an element; members left out stay as they are. `position` moves it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"style": "donut", "position": 0})))]
pub struct ElementPatch {
    #[schema(schema_with = schemas::optional_saved_name, required = false)]
    pub name: Option<String>,
    #[schema(schema_with = schemas::element_source, required = false)]
    pub source: Option<Value>,
    #[schema(schema_with = schemas::element_data, required = false)]
    pub data: Option<Value>,
    /// A saved filter's id, a filter written out, or null (every user); left out: unchanged.
    #[schema(schema_with = schemas::grid_filter, required = false)]
    #[serde(default, deserialize_with = "present")]
    pub filter: Option<Option<Value>>,
    #[schema(schema_with = schemas::optional_element_style, required = false)]
    pub style: Option<Value>,
    #[schema(schema_with = schemas::element_bucket, required = false)]
    pub bucket: Option<Value>,
    #[schema(schema_with = schemas::element_figure, required = false)]
    pub figure: Option<Value>,
    #[schema(schema_with = schemas::element_position, required = false)]
    pub position: Option<Value>,
}

/// A member that is present (even as null) is `Some`.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<Value>>, D::Error> {
    Ok(Some(Option::deserialize(deserializer)?))
}

/// A report as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportSummary {
    pub id: i64,
    pub name: String,
    pub time_zone: String,
    /// How many elements it has.
    pub element_count: i64,
    pub last_opened_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ReportSummary {
    fn new(report: Report, element_count: i64) -> Self {
        Self {
            id: report.id,
            name: report.name,
            time_zone: report.time_zone,
            element_count,
            last_opened_at: report.last_opened_at,
            created_at: report.created_at,
            updated_at: report.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportList {
    pub reports: Vec<ReportSummary>,
}

/// A report with every element computed from the current data.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportBody {
    pub id: i64,
    pub name: String,
    pub time_zone: String,
    /// When the elements' data was computed.
    pub refreshed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub elements: Vec<ElementBody>,
}

/// An element: its choices and its data, a typed table.
#[derive(Debug, Serialize, ToSchema)]
pub struct ElementBody {
    pub id: i64,
    /// Its index in the report (0 is first).
    pub position: i64,
    pub name: String,
    /// users, project or feedback.
    pub source: String,
    pub style: String,
    /// For a line: day, week or month.
    pub bucket: Option<String>,
    /// For a project figure.
    pub figure: Option<String>,
    /// The fields it shows: `[{"data_group", "field"}]`.
    #[schema(value_type = Vec<Object>)]
    pub fields: Value,
    /// A saved filter's id, the filter written out, or null.
    #[schema(value_type = Object, nullable)]
    pub filter: Value,
    /// `{"columns": [...], "rows": [[...]]}`, values typed as in the grid (null when empty).
    /// A list shows its first 100 users here (`rows_total` says how many there are); its
    /// exports hold them all.
    #[schema(value_type = Object)]
    pub data: Value,
    /// How many rows the whole table has, when `data` shows fewer.
    pub rows_total: Option<usize>,
}

impl ElementBody {
    fn new(stored: &StoredElement, computed: &ComputedElement) -> Self {
        let definition = &stored.definition;
        let mut table = computed.table.clone();
        let rows_total = (table.rows.len() > crate::domain::report::LIST_PAGE_ROWS).then_some(table.rows.len());
        table.rows.truncate(crate::domain::report::LIST_PAGE_ROWS);
        Self {
            id: stored.id,
            position: stored.position,
            name: definition.name.clone(),
            source: serde_plain(&definition.source),
            style: definition.style.as_str().into(),
            bucket: (definition.style == Style::Line).then(|| definition.bucket.as_str().into()),
            figure: (definition.source == Source::Project).then(|| definition.figure.as_str().into()),
            fields: serde_json::to_value(&definition.data).expect("columns serialise"),
            filter: match &definition.filter {
                None => Value::Null,
                Some(Choice::Saved(id)) => Value::from(*id),
                Some(Choice::Inline(filter)) => serde_json::to_value(filter).expect("filters serialise"),
            },
            data: table.to_json(),
            rows_total,
        }
    }
}

fn serde_plain(value: &impl Serialize) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// A member read as `T`, or a 422 naming it.
fn member<T: DeserializeOwned>(value: Option<Value>, at: &str, expected: &str) -> AppResult<Option<T>> {
    value
        .filter(|v| !v.is_null())
        .map(|v| serde_json::from_value(v).map_err(|_| AppError::invalid(at, expected.to_string())))
        .transpose()
}

fn source(value: Option<Value>) -> AppResult<Option<Source>> {
    member(value, "source", "must be \"users\", \"project\" or \"feedback\"")
}

fn data(value: Option<Value>) -> AppResult<Option<Vec<ViewColumn>>> {
    member(value, "data", "must be a list of {\"data_group\", \"field\"}")
}

fn style(value: Option<Value>) -> AppResult<Option<Style>> {
    let names = Style::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    member(value, "style", &format!("must be one of {names}"))
}

fn bucket(value: Option<Value>) -> AppResult<Option<Bucket>> {
    member(value, "bucket", "must be \"day\", \"week\" or \"month\"")
}

fn figure(value: Option<Value>) -> AppResult<Option<ProjectFigure>> {
    member(value, "figure", "must be \"users\", \"active_users\" or \"values_last_7_days\"")
}

/// A whole number from 0, however JSON writes it (`8` or `8.0`).
fn position(value: Option<Value>) -> AppResult<Option<usize>> {
    let invalid = || AppError::invalid("position", "must be a whole number from 0");
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            crate::domain::grid::whole_number(&n).and_then(|n| usize::try_from(n).ok()).map(Some).ok_or_else(invalid)
        }
        Some(_) => Err(invalid()),
    }
}

fn filter(value: Option<Value>) -> AppResult<Option<Choice<Filter>>> {
    Ok(Choice::from_json(value, "filter")?)
}

impl NewElement {
    fn into_parts(self) -> AppResult<(ElementDefinition, Option<usize>)> {
        let style = style(Some(self.style))?.ok_or_else(|| AppError::invalid("style", "is required"))?;
        let definition = ElementDefinition {
            name: self.name,
            source: source(self.source)?.unwrap_or_default(),
            data: data(self.data)?.unwrap_or_default(),
            filter: filter(self.filter)?,
            style,
            bucket: bucket(self.bucket)?.unwrap_or_default(),
            figure: figure(self.figure)?.unwrap_or_default(),
        };
        Ok((definition, position(self.position)?))
    }
}

impl ElementPatch {
    fn into_changes(self) -> AppResult<ElementChanges> {
        Ok(ElementChanges {
            name: self.name,
            source: source(self.source)?,
            data: data(self.data)?,
            filter: self.filter.map(filter).transpose()?,
            style: style(self.style)?,
            bucket: bucket(self.bucket)?,
            figure: figure(self.figure)?,
            position: position(self.position)?,
        })
    }
}

// The work of each operation, for a project's reports and the community's alike.

pub(super) async fn list_in(state: &AppState, scope: &Scope) -> AppResult<Json<ReportList>> {
    let reports = reports::list(&state.store, scope).await?;
    Ok(Json(ReportList { reports: reports.into_iter().map(|(report, count)| ReportSummary::new(report, count)).collect() }))
}

pub(super) async fn create_in(state: &AppState, scope: &Scope, body: NewReport) -> AppResult<(StatusCode, Json<ReportSummary>)> {
    let report = reports::create(&state.store, scope, &body.name, body.time_zone.as_deref(), None).await?;
    Ok((StatusCode::CREATED, Json(ReportSummary::new(report, 0))))
}

pub(super) async fn show_in(state: &AppState, scope: &Scope, id: i64) -> AppResult<Json<ReportBody>> {
    let report = reports::open(&state.store, scope, id).await?;
    let (computed, stored) = reports::computed(&state.store, scope, &report).await?;
    Ok(Json(ReportBody {
        id: report.id,
        name: report.name,
        time_zone: report.time_zone,
        refreshed_at: computed.computed_at,
        created_at: report.created_at,
        updated_at: report.updated_at,
        elements: stored.iter().zip(&computed.elements).map(|(s, c)| ElementBody::new(s, c)).collect(),
    }))
}

async fn summary(state: &AppState, report: Report) -> AppResult<Json<ReportSummary>> {
    let count = state.store.report_elements(report.id).await?.len() as i64;
    Ok(Json(ReportSummary::new(report, count)))
}

pub(super) async fn update_in(state: &AppState, scope: &Scope, id: i64, patch: ReportPatch) -> AppResult<Json<ReportSummary>> {
    let report = reports::update(&state.store, scope, id, ReportChanges { name: patch.name, time_zone: patch.time_zone }).await?;
    summary(state, report).await
}

pub(super) async fn delete_in(state: &AppState, scope: &Scope, id: i64) -> AppResult<StatusCode> {
    reports::delete(&state.store, scope, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn clone_in(
    state: &AppState,
    scope: &Scope,
    id: i64,
    body: CloneReport,
) -> AppResult<(StatusCode, Json<ReportSummary>)> {
    let report = reports::clone(&state.store, scope, id, &body.name, None).await?;
    Ok((StatusCode::CREATED, summary(state, report).await?))
}

/// The element as stored, with its data computed now.
async fn element_body(state: &AppState, scope: &Scope, report_id: i64, element_id: i64) -> AppResult<Json<ElementBody>> {
    let report = reports::get(&state.store, scope, report_id).await?;
    let (computed, stored) = reports::computed_element(&state.store, scope, &report, element_id).await?;
    Ok(Json(ElementBody::new(&stored, &computed.elements[0])))
}

pub(super) async fn add_element_in(
    state: &AppState,
    scope: &Scope,
    report_id: i64,
    body: NewElement,
) -> AppResult<(StatusCode, Json<ElementBody>)> {
    let (definition, position) = body.into_parts()?;
    let stored = reports::add_element(&state.store, scope, report_id, &definition, position).await?;
    Ok((StatusCode::CREATED, element_body(state, scope, report_id, stored.id).await?))
}

pub(super) async fn show_element_in(
    state: &AppState,
    scope: &Scope,
    report_id: i64,
    element_id: i64,
) -> AppResult<Json<ElementBody>> {
    element_body(state, scope, report_id, element_id).await
}

pub(super) async fn update_element_in(
    state: &AppState,
    scope: &Scope,
    report_id: i64,
    element_id: i64,
    patch: ElementPatch,
) -> AppResult<Json<ElementBody>> {
    reports::update_element(&state.store, scope, report_id, element_id, patch.into_changes()?).await?;
    element_body(state, scope, report_id, element_id).await
}

pub(super) async fn delete_element_in(state: &AppState, scope: &Scope, report_id: i64, element_id: i64) -> AppResult<StatusCode> {
    reports::delete_element(&state.store, scope, report_id, element_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `export.pdf`, `export.xlsx` or `export.zip` (a whole report); `export.csv` for an element.
pub(super) fn export_format(file: &str, element: bool) -> AppResult<ReportFormat> {
    match (file, element) {
        ("export.pdf", _) => Ok(ReportFormat::Pdf),
        ("export.xlsx", _) => Ok(ReportFormat::Xlsx),
        ("export.zip", false) => Ok(ReportFormat::Zip),
        ("export.csv", true) => Ok(ReportFormat::Csv),
        _ => Err(AppError::NotFound("no such endpoint".into())),
    }
}

fn download(file: crate::server::service::grid::ExportFile) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", file.file_name);
    ([(header::CONTENT_TYPE, file.content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], Body::from(file.bytes))
        .into_response()
}

/// The export is written on a blocking thread: a PDF or a workbook of a large report is CPU
/// work that must not hold up the server's other requests.
async fn export_response(
    report: crate::domain::report::ComputedReport,
    format: ReportFormat,
    element: bool,
) -> AppResult<Response> {
    let write = if element { reports::element_export_file } else { reports::export_file };
    let file = tokio::task::spawn_blocking(move || write(&report, format))
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("Failed to write a report export")))??;
    Ok(download(file))
}

pub(crate) async fn export_in(state: &AppState, scope: &Scope, id: i64, file: &str) -> AppResult<Response> {
    let format = export_format(file, false)?;
    let report = reports::get(&state.store, scope, id).await?;
    let (computed, _) = reports::computed(&state.store, scope, &report).await?;
    export_response(computed, format, false).await
}

pub(crate) async fn export_element_in(
    state: &AppState,
    scope: &Scope,
    id: i64,
    element_id: i64,
    file: &str,
) -> AppResult<Response> {
    let format = export_format(file, true)?;
    let report = reports::get(&state.store, scope, id).await?;
    let (computed, _) = reports::computed_element(&state.store, scope, &report, element_id).await?;
    export_response(computed, format, true).await
}

// A project's reports.

async fn project(state: &AppState, slug: &str) -> AppResult<Scope> {
    Ok(Scope::Project(access::existing_project(&state.store, slug).await?))
}

/// List the project's custom reports.
#[utoipa::path(get, path = "/api/v1/projects/{project}/reports", operation_id = "listReports", tag = "Custom reports",
    params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, (status = 200, body = ReportList, description = "by name")))]
pub async fn list(State(state): State<AppState>, _caller: ApiCaller, Path(slug): Path<String>) -> AppResult<Json<ReportList>> {
    list_in(&state, &project(&state, &slug).await?).await
}

/// Create a custom report.
#[utoipa::path(post, path = "/api/v1/projects/{project}/reports", operation_id = "createReport", request_body = NewReport,
    tag = "Custom reports", params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid, Conflict,
        (status = 201, body = ReportSummary, description = "created, with no elements yet"),
        (status = 409, body = ErrorBody, description = "the project has a report of that name")))]
pub async fn create(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<NewReport>,
) -> AppResult<(StatusCode, Json<ReportSummary>)> {
    create_in(&state, &project(&state, &slug).await?, body).await
}

/// Show a report with every element's data computed now.
#[utoipa::path(get, path = "/api/v1/projects/{project}/reports/{id}", operation_id = "showReport", tag = "Custom reports",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the report's id")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound, (status = 200, body = ReportBody)))]
pub async fn show(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<ReportBody>> {
    show_in(&state, &project(&state, &slug).await?, id).await
}

/// Rename a report or change its time zone.
#[utoipa::path(patch, path = "/api/v1/projects/{project}/reports/{id}", operation_id = "updateReport", request_body = ReportPatch,
    tag = "Custom reports", params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the report's id")),
    security(("api_key" = [])), responses(KeyedBodyErrors, NotFound, Invalid, Conflict,
        (status = 200, body = ReportSummary, description = "the report as it is now"),
        (status = 409, body = ErrorBody, description = "the new name is taken")))]
pub async fn update(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    JsonBody(patch): JsonBody<ReportPatch>,
) -> AppResult<Json<ReportSummary>> {
    update_in(&state, &project(&state, &slug).await?, id, patch).await
}

/// Delete a report and its elements.
#[utoipa::path(delete, path = "/api/v1/projects/{project}/reports/{id}", operation_id = "deleteReport", tag = "Custom reports",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the report's id")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound, (status = 204, description = "deleted")))]
pub async fn delete(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    delete_in(&state, &project(&state, &slug).await?, id).await
}

/// Copy a report and all its elements under a new name.
#[utoipa::path(post, path = "/api/v1/projects/{project}/reports/{id}/clone", operation_id = "cloneReport", request_body = CloneReport,
    tag = "Custom reports", params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the report's id")),
    security(("api_key" = [])), responses(KeyedBodyErrors, NotFound, Invalid, Conflict,
        (status = 201, body = ReportSummary, description = "the copy"),
        (status = 409, body = ErrorBody, description = "the name is taken")))]
pub async fn clone(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    JsonBody(body): JsonBody<CloneReport>,
) -> AppResult<(StatusCode, Json<ReportSummary>)> {
    clone_in(&state, &project(&state, &slug).await?, id, body).await
}

/// Add an element to a report.
#[utoipa::path(post, path = "/api/v1/projects/{project}/reports/{id}/elements", operation_id = "addReportElement",
    request_body = NewElement, tag = "Custom reports",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the report's id")),
    security(("api_key" = [])), responses(KeyedBodyErrors, NotFound, Invalid, Conflict,
        (status = 201, body = ElementBody, description = "added, with its data"),
        (status = 409, body = ErrorBody, description = "the report holds the most elements it may"),
        (status = 422, body = ErrorBody, description = "every invalid value; a style that does not fit the data names the \
            styles that would")))]
pub async fn add_element(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    JsonBody(body): JsonBody<NewElement>,
) -> AppResult<(StatusCode, Json<ElementBody>)> {
    add_element_in(&state, &project(&state, &slug).await?, id, body).await
}

/// Show one element of a report with its data.
#[utoipa::path(get, path = "/api/v1/projects/{project}/reports/{id}/elements/{element}", operation_id = "showReportElement",
    tag = "Custom reports", params(("project" = String, Path, description = "project slug"),
        ("id" = i64, Path, description = "the report's id"), ("element" = i64, Path, description = "the element's id")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound, (status = 200, body = ElementBody)))]
pub async fn show_element(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id, element)): Path<(String, i64, i64)>,
) -> AppResult<Json<ElementBody>> {
    show_element_in(&state, &project(&state, &slug).await?, id, element).await
}

/// Change an element, or move it within its report.
#[utoipa::path(patch, path = "/api/v1/projects/{project}/reports/{id}/elements/{element}", operation_id = "updateReportElement",
    request_body = ElementPatch, tag = "Custom reports", params(("project" = String, Path, description = "project slug"),
        ("id" = i64, Path, description = "the report's id"), ("element" = i64, Path, description = "the element's id")),
    security(("api_key" = [])), responses(KeyedBodyErrors, NotFound, Invalid,
        (status = 200, body = ElementBody, description = "the element as it is now, with its data")))]
pub async fn update_element(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id, element)): Path<(String, i64, i64)>,
    JsonBody(patch): JsonBody<ElementPatch>,
) -> AppResult<Json<ElementBody>> {
    update_element_in(&state, &project(&state, &slug).await?, id, element, patch).await
}

/// Remove an element from its report.
#[utoipa::path(delete, path = "/api/v1/projects/{project}/reports/{id}/elements/{element}", operation_id = "deleteReportElement",
    tag = "Custom reports", params(("project" = String, Path, description = "project slug"),
        ("id" = i64, Path, description = "the report's id"), ("element" = i64, Path, description = "the element's id")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound, (status = 204, description = "removed")))]
pub async fn delete_element(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id, element)): Path<(String, i64, i64)>,
) -> AppResult<StatusCode> {
    delete_element_in(&state, &project(&state, &slug).await?, id, element).await
}

/// Export a whole report: PDF, XLSX (a sheet per element) or a zip of one CSV per element.
#[utoipa::path(get, path = "/api/v1/projects/{project}/reports/{id}/{file}", operation_id = "exportReport",
    tag = "Custom reports", params(("project" = String, Path, description = "project slug"),
        ("id" = i64, Path, description = "the report's id"),
        ("file" = String, Path, description = "export.pdf, export.xlsx or export.zip", pattern = "^export\\.(pdf|xlsx|zip)$")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound,
        (status = 200, content_type = "application/octet-stream", description = "`<report>-<date>.pdf|xlsx|zip`")))]
pub async fn export(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id, file)): Path<(String, i64, String)>,
) -> AppResult<Response> {
    export_in(&state, &project(&state, &slug).await?, id, &file).await
}

/// Export one element: PDF, XLSX or its table as CSV.
#[utoipa::path(get, path = "/api/v1/projects/{project}/reports/{id}/elements/{element}/{file}", operation_id = "exportReportElement",
    tag = "Custom reports", params(("project" = String, Path, description = "project slug"),
        ("id" = i64, Path, description = "the report's id"), ("element" = i64, Path, description = "the element's id"),
        ("file" = String, Path, description = "export.pdf, export.xlsx or export.csv", pattern = "^export\\.(pdf|xlsx|csv)$")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound,
        (status = 200, content_type = "application/octet-stream", description = "`<report>-<element>-<date>.pdf|xlsx|csv`")))]
pub async fn export_element(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id, element, file)): Path<(String, i64, i64, String)>,
) -> AppResult<Response> {
    export_element_in(&state, &project(&state, &slug).await?, id, element, &file).await
}
