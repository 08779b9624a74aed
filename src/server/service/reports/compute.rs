//! Computing a report's elements from the current data, and its files. The users an element
//! counts are the ones the grid would show for its filter (the one filter engine, evaluated by
//! the store's grid SQL); their values are read in one pass and grouped by the domain's
//! `compute`, so the page, the API, every export and every email show the same table.

use chrono::{TimeDelta, Utc};
use chrono_tz::Tz;

use super::{check_element, filter_schema, schema, Scope, PROJECT_FIELD};
use crate::domain::feedback::TICKET;
use crate::domain::filter::{CheckedFilter, Filter, SchemaField, PARTICIPATION, USER_ACCOUNT};
use crate::domain::grid::{Choice, SavedSubject};
use crate::domain::listener::GroupField;
use crate::domain::report::{
    compute, compute_grouped, parse_time_zone, ComputedElement, ComputedReport, ElementDefinition, ElementSpec, ProjectFigure, Report, Source,
    StoredElement, Style, EMAIL,
};
use crate::domain::table::{Cell, Table};
use crate::server::error::{AppError, AppResult};
use crate::server::export::pdf::report_pdf;
use crate::server::export::report_csv::{report_zip, table_csv};
use crate::server::export::report_xlsx::report_xlsx;
use crate::server::service::grid::{ExportFile, CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE};
use crate::server::store::{grid_now, GridQuery, GridSubject, Store};

/// The files a report (or one element of it) is exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Pdf,
    Xlsx,
    /// One CSV per element, zipped (a whole report).
    Zip,
    /// One element's table.
    Csv,
}

impl ReportFormat {
    pub fn extension(&self) -> &'static str {
        match self {
            ReportFormat::Pdf => "pdf",
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Zip => "zip",
            ReportFormat::Csv => "csv",
        }
    }

    pub fn content_type(&self) -> &'static str {
        match self {
            ReportFormat::Pdf => "application/pdf",
            ReportFormat::Xlsx => XLSX_CONTENT_TYPE,
            ReportFormat::Zip => "application/zip",
            ReportFormat::Csv => CSV_CONTENT_TYPE,
        }
    }
}

/// What computing needs of a scope, read once per report rather than once per element.
struct Context {
    scope: Scope,
    schema: Vec<SchemaField>,
    /// What a feedback element may name: the tickets' fields and their submitters' (none for
    /// the community: feedback is a project's).
    tickets: Vec<SchemaField>,
    /// The project's stored fields (none for the community: only built-in fields there).
    fields: Vec<GroupField>,
    /// For a community report: every project.
    projects: Vec<crate::domain::project::Project>,
}

impl Context {
    async fn load(store: &Store, scope: &Scope) -> AppResult<Self> {
        let schema = schema(store, scope).await?;
        let (fields, projects) = match scope {
            Scope::Project(project) => (store.project_fields(project.id).await?, Vec::new()),
            Scope::Community => (Vec::new(), store.list_projects(None).await?),
        };
        let tickets = match scope {
            Scope::Project(_) => crate::domain::feedback::ticket_schema(&fields),
            Scope::Community => Vec::new(),
        };
        Ok(Self { scope: scope.clone(), schema, tickets, fields, projects })
    }

    /// The fields an element from `source` may name.
    fn schema_for(&self, source: Source) -> &[SchemaField] {
        match source {
            Source::Feedback => &self.tickets,
            Source::Users | Source::Project => &self.schema,
        }
    }
}

/// The rows an element from `source` counts: tickets for feedback, users otherwise.
fn subject(source: Source) -> GridSubject {
    match source {
        Source::Feedback => GridSubject::TICKETS,
        Source::Users | Source::Project => GridSubject::Users,
    }
}

/// The report with every element computed from the current data, and the stored elements in
/// the same order. An element that can no longer be computed (its saved filter was deleted, a
/// field it shows was removed) shows why, as a one-cell table, instead of failing the report.
pub async fn computed(store: &Store, scope: &Scope, report: &Report) -> AppResult<(ComputedReport, Vec<StoredElement>)> {
    let zone = report_zone(report);
    let context = Context::load(store, scope).await?;
    let stored = store.report_elements(report.id).await?;
    let mut elements = Vec::with_capacity(stored.len());
    for element in &stored {
        elements.push(compute_stored(store, &context, &element.definition, zone).await?);
    }
    Ok((computed_report(scope, report, elements), stored))
}

/// The report with only one of its elements, computed: what an element's export holds.
pub async fn computed_element(
    store: &Store,
    scope: &Scope,
    report: &Report,
    element_id: i64,
) -> AppResult<(ComputedReport, StoredElement)> {
    let stored = super::element(store, report, element_id).await?;
    let context = Context::load(store, scope).await?;
    let element = compute_stored(store, &context, &stored.definition, report_zone(report)).await?;
    Ok((computed_report(scope, report, vec![element]), stored))
}

/// The report with this id, whatever its scope, computed (distributions send this).
pub async fn compute_report(store: &Store, report_id: i64) -> AppResult<ComputedReport> {
    let report = store.report(report_id).await?.ok_or_else(|| super::no_report(report_id))?;
    let scope = Scope::of(store, &report).await?;
    Ok(computed(store, &scope, &report).await?.0)
}

pub fn report_zone(report: &Report) -> Tz {
    parse_time_zone(&report.time_zone).unwrap_or(chrono_tz::UTC)
}

fn computed_report(scope: &Scope, report: &Report, elements: Vec<ComputedElement>) -> ComputedReport {
    ComputedReport {
        name: report.name.clone(),
        project: scope.label(),
        computed_at: Utc::now(),
        time_zone: report_zone(report),
        elements,
    }
}

async fn compute_stored(
    store: &Store,
    context: &Context,
    definition: &ElementDefinition,
    zone: Tz,
) -> AppResult<ComputedElement> {
    match element_table(store, context, definition, zone).await {
        Ok(table) => Ok(ComputedElement { name: definition.name.clone(), style: definition.style, table }),
        Err(AppError::Invalid(problems)) => Ok(problem_element(definition, &problems)),
        Err(other) => Err(other),
    }
}

/// One element computed from a definition that is not stored (the builder's preview): 422
/// with every problem when it does not fit the scope.
pub async fn compute_element(
    store: &Store,
    scope: &Scope,
    definition: &ElementDefinition,
    zone: Tz,
) -> AppResult<ComputedElement> {
    let checked = check_element(store, scope, definition).await?;
    let context = Context::load(store, scope).await?;
    let table = element_table(store, &context, &checked, zone).await?;
    Ok(ComputedElement { name: checked.name, style: checked.style, table })
}

fn problem_element(definition: &ElementDefinition, problems: &[crate::domain::ValidationError]) -> ComputedElement {
    let text = problems.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; ");
    ComputedElement {
        name: definition.name.clone(),
        style: Style::Table,
        table: Table {
            columns: vec!["This element cannot be shown".into()],
            rows: vec![vec![Cell::Text(format!("{text}. Edit the element to fix it."))]],
        },
    }
}

async fn element_table(store: &Store, context: &Context, definition: &ElementDefinition, zone: Tz) -> AppResult<Table> {
    let (checked, spec) = definition.check(context.schema_for(definition.source))?;
    if spec.source == Source::Feedback && matches!(context.scope, Scope::Community) {
        return Err(AppError::invalid("source", super::FEEDBACK_IS_A_PROJECTS));
    }
    if spec.source == Source::Project && checked.figure == ProjectFigure::ValuesLast7Days {
        let Scope::Project(project) = &context.scope else {
            return Err(AppError::invalid("figure", "the values-received figure is a project's"));
        };
        let since = Utc::now() - TimeDelta::days(7);
        let n = store.accepted_deliveries_since(project.id, since).await?;
        return Ok(figure_table(&checked.name, checked.figure.label(), n));
    }
    let filter = resolve_filter(store, context, spec.source, &checked.filter).await?;
    let subject = subject(spec.source);
    let active_only = spec.source == Source::Project && checked.figure == ProjectFigure::ActiveUsers;
    if spec.style == Style::Number && !active_only {
        let mut n = 0;
        for project_id in project_ids(context) {
            n += store.grid_count(&query(context, project_id, subject, &filter)).await? as i64;
        }
        let counted = if spec.source == Source::Project { checked.figure.label() } else { spec.source.counted() };
        return Ok(figure_table(&checked.name, counted, n));
    }
    if active_only {
        let status = status_field();
        let groups = values(store, context, subject, &filter, std::slice::from_ref(&status), Read::Grouped).await?;
        let n = groups.iter().filter(|(row, _)| matches!(row.first(), Some(Cell::Text(s)) if s == "active")).map(|(_, n)| n).sum();
        return Ok(figure_table(&checked.name, checked.figure.label(), n));
    }
    let columns = input_fields(&spec);
    if spec.style == Style::List {
        let rows = values(store, context, subject, &filter, &columns, Read::Rows).await?;
        return Ok(compute(&spec, &rows.into_iter().map(|(row, _)| row).collect::<Vec<_>>(), zone));
    }
    let groups = values(store, context, subject, &filter, &columns, Read::Grouped).await?;
    Ok(compute_grouped(&spec, &groups, zone))
}

/// How [`values`] reads: one row per member (or ticket), or each distinct combination of
/// values with how many hold it (grouped by the database: what every count is made of).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Read {
    Rows,
    Grouped,
}

/// A number's table: `[[<element name>, n]]`, the second column naming what was counted (the
/// figure, users or tickets).
fn figure_table(name: &str, counted: &str, n: i64) -> Table {
    Table { columns: vec![name.to_string(), counted.to_string()], rows: vec![vec![Cell::Text(name.into()), Cell::Integer(n)]] }
}

fn status_field() -> SchemaField {
    SchemaField { data_group: PARTICIPATION.into(), field: "Status".into(), field_type: crate::domain::fields::FieldType::String }
}

/// The fields each row (user, or ticket) holds, in [`ElementSpec::input_columns`] order.
fn input_fields(spec: &ElementSpec) -> Vec<SchemaField> {
    let text = |data_group: &str, field: &str| SchemaField {
        data_group: data_group.into(),
        field: field.into(),
        field_type: crate::domain::fields::FieldType::String,
    };
    let email = text(USER_ACCOUNT, EMAIL);
    match spec.style {
        Style::List if spec.source == Source::Feedback => {
            [text(TICKET, "Title"), email].into_iter().chain(spec.fields.iter().cloned()).collect()
        }
        Style::List => std::iter::once(email).chain(spec.fields.iter().cloned()).collect(),
        Style::Number => Vec::new(),
        _ => spec.fields.clone(),
    }
}

/// The element's filter, checked against the fields of the scope (and source) as they are now.
async fn resolve_filter(
    store: &Store,
    context: &Context,
    source: Source,
    choice: &Option<Choice<Filter>>,
) -> AppResult<CheckedFilter> {
    let filter = match (choice, &context.scope) {
        (None, _) => Filter::default(),
        (Some(Choice::Inline(filter)), _) => filter.clone(),
        (Some(Choice::Saved(id)), Scope::Project(project)) => {
            let subject = if source == Source::Feedback { SavedSubject::Feedback } else { SavedSubject::Users };
            match crate::server::service::saved::filter_for(store, project, *id, subject, "filter").await {
                Err(AppError::NotFound(_)) => {
                    return Err(AppError::invalid("filter", format!("the saved filter {id} no longer exists")))
                }
                other => other?,
            }
        }
        (Some(Choice::Saved(_)), Scope::Community) => {
            return Err(AppError::invalid("filter", "a community report cannot use a project's saved filter"))
        }
    };
    Ok(filter.check(&filter_schema(&context.scope, context.schema_for(source)))?)
}

fn project_ids(context: &Context) -> Vec<i64> {
    match &context.scope {
        Scope::Project(project) => vec![project.id],
        Scope::Community => context.projects.iter().map(|project| project.id).collect(),
    }
}

fn query<'a>(context: &'a Context, project_id: i64, subject: GridSubject, filter: &'a CheckedFilter) -> GridQuery<'a> {
    GridQuery { project_id, subject, fields: &context.fields, filter, sort: &[], now: grid_now() }
}

/// Every matching row's values of `columns`, users' or tickets', each with how many rows hold
/// it (1 per row when reading rows). For the community: every matching membership of every
/// project, the project's name where `columns` names it.
async fn values(
    store: &Store,
    context: &Context,
    subject: GridSubject,
    filter: &CheckedFilter,
    columns: &[SchemaField],
    read: Read,
) -> AppResult<Vec<(Vec<Cell>, i64)>> {
    let Scope::Community = context.scope else {
        return read_values(store, &query(context, project_ids(context)[0], subject, filter), columns, read).await;
    };
    let is_project = |field: &SchemaField| field.data_group == PARTICIPATION && field.field == PROJECT_FIELD;
    let stored: Vec<SchemaField> = columns.iter().filter(|c| !is_project(c)).cloned().collect();
    let mut rows = Vec::new();
    for project in &context.projects {
        for (mut values, n) in read_values(store, &query(context, project.id, subject, filter), &stored, read).await? {
            let mut row = Vec::with_capacity(columns.len());
            for column in columns {
                row.push(if is_project(column) { Cell::Text(project.name.clone()) } else { values.remove(0) });
            }
            rows.push((row, n));
        }
    }
    Ok(rows)
}

async fn read_values(store: &Store, query: &GridQuery<'_>, columns: &[SchemaField], read: Read) -> AppResult<Vec<(Vec<Cell>, i64)>> {
    Ok(match read {
        Read::Grouped => store.grid_value_counts(query, columns).await?,
        Read::Rows => store.grid_values(query, columns).await?.into_iter().map(|row| (row, 1)).collect(),
    })
}

/// The report as a file: the bytes its downloads and its emails carry alike.
pub fn export_file(report: &ComputedReport, format: ReportFormat) -> AppResult<ExportFile> {
    write_file(report, format, false)
}

/// A one-element report ([`computed_element`]) as a file named after the report and the element.
pub fn element_export_file(report: &ComputedReport, format: ReportFormat) -> AppResult<ExportFile> {
    write_file(report, format, true)
}

fn write_file(report: &ComputedReport, format: ReportFormat, one_element: bool) -> AppResult<ExportFile> {
    let failed = |error: String| AppError::Internal(anyhow::anyhow!("Failed to write a report export: {error}"));
    let bytes = match format {
        ReportFormat::Pdf => report_pdf(report).map_err(|e| failed(e.to_string()))?,
        ReportFormat::Xlsx => report_xlsx(report).map_err(|e| failed(e.to_string()))?,
        ReportFormat::Zip => report_zip(report).map_err(|e| failed(e.to_string()))?,
        ReportFormat::Csv => {
            let element = report.elements.first().ok_or_else(|| AppError::NotFound("the report has no elements".into()))?;
            table_csv(&element.table).map_err(|e| failed(e.to_string()))?
        }
    };
    let mut stem = slug(&report.name);
    if let (true, Some(element)) = (one_element, report.elements.first()) {
        stem = format!("{stem}-{}", slug(&element.name));
    }
    let date = report.computed_at.with_timezone(&report.time_zone).date_naive();
    Ok(ExportFile { file_name: format!("{stem}-{date}.{}", format.extension()), content_type: format.content_type(), bytes })
}

/// A file-name-safe form of a name: ASCII lowercase letters and digits (a header's file name
/// must be ASCII), words joined by `-`.
fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "report".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn file_names_are_made_of_the_name_s_words() {
        assert_eq!(slug("Aurora beta — weekly"), "aurora-beta-weekly");
        assert_eq!(slug("Plan × opt-in!"), "plan-opt-in");
        assert_eq!(slug("***"), "report");
    }
}
