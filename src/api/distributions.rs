//! Distributions: a project's (or one report's) scheduled distributions and sends, one
//! distribution with its history, and the forms that schedule, change, pause, resume, delete
//! and send. Each function finds the caller's project and calls `service::distributions`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::UiError;
use crate::domain::distribution::{Distribution, Run};
#[cfg(feature = "ssr")]
use crate::domain::ValidationError;

/// A report as the distribution pages name it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportChoice {
    pub id: i64,
    pub name: String,
}

/// A project whose team can receive a distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamChoice {
    pub slug: String,
    pub name: String,
}

/// One "Email this report" send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendRow {
    pub id: i64,
    pub to: Vec<String>,
    pub subject: String,
    pub run: Run,
}

/// The distributions page: the project's distributions, or one report's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistributionsListing {
    /// Set on a report's page.
    pub report: Option<ReportChoice>,
    pub distributions: Vec<Distribution>,
    /// The projects whose teams the schedule form offers.
    pub teams: Vec<TeamChoice>,
    /// The project's reports, to send or schedule (the project's page).
    pub reports: Vec<ReportChoice>,
    /// Today's date (UTC), the schedule form's first start date.
    pub today: String,
}

/// One distribution, and what its edit form offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistributionDetail {
    pub distribution: Distribution,
    pub teams: Vec<TeamChoice>,
    pub today: String,
}

#[cfg(feature = "ssr")]
async fn project(slug: &str) -> Result<crate::domain::project::Project, UiError> {
    let state = super::context::state();
    let staff = super::context::staff().await?;
    Ok(crate::server::service::access::project_for(&state.store, &staff, slug).await?)
}

#[cfg(feature = "ssr")]
async fn team_choices() -> Result<Vec<TeamChoice>, UiError> {
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let projects = crate::server::service::access::visible_projects(&state.store, &staff).await?;
    Ok(projects.into_iter().map(|p| TeamChoice { slug: p.slug, name: p.name }).collect())
}

/// Errors about one address or team of a list, shown at the list's box (`emails[2]` → `emails`).
#[cfg(feature = "ssr")]
fn at_boxes(error: crate::server::error::AppError) -> UiError {
    match error {
        crate::server::error::AppError::Invalid(errors) => UiError::Invalid(
            errors
                .into_iter()
                .map(|e| match e.field.split_once('[') {
                    Some((list, _)) => ValidationError::new(list, e.message),
                    None => e,
                })
                .collect(),
        ),
        other => other.into(),
    }
}

#[server(prefix = "/fn")]
pub async fn list_distributions(slug: String, report_id: Option<i64>) -> Result<DistributionsListing, UiError> {
    use crate::server::service::distributions as service;
    let store = &super::context::state().store;
    let project = project(&slug).await?;
    let report = match report_id {
        Some(id) => {
            let found = service::project_report(store, &project, id).await?;
            Some(ReportChoice { id: found.id, name: found.name })
        }
        None => None,
    };
    Ok(DistributionsListing {
        distributions: service::list(store, &project, report_id).await?,
        report,
        teams: team_choices().await?,
        reports: store
            .list_reports(Some(project.id))
            .await?
            .into_iter()
            .map(|(report, _)| ReportChoice { id: report.id, name: report.name })
            .collect(),
        today: chrono::Utc::now().date_naive().to_string(),
    })
}

/// A report's recent sends, newest first.
#[server(prefix = "/fn")]
pub async fn list_report_sends(slug: String, report_id: i64) -> Result<Vec<SendRow>, UiError> {
    use crate::server::service::distributions as service;
    let store = &super::context::state().store;
    let project = project(&slug).await?;
    service::project_report(store, &project, report_id).await?;
    Ok(service::report_sends(store, &project, report_id)
        .await?
        .into_iter()
        .map(|s| SendRow { id: s.id, to: s.to, subject: s.subject, run: s.run })
        .collect())
}

/// A distribution's runs, newest first.
#[server(prefix = "/fn")]
pub async fn distribution_history(slug: String, id: i64) -> Result<Vec<Run>, UiError> {
    let store = &super::context::state().store;
    let project = project(&slug).await?;
    Ok(crate::server::service::distributions::history(store, &project, id).await?)
}

#[server(prefix = "/fn")]
pub async fn load_distribution(slug: String, id: i64) -> Result<DistributionDetail, UiError> {
    use crate::server::service::distributions as service;
    let store = &super::context::state().store;
    let project = project(&slug).await?;
    Ok(DistributionDetail {
        distribution: service::get(store, &project, id).await?,
        teams: team_choices().await?,
        today: chrono::Utc::now().date_naive().to_string(),
    })
}

/// Schedules a report (no `id`) or changes a distribution, from the schedule form; then shows
/// the distribution. Addresses come in one box.
// One argument per field of the form.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn")]
pub async fn save_distribution(
    slug: String,
    report_id: i64,
    id: Option<i64>,
    #[server(default)] teams: Vec<String>,
    #[server(default)] emails: String,
    frequency: String,
    #[server(default)] weekdays: Vec<String>,
    #[server(default)] day_of_month: String,
    time: String,
    time_zone: String,
    start_date: String,
    #[server(default)] end_date: String,
    #[server(default)] subject: String,
    #[server(default)] message: String,
) -> Result<i64, UiError> {
    use crate::domain::distribution::{split_addresses, DistributionDraft};
    use crate::domain::schedule::{DayOfMonthSpec, ScheduleSpec};
    use crate::server::service::distributions::{self as service, DistributionPatch};
    let store = &super::context::state().store;
    let staff = super::context::staff().await?;
    let project = project(&slug).await?;
    let day = day_of_month.trim();
    let day_of_month = (!day.is_empty()).then(|| match day.parse::<i64>() {
        Ok(n) => DayOfMonthSpec::Number(n),
        Err(_) => DayOfMonthSpec::Text(day.to_string()),
    });
    let end_date = Some(end_date.trim().to_string()).filter(|d| !d.is_empty());
    let now = chrono::Utc::now();
    let saved = match id {
        None => {
            let schedule = ScheduleSpec {
                frequency: Some(frequency),
                weekdays: Some(weekdays),
                day_of_month,
                time: Some(time),
                time_zone: Some(time_zone),
                start_date: Some(start_date),
                end_date,
            };
            let draft = DistributionDraft { teams, emails: split_addresses(&emails), schedule, subject, message };
            service::create_for_report(store, &project, report_id, draft, Some(staff.id), now).await
        }
        Some(id) => {
            let patch = DistributionPatch {
                teams: Some(teams),
                emails: Some(split_addresses(&emails)),
                frequency: Some(frequency),
                weekdays: Some(weekdays),
                day_of_month,
                time: Some(time),
                time_zone: Some(time_zone),
                start_date: Some(start_date),
                end_date: Some(end_date),
                subject: Some(subject),
                message: Some(message),
                status: None,
            };
            service::update(store, &project, id, patch, now).await
        }
    }
    .map_err(at_boxes)?;
    leptos_axum::redirect(&format!("/p/{}/distributions/{}", project.slug, saved.id));
    Ok(saved.id)
}

/// Pauses (`paused`) or resumes (`active`) a distribution.
#[server(prefix = "/fn")]
pub async fn set_distribution_status(slug: String, id: i64, status: String) -> Result<Distribution, UiError> {
    use crate::server::service::distributions::{self as service, DistributionPatch};
    let store = &super::context::state().store;
    let project = project(&slug).await?;
    let patch = DistributionPatch { status: Some(status), ..DistributionPatch::default() };
    Ok(service::update(store, &project, id, patch, chrono::Utc::now()).await?)
}

#[server(prefix = "/fn")]
pub async fn delete_distribution(slug: String, id: i64) -> Result<(), UiError> {
    let store = &super::context::state().store;
    let project = project(&slug).await?;
    crate::server::service::distributions::delete(store, &project, id).await?;
    leptos_axum::redirect(&format!("/p/{}/distributions", project.slug));
    Ok(())
}

/// Sends a scheduled distribution now, as one more run in its history.
#[server(prefix = "/fn")]
pub async fn run_distribution_now(slug: String, id: i64) -> Result<(), UiError> {
    let state = super::context::state();
    let project = project(&slug).await?;
    crate::server::service::distributions::run_now(&state.store, &project, id, chrono::Utc::now()).await?;
    state.wake_scheduler.notify_one();
    Ok(())
}

/// "Email this report": to the addresses in one box, now.
#[server(prefix = "/fn")]
pub async fn email_report(
    slug: String,
    report_id: i64,
    to: String,
    #[server(default)] subject: String,
    #[server(default)] message: String,
) -> Result<i64, UiError> {
    use crate::server::service::distributions::{self as service, SendRequest};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = project(&slug).await?;
    let request =
        SendRequest { to: crate::domain::distribution::split_addresses(&to), subject: Some(subject), message: Some(message) };
    let id =
        service::send(&state.store, &project, report_id, request, Some(staff.id), chrono::Utc::now()).await.map_err(at_boxes)?;
    state.wake_scheduler.notify_one();
    Ok(id)
}
