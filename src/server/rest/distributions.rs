//! `/api/v1/projects/{project}/…/distributions`: scheduled distributions of a project's
//! reports, with their history; `…/reports/{id}/send` and `…/sends/{id}`: sending a report now.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::body::JsonBody;
use super::openapi::ErrorBody;
use super::responses::{Invalid, KeyedBodyErrors, KeyedErrors, NotFound};
use super::schemas;
use super::url::Path;
use crate::domain::distribution::{Distribution, DistributionDraft, Run};
use crate::domain::grid::whole_number;
use crate::domain::schedule::{DayOfMonthSpec, ScheduleSpec};
use crate::server::auth::ApiCaller;
use crate::server::error::AppResult;
use crate::server::service::access;
use crate::server::service::distributions::{self as service, DistributionPatch, SendRequest, SendStatus};
use crate::server::startup::AppState;

/// `day_of_month` however JSON writes it (`6`, `6.0`, `"last"`); anything else is left for
/// the schedule's check to name.
fn day_of_month(value: Option<Value>) -> Option<DayOfMonthSpec> {
    match value? {
        Value::Null => None,
        Value::Number(n) => Some(whole_number(&n).map_or_else(|| DayOfMonthSpec::Text(n.to_string()), DayOfMonthSpec::Number)),
        Value::String(text) => Some(DayOfMonthSpec::Text(text)),
        other => Some(DayOfMonthSpec::Text(other.to_string())),
    }
}

/// A member that may be sent as `null` to clear it: `None` left out, `Some(None)` null.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"teams": ["aurora-beta"], "emails": ["cto@example.com"], "frequency": "weekly",
    "weekdays": ["mon"], "time": "08:00", "time_zone": "Europe/Berlin", "start_date": "2026-12-07", "end_date": null,
    "subject": "Aurora weekly numbers", "message": "Here are this week's numbers."})))]
pub struct NewDistributionBody {
    /// Projects whose whole team receives it, by slug.
    #[serde(default)]
    #[schema(schema_with = schemas::teams, required = false)]
    pub teams: Vec<String>,
    /// Listed addresses (with the teams: one recipient at least).
    #[serde(default)]
    #[schema(schema_with = schemas::emails, required = false)]
    pub emails: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::frequency, required = true)]
    pub frequency: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::weekdays, required = false)]
    pub weekdays: Option<Vec<String>>,
    #[serde(default)]
    #[schema(schema_with = schemas::day_of_month, required = false)]
    pub day_of_month: Option<Value>,
    #[serde(default)]
    #[schema(schema_with = schemas::time_of_day, required = true)]
    pub time: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::time_zone, required = true)]
    pub time_zone: Option<String>,
    /// The first day it may run (in the time zone).
    #[serde(default)]
    #[schema(schema_with = schemas::date, required = true)]
    pub start_date: Option<String>,
    /// The last day it may run (inclusive), or null for no end.
    #[serde(default)]
    #[schema(schema_with = schemas::optional_date, required = false)]
    pub end_date: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_subject, required = false)]
    pub subject: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_message, required = false)]
    pub message: Option<String>,
}

impl From<NewDistributionBody> for DistributionDraft {
    fn from(body: NewDistributionBody) -> Self {
        DistributionDraft {
            teams: body.teams,
            emails: body.emails,
            schedule: ScheduleSpec {
                frequency: body.frequency,
                weekdays: body.weekdays,
                day_of_month: day_of_month(body.day_of_month),
                time: body.time,
                time_zone: body.time_zone,
                start_date: body.start_date,
                end_date: body.end_date,
            },
            subject: body.subject.unwrap_or_default(),
            message: body.message.unwrap_or_default(),
        }
    }
}

/// Changes to a distribution; members left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"status": "paused"}), json!({"weekdays": ["mon", "thu"], "time": "07:30"})))]
pub struct DistributionPatchBody {
    #[serde(default)]
    #[schema(schema_with = schemas::optional_teams, required = false)]
    pub teams: Option<Vec<String>>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_emails, required = false)]
    pub emails: Option<Vec<String>>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_frequency, required = false)]
    pub frequency: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::weekdays, required = false)]
    pub weekdays: Option<Vec<String>>,
    #[serde(default)]
    #[schema(schema_with = schemas::day_of_month, required = false)]
    pub day_of_month: Option<Value>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_time_of_day, required = false)]
    pub time: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_known_time_zone, required = false)]
    pub time_zone: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_date, required = false)]
    pub start_date: Option<String>,
    /// null removes the end date.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::optional_date, required = false)]
    pub end_date: Option<Option<String>>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_subject, required = false)]
    pub subject: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_message, required = false)]
    pub message: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_status, required = false)]
    pub status: Option<String>,
}

impl From<DistributionPatchBody> for DistributionPatch {
    fn from(body: DistributionPatchBody) -> Self {
        DistributionPatch {
            teams: body.teams,
            emails: body.emails,
            frequency: body.frequency,
            weekdays: body.weekdays,
            day_of_month: day_of_month(body.day_of_month),
            time: body.time,
            time_zone: body.time_zone,
            start_date: body.start_date,
            end_date: body.end_date,
            subject: body.subject,
            message: body.message,
            status: body.status,
        }
    }
}

/// One run: a scheduled time and what became of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunBody {
    pub id: i64,
    pub scheduled_for: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The addresses it was sent to so far.
    pub recipients: Vec<String>,
    /// queued, sending, retrying, sent or failed.
    pub outcome: String,
    /// The last attempt's failures, one per recipient that did not get it.
    pub error: Option<String>,
    pub attempts: i32,
    /// When it is tried next (queued or retrying).
    pub next_attempt_at: Option<DateTime<Utc>>,
}

impl From<Run> for RunBody {
    fn from(run: Run) -> Self {
        Self {
            id: run.id,
            scheduled_for: run.scheduled_for,
            sent_at: run.sent_at,
            recipients: run.recipients,
            outcome: run.outcome.as_str().to_string(),
            error: run.error,
            attempts: run.attempts,
            next_attempt_at: run.next_attempt_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DistributionBody {
    pub id: i64,
    pub report_id: i64,
    pub report_name: String,
    pub teams: Vec<String>,
    pub emails: Vec<String>,
    /// daily, weekly or monthly.
    pub frequency: String,
    /// Weekly only.
    pub weekdays: Option<Vec<String>>,
    /// Monthly only: 1–31 or "last".
    #[schema(schema_with = schemas::day_of_month)]
    pub day_of_month: Option<DayOfMonthSpec>,
    pub time: String,
    pub time_zone: String,
    pub start_date: String,
    pub end_date: Option<String>,
    pub subject: String,
    pub message: String,
    /// active or paused.
    pub status: String,
    /// Why it paused itself (nobody opened the report for 60 days); null when paused by hand.
    pub paused_reason: Option<String>,
    /// The next scheduled send (UTC); null while paused or once the schedule has ended.
    pub next_run_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Newest first (one distribution's GET only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub runs: Option<Vec<RunBody>>,
}

impl From<Distribution> for DistributionBody {
    fn from(d: Distribution) -> Self {
        let schedule = d.schedule;
        Self {
            id: d.id,
            report_id: d.report_id,
            report_name: d.report_name,
            teams: d.teams,
            emails: d.emails,
            frequency: schedule.frequency.unwrap_or_default(),
            weekdays: schedule.weekdays,
            day_of_month: schedule.day_of_month,
            time: schedule.time.unwrap_or_default(),
            time_zone: schedule.time_zone.unwrap_or_default(),
            start_date: schedule.start_date.unwrap_or_default(),
            end_date: schedule.end_date,
            subject: d.subject,
            message: d.message,
            status: if d.active { "active" } else { "paused" }.to_string(),
            paused_reason: d.paused_reason,
            next_run_at: d.next_run_at,
            created_at: d.created_at,
            runs: None,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DistributionList {
    /// Oldest first.
    pub distributions: Vec<DistributionBody>,
}

const REPORT_ID: &str = "the report's id";

/// Schedule a report's distribution.
#[utoipa::path(post, path = "/api/v1/projects/{project}/reports/{id}/distributions", operation_id = "createDistribution",
    request_body = NewDistributionBody, tag = "Distributions",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = REPORT_ID)),
    security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid,
        (status = 201, body = DistributionBody, description = "scheduled; `next_run_at` is its first send"),
        (status = 422, body = ErrorBody, description = "each bad member by name: `time_zone`, `start_date`, `end_date` \
            (before the start date), `weekdays` (needed when weekly), `day_of_month` (needed when monthly), `emails[i]`, \
            `teams[i]` (no such project), `emails` (no recipient at all)")))]
pub async fn create(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, report_id)): Path<(String, i64)>,
    JsonBody(body): JsonBody<NewDistributionBody>,
) -> AppResult<(StatusCode, Json<DistributionBody>)> {
    let project = access::existing_project(&state.store, &slug).await?;
    let created = service::create_for_report(&state.store, &project, report_id, body.into(), None, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// List a report's distributions.
#[utoipa::path(get, path = "/api/v1/projects/{project}/reports/{id}/distributions", operation_id = "listReportDistributions",
    tag = "Distributions", params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = REPORT_ID)),
    security(("api_key" = [])), responses(KeyedErrors, NotFound, (status = 200, body = DistributionList)))]
pub async fn list_for_report(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, report_id)): Path<(String, i64)>,
) -> AppResult<Json<DistributionList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let list = service::list(&state.store, &project, Some(report_id)).await?;
    Ok(Json(DistributionList { distributions: list.into_iter().map(Into::into).collect() }))
}

/// List the project's distributions.
#[utoipa::path(get, path = "/api/v1/projects/{project}/distributions", operation_id = "listDistributions",
    tag = "Distributions", params(("project" = String, Path, description = "project slug")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound, (status = 200, body = DistributionList)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
) -> AppResult<Json<DistributionList>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let list = service::list(&state.store, &project, None).await?;
    Ok(Json(DistributionList { distributions: list.into_iter().map(Into::into).collect() }))
}

/// Show a distribution with its history.
#[utoipa::path(get, path = "/api/v1/projects/{project}/distributions/{id}", operation_id = "showDistribution",
    tag = "Distributions",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the distribution's id")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound, (status = 200, body = DistributionBody, description = "with `runs`")))]
pub async fn show(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<DistributionBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let distribution = service::get(&state.store, &project, id).await?;
    let runs = service::history(&state.store, &project, id).await?;
    let mut body = DistributionBody::from(distribution);
    body.runs = Some(runs.into_iter().map(Into::into).collect());
    Ok(Json(body))
}

/// Change, pause or resume a distribution.
#[utoipa::path(patch, path = "/api/v1/projects/{project}/distributions/{id}", operation_id = "updateDistribution",
    request_body = DistributionPatchBody, tag = "Distributions",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the distribution's id")),
    security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid,
        (status = 200, body = DistributionBody, description = "as it is now; resuming or a new schedule sets `next_run_at` \
            to the first slot from now"),
        (status = 422, body = ErrorBody, description = "each bad member by name, as when creating one")))]
pub async fn update(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    JsonBody(body): JsonBody<DistributionPatchBody>,
) -> AppResult<Json<DistributionBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let changed = service::update(&state.store, &project, id, body.into(), Utc::now()).await?;
    Ok(Json(changed.into()))
}

/// Delete a distribution and its history.
#[utoipa::path(delete, path = "/api/v1/projects/{project}/distributions/{id}", operation_id = "deleteDistribution",
    tag = "Distributions",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the distribution's id")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound, (status = 204, description = "deleted")))]
pub async fn delete(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    let project = access::existing_project(&state.store, &slug).await?;
    service::delete(&state.store, &project, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"to": ["cto@example.com"], "subject": "Aurora numbers", "message": "As promised."})))]
pub struct SendBody {
    #[schema(schema_with = schemas::send_to)]
    pub to: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_subject, required = false)]
    pub subject: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_message, required = false)]
    pub message: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SendQueued {
    /// For `GET …/sends/{id}`.
    pub id: i64,
    /// Always queued.
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SendStatusBody {
    pub id: i64,
    pub report_id: i64,
    pub to: Vec<String>,
    pub subject: String,
    /// queued, sending, retrying, sent or failed.
    pub status: String,
    /// When it was asked for.
    pub queued_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The addresses it was sent to so far.
    pub recipients: Vec<String>,
    pub error: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
}

impl From<SendStatus> for SendStatusBody {
    fn from(send: SendStatus) -> Self {
        Self {
            id: send.id,
            report_id: send.report_id,
            to: send.to,
            subject: send.subject,
            status: send.run.outcome.as_str().to_string(),
            queued_at: send.run.scheduled_for,
            sent_at: send.run.sent_at,
            recipients: send.run.recipients,
            error: send.run.error,
            attempts: send.run.attempts,
            next_attempt_at: send.run.next_attempt_at,
        }
    }
}

/// Email a report now.
#[utoipa::path(post, path = "/api/v1/projects/{project}/reports/{id}/send", operation_id = "sendReport",
    request_body = SendBody, tag = "Distributions",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = REPORT_ID)),
    security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid,
        (status = 202, body = SendQueued, description = "queued: sent within seconds, retried with backoff on failure"),
        (status = 422, body = ErrorBody, description = "`to[i]`: not an address; `to`: none")))]
pub async fn send(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, report_id)): Path<(String, i64)>,
    JsonBody(body): JsonBody<SendBody>,
) -> AppResult<(StatusCode, Json<SendQueued>)> {
    let project = access::existing_project(&state.store, &slug).await?;
    let request = SendRequest { to: body.to, subject: body.subject, message: body.message };
    let id = service::send(&state.store, &project, report_id, request, None, Utc::now()).await?;
    state.wake_scheduler.notify_one();
    Ok((StatusCode::ACCEPTED, Json(SendQueued { id, status: "queued".into() })))
}

/// Show a send's status.
#[utoipa::path(get, path = "/api/v1/projects/{project}/sends/{id}", operation_id = "showSend", tag = "Distributions",
    params(("project" = String, Path, description = "project slug"), ("id" = i64, Path, description = "the send's id")),
    security(("api_key" = [])), responses(KeyedErrors, NotFound, (status = 200, body = SendStatusBody)))]
pub async fn show_send(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<SendStatusBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    Ok(Json(service::send_status_of(&state.store, &project, id).await?.into()))
}
