//! Management › Users › Project users: the typed grid of a saved filter and view, paged and
//! sorted on the server, with every choice in the URL (plain GET forms and links, so the page
//! works without JavaScript), and CSV / XLSX exports of the whole result.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::grid::{load_grid_choices, user_grid, GridChoices};
use crate::domain::grid::SavedSubject;
use crate::domain::grid::{GridPage, PAGE_SIZES};
use crate::domain::grid_params::GridParams;
use crate::domain::url::encode_path_segment;
use crate::ui::components::{plural, ErrorNote, Pager};
use crate::ui::frame::{project_slug, ProjectName};
use crate::ui::widgets::{DataGrid, GridLine};

#[component]
pub fn ProjectUsersPage() -> impl IntoView {
    let slug = project_slug();
    let query = use_query_map();
    let params = Memo::new(move |_| query.with(|q| GridParams::from_query(|name| q.get(name))));
    let choices = Resource::new(slug, |slug| load_grid_choices(slug, SavedSubject::Users));
    let grid = Resource::new(move || (slug(), params.get()), |(slug, params)| user_grid(slug, params));
    let href = move |params: &GridParams| format!("/p/{}/users{}", slug(), params.query_string());

    view! {
        <Title text="Project users" />
        <header class="page-header">
            <p class="crumbs"><ProjectName />" › Management › Users"</p>
            <h1>"Project users"</h1>
            <div class="actions">
                <a class="button" href=move || format!("/p/{}/users/new", slug())>"Add user"</a>
                <a class="button" href=move || format!("/p/{}/users/import", slug())>"Import CSV"</a>
                <a class="button" href=move || format!("/p/{}/automation", slug())>"User automation"</a>
            </div>
        </header>
        <Suspense fallback=|| view! { <p class="loading">"Loading filters and views…"</p> }>
            {move || {
                // Read here, so the toolbar follows the URL (a sort, a page) as well as the choices.
                let params = params.get();
                Suspend::new(async move {
                    match choices.await {
                        Ok(choices) => view! { <GridToolbar choices params /> }.into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
        <Suspense fallback=|| view! { <p class="loading">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                let page = grid.await;
                let params = params.get_untracked();
                match page {
                    Ok(page) => view! { <GridResult page params slug=slug() href /> }.into_any(),
                    Err(error) => view! {
                        <ErrorNote error />
                        <p><a href=format!("/p/{}/users", slug())>"Show every user in the default view"</a></p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The filter, view and page-size choices (a GET form: "Apply" without JavaScript, applied on
/// change with it), the quick search, and the links to the builders.
#[component]
fn GridToolbar(choices: GridChoices, params: GridParams) -> impl IntoView {
    let slug = project_slug();
    let navigate = use_navigate();
    let base = move || format!("/p/{}/users", slug());
    let current = StoredValue::new(params.clone());
    let go = move |change: &dyn Fn(&mut GridParams)| {
        let mut next = current.get_value();
        change(&mut next);
        next.page = 1;
        navigate(&format!("{}{}", base(), next.query_string()), Default::default());
    };
    let (go_filter, go_view, go_size) = (go.clone(), go.clone(), go);
    let number = |text: String| text.parse::<i64>().ok();
    let description = params
        .filter
        .and_then(|id| choices.filters.iter().find(|f| f.saved.id == id))
        .map(|f| f.description.clone().unwrap_or_else(|| "this filter no longer fits the project's fields".into()));
    let filter_options = choices
        .filters
        .iter()
        .map(|f| view! { <option value=f.saved.id.to_string() selected=params.filter == Some(f.saved.id)>{f.saved.name.clone()}</option> })
        .collect_view();
    let view_options = choices
        .views
        .iter()
        .map(|v| view! { <option value=v.id.to_string() selected=params.view == Some(v.id)>{v.name.clone()}</option> })
        .collect_view();
    let size_options = PAGE_SIZES
        .iter()
        .map(|n| view! { <option value=n.to_string() selected=params.per_page == *n>{n.to_string()}</option> })
        .collect_view();
    let link = move |tail: String| format!("/p/{}/users/{tail}", slug());
    let keep_view = params.view.map(|v| format!("?view={v}")).unwrap_or_default();
    let keep_filter = params.filter.map(|f| format!("?filter={f}")).unwrap_or_default();
    let (new_filter, new_view) = (link(format!("filters/new{keep_view}")), link(format!("views/new{keep_filter}")));
    let search = params.search.clone();

    view! {
        <form class="grid-toolbar" method="get" action=base aria-label="Filter and view">
            <div class="toolbar-choice">
                <label for="grid-filter">"Filter"</label>
                <div class="choice-row">
                    <select id="grid-filter" name="filter"
                        on:change=move |ev| { let id = number(event_target_value(&ev)); go_filter(&|p| { p.filter = id; p.search = None; }) }>
                        <option value="" selected=params.filter.is_none()>{if params.search.is_some() { "Quick search" } else { "No filter" }}</option>
                        {filter_options}
                    </select>
                    <a class="button icon" href=new_filter title="New filter" aria-label="New filter">"+"</a>
                    {params.filter.map(|id| view! {
                        <a class="button" href=link(format!("filters/{id}{keep_view}"))>"Edit"</a>
                    })}
                </div>
            </div>
            <div class="toolbar-choice">
                <label for="grid-view">"View"</label>
                <div class="choice-row">
                    <select id="grid-view" name="view"
                        on:change=move |ev| { let id = number(event_target_value(&ev)); go_view(&|p| { p.view = id; p.sort = None; }) }>
                        <option value="" selected=params.view.is_none()>"Default view"</option>
                        {view_options}
                    </select>
                    <a class="button icon" href=new_view title="New view" aria-label="New view">"+"</a>
                    {params.view.map(|id| view! {
                        <a class="button" href=link(format!("views/{id}{keep_filter}"))>"Edit"</a>
                    })}
                </div>
            </div>
            <div class="toolbar-choice narrow">
                <label for="grid-per-page">"Rows per page"</label>
                <select id="grid-per-page" name="per_page"
                    on:change=move |ev| { let n = event_target_value(&ev).parse().ok(); go_size(&|p| if let Some(n) = n { p.per_page = n }) }>
                    {size_options}
                </select>
            </div>
            // The sort is left out: it names a column of the view, which "Apply" may change.
            {search.map(|q| view! { <input type="hidden" name="q" value=q /> })}
            <button type="submit" class="no-js-only">"Apply"</button>
        </form>
        {description.map(|text| view! { <p class="filter-description">"Users matching " <strong>{text}</strong></p> })}
        <form class="search" method="get" action=base>
            <label for="user-search">"Search"</label>
            <input id="user-search" name="q" type="search" value=params.search.clone().unwrap_or_default()
                placeholder="Email, username or name" />
            {params.view.map(|v| view! { <input type="hidden" name="view" value=v.to_string() /> })}
            <button type="submit">"Search"</button>
            {params.search.as_ref().map(|_| view! { <a href=move || {
                let cleared = GridParams { search: None, page: 1, ..current.get_value() };
                format!("{}{}", base(), cleared.query_string())
            }>"Clear"</a> })}
        </form>
    }
}

/// The count, the export buttons, the grid itself and the pager.
#[component]
fn GridResult<H>(page: GridPage, params: GridParams, slug: String, href: H) -> impl IntoView
where
    H: Fn(&GridParams) -> String + Copy + Send + Sync + 'static,
{
    let count = plural(page.total, "user", "users");
    let pages = page.pages();
    let on_page = page.rows.len() as u64;
    let rows = page
        .rows
        .into_iter()
        .map(|row| GridLine {
            href: format!("/p/{slug}/u/{}", encode_path_segment(&row.user)),
            label: row.user,
            cells: row.values,
        })
        .collect();
    let export = |format: &str| {
        let all = GridParams { page: 1, ..params.clone() };
        format!("/p/{slug}/users/export.{format}{}", all.query_string())
    };
    let sorting = params.clone();
    let paging = params.clone();
    let first = (page.page.saturating_sub(1) as u64) * u64::from(page.per_page) + 1;
    let last = (first + on_page).saturating_sub(1);
    let shown = if page.total == 0 { String::new() } else { format!("Showing {first}–{last}") };
    view! {
        <div class="grid-head">
            <p class="count" role="status">{count}</p>
            <p class="muted shown">{shown}</p>
            <div class="exports" role="group" aria-label="Export">
                <a class="button" href=export("csv") data-download="csv" download>"Export CSV"</a>
                <a class="button" href=export("xlsx") data-download="xlsx" download>"Export XLSX"</a>
                <span class="export-status" role="status" aria-live="polite"></span>
            </div>
        </div>
        <DataGrid columns=page.columns rows sort=params.sort sort_href=move |column| href(&sorting.sorted_by(column)) empty="No users match." />
        <Pager page=page.page pages href=move |p| href(&paging.at_page(p)) />
    }
}
