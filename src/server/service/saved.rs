//! Saved filters and views of a project: what the management API and the pages both call.
//! Each is over users or over feedback (its subject), and is checked against that subject's
//! fields as they are now before it is written: the users' schema, or the ticket schema (the
//! `Ticket` group, then every submitter group).

use crate::domain::filter::{Combine, Criterion, Filter, SchemaField};
use crate::domain::grid::{FilterForCreate, SavedFilter, SavedSubject, SavedView, View, ViewColumn, ViewForCreate};
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

/// What a filter or view of the project over `subject` may name: the built-in fields, then the
/// project's; for feedback the ticket's own fields first.
pub async fn schema(store: &Store, project: &Project, subject: SavedSubject) -> AppResult<Vec<SchemaField>> {
    let fields = store.project_fields(project.id).await?;
    Ok(match subject {
        SavedSubject::Users => project_schema(&fields),
        SavedSubject::Feedback => crate::domain::feedback::ticket_schema(&fields),
    })
}

pub async fn list_filters(store: &Store, project: &Project, subject: SavedSubject) -> AppResult<Vec<SavedFilter>> {
    Ok(store.list_saved_filters(project.id, subject).await?)
}

/// 404 when the project has no filter with this id.
pub async fn get_filter(store: &Store, project: &Project, id: i64) -> AppResult<SavedFilter> {
    store.saved_filter(project.id, id).await?.ok_or_else(|| no_filter(project, id))
}

/// 422 with every problem (name, criteria), 409 when the name is taken (ignoring case).
pub async fn create_filter(
    store: &Store,
    project: &Project,
    subject: SavedSubject,
    name: &str,
    filter: Filter,
) -> AppResult<SavedFilter> {
    let new = FilterForCreate::parse(name, filter, &schema(store, project, subject).await?)?;
    let saved = store.create_saved_filter(project.id, subject, &new).await?;
    tracing::info!(project = %project.slug, filter = saved.id, subject = subject.as_str(), "filter saved");
    Ok(saved)
}

/// Applies changes and checks the result as a whole, as at creation.
pub async fn update_filter(store: &Store, project: &Project, id: i64, changes: FilterChanges) -> AppResult<SavedFilter> {
    let current = get_filter(store, project, id).await?;
    let filter = Filter {
        combine: changes.combine.unwrap_or(current.filter.combine),
        criteria: changes.criteria.unwrap_or(current.filter.criteria),
    };
    let schema = schema(store, project, current.subject).await?;
    let new = FilterForCreate::parse(changes.name.as_deref().unwrap_or(&current.name), filter, &schema)?;
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
    create_filter(store, project, original.subject, name, original.filter).await
}

pub async fn list_views(store: &Store, project: &Project, subject: SavedSubject) -> AppResult<Vec<SavedView>> {
    Ok(store.list_saved_views(project.id, subject).await?)
}

/// 404 when the project has no view with this id.
pub async fn get_view(store: &Store, project: &Project, id: i64) -> AppResult<SavedView> {
    store.saved_view(project.id, id).await?.ok_or_else(|| no_view(project, id))
}

/// 422 with every problem (name, columns), 409 when the name is taken (ignoring case).
pub async fn create_view(
    store: &Store,
    project: &Project,
    subject: SavedSubject,
    name: &str,
    view: &View,
) -> AppResult<SavedView> {
    let new = ViewForCreate::parse(name, view, &schema(store, project, subject).await?)?;
    let saved = store.create_saved_view(project.id, subject, &new).await?;
    tracing::info!(project = %project.slug, view = saved.id, subject = subject.as_str(), "view saved");
    Ok(saved)
}

pub async fn update_view(store: &Store, project: &Project, id: i64, changes: ViewChanges) -> AppResult<SavedView> {
    let current = get_view(store, project, id).await?;
    let view = View { columns: changes.columns.unwrap_or(current.columns) };
    let schema = schema(store, project, current.subject).await?;
    let new = ViewForCreate::parse(changes.name.as_deref().unwrap_or(&current.name), &view, &schema)?;
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
    create_view(store, project, original.subject, name, &original.view()).await
}

/// The filter of saved filter `id` for a grid (or report) over `subject`: a users' filter
/// serves both (over feedback it picks the submitters), a feedback filter only feedback (422
/// on `at` otherwise: its Ticket criteria mean nothing for a user).
pub async fn filter_for(store: &Store, project: &Project, id: i64, subject: SavedSubject, at: &str) -> AppResult<Filter> {
    let saved = get_filter(store, project, id).await?;
    if saved.subject == SavedSubject::Feedback && subject == SavedSubject::Users {
        return Err(AppError::invalid(
            at,
            format!("the saved filter '{}' is over feedback; choose a filter of users", saved.name),
        ));
    }
    Ok(saved.filter)
}

/// The saved view `id` for a grid over `subject`: as [`filter_for`], a users' view serves both,
/// a feedback view only feedback.
pub async fn view_for(store: &Store, project: &Project, id: i64, subject: SavedSubject, at: &str) -> AppResult<SavedView> {
    let saved = get_view(store, project, id).await?;
    if saved.subject == SavedSubject::Feedback && subject == SavedSubject::Users {
        return Err(AppError::invalid(at, format!("the saved view '{}' is over feedback; choose a view of users", saved.name)));
    }
    Ok(saved)
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
