//! Custom reports, a project's (`slug` given) or the community's (`slug` left out, community
//! managers only): the report list, a report with its elements computed and its charts drawn,
//! and the builder's choices, live preview and save. Each function finds the caller's scope and
//! calls `service::reports`.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use super::report_form::{ElementForm, NEW_REPORT, OWN_CRITERIA, UNTITLED};
use super::UiError;
use crate::domain::filter::SchemaField;
use crate::domain::report::{ElementDefinition, Style};
use crate::domain::table::Table;

/// A report in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    pub id: i64,
    pub name: String,
    pub elements: i64,
    pub last_opened_at: DateTime<Utc>,
}

/// A report as its page shows it: every element computed now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    pub id: i64,
    pub name: String,
    /// The project's name, or "Community".
    pub project: String,
    pub computed_at: DateTime<Utc>,
    pub elements: Vec<ElementView>,
}

/// One element as a page shows it (a stored one, or the builder's preview).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementView {
    /// The stored element's id (none for a preview).
    pub id: Option<i64>,
    pub name: String,
    pub style: Style,
    /// The element's table; a list's first `LIST_PAGE_ROWS` rows.
    pub table: Table,
    /// The rows of a list the page leaves to the exports.
    pub more_rows: usize,
    /// The chart, drawn by the server (our own markup: the page inserts it as it is).
    pub svg: Option<String>,
}

impl ElementView {
    /// The headline figure of a number element.
    pub fn figure(&self) -> Option<String> {
        if self.style != Style::Number {
            return None;
        }
        self.table.rows.first().and_then(|row| row.get(1)).map(ToString::to_string)
    }
}

/// A choice by id and name (a saved filter, a destination report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// What the builder offers, and the element it edits (if any).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuilderData {
    pub schema: Vec<SchemaField>,
    /// What a feedback element may name (the ticket's fields and the submitter's); none for
    /// the community, whose builder offers no feedback.
    #[serde(default)]
    pub ticket_schema: Vec<SchemaField>,
    /// The project's saved filters (none for the community: its filters are written out).
    pub filters: Vec<Named>,
    pub reports: Vec<Named>,
    /// The element being edited, with its report.
    pub element: Option<ElementDefinition>,
}

/// Where a scope's reports are listed: `/p/<slug>/reports` or `/reports`.
pub fn reports_path(slug: Option<&str>) -> String {
    match slug {
        Some(slug) => format!("/p/{slug}/reports"),
        None => "/reports".into(),
    }
}

#[cfg(feature = "ssr")]
async fn scope(slug: Option<&str>) -> Result<crate::server::service::reports::Scope, UiError> {
    use crate::server::service::{access, reports::Scope};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    Ok(match slug {
        Some(slug) => Scope::Project(access::project_for(&state.store, &staff, slug).await?),
        None => {
            access::require_community_manager(&staff)?;
            Scope::Community
        }
    })
}

/// Sets the page's status when loading failed (the page is rendered on the server).
#[cfg(feature = "ssr")]
fn with_status<T>(result: Result<T, UiError>) -> Result<T, UiError> {
    if let Err(error) = &result {
        super::context::set_status(error);
    }
    result
}

#[cfg(feature = "ssr")]
fn element_view(id: Option<i64>, element: crate::domain::report::ComputedElement) -> ElementView {
    use crate::server::charts::{chart_svg, Theme};
    let svg = chart_svg(element.style, &element.name, &element.table, Theme::Page);
    let mut table = element.table;
    let more_rows =
        if element.style == Style::List { table.rows.len().saturating_sub(crate::domain::report::LIST_PAGE_ROWS) } else { 0 };
    table.rows.truncate(table.rows.len() - more_rows);
    ElementView { id, name: element.name, style: element.style, table, more_rows, svg }
}

#[server(prefix = "/fn")]
pub async fn list_reports(slug: Option<String>) -> Result<Vec<ReportRow>, UiError> {
    with_status(
        async {
            let scope = scope(slug.as_deref()).await?;
            let reports = crate::server::service::reports::list(&super::context::state().store, &scope).await?;
            Ok(reports
                .into_iter()
                .map(|(r, elements)| ReportRow { id: r.id, name: r.name, elements, last_opened_at: r.last_opened_at })
                .collect())
        }
        .await,
    )
}

/// The report with every element computed now (and noted as opened).
#[server(prefix = "/fn")]
pub async fn load_report(slug: Option<String>, id: i64) -> Result<ReportView, UiError> {
    use crate::server::service::reports;
    with_status(
        async {
            let store = &super::context::state().store;
            let scope = scope(slug.as_deref()).await?;
            let report = reports::open(store, &scope, id).await?;
            let (computed, stored) = reports::computed(store, &scope, &report).await?;
            let elements = computed
                .elements
                .into_iter()
                .zip(stored)
                .map(|(element, stored)| element_view(Some(stored.id), element))
                .collect();
            Ok(ReportView {
                id: report.id,
                name: computed.name,
                project: computed.project,
                computed_at: computed.computed_at,
                elements,
            })
        }
        .await,
    )
}

/// An empty report, opened.
#[server(prefix = "/fn")]
pub async fn create_report(slug: Option<String>, name: String) -> Result<Named, UiError> {
    let scope = scope(slug.as_deref()).await?;
    let staff = super::context::staff().await?;
    let report =
        crate::server::service::reports::create(&super::context::state().store, &scope, &name, None, Some(staff.id)).await?;
    leptos_axum::redirect(&format!("{}/{}", reports_path(slug.as_deref()), report.id));
    Ok(Named { id: report.id, name: report.name })
}

#[server(prefix = "/fn")]
pub async fn rename_report(slug: Option<String>, id: i64, name: String) -> Result<Named, UiError> {
    use crate::server::service::reports::{self, ReportChanges};
    let scope = scope(slug.as_deref()).await?;
    let changes = ReportChanges { name: Some(name), time_zone: None };
    let report = reports::update(&super::context::state().store, &scope, id, changes).await?;
    leptos_axum::redirect(&reports_path(slug.as_deref()));
    Ok(Named { id: report.id, name: report.name })
}

/// Copies a report with all its elements and opens the copy.
#[server(prefix = "/fn")]
pub async fn clone_report(slug: Option<String>, id: i64, name: String) -> Result<Named, UiError> {
    let scope = scope(slug.as_deref()).await?;
    let staff = super::context::staff().await?;
    let copy = crate::server::service::reports::clone(&super::context::state().store, &scope, id, &name, Some(staff.id)).await?;
    leptos_axum::redirect(&format!("{}/{}", reports_path(slug.as_deref()), copy.id));
    Ok(Named { id: copy.id, name: copy.name })
}

#[server(prefix = "/fn")]
pub async fn delete_report(slug: Option<String>, id: i64) -> Result<(), UiError> {
    let scope = scope(slug.as_deref()).await?;
    crate::server::service::reports::delete(&super::context::state().store, &scope, id).await?;
    leptos_axum::redirect(&reports_path(slug.as_deref()));
    Ok(())
}

/// Moves an element one place `up` or `down` in its report.
#[server(prefix = "/fn")]
pub async fn move_element(slug: Option<String>, report: i64, element: i64, direction: String) -> Result<(), UiError> {
    use crate::server::service::reports::{self, ElementChanges};
    let store = &super::context::state().store;
    let scope = scope(slug.as_deref()).await?;
    let stored = reports::elements(store, &reports::get(store, &scope, report).await?).await?;
    let index = stored.iter().position(|e| e.id == element).ok_or_else(|| UiError::NotFound("no such element".into()))?;
    let target = if direction == "up" { index.saturating_sub(1) } else { (index + 1).min(stored.len() - 1) };
    if target != index {
        let changes = ElementChanges { position: Some(target), ..Default::default() };
        reports::update_element(store, &scope, report, element, changes).await?;
    }
    leptos_axum::redirect(&format!("{}/{report}", reports_path(slug.as_deref())));
    Ok(())
}

#[server(prefix = "/fn")]
pub async fn delete_element(slug: Option<String>, report: i64, element: i64) -> Result<(), UiError> {
    let scope = scope(slug.as_deref()).await?;
    crate::server::service::reports::delete_element(&super::context::state().store, &scope, report, element).await?;
    leptos_axum::redirect(&format!("{}/{report}", reports_path(slug.as_deref())));
    Ok(())
}

/// The scope's fields, saved filters and reports, and the element to edit (`report` and
/// `element` given).
#[server(prefix = "/fn")]
pub async fn builder_choices(slug: Option<String>, report: Option<i64>, element: Option<i64>) -> Result<BuilderData, UiError> {
    use crate::domain::grid::SavedSubject;
    use crate::server::service::reports::{self, Scope};
    with_status(
        async {
            let store = &super::context::state().store;
            let scope = scope(slug.as_deref()).await?;
            let schema = reports::schema(store, &scope).await?;
            let ticket_schema = match &scope {
                Scope::Project(project) => crate::server::service::feedback::schema(store, project).await?,
                Scope::Community => Vec::new(),
            };
            let filters = match &scope {
                Scope::Project(project) => crate::server::service::saved::list_filters(store, project, SavedSubject::Users)
                    .await?
                    .into_iter()
                    .map(|f| Named { id: f.id, name: f.name })
                    .collect(),
                Scope::Community => Vec::new(),
            };
            let list = reports::list(store, &scope).await?;
            let element = match (report, element) {
                (Some(report), Some(element)) => {
                    let report = reports::get(store, &scope, report).await?;
                    Some(reports::element(store, &report, element).await?.definition)
                }
                _ => None,
            };
            let reports = list.into_iter().map(|(r, _)| Named { id: r.id, name: r.name }).collect();
            Ok(BuilderData { schema, ticket_schema, filters, reports, element })
        }
        .await,
    )
}

/// The builder's preview: the element the inputs describe (`form`; before any change, the
/// element being edited, or a headline count of every user), computed from the current data in
/// the report's time zone (UTC for a new report). 422 naming the inputs when the choices do not
/// make an element yet.
#[server(prefix = "/fn")]
pub async fn preview_element(
    slug: Option<String>,
    report: Option<i64>,
    element: Option<i64>,
    form: Option<ElementForm>,
) -> Result<ElementView, UiError> {
    use crate::server::error::AppError;
    use crate::server::service::reports;
    let store = &super::context::state().store;
    let scope = scope(slug.as_deref()).await?;
    let report = match report {
        Some(id) => Some(reports::get(store, &scope, id).await?),
        None => None,
    };
    let stored = match (&report, element) {
        (Some(report), Some(element)) => Some(reports::element(store, report, element).await?.definition),
        _ => None,
    };
    let form = match (form, &stored) {
        (Some(form), _) => form,
        (None, Some(stored)) => ElementForm::of(stored),
        (None, None) => ElementForm::starting(),
    };
    let mut definition = form.definition().map_err(|e| UiError::Invalid(form.at_inputs(e)))?;
    if definition.name.trim().is_empty() {
        definition.name = UNTITLED.into();
    }
    let zone = report.as_ref().map_or(chrono_tz::UTC, reports::report_zone);
    match reports::compute_element(store, &scope, &definition, zone).await {
        Ok(element) => Ok(element_view(None, element)),
        Err(AppError::Invalid(errors)) => Err(UiError::Invalid(form.at_inputs(errors))),
        Err(other) => Err(other.into()),
    }
}

/// What saving an element led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedElement {
    pub report: i64,
    pub element: i64,
}

/// Saves the builder's element: changes the element being edited (`report` and `element`
/// given), or adds it to the destination report (`destination`: a report's id, or `new` with
/// `new_report` its name). Nothing is written unless the element and the new report are both
/// valid. Then shows the report.
#[server(prefix = "/fn")]
pub async fn save_element(
    slug: Option<String>,
    report: Option<i64>,
    element: Option<i64>,
    #[server(default)] destination: String,
    #[server(default)] new_report: String,
    #[server(default)] combine: String,
    #[server(default)] criteria: Vec<crate::domain::filter::CriterionRow>,
    #[server(flatten)] form: ElementForm,
) -> Result<SavedElement, UiError> {
    use crate::domain::report::ReportForCreate;
    use crate::domain::ValidationError;
    use crate::server::error::AppError;
    use crate::server::service::reports::{self, ElementChanges};
    let store = &super::context::state().store;
    let scope = scope(slug.as_deref()).await?;
    let staff = super::context::staff().await?;
    // The criteria editor's inputs are named as it names them everywhere; the form reads them.
    let form = ElementForm { combine, criteria, ..form };
    let invalid = |error: AppError| match error {
        AppError::Invalid(errors) => UiError::Invalid(form.at_inputs(errors)),
        other => other.into(),
    };
    let definition = form.definition().map_err(|e| UiError::Invalid(form.at_inputs(e)))?;
    let saved = match (report, element) {
        (Some(report), Some(element)) => {
            let changes = ElementChanges {
                name: Some(definition.name),
                source: Some(definition.source),
                data: Some(definition.data),
                filter: Some(definition.filter),
                style: Some(definition.style),
                bucket: Some(definition.bucket),
                figure: Some(definition.figure),
                position: None,
            };
            let stored = reports::update_element(store, &scope, report, element, changes).await.map_err(invalid)?;
            SavedElement { report, element: stored.id }
        }
        _ => {
            // Both checked before anything is written, so a refused element leaves no empty report.
            let checked = reports::check_element(store, &scope, &definition).await;
            let destination = destination.trim();
            let new = (destination == NEW_REPORT || destination.is_empty()).then(|| {
                ReportForCreate::parse(&new_report, None).map_err(|errors| {
                    errors.into_iter().map(|e| ValidationError { field: "new_report".into(), ..e }).collect::<Vec<_>>()
                })
            });
            let mut errors = match &checked {
                Err(AppError::Invalid(errors)) => form.at_inputs(errors.clone()),
                _ => Vec::new(),
            };
            if let Some(Err(problems)) = &new {
                errors.extend(problems.iter().cloned());
            }
            if !errors.is_empty() {
                return Err(UiError::Invalid(errors));
            }
            let checked = checked.map_err(UiError::from)?;
            let report = match new {
                Some(_) => reports::create(store, &scope, &new_report, None, Some(staff.id)).await.map_err(|e| match e {
                    AppError::Conflict(message) => UiError::Invalid(vec![ValidationError::new("new_report", message)]),
                    other => invalid(other),
                })?,
                None => {
                    let id = destination
                        .parse::<i64>()
                        .map_err(|_| UiError::Invalid(vec![ValidationError::new("destination", "choose a report")]))?;
                    reports::get(store, &scope, id).await?
                }
            };
            let stored = reports::add_element(store, &scope, report.id, &checked, None).await.map_err(invalid)?;
            SavedElement { report: report.id, element: stored.id }
        }
    };
    leptos_axum::redirect(&format!("{}/{}", reports_path(slug.as_deref()), saved.report));
    Ok(saved)
}
