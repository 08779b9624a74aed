//! Report distributions: scheduled ones (created, listed, changed, paused, resumed, deleted,
//! each with its history) and sends ("Email this report" now). Both are sent by the one
//! worker ([`Scheduler`]): a send is a one-off distribution with a single run, so it is sent
//! exactly once and retried like any scheduled run.
//!
//! The HTTP API and the pages' server functions call these; the rules live here once.

pub mod auto_pause;
mod content;
mod scheduler;

pub use content::ReportContent;
pub use scheduler::{spawn, DistributionContent, Scheduler, StepReport, LEASE, RETRY_BACKOFF, TICK};

use anyhow::Context;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

use crate::domain::distribution::{self, CheckedDraft, Distribution, DistributionDraft, Run, RunStatus};
use crate::domain::project::Project;
use crate::domain::schedule::{DayOfMonthSpec, Schedule, ScheduleSpec};
use crate::domain::{Email, ValidationError};
use crate::server::error::{AppError, AppResult};
use crate::server::store::{DistributionForCreate, DistributionForUpdate, DistributionRecord, RunRecord, SendForCreate, Store};

/// A distribution to create, its values already checked.
#[derive(Debug, Clone)]
pub struct NewDistribution {
    pub project_id: i64,
    pub report_id: i64,
    pub teams: Vec<String>,
    pub emails: Vec<Email>,
    pub schedule: Schedule,
    pub subject: String,
    pub message: String,
    pub created_by: Option<i64>,
}

/// Creates the distribution with its first slot after `now`.
pub async fn create(store: &Store, new: NewDistribution, now: DateTime<Utc>) -> anyhow::Result<i64> {
    let record = DistributionForCreate {
        project_id: new.project_id,
        report_id: new.report_id,
        teams: new.teams,
        emails: new.emails.iter().map(|e| e.as_str().to_string()).collect(),
        schedule: new.schedule.spec(),
        subject: new.subject.trim().to_string(),
        message: new.message.trim().to_string(),
        created_by: new.created_by,
        next_run_at: new.schedule.next_run_after(now),
    };
    store.create_distribution(&record).await.context("Failed to create a distribution")
}

/// The report's page in Inlet.
pub fn report_link(base_url: &str, project_slug: &str, report_id: i64) -> String {
    format!("{}/p/{project_slug}/reports/{report_id}", base_url.trim_end_matches('/'))
}

/// The report a distribution or send is of: it must be one of the project's.
pub struct ReportRef {
    pub id: i64,
    pub name: String,
}

/// The project's report `report_id` (404 when there is none, or it is another project's).
pub async fn project_report(store: &Store, project: &Project, report_id: i64) -> AppResult<ReportRef> {
    match store.report(report_id).await? {
        Some(report) if report.project_id == Some(project.id) => Ok(ReportRef { id: report.id, name: report.name }),
        _ => Err(AppError::NotFound(format!("project '{}' has no report {report_id}", project.slug))),
    }
}

/// The teams named that are no existing project's (`teams[i]`); blank ones are the draft's
/// own check to report.
async fn unknown_teams(store: &Store, teams: &[String]) -> AppResult<Vec<ValidationError>> {
    let mut errors = Vec::new();
    for (index, slug) in teams.iter().enumerate() {
        let slug = slug.trim().to_ascii_lowercase();
        if !slug.is_empty() && store.project_by_slug(&slug).await?.is_none() {
            errors.push(ValidationError::new(&format!("teams[{index}]"), format!("there is no project '{slug}'")));
        }
    }
    Ok(errors)
}

/// A draft checked in full, every problem named at once: its own rules and the teams'
/// projects; with `status` (a change's), that too.
async fn checked(
    store: &Store,
    draft: &DistributionDraft,
    status: Result<bool, ValidationError>,
) -> AppResult<(CheckedDraft, bool)> {
    let own = draft.check();
    let mut errors = own.as_ref().err().cloned().unwrap_or_default();
    errors.extend(unknown_teams(store, &draft.teams).await?);
    errors.extend(status.as_ref().err().cloned());
    match (own, status) {
        (Ok(checked), Ok(active)) if errors.is_empty() => Ok((checked, active)),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Schedules the project's report `report_id`; its first run is the first slot after `now`.
/// The subject defaults to the report's name.
pub async fn create_for_report(
    store: &Store,
    project: &Project,
    report_id: i64,
    mut draft: DistributionDraft,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<Distribution> {
    let report = project_report(store, project, report_id).await?;
    if draft.subject.trim().is_empty() {
        draft.subject = report.name.clone();
    }
    let (checked, _) = checked(store, &draft, Ok(true)).await?;
    let new = NewDistribution {
        project_id: project.id,
        report_id: report.id,
        teams: checked.teams,
        emails: checked.emails,
        schedule: checked.schedule,
        subject: checked.subject,
        message: checked.message,
        created_by,
    };
    let id = create(store, new, now).await?;
    get(store, project, id).await
}

fn shown(record: DistributionRecord, report_name: String) -> Distribution {
    Distribution {
        id: record.id,
        report_id: record.report_id,
        report_name,
        teams: record.teams,
        emails: record.emails,
        schedule: record.schedule,
        subject: record.subject,
        message: record.message,
        active: record.active,
        paused_reason: record.paused_reason,
        next_run_at: if record.active { record.next_run_at } else { None },
        created_at: record.created_at,
    }
}

async fn report_name(store: &Store, report_id: i64) -> AppResult<String> {
    Ok(store.report(report_id).await?.map(|report| report.name).unwrap_or_default())
}

/// The project's scheduled distributions, of one report or all.
pub async fn list(store: &Store, project: &Project, report_id: Option<i64>) -> AppResult<Vec<Distribution>> {
    if let Some(report_id) = report_id {
        project_report(store, project, report_id).await?;
    }
    let mut names: BTreeMap<i64, String> = BTreeMap::new();
    let mut shown_list = Vec::new();
    for record in store.project_distributions(project.id, report_id).await? {
        let name = match names.get(&record.report_id) {
            Some(name) => name.clone(),
            None => {
                let name = report_name(store, record.report_id).await?;
                names.insert(record.report_id, name.clone());
                name
            }
        };
        shown_list.push(shown(record, name));
    }
    Ok(shown_list)
}

fn not_found(project: &Project, id: i64) -> AppError {
    AppError::NotFound(format!("project '{}' has no distribution {id}", project.slug))
}

async fn record(store: &Store, project: &Project, id: i64) -> AppResult<DistributionRecord> {
    store.project_distribution(project.id, id).await?.ok_or_else(|| not_found(project, id))
}

pub async fn get(store: &Store, project: &Project, id: i64) -> AppResult<Distribution> {
    let record = record(store, project, id).await?;
    let name = report_name(store, record.report_id).await?;
    Ok(shown(record, name))
}

fn run(record: RunRecord, recipients: Vec<String>) -> Run {
    let outcome = RunStatus::from_stored(&record.status, record.attempts);
    let waiting = matches!(outcome, RunStatus::Queued | RunStatus::Retrying);
    Run {
        id: record.id,
        scheduled_for: record.scheduled_for,
        sent_at: record.sent_at,
        recipients,
        outcome,
        error: record.error,
        attempts: record.attempts,
        next_attempt_at: waiting.then_some(record.next_attempt_at),
    }
}

/// A distribution's runs, newest first, each with the addresses it went to.
pub async fn history(store: &Store, project: &Project, id: i64) -> AppResult<Vec<Run>> {
    let record = record(store, project, id).await?;
    let mut sent: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (run_id, email) in store.distribution_recipients_sent(record.id).await? {
        sent.entry(run_id).or_default().push(email);
    }
    let runs = store.distribution_runs(record.id).await?;
    Ok(runs
        .into_iter()
        .map(|r| {
            let to = sent.remove(&r.id).unwrap_or_default();
            run(r, to)
        })
        .collect())
}

/// A change to a distribution: members left out stay as they are. `end_date: Some(None)`
/// removes the end date.
#[derive(Debug, Clone, Default)]
pub struct DistributionPatch {
    pub teams: Option<Vec<String>>,
    pub emails: Option<Vec<String>>,
    pub frequency: Option<String>,
    pub weekdays: Option<Vec<String>>,
    pub day_of_month: Option<DayOfMonthSpec>,
    pub time: Option<String>,
    pub time_zone: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<Option<String>>,
    pub subject: Option<String>,
    pub message: Option<String>,
    /// `active` or `paused`.
    pub status: Option<String>,
}

impl DistributionPatch {
    /// The stored draft with this patch's members laid over it.
    fn applied_to(self, record: &DistributionRecord) -> DistributionDraft {
        let stored = record.schedule.clone();
        let schedule = ScheduleSpec {
            frequency: self.frequency.or(stored.frequency),
            weekdays: self.weekdays.or(stored.weekdays),
            day_of_month: self.day_of_month.or(stored.day_of_month),
            time: self.time.or(stored.time),
            time_zone: self.time_zone.or(stored.time_zone),
            start_date: self.start_date.or(stored.start_date),
            end_date: self.end_date.unwrap_or(stored.end_date),
        };
        DistributionDraft {
            teams: self.teams.unwrap_or_else(|| record.teams.clone()),
            emails: self.emails.unwrap_or_else(|| record.emails.clone()),
            schedule,
            subject: self.subject.unwrap_or_else(|| record.subject.clone()),
            message: self.message.unwrap_or_else(|| record.message.clone()),
        }
    }
}

fn parse_status(status: Option<&str>, current: bool) -> Result<bool, ValidationError> {
    match status.map(str::trim) {
        None => Ok(current),
        Some("active") => Ok(true),
        Some("paused") => Ok(false),
        Some(other) => Err(ValidationError::new("status", format!("'{other}' is not a status (active or paused)"))),
    }
}

/// Changes, pauses or resumes a distribution. A changed schedule, or resuming, sets the next
/// run to the schedule's first slot after `now` (slots passed while paused are not sent).
pub async fn update(
    store: &Store,
    project: &Project,
    id: i64,
    patch: DistributionPatch,
    now: DateTime<Utc>,
) -> AppResult<Distribution> {
    let record = record(store, project, id).await?;
    let status = patch.status.clone();
    let draft = patch.applied_to(&record);
    let (checked, active) = checked(store, &draft, parse_status(status.as_deref(), record.active)).await?;
    let spec = checked.schedule.spec();
    let resuming = active && !record.active;
    let next_run_at = if resuming || spec != record.schedule { checked.schedule.next_run_after(now) } else { record.next_run_at };
    let change = DistributionForUpdate {
        teams: checked.teams,
        emails: checked.emails.iter().map(|e| e.as_str().to_string()).collect(),
        schedule: spec,
        subject: checked.subject,
        message: checked.message,
        active,
        next_run_at,
        resumed_at: resuming.then_some(now),
    };
    store.update_distribution(record.id, &change).await?;
    get(store, project, id).await
}

/// Sends a distribution now, as one more run of it (its schedule goes on as before).
pub async fn run_now(store: &Store, project: &Project, id: i64, now: DateTime<Utc>) -> AppResult<()> {
    let record = record(store, project, id).await?;
    store.enqueue_extra_run(record.id, now).await?;
    Ok(())
}

pub async fn delete(store: &Store, project: &Project, id: i64) -> AppResult<()> {
    if store.delete_distribution(project.id, id).await? {
        Ok(())
    } else {
        Err(not_found(project, id))
    }
}

/// "Email this report" as asked: to these addresses, now.
#[derive(Debug, Clone, Default)]
pub struct SendRequest {
    pub to: Vec<String>,
    /// The report's name when none.
    pub subject: Option<String>,
    pub message: Option<String>,
}

/// A send as its status shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SendStatus {
    pub id: i64,
    pub report_id: i64,
    pub to: Vec<String>,
    pub subject: String,
    pub run: Run,
}

/// Queues a send of the project's report to `request.to`; the scheduler sends it (wake it).
/// Returns its id.
pub async fn send(
    store: &Store,
    project: &Project,
    report_id: i64,
    request: SendRequest,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    let report = project_report(store, project, report_id).await?;
    let mut errors = Vec::new();
    let to = distribution::check_emails("to", &request.to).map_err(|e| errors.extend(e)).ok();
    if request.to.is_empty() {
        errors.push(ValidationError::new("to", "add at least one address"));
    }
    let subject = request.subject.filter(|s| !s.trim().is_empty()).unwrap_or_else(|| report.name.clone());
    let subject = distribution::check_subject(&subject).map_err(|e| errors.push(e)).ok();
    let message = distribution::check_message(request.message.as_deref().unwrap_or("")).map_err(|e| errors.push(e)).ok();
    let (Some(to), Some(subject), Some(message), true) = (to, subject, message, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let new = SendForCreate {
        project_id: project.id,
        report_id: report.id,
        emails: to.iter().map(|e| e.as_str().to_string()).collect(),
        subject,
        message,
        created_by,
        at: now,
    };
    Ok(store.create_send(&new).await?)
}

fn send_status(run_record: RunRecord, distribution: DistributionRecord, recipients: Vec<String>) -> SendStatus {
    SendStatus {
        id: run_record.id,
        report_id: distribution.report_id,
        to: distribution.emails,
        subject: distribution.subject,
        run: run(run_record, recipients),
    }
}

async fn sent_to(store: &Store, distribution_id: i64) -> AppResult<Vec<String>> {
    Ok(store.distribution_recipients_sent(distribution_id).await?.into_iter().map(|(_, email)| email).collect())
}

/// A send of the project, by its id.
pub async fn send_status_of(store: &Store, project: &Project, id: i64) -> AppResult<SendStatus> {
    let (run_record, distribution) = store
        .project_send(project.id, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("project '{}' has no send {id}", project.slug)))?;
    let recipients = sent_to(store, distribution.id).await?;
    Ok(send_status(run_record, distribution, recipients))
}

/// A report's recent sends, newest first.
pub async fn report_sends(store: &Store, project: &Project, report_id: i64) -> AppResult<Vec<SendStatus>> {
    let mut sends = Vec::new();
    for (run_record, distribution) in store.report_sends(project.id, report_id).await? {
        let recipients = sent_to(store, distribution.id).await?;
        sends.push(send_status(run_record, distribution, recipients));
    }
    Ok(sends)
}
