//! The user grid: a filter and a view run against a project's users, a page at a time or
//! (for exports) whole. The filter means what the filter engine says (`Test::holds`); the
//! store evaluates it in SQL, held to the engine by the API tests. The feedback grid is the
//! same grid over a project's tickets (`GridSubject::Tickets`), whose filters and views name
//! the tickets' own fields beside their submitters'.

use crate::domain::feedback::grid::{default_ticket_view, ticket_schema, TICKET};
use crate::domain::filter::{CheckedFilter, Filter, SchemaField};
use crate::domain::grid::{Choice, GridColumn, GridPage, GridRequest, GridRow, SavedSubject, SortOrder, View, ViewColumn};
use crate::domain::listener::{project_schema, GroupField};
use crate::domain::project::Project;
use crate::domain::ValidationError;
use crate::server::error::{AppError, AppResult};
use crate::server::export::grid::{file_name, CsvFile, XlsxFile};
use crate::server::store::{grid_now, GridQuery, GridSubject, Store, ROWS_PER_BATCH};

use super::saved::{filter_for, view_for};

/// A request checked against the project: the filter, the columns and the sort, typed.
pub struct ResolvedGrid {
    pub subject: GridSubject,
    pub fields: Vec<GroupField>,
    pub filter: CheckedFilter,
    pub columns: Vec<SchemaField>,
    pub sort: Vec<(SchemaField, SortOrder)>,
}

impl ResolvedGrid {
    pub fn columns(&self) -> Vec<GridColumn> {
        GridColumn::for_columns(&self.columns)
    }

    pub(crate) fn query(&self, project: &Project) -> GridQuery<'_> {
        GridQuery {
            project_id: project.id,
            subject: self.subject,
            fields: &self.fields,
            filter: &self.filter,
            sort: &self.sort,
            now: grid_now(),
        }
    }

    /// The cells of these rows (users or tickets, as the grid's subject).
    async fn rows(&self, store: &Store, project_id: i64, ids: &[i64]) -> AppResult<Vec<GridRow>> {
        Ok(match self.subject {
            GridSubject::Users => store.grid_rows(project_id, &self.fields, ids, &self.columns).await?,
            GridSubject::Tickets { .. } => store.ticket_grid_rows(project_id, &self.fields, ids, &self.columns).await?,
        })
    }
}

/// Checks a request against the project's fields: 404 for a saved filter or view the project
/// does not have; 422 listing every problem of the filter, the view, the sort and (when
/// `paged`) the page.
pub async fn resolve(store: &Store, project: &Project, request: &GridRequest, paged: bool) -> AppResult<ResolvedGrid> {
    resolve_for(store, project, GridSubject::Users, request, paged).await
}

/// [`resolve`] for a grid of users or of tickets: a ticket grid's filters and views may also
/// name the tickets' own fields (`Ticket`), and its default view shows tickets.
pub async fn resolve_for(
    store: &Store,
    project: &Project,
    subject: GridSubject,
    request: &GridRequest,
    paged: bool,
) -> AppResult<ResolvedGrid> {
    let fields = store.project_fields(project.id).await?;
    let (schema, default_view) = match subject {
        GridSubject::Users => (project_schema(&fields), View::default_view()),
        GridSubject::Tickets { .. } => (ticket_schema(&fields), default_ticket_view()),
    };
    let saved_subject = match subject {
        GridSubject::Users => SavedSubject::Users,
        GridSubject::Tickets { .. } => SavedSubject::Feedback,
    };
    // A users' filter or view serves the ticket grid too (over the submitters); a feedback one
    // only the ticket grid.
    let filter: Filter = match &request.filter {
        None => Filter::default(),
        Some(Choice::Inline(filter)) => filter.clone(),
        Some(Choice::Saved(id)) => filter_for(store, project, *id, saved_subject, "filter").await?,
    };
    let view: View = match &request.view {
        None => default_view,
        Some(Choice::Inline(view)) => view.clone(),
        Some(Choice::Saved(id)) => {
            let saved = view_for(store, project, *id, saved_subject, "view").await?;
            match (subject, saved.subject) {
                // A users' view shows users' data: a ticket grid shows it after the ticket's own.
                (GridSubject::Tickets { .. }, SavedSubject::Users) => ticket_columns_then(saved.view()),
                _ => saved.view(),
            }
        }
    };
    let mut errors: Vec<ValidationError> = Vec::new();
    let filter = filter.check(&schema).map_err(|problems| errors.extend(problems)).ok();
    let columns = view.resolve(&schema, "view.columns").map_err(|problems| errors.extend(problems)).ok();
    if paged {
        errors.extend(request.check_page());
    }
    if let Some(columns) = &columns {
        errors.extend(request.check_sort(columns.len()));
    }
    match (filter, columns) {
        (Some(filter), Some(columns)) if errors.is_empty() => {
            let sort = request.sort.iter().map(|key| (columns[key.column].clone(), key.order)).collect();
            Ok(ResolvedGrid { subject, fields, filter, columns, sort })
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Type, Title and Status, then a saved view's columns (those it does not already have).
fn ticket_columns_then(view: View) -> View {
    let mut columns: Vec<ViewColumn> = ["Type", "Title", "Status"].into_iter().map(|f| ViewColumn::new(TICKET, f)).collect();
    columns.retain(|c| !view.columns.iter().any(|v| v == c));
    columns.extend(view.columns);
    View { columns }
}

/// One page of the grid, with the total the filter lets through.
pub async fn grid(store: &Store, project: &Project, request: &GridRequest) -> AppResult<GridPage> {
    grid_for(store, project, GridSubject::Users, request).await
}

/// One page of a grid of users or of tickets.
pub async fn grid_for(store: &Store, project: &Project, subject: GridSubject, request: &GridRequest) -> AppResult<GridPage> {
    let resolved = resolve_for(store, project, subject, request, true).await?;
    let query = resolved.query(project);
    let offset = u64::from(request.page - 1) * u64::from(request.per_page);
    let (total, ids) = store.grid_page(&query, u64::from(request.per_page), offset).await?;
    let rows = resolved.rows(store, project.id, &ids).await?;
    Ok(GridPage { total, page: request.page, per_page: request.per_page, columns: resolved.columns(), rows })
}

/// The whole result in the grid's order, read a few hundred rows at a time, so an export
/// holds one batch of cells in memory, never the whole result. Owns what it reads with, so
/// it can move into a task that streams a response.
pub struct RowBatches {
    store: Store,
    project_id: i64,
    resolved: ResolvedGrid,
    user_ids: Vec<i64>,
    next: usize,
}

impl RowBatches {
    /// Runs the filter and the sort once; the rows are read batch by batch by `next`.
    pub async fn start(store: &Store, project: &Project, resolved: ResolvedGrid) -> AppResult<Self> {
        let user_ids = store.grid_user_ids(&resolved.query(project), None, 0).await?;
        Ok(Self { store: store.clone(), project_id: project.id, resolved, user_ids, next: 0 })
    }

    pub fn total(&self) -> usize {
        self.user_ids.len()
    }

    pub fn columns(&self) -> Vec<GridColumn> {
        self.resolved.columns()
    }

    /// The next rows, or `None` after the last.
    pub async fn next(&mut self) -> AppResult<Option<Vec<GridRow>>> {
        if self.next >= self.user_ids.len() {
            return Ok(None);
        }
        let end = (self.next + ROWS_PER_BATCH).min(self.user_ids.len());
        let ids = &self.user_ids[self.next..end];
        self.next = end;
        Ok(Some(self.resolved.rows(&self.store, self.project_id, ids).await?))
    }
}

/// The whole result as CSV, a chunk at a time: the header, then each batch's lines, so a
/// response can send each as soon as it is written.
pub struct CsvExport {
    batches: RowBatches,
    header_sent: bool,
}

impl CsvExport {
    pub async fn start(store: &Store, project: &Project, resolved: ResolvedGrid) -> AppResult<Self> {
        Ok(Self { batches: RowBatches::start(store, project, resolved).await?, header_sent: false })
    }

    /// The next bytes of the file, or `None` at its end.
    pub async fn next_chunk(&mut self) -> AppResult<Option<Vec<u8>>> {
        if !self.header_sent {
            self.header_sent = true;
            return Ok(Some(CsvFile::header(&self.batches.columns()).map_err(export_failed)?));
        }
        match self.batches.next().await? {
            Some(rows) => Ok(Some(CsvFile::rows(&rows).map_err(export_failed)?)),
            None => Ok(None),
        }
    }
}

fn export_failed(error: impl std::error::Error + Send + Sync + 'static) -> AppError {
    AppError::Internal(anyhow::Error::new(error).context("Failed to write an export"))
}

/// The whole result as an XLSX file, its sheet written in constant memory.
/// The next batch is read while this one is written, so the file takes about as long as the
/// slower of the two rather than both added up.
pub async fn export_xlsx(store: &Store, project: &Project, resolved: ResolvedGrid) -> AppResult<Vec<u8>> {
    let mut batches = RowBatches::start(store, project, resolved).await?;
    let mut file = XlsxFile::new(&batches.columns()).map_err(export_failed)?;
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<AppResult<Vec<GridRow>>>(2);
    tokio::spawn(async move {
        loop {
            match batches.next().await {
                Ok(None) => return,
                Ok(Some(rows)) => {
                    // A closed channel means the writer gave up: stop reading.
                    if sender.send(Ok(rows)).await.is_err() {
                        return;
                    }
                }
                Err(error) => {
                    let _ = sender.send(Err(error)).await;
                    return;
                }
            }
        }
    });
    while let Some(rows) = receiver.recv().await {
        file.write(&rows?).map_err(export_failed)?;
    }
    file.finish().map_err(export_failed)
}

/// A download: its file name, content type and bytes.
pub struct ExportFile {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";
pub const XLSX_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The grid's XLSX as the pages hand it out: the same bytes as `POST …/grid/export.xlsx`.
pub async fn xlsx_file(store: &Store, project: &Project, request: &GridRequest) -> AppResult<ExportFile> {
    xlsx_file_for(store, project, GridSubject::Users, request).await
}

/// [`xlsx_file`] for a grid of users or of tickets.
pub async fn xlsx_file_for(
    store: &Store,
    project: &Project,
    subject: GridSubject,
    request: &GridRequest,
) -> AppResult<ExportFile> {
    let resolved = resolve_for(store, project, subject, request, false).await?;
    let bytes = export_xlsx(store, project, resolved).await?;
    Ok(ExportFile { file_name: export_file_name_for(project, subject, "xlsx"), content_type: XLSX_CONTENT_TYPE, bytes })
}

/// `<project>-users-<today, UTC>.<extension>`.
pub fn export_file_name(project: &Project, extension: &str) -> String {
    file_name(project, chrono::Utc::now().date_naive(), extension)
}

/// `<project>-users-…` or, for tickets, `<project>-feedback-<today, UTC>.<extension>`.
pub fn export_file_name_for(project: &Project, subject: GridSubject, extension: &str) -> String {
    match subject {
        GridSubject::Users => export_file_name(project, extension),
        GridSubject::Tickets { .. } => format!("{}-feedback-{}.{extension}", project.slug, chrono::Utc::now().date_naive()),
    }
}
