//! The user grid: a filter and a view run against a project's users, a page at a time or
//! (for exports) whole. The filter means what the filter engine says (`Test::holds`); the
//! store evaluates it in SQL, held to the engine by the API tests.

use crate::domain::filter::{CheckedFilter, Filter, SchemaField};
use crate::domain::grid::{Choice, GridColumn, GridPage, GridRequest, GridRow, SortOrder, View};
use crate::domain::listener::{project_schema, GroupField};
use crate::domain::project::Project;
use crate::domain::ValidationError;
use crate::server::error::{AppError, AppResult};
use crate::server::export::grid::{file_name, CsvFile, XlsxFile};
use crate::server::store::{grid_now, GridQuery, Store, ROWS_PER_BATCH};

use super::saved::{no_filter, no_view};

/// A request checked against the project: the filter, the columns and the sort, typed.
pub struct ResolvedGrid {
    pub fields: Vec<GroupField>,
    pub filter: CheckedFilter,
    pub columns: Vec<SchemaField>,
    pub sort: Vec<(SchemaField, SortOrder)>,
}

impl ResolvedGrid {
    pub fn columns(&self) -> Vec<GridColumn> {
        GridColumn::for_columns(&self.columns)
    }

    fn query(&self, project: &Project) -> GridQuery<'_> {
        GridQuery { project_id: project.id, fields: &self.fields, filter: &self.filter, sort: &self.sort, now: grid_now() }
    }
}

/// Checks a request against the project's fields: 404 for a saved filter or view the project
/// does not have; 422 listing every problem of the filter, the view, the sort and (when
/// `paged`) the page.
pub async fn resolve(store: &Store, project: &Project, request: &GridRequest, paged: bool) -> AppResult<ResolvedGrid> {
    let fields = store.project_fields(project.id).await?;
    let schema = project_schema(&fields);
    let filter: Filter = match &request.filter {
        None => Filter::default(),
        Some(Choice::Inline(filter)) => filter.clone(),
        Some(Choice::Saved(id)) => store.saved_filter(project.id, *id).await?.ok_or_else(|| no_filter(project, *id))?.filter,
    };
    let view: View = match &request.view {
        None => View::default_view(),
        Some(Choice::Inline(view)) => view.clone(),
        Some(Choice::Saved(id)) => store.saved_view(project.id, *id).await?.ok_or_else(|| no_view(project, *id))?.view(),
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
            Ok(ResolvedGrid { fields, filter, columns, sort })
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

/// One page of the grid, with the total the filter lets through.
pub async fn grid(store: &Store, project: &Project, request: &GridRequest) -> AppResult<GridPage> {
    let resolved = resolve(store, project, request, true).await?;
    let query = resolved.query(project);
    let offset = u64::from(request.page - 1) * u64::from(request.per_page);
    let (total, ids) = store.grid_page(&query, u64::from(request.per_page), offset).await?;
    let rows = store.grid_rows(project.id, &resolved.fields, &ids, &resolved.columns).await?;
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
        let (fields, columns) = (&self.resolved.fields, &self.resolved.columns);
        Ok(Some(self.store.grid_rows(self.project_id, fields, ids, columns).await?))
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
    let resolved = resolve(store, project, request, false).await?;
    let bytes = export_xlsx(store, project, resolved).await?;
    Ok(ExportFile { file_name: export_file_name(project, "xlsx"), content_type: XLSX_CONTENT_TYPE, bytes })
}

/// `<project>-users-<today, UTC>.<extension>`.
pub fn export_file_name(project: &Project, extension: &str) -> String {
    file_name(project, chrono::Utc::now().date_naive(), extension)
}
