//! Management › Users: the typed grid, and the saved filters and views it runs. Each function
//! finds the caller's project and calls one function of `service::grid` / `service::saved`.
//! The filter and view builders serve the feedback grid too: their functions take the saved
//! filter's or view's subject (users when not given) and go back to that subject's grid.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::UiError;
use crate::domain::filter::{CriterionRow, SchemaField};
use crate::domain::grid::{GridPage, SavedFilter, SavedSubject, SavedView};
use crate::domain::grid_params::GridParams;

/// A saved filter, and what it means in words (`None` when it no longer fits the fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterChoice {
    pub saved: SavedFilter,
    pub description: Option<String>,
}

/// What the grid's drop-downs and the builders offer: the project's fields, its saved filters
/// and its saved views.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridChoices {
    pub schema: Vec<SchemaField>,
    pub filters: Vec<FilterChoice>,
    pub views: Vec<SavedView>,
}

#[cfg(feature = "ssr")]
async fn project(slug: &str) -> Result<crate::domain::project::Project, UiError> {
    let state = super::context::state();
    let staff = super::context::staff().await?;
    Ok(crate::server::service::access::project_for(&state.store, &staff, slug).await?)
}

/// The fields, saved filters and saved views of the project over `subject`.
#[server(prefix = "/fn")]
pub async fn load_grid_choices(slug: String, #[server(default)] subject: SavedSubject) -> Result<GridChoices, UiError> {
    use crate::server::service::saved;
    let store = &super::context::state().store;
    let project = project(&slug).await?;
    let schema = saved::schema(store, &project, subject).await?;
    let filters = filter_choices(saved::list_filters(store, &project, subject).await?, &schema);
    Ok(GridChoices { schema, filters, views: saved::list_views(store, &project, subject).await? })
}

/// Saved filters with what they mean over `schema`.
#[cfg(feature = "ssr")]
pub(crate) fn filter_choices(filters: Vec<SavedFilter>, schema: &[SchemaField]) -> Vec<FilterChoice> {
    filters
        .into_iter()
        .map(|saved| FilterChoice { description: saved.filter.clone().check(schema).ok().map(|f| f.describe()), saved })
        .collect()
}

/// The grid of `subject`'s rows (`/p/<slug>/users` or `/p/<slug>/feedback`) and its query.
#[cfg(feature = "ssr")]
fn grid_path(slug: &str, subject: SavedSubject, params: &GridParams) -> String {
    format!("/p/{slug}/{}{}", subject.page(), params.query_string())
}

/// One page of the user grid, as the page's URL describes it.
#[server(prefix = "/fn")]
pub async fn user_grid(slug: String, params: GridParams) -> Result<GridPage, UiError> {
    let state = super::context::state();
    let project = project(&slug).await?;
    let page = crate::server::service::grid::grid(&state.store, &project, &params.request()).await.map_err(UiError::from);
    if let Err(error) = &page {
        super::context::set_status(error);
    }
    page
}

/// Creates (no `id`) or changes a saved filter from the builder's rows, then shows the grid
/// through it. Errors land on the rows they came from.
#[server(prefix = "/fn")]
pub async fn save_filter(
    slug: String,
    id: Option<i64>,
    name: String,
    combine: String,
    #[server(default)] criteria: Vec<CriterionRow>,
    view: Option<i64>,
    #[server(default)] subject: SavedSubject,
) -> Result<SavedFilter, UiError> {
    use crate::domain::filter::{Combine, Filter};
    use crate::domain::identity::errors_at_rows;
    use crate::server::error::AppError;
    use crate::server::service::saved::{self, FilterChanges};
    let store = &super::context::state().store;
    let project = project(&slug).await?;
    let built = Filter::from_rows(&combine, &criteria).map_err(UiError::Invalid)?;
    // Every row blank: a filter of no criteria, which the service judges like any other.
    let combine_only = || Filter { combine: if combine == "any" { Combine::Any } else { Combine::All }, criteria: Vec::new() };
    let (filter, origin) = built.unwrap_or_else(|| (combine_only(), Vec::new()));
    let saved = match id {
        None => saved::create_filter(store, &project, subject, &name, filter).await,
        Some(id) => {
            let changes = FilterChanges { name: Some(name), combine: Some(filter.combine), criteria: Some(filter.criteria) };
            saved::update_filter(store, &project, id, changes).await
        }
    }
    .map_err(|error| match error {
        AppError::Invalid(errors) => UiError::Invalid(errors_at_rows(errors, "criteria", "criteria", &origin)),
        other => other.into(),
    })?;
    let params = GridParams { filter: Some(saved.id), view, ..GridParams::from_query(|_| None) };
    leptos_axum::redirect(&grid_path(&project.slug, saved.subject, &params));
    Ok(saved)
}

#[server(prefix = "/fn")]
pub async fn delete_filter(slug: String, id: i64, #[server(default)] subject: SavedSubject) -> Result<(), UiError> {
    let store = &super::context::state().store;
    let project = project(&slug).await?;
    crate::server::service::saved::delete_filter(store, &project, id).await?;
    leptos_axum::redirect(&grid_path(&project.slug, subject, &GridParams::from_query(|_| None)));
    Ok(())
}

/// Creates (no `id`) or changes a saved view from the picker's columns (`<group>␟<field>`),
/// then shows the grid through it.
#[server(prefix = "/fn")]
pub async fn save_view(
    slug: String,
    id: Option<i64>,
    name: String,
    #[server(default)] columns: Vec<String>,
    filter: Option<i64>,
    #[server(default)] subject: SavedSubject,
) -> Result<SavedView, UiError> {
    use crate::domain::filter::FIELD_SEPARATOR;
    use crate::domain::grid::{View, ViewColumn};
    use crate::server::service::saved::{self, ViewChanges};
    let store = &super::context::state().store;
    let project = project(&slug).await?;
    let columns: Vec<ViewColumn> = columns
        .iter()
        .map(|choice| {
            let (group, field) = choice.split_once(FIELD_SEPARATOR).unwrap_or(("", choice));
            ViewColumn::new(group, field)
        })
        .collect();
    let saved = match id {
        None => saved::create_view(store, &project, subject, &name, &View { columns }).await?,
        Some(id) => saved::update_view(store, &project, id, ViewChanges { name: Some(name), columns: Some(columns) }).await?,
    };
    let params = GridParams { view: Some(saved.id), filter, ..GridParams::from_query(|_| None) };
    leptos_axum::redirect(&grid_path(&project.slug, saved.subject, &params));
    Ok(saved)
}

/// Copies a view under a new name and opens the copy in the builder.
#[server(prefix = "/fn")]
pub async fn clone_view(slug: String, id: i64, name: String) -> Result<SavedView, UiError> {
    let store = &super::context::state().store;
    let project = project(&slug).await?;
    let copy = crate::server::service::saved::clone_view(store, &project, id, &name).await?;
    leptos_axum::redirect(&format!("/p/{}/{}/views/{}", project.slug, copy.subject.page(), copy.id));
    Ok(copy)
}

#[server(prefix = "/fn")]
pub async fn delete_view(slug: String, id: i64, #[server(default)] subject: SavedSubject) -> Result<(), UiError> {
    let store = &super::context::state().store;
    let project = project(&slug).await?;
    crate::server::service::saved::delete_view(store, &project, id).await?;
    leptos_axum::redirect(&grid_path(&project.slug, subject, &GridParams::from_query(|_| None)));
    Ok(())
}
