//! Saved filters and views of a project: what the management API and the pages both call.
//! Each is checked against the project's fields as they are now before it is written.

use crate::domain::filter::{Combine, Criterion, Filter, SchemaField};
use crate::domain::grid::{FilterForCreate, SavedFilter, SavedView, View, ViewColumn, ViewForCreate};
use crate::domain::listener::project_schema;
use crate::domain::project::Project;
use crate::server::error::{AppError, AppResult};
use crate::server::store::Store;

/// Changes to a saved filter; members left out stay as they are.
#[derive(Debug, Clone, Default)]
pub struct FilterChanges {
    pub name: Option<String>,
    pub combine: Option<Combine>,
    pub criteria: Option<Vec<Criterion>>,
}

/// Changes to a saved view; members left out stay as they are.
#[derive(Debug, Clone, Default)]
pub struct ViewChanges {
    pub name: Option<String>,
    pub columns: Option<Vec<ViewColumn>>,
}

/// What a filter or view of the project may name: the built-in fields, then the project's.
pub async fn schema(store: &Store, project: &Project) -> AppResult<Vec<SchemaField>> {
    Ok(project_schema(&store.project_fields(project.id).await?))
}

pub async fn list_filters(store: &Store, project: &Project) -> AppResult<Vec<SavedFilter>> {
    Ok(store.list_saved_filters(project.id).await?)
}

/// 404 when the project has no filter with this id.
pub async fn get_filter(store: &Store, project: &Project, id: i64) -> AppResult<SavedFilter> {
    store.saved_filter(project.id, id).await?.ok_or_else(|| no_filter(project, id))
}

/// 422 with every problem (name, criteria), 409 when the name is taken (ignoring case).
pub async fn create_filter(store: &Store, project: &Project, name: &str, filter: Filter) -> AppResult<SavedFilter> {
    let new = FilterForCreate::parse(name, filter, &schema(store, project).await?)?;
    let saved = store.create_saved_filter(project.id, &new).await?;
    tracing::info!(project = %project.slug, filter = saved.id, "filter saved");
    Ok(saved)
}

/// Applies changes and checks the result as a whole, as at creation.
pub async fn update_filter(store: &Store, project: &Project, id: i64, changes: FilterChanges) -> AppResult<SavedFilter> {
    let current = get_filter(store, project, id).await?;
    let filter = Filter {
        combine: changes.combine.unwrap_or(current.filter.combine),
        criteria: changes.criteria.unwrap_or(current.filter.criteria),
    };
    let new = FilterForCreate::parse(changes.name.as_deref().unwrap_or(&current.name), filter, &schema(store, project).await?)?;
    store.update_saved_filter(project.id, id, &new).await.map_err(|e| not_found_as(e, || no_filter(project, id)))
}

pub async fn delete_filter(store: &Store, project: &Project, id: i64) -> AppResult<()> {
    if store.delete_saved_filter(project.id, id).await? {
        Ok(())
    } else {
        Err(no_filter(project, id))
    }
}

/// A copy of a saved filter under a new name, checked against the fields as they are now.
pub async fn clone_filter(store: &Store, project: &Project, id: i64, name: &str) -> AppResult<SavedFilter> {
    let original = get_filter(store, project, id).await?;
    create_filter(store, project, name, original.filter).await
}

pub async fn list_views(store: &Store, project: &Project) -> AppResult<Vec<SavedView>> {
    Ok(store.list_saved_views(project.id).await?)
}

/// 404 when the project has no view with this id.
pub async fn get_view(store: &Store, project: &Project, id: i64) -> AppResult<SavedView> {
    store.saved_view(project.id, id).await?.ok_or_else(|| no_view(project, id))
}

/// 422 with every problem (name, columns), 409 when the name is taken (ignoring case).
pub async fn create_view(store: &Store, project: &Project, name: &str, view: &View) -> AppResult<SavedView> {
    let new = ViewForCreate::parse(name, view, &schema(store, project).await?)?;
    let saved = store.create_saved_view(project.id, &new).await?;
    tracing::info!(project = %project.slug, view = saved.id, "view saved");
    Ok(saved)
}

pub async fn update_view(store: &Store, project: &Project, id: i64, changes: ViewChanges) -> AppResult<SavedView> {
    let current = get_view(store, project, id).await?;
    let view = View { columns: changes.columns.unwrap_or(current.columns) };
    let new = ViewForCreate::parse(changes.name.as_deref().unwrap_or(&current.name), &view, &schema(store, project).await?)?;
    store.update_saved_view(project.id, id, &new).await.map_err(|e| not_found_as(e, || no_view(project, id)))
}

pub async fn delete_view(store: &Store, project: &Project, id: i64) -> AppResult<()> {
    if store.delete_saved_view(project.id, id).await? {
        Ok(())
    } else {
        Err(no_view(project, id))
    }
}

/// A copy of a saved view under a new name.
pub async fn clone_view(store: &Store, project: &Project, id: i64, name: &str) -> AppResult<SavedView> {
    let original = get_view(store, project, id).await?;
    create_view(store, project, name, &original.view()).await
}

pub(super) fn no_filter(project: &Project, id: i64) -> AppError {
    AppError::NotFound(format!("project '{}' has no saved filter {id}", project.slug))
}

pub(super) fn no_view(project: &Project, id: i64) -> AppError {
    AppError::NotFound(format!("project '{}' has no saved view {id}", project.slug))
}

/// A row deleted between reading and writing it is a 404 that names it.
fn not_found_as(error: crate::server::store::Error, not_found: impl FnOnce() -> AppError) -> AppError {
    match error {
        crate::server::store::Error::NotFound => not_found(),
        other => other.into(),
    }
}
