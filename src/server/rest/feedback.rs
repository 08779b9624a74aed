//! `/api/v1/projects/{project}/feedback` and `…/feedback-types`: feedback tickets sent on a
//! user's behalf, listed through the grid's filters, changed and commented on; and the
//! project's feedback types.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::body::JsonBody;
use super::openapi::ErrorBody;
use super::responses::{Conflict, Invalid, KeyedBodyErrors, KeyedErrors, NotFound};
use super::schemas;
use super::url::{PageParams, Path, Query};
use crate::domain::feedback::{
    Activity, ActivityKind, FeedbackType, Ticket, MAX_COMMENT_CHARS, MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, MAX_TYPE_CHARS,
};
use crate::domain::grid::{Choice, GridRequest};
use crate::domain::ValidationError;
use crate::server::auth::ApiCaller;
use crate::server::error::AppResult;
use crate::server::service::{access, feedback};
use crate::server::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"type": "Bug", "title": "Export crashes", "description": "Export to PDF crashes on page 3.",
    "submitter": "ada@example.com"})))]
pub struct NewTicket {
    /// The name of one of the project's feedback types (not retired), in any case.
    #[serde(rename = "type")]
    #[schema(schema_with = type_name)]
    pub type_name: String,
    #[schema(schema_with = title)]
    pub title: String,
    /// Plain text; line breaks are kept.
    #[schema(schema_with = description, required = false)]
    #[serde(default)]
    pub description: Option<String>,
    /// The email or username of the user of the project who sent it.
    #[schema(schema_with = submitter)]
    pub submitter: String,
}

/// Changes to a ticket; members left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"status": "in_progress"})))]
pub struct TicketPatch {
    #[serde(rename = "type")]
    #[schema(schema_with = optional_type_name, required = false)]
    pub type_name: Option<String>,
    #[schema(schema_with = optional_title, required = false)]
    pub title: Option<String>,
    #[schema(schema_with = optional_description, required = false)]
    pub description: Option<String>,
    /// new, in_progress or closed; a change is kept in the ticket's activity.
    #[schema(schema_with = optional_status, required = false)]
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"text": "Reproduced on 2.3; fixed in the next build."})))]
pub struct NewComment {
    /// Plain text; line breaks are kept.
    #[schema(schema_with = comment_text)]
    pub text: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Question"})))]
pub struct NewType {
    #[schema(schema_with = type_name)]
    pub name: String,
}

/// Changes to a type; members left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Defect", "retired": false})))]
pub struct TypePatch {
    #[schema(schema_with = optional_type_name, required = false)]
    pub name: Option<String>,
    /// A retired type keeps its tickets and takes no new ones.
    #[schema(required = false)]
    pub retired: Option<bool>,
}

fn type_name() -> utoipa::openapi::schema::ObjectBuilder {
    schemas::printable(MAX_TYPE_CHARS).examples(["Bug"])
}

fn optional_type_name() -> utoipa::openapi::schema::ObjectBuilder {
    schemas::nullable(type_name())
}

fn title() -> utoipa::openapi::schema::ObjectBuilder {
    schemas::printable(MAX_TITLE_CHARS)
}

fn optional_title() -> utoipa::openapi::schema::ObjectBuilder {
    schemas::nullable(title())
}

/// Plain text of several lines: no control characters but line breaks and tabs.
const MULTILINE: &str = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$";

fn description() -> utoipa::openapi::schema::ObjectBuilder {
    schemas::nullable(
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(MULTILINE))
            .max_length(Some(MAX_DESCRIPTION_CHARS)),
    )
}

fn optional_description() -> utoipa::openapi::schema::ObjectBuilder {
    description()
}

fn comment_text() -> utoipa::openapi::schema::ObjectBuilder {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"))
        .max_length(Some(MAX_COMMENT_CHARS))
}

fn submitter() -> utoipa::openapi::schema::ObjectBuilder {
    schemas::printable(254).examples(["ada@example.com"])
}

fn optional_status() -> utoipa::openapi::schema::ObjectBuilder {
    schemas::optional_one_of(&["new", "in_progress", "closed"])
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitterBody {
    pub email: String,
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketBody {
    pub id: i64,
    /// The feedback type's name.
    #[serde(rename = "type")]
    pub type_name: String,
    pub title: String,
    pub description: String,
    /// new, in_progress or closed.
    pub status: String,
    pub submitter: SubmitterBody,
    pub comments: u32,
    /// The listener delivery that created it; null when it came another way.
    pub delivery_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Ticket> for TicketBody {
    fn from(ticket: Ticket) -> Self {
        Self {
            id: ticket.id,
            type_name: ticket.type_name,
            title: ticket.title,
            description: ticket.description,
            status: ticket.status.as_str().into(),
            submitter: SubmitterBody {
                email: ticket.submitter.email,
                username: ticket.submitter.username,
                display_name: ticket.submitter.display_name,
            },
            comments: ticket.comments,
            delivery_id: ticket.delivery_id,
            created_at: ticket.created_at,
            updated_at: ticket.updated_at,
        }
    }
}

/// One entry of a ticket's activity: a comment (`text`) or a status change (`from`, `to`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityBody {
    pub id: i64,
    /// comment or status.
    pub kind: String,
    /// The staff member's name; null when it came through the API.
    pub author: Option<String>,
    pub at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl From<Activity> for ActivityBody {
    fn from(activity: Activity) -> Self {
        let (kind, text, from, to) = match activity.kind {
            ActivityKind::Comment { text } => ("comment", Some(text), None, None),
            ActivityKind::Status { from, to } => ("status", None, Some(from.as_str().into()), Some(to.as_str().into())),
        };
        Self { id: activity.id, kind: kind.into(), author: activity.author, at: activity.at, text, from, to }
    }
}

/// A ticket with its activity, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketDetail {
    #[serde(flatten)]
    pub ticket: TicketBody,
    pub activity: Vec<ActivityBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketList {
    pub tickets: Vec<TicketBody>,
    /// Tickets the filter lets through.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TypeBody {
    pub id: i64,
    pub name: String,
    pub retired: bool,
}

impl From<FeedbackType> for TypeBody {
    fn from(kind: FeedbackType) -> Self {
        Self { id: kind.id, name: kind.name, retired: kind.retired }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TypeList {
    /// In the order the UI lists them.
    pub types: Vec<TypeBody>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A saved filter's id, or a filter written out as JSON (`{"match", "criteria"}`), over
    /// the tickets' own fields (data group `Ticket`: Type, Title, Status, Created, Updated,
    /// Comments) and their submitters' (User account, Participation, the project's groups).
    #[param(schema_with = filter_param)]
    filter: Option<String>,
    /// Only tickets of this type (its name, any case).
    #[param(schema_with = type_param)]
    #[serde(rename = "type")]
    type_name: Option<String>,
}

fn filter_param() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(r"^(?:[0-9]{1,18}|\{.*\})$"))
        .examples(["1", r#"{"criteria":[{"data_group":"Ticket","field":"Status","qualifier":"is","value":"new"}]}"#])
        .build()
}

fn type_param() -> utoipa::openapi::schema::Object {
    type_name().build()
}

/// `?filter=`: a number is a saved filter's id, an object is a filter written out.
fn filter_choice(filter: Option<&str>) -> Result<Option<Choice<crate::domain::filter::Filter>>, ValidationError> {
    let Some(raw) = filter.map(str::trim).filter(|f| !f.is_empty()) else { return Ok(None) };
    let value: Value =
        serde_json::from_str(raw).map_err(|e| ValidationError::new("filter", format!("is not an id or a JSON filter: {e}")))?;
    Choice::from_json(Some(value), "filter")
}

/// Send feedback on behalf of a user of the project.
#[utoipa::path(post, path = "/api/v1/projects/{project}/feedback", operation_id = "createFeedback", request_body = NewTicket,
    tag = "Feedback", params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid,
        (status = 201, body = TicketBody, description = "created, status new"),
        (status = 422, body = ErrorBody, description = "every invalid value, e.g. `type` when the project has no such \
            (or only a retired) type, `submitter` when it names no user of the project")))]
pub async fn create(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<NewTicket>,
) -> AppResult<(StatusCode, Json<TicketBody>)> {
    let project = access::existing_project(&state.store, &slug).await?;
    let description = body.description.unwrap_or_default();
    let ticket =
        feedback::create_ticket(&state.store, &project, &body.submitter, &body.type_name, &body.title, &description).await?;
    Ok((StatusCode::CREATED, Json(ticket.into())))
}

/// List the project's feedback, filtered like the grid.
#[utoipa::path(get, path = "/api/v1/projects/{project}/feedback", operation_id = "listFeedback", tag = "Feedback",
    params(("project" = String, Path, description = "project slug"), ListParams, PageParams), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, Invalid,
        (status = 200, body = TicketList, description = "newest first, with the total the filter lets through"),
        (status = 404, body = ErrorBody, description = "no such project, saved filter or type"),
        (status = 422, body = ErrorBody, description = "a filter that names fields the project does not have, or a page \
            out of range")))]
pub async fn list(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    Query(params): Query<ListParams>,
    Query(paging): Query<PageParams>,
) -> AppResult<Json<TicketList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let page = paging.page_request()?;
    let filter = filter_choice(params.filter.as_deref())?;
    let type_id = match params.type_name.as_deref() {
        Some(name) => Some(feedback::type_named(&state.store, &project, name).await?.id),
        None => None,
    };
    let request = GridRequest { filter, view: None, sort: Vec::new(), page: page.page, per_page: page.per_page };
    let found = feedback::list(&state.store, &project, type_id, &request).await?;
    Ok(Json(TicketList {
        tickets: found.items.into_iter().map(Into::into).collect(),
        total: found.total,
        page: found.page,
        per_page: found.per_page,
    }))
}

/// Show a ticket and its activity.
#[utoipa::path(get, path = "/api/v1/projects/{project}/feedback/{id}", operation_id = "showFeedback", tag = "Feedback",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the ticket's id")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound, (status = 200, body = TicketDetail)))]
pub async fn show(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<TicketDetail>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let ticket = feedback::ticket(&state.store, &project, id).await?;
    let activity = feedback::activity(&state.store, &ticket).await?;
    Ok(Json(TicketDetail { ticket: ticket.into(), activity: activity.into_iter().map(Into::into).collect() }))
}

/// Change a ticket's status, type, title or description.
#[utoipa::path(patch, path = "/api/v1/projects/{project}/feedback/{id}", operation_id = "updateFeedback", request_body = TicketPatch,
    tag = "Feedback", params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the ticket's id")),
    security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid,
        (status = 200, body = TicketBody, description = "the ticket as it is now"),
        (status = 422, body = ErrorBody, description = "every invalid value, e.g. `type` naming no (or a retired) type")))]
pub async fn update(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    JsonBody(patch): JsonBody<TicketPatch>,
) -> AppResult<Json<TicketBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let ticket = feedback::update_ticket(
        &state.store,
        &project,
        id,
        patch.type_name.as_deref(),
        patch.title.as_deref(),
        patch.description.as_deref(),
        patch.status.as_deref(),
        None,
    )
    .await?;
    Ok(Json(ticket.into()))
}

/// Comment on a ticket.
#[utoipa::path(post, path = "/api/v1/projects/{project}/feedback/{id}/comments", operation_id = "commentOnFeedback",
    request_body = NewComment, tag = "Feedback",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the ticket's id")),
    security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid, (status = 201, body = ActivityBody, description = "the comment, in the ticket's activity")))]
pub async fn comment(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    JsonBody(body): JsonBody<NewComment>,
) -> AppResult<(StatusCode, Json<ActivityBody>)> {
    let project = access::existing_project(&state.store, &slug).await?;
    let activity = feedback::comment(&state.store, &project, id, None, &body.text).await?;
    Ok((StatusCode::CREATED, Json(activity.into())))
}

/// List the project's feedback types.
#[utoipa::path(get, path = "/api/v1/projects/{project}/feedback-types", operation_id = "listFeedbackTypes", tag = "Feedback",
    params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, (status = 200, body = TypeList, description = "Bug, Idea and Praise to start with")))]
pub async fn list_types(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
) -> AppResult<Json<TypeList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let types = feedback::types(&state.store, &project).await?;
    Ok(Json(TypeList { types: types.into_iter().map(Into::into).collect() }))
}

/// Add a feedback type.
#[utoipa::path(post, path = "/api/v1/projects/{project}/feedback-types", operation_id = "createFeedbackType", request_body = NewType,
    tag = "Feedback", params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid, Conflict,
        (status = 201, body = TypeBody, description = "added after the others"),
        (status = 409, body = ErrorBody, description = "the project has a type of that name (in any case)")))]
pub async fn create_type(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<NewType>,
) -> AppResult<(StatusCode, Json<TypeBody>)> {
    let project = access::existing_project(&state.store, &slug).await?;
    let created = feedback::create_type(&state.store, &project, &body.name).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Rename, retire or restore a feedback type.
#[utoipa::path(patch, path = "/api/v1/projects/{project}/feedback-types/{id}", operation_id = "updateFeedbackType",
    request_body = TypePatch, tag = "Feedback",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the type's id")),
    security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid, Conflict,
        (status = 200, body = TypeBody, description = "the type as it is now"),
        (status = 409, body = ErrorBody, description = "the new name is taken")))]
pub async fn update_type(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    JsonBody(patch): JsonBody<TypePatch>,
) -> AppResult<Json<TypeBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let updated = feedback::update_type(&state.store, &project, id, patch.name.as_deref(), patch.retired).await?;
    Ok(Json(updated.into()))
}
