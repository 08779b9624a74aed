//! The user grid: a filter and a view run against a project's users, a page at a time or
//! (for exports) whole. The filter means what the filter engine says (`Test::holds`); the
//! store evaluates it in SQL, held to the engine by the API tests.

use crate::domain::filter::{CheckedFilter, Filter, SchemaField};
use crate::domain::grid::{Choice, GridColumn, GridPage, GridRequest, GridRow, SortOrder, View};
use crate::domain::listener::{project_schema, GroupField};
use crate::domain::project::Project;
use crate::domain::ValidationError;
use crate::server::error::{AppError, AppResult};
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
    let total = store.grid_count(&query).await?;
    let offset = u64::from(request.page - 1) * u64::from(request.per_page);
    let ids =
        if offset < total { store.grid_user_ids(&query, Some(u64::from(request.per_page)), offset).await? } else { Vec::new() };
    let rows = store.grid_rows(project.id, &resolved.fields, &ids, &resolved.columns).await?;
    Ok(GridPage { total, page: request.page, per_page: request.per_page, columns: resolved.columns(), rows })
}

/// Walks the whole result in the grid's order, handing `batch` a few hundred rows at a time,
/// so an export holds one batch of cells in memory, never the whole result. Returns the
/// number of rows.
pub async fn each_row_batch<F>(store: &Store, project: &Project, resolved: &ResolvedGrid, mut batch: F) -> AppResult<u64>
where
    F: AsyncFnMut(Vec<GridRow>) -> AppResult<()>,
{
    let ids = store.grid_user_ids(&resolved.query(project), None, 0).await?;
    let mut written = 0;
    for chunk in ids.chunks(ROWS_PER_BATCH) {
        let rows = store.grid_rows(project.id, &resolved.fields, chunk, &resolved.columns).await?;
        written += rows.len() as u64;
        batch(rows).await?;
    }
    Ok(written)
}
