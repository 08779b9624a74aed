//! Custom reports (PRODUCT.md §6): what the management API, the pages and distributions call.
//! A report belongs to a project, or to the community (over every project's users); its
//! elements are checked against the fields of that scope before they are kept, and computed
//! from the current data whenever the report is shown, exported or sent.

mod compute;

use chrono::Utc;

use crate::domain::filter::{Filter, SchemaField};
use crate::domain::grid::{Choice, SavedSubject, ViewColumn};
use crate::domain::listener::project_schema;
use crate::domain::project::Project;
use crate::domain::report::{Bucket, ElementDefinition, ProjectFigure, Report, ReportForCreate, Source, StoredElement, Style};
use crate::server::error::{AppError, AppResult};
use crate::server::store::Store;

pub use compute::{
    compute_element, compute_report, computed, computed_element, element_export_file, export_file, report_zone, ReportFormat,
};

/// Whose users a report counts.
#[derive(Debug, Clone)]
pub enum Scope {
    Project(Project),
    /// Every project's users: a community report.
    Community,
}

/// The community report's extra field: which project a membership is in.
pub const PROJECT_FIELD: &str = "Project";

/// The 422 for a community element over feedback.
pub(crate) const FEEDBACK_IS_A_PROJECTS: &str =
    "feedback is a project's: a community report's elements count users (\"users\") only";

impl Scope {
    pub fn project_id(&self) -> Option<i64> {
        match self {
            Scope::Project(project) => Some(project.id),
            Scope::Community => None,
        }
    }

    /// What the report's header and files name as its project.
    pub fn label(&self) -> String {
        match self {
            Scope::Project(project) => project.name.clone(),
            Scope::Community => "Community".into(),
        }
    }

    /// The scope a stored report belongs to.
    pub async fn of(store: &Store, report: &Report) -> AppResult<Scope> {
        match report.project_id {
            None => Ok(Scope::Community),
            Some(id) => {
                let project = store.project_by_id(id).await?.ok_or_else(|| no_report(report.id))?;
                Ok(Scope::Project(project))
            }
        }
    }
}

/// What an element of the scope may name: a project's built-in fields and its own; for the
/// community, the built-in fields (every project has them) and the project itself.
pub async fn schema(store: &Store, scope: &Scope) -> AppResult<Vec<SchemaField>> {
    Ok(match scope {
        Scope::Project(project) => project_schema(&store.project_fields(project.id).await?),
        Scope::Community => community_schema(),
    })
}

/// The community's fields: the built-in ones and the membership's project.
pub fn community_schema() -> Vec<SchemaField> {
    let mut schema = project_schema(&[]);
    schema.push(SchemaField {
        data_group: crate::domain::filter::PARTICIPATION.into(),
        field: PROJECT_FIELD.into(),
        field_type: crate::domain::fields::FieldType::String,
    });
    schema
}

fn no_report(id: i64) -> AppError {
    AppError::NotFound(format!("there is no report {id} here"))
}

fn no_element(report: &Report, id: i64) -> AppError {
    AppError::NotFound(format!("the report '{}' has no element {id}", report.name))
}

pub async fn list(store: &Store, scope: &Scope) -> AppResult<Vec<(Report, i64)>> {
    Ok(store.list_reports(scope.project_id()).await?)
}

/// 404 when the scope has no report with this id.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> AppResult<Report> {
    store.report(id).await?.filter(|report| report.project_id == scope.project_id()).ok_or_else(|| no_report(id))
}

/// The report, noted as opened (its page or its API document was read).
pub async fn open(store: &Store, scope: &Scope, id: i64) -> AppResult<Report> {
    let report = get(store, scope, id).await?;
    store.touch_report(report.id, Utc::now()).await?;
    Ok(report)
}

/// 422 with every problem, 409 when the name is taken (ignoring case).
pub async fn create(
    store: &Store,
    scope: &Scope,
    name: &str,
    time_zone: Option<&str>,
    created_by: Option<i64>,
) -> AppResult<Report> {
    let new = ReportForCreate::parse(name, time_zone)?;
    let report = store.create_report(scope.project_id(), &new, created_by).await?;
    tracing::info!(report = report.id, scope = %scope.label(), "report created");
    Ok(report)
}

/// Changes to a report; members left out stay as they are.
#[derive(Debug, Clone, Default)]
pub struct ReportChanges {
    pub name: Option<String>,
    pub time_zone: Option<String>,
}

pub async fn update(store: &Store, scope: &Scope, id: i64, changes: ReportChanges) -> AppResult<Report> {
    let report = get(store, scope, id).await?;
    let new = ReportForCreate::parse(
        changes.name.as_deref().unwrap_or(&report.name),
        Some(changes.time_zone.as_deref().unwrap_or(&report.time_zone)),
    )?;
    Ok(store.update_report(&report, &new).await?)
}

pub async fn delete(store: &Store, scope: &Scope, id: i64) -> AppResult<()> {
    let report = get(store, scope, id).await?;
    store.delete_report(report.id).await?;
    Ok(())
}

/// A copy of the report and all its elements under a new name.
pub async fn clone(store: &Store, scope: &Scope, id: i64, name: &str, created_by: Option<i64>) -> AppResult<Report> {
    let report = get(store, scope, id).await?;
    let new = ReportForCreate::parse(name, Some(&report.time_zone))?;
    Ok(store.clone_report(&report, &new, created_by).await?)
}

pub async fn elements(store: &Store, report: &Report) -> AppResult<Vec<StoredElement>> {
    Ok(store.report_elements(report.id).await?)
}

pub async fn element(store: &Store, report: &Report, element_id: i64) -> AppResult<StoredElement> {
    store.report_element(report.id, element_id).await?.ok_or_else(|| no_element(report, element_id))
}

/// Checks a definition against the scope: its fields and style (`ElementDefinition::check`),
/// and its filter (a saved filter the project has, or criteria that fit its fields). A
/// project figure other than users takes no fields, and the values figure no filter. Returns
/// the definition spelled as the scope spells its names.
pub async fn check_element(store: &Store, scope: &Scope, definition: &ElementDefinition) -> AppResult<ElementDefinition> {
    let schema = match (definition.source, scope) {
        (Source::Feedback, Scope::Project(project)) => crate::server::service::feedback::schema(store, project).await?,
        (Source::Feedback, Scope::Community) => {
            return Err(AppError::invalid("source", FEEDBACK_IS_A_PROJECTS));
        }
        _ => schema(store, scope).await?,
    };
    let mut errors = Vec::new();
    let checked = definition.check(&schema).map_err(|problems| errors.extend(problems)).ok();
    let filter = match &definition.filter {
        None => None,
        Some(Choice::Saved(id)) => match scope {
            Scope::Project(project) => match store.saved_filter(project.id, *id).await? {
                Some(saved) if saved.subject == SavedSubject::Feedback && definition.source != Source::Feedback => {
                    errors.push(crate::domain::ValidationError::new(
                        "filter",
                        format!(
                            "the saved filter '{}' is over feedback; an element over users takes a filter of users",
                            saved.name
                        ),
                    ));
                    None
                }
                Some(_) => Some(Choice::Saved(*id)),
                None => {
                    errors.push(crate::domain::ValidationError::new("filter", format!("the project has no saved filter {id}")));
                    None
                }
            },
            Scope::Community => {
                errors.push(crate::domain::ValidationError::new(
                    "filter",
                    "a community report takes its filter written out: saved filters belong to a project",
                ));
                None
            }
        },
        Some(Choice::Inline(filter)) => match filter.clone().check(&filter_schema(scope, &schema)) {
            Ok(checked) => Some(Choice::Inline(checked.to_filter())),
            Err(problems) => {
                errors.extend(problems);
                None
            }
        },
    };
    if definition.source == Source::Project && definition.figure == ProjectFigure::ValuesLast7Days {
        if definition.filter.is_some() {
            errors.push(crate::domain::ValidationError::new(
                "filter",
                "the values-received figure counts every delivery the project's listeners accepted; it takes no filter",
            ));
        }
        if matches!(scope, Scope::Community) {
            errors.push(crate::domain::ValidationError::new("figure", "the values-received figure is a project's"));
        }
    }
    match checked {
        Some((checked, _)) if errors.is_empty() => Ok(ElementDefinition { filter, ..checked }),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// The fields a filter may test: the scope's, less the community's project (every query runs
/// per project).
fn filter_schema(scope: &Scope, schema: &[SchemaField]) -> Vec<SchemaField> {
    match scope {
        Scope::Project(_) => schema.to_vec(),
        Scope::Community => schema.iter().filter(|field| field.field != PROJECT_FIELD).cloned().collect(),
    }
}

/// Adds a checked element to the report (at `position`, or last).
pub async fn add_element(
    store: &Store,
    scope: &Scope,
    report_id: i64,
    definition: &ElementDefinition,
    position: Option<usize>,
) -> AppResult<StoredElement> {
    let report = get(store, scope, report_id).await?;
    let checked = check_element(store, scope, definition).await?;
    Ok(store.add_report_element(report.id, &checked, position).await?)
}

/// Changes to an element; members left out stay as they are.
#[derive(Debug, Clone, Default)]
pub struct ElementChanges {
    pub name: Option<String>,
    pub source: Option<Source>,
    pub data: Option<Vec<ViewColumn>>,
    /// `Some(None)`: no filter any more.
    pub filter: Option<Option<Choice<Filter>>>,
    pub style: Option<Style>,
    pub bucket: Option<Bucket>,
    pub figure: Option<ProjectFigure>,
    /// Moves the element to this index (0 is first).
    pub position: Option<usize>,
}

impl ElementChanges {
    pub fn apply(self, current: &ElementDefinition) -> ElementDefinition {
        ElementDefinition {
            name: self.name.unwrap_or_else(|| current.name.clone()),
            source: self.source.unwrap_or(current.source),
            data: self.data.unwrap_or_else(|| current.data.clone()),
            filter: self.filter.unwrap_or_else(|| current.filter.clone()),
            style: self.style.unwrap_or(current.style),
            bucket: self.bucket.unwrap_or(current.bucket),
            figure: self.figure.unwrap_or(current.figure),
        }
    }
}

/// Applies changes and checks the result as a whole, as when it was added.
pub async fn update_element(
    store: &Store,
    scope: &Scope,
    report_id: i64,
    element_id: i64,
    changes: ElementChanges,
) -> AppResult<StoredElement> {
    let report = get(store, scope, report_id).await?;
    let current = element(store, &report, element_id).await?;
    let position = changes.position;
    let checked = check_element(store, scope, &changes.apply(&current.definition)).await?;
    Ok(store.update_report_element(report.id, element_id, &checked, position).await?)
}

pub async fn delete_element(store: &Store, scope: &Scope, report_id: i64, element_id: i64) -> AppResult<()> {
    let report = get(store, scope, report_id).await?;
    if store.delete_report_element(report.id, element_id).await? {
        Ok(())
    } else {
        Err(no_element(&report, element_id))
    }
}
