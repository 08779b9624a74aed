//! Custom reports (Management › Custom reports, and Community tools › Community reports: the
//! same pages, the scope read from the URL): the report list with rename / clone / delete, and
//! a report's page, every element computed now, its charts drawn by the server as SVG, with the
//! report's and each element's exports.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::reports::{
    list_reports, load_report, reports_path, CloneReport, CreateReport, DeleteElement, DeleteReport, ElementView, MoveElement,
    RenameReport, ReportRow, ReportView,
};
use crate::domain::report::Style;
use crate::domain::table::{Cell, Table};
use crate::ui::components::{outcome, plural, ActionOutcome, FieldError, Loaded, When};
use crate::ui::frame::ProjectName;

/// The project of the URL (`/p/:project/…`), or none on the community's pages.
pub(super) fn scope_slug() -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("project")
}

/// A numeric route parameter (`:id`, `:element`).
pub(super) fn id_param(name: &'static str) -> impl Fn() -> Option<i64> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get(name).and_then(|id| id.parse().ok())
}

/// "Aurora beta › Management" or "Community tools", then (on a report's pages) the link back
/// to the list.
#[component]
pub(super) fn ScopeCrumbs(slug: Option<String>, #[prop(optional)] to_list: bool) -> impl IntoView {
    // Each piece in its own element: text of one piece next to text of another would reach
    // the browser as one text node, and hydrating it would fail.
    let list = to_list.then(|| {
        let title = list_title(&slug);
        view! { <span>" › "<a href=reports_path(slug.as_deref())>{title}</a></span> }
    });
    let scope = match slug {
        Some(_) => view! { <span><ProjectName />" › Management"</span> }.into_any(),
        None => view! { <span>"Community tools"</span> }.into_any(),
    };
    view! { {scope}{list} }
}

pub(super) fn list_title(slug: &Option<String>) -> &'static str {
    if slug.is_some() {
        "Custom reports"
    } else {
        "Community reports"
    }
}

/// The hidden `slug` input of a project's forms (none on the community's).
fn slug_input(slug: &Option<String>) -> impl IntoView {
    slug.clone().map(|slug| view! { <input type="hidden" name="slug" value=slug /> })
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let slug = scope_slug();
    let create = ServerAction::<CreateReport>::new();
    let rename = ServerAction::<RenameReport>::new();
    let clone = ServerAction::<CloneReport>::new();
    let delete = ServerAction::<DeleteReport>::new();
    let reports = Resource::new(
        move || (slug(), rename.version().get(), clone.version().get(), delete.version().get()),
        |(slug, ..)| list_reports(slug),
    );
    let created = outcome(create);
    let renamed = outcome(rename);
    let cloned = outcome(clone);
    let deleted = outcome(delete);
    let base = move || reports_path(slug().as_deref());
    let title = move || list_title(&slug());
    let list = move |rows: Vec<ReportRow>| {
        if rows.is_empty() {
            return view! { <p class="empty">"No reports yet. Create one: its first element is chosen on the same page."</p> }
                .into_any();
        }
        let rows = rows.into_iter().map(|row| view! { <ReportListRow row slug=slug() rename clone delete /> }).collect_view();
        view! {
            <table class="grid reports-list">
                <thead><tr><th>"Report"</th><th class="num">"Elements"</th><th>"Last opened"</th><th>"Manage"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <Title text=title />
        <header class="page-header">
            <p class="crumbs"><ScopeCrumbs slug=slug() /></p>
            <h1>{title}</h1>
            <p class="muted">{move || if slug().is_some() {
                "Tables and charts of the project's users, computed from the current data whenever a report is opened or exported."
            } else {
                "Reports over every project's users, for community managers."
            }}</p>
            <div class="actions">
                <a class="button button-primary" href=move || format!("{}/new", base())>"Create a report"</a>
            </div>
        </header>
        <ActionOutcome value=renamed success=|r| format!("Renamed to “{}”.", r.name) />
        <ActionOutcome value=cloned success=|r| format!("Copied as “{}”.", r.name) />
        <ActionOutcome value=deleted success=|_| "Report deleted.".to_string() />
        <Loaded resource=reports loading="Loading reports…" let:rows>
            {list(rows)}
        </Loaded>
        <section class="panel narrow">
            <h2>"Start an empty report"</h2>
            <ActionForm action=create>
                <ActionOutcome value=created success=|r| format!("Report “{}” created.", r.name) />
                {move || slug_input(&slug())}
                <div class="field">
                    <label for="new-report-name">"Report name"</label>
                    <input id="new-report-name" name="name" required maxlength="120" placeholder="Weekly beta health" />
                    <FieldError value=created field="name" />
                </div>
                <button type="submit">"Create empty report"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn ReportListRow(
    row: ReportRow,
    slug: Option<String>,
    rename: ServerAction<RenameReport>,
    clone: ServerAction<CloneReport>,
    delete: ServerAction<DeleteReport>,
) -> impl IntoView {
    let href = format!("{}/{}", reports_path(slug.as_deref()), row.id);
    let id = row.id;
    let hidden = move || view! { {slug_input(&slug)}<input type="hidden" name="id" value=id.to_string() /> };
    let (for_rename, for_clone, for_delete) = (hidden.clone(), hidden.clone(), hidden);
    let (name, copy, confirm) =
        (row.name.clone(), format!("Copy of {}", row.name), format!("Delete “{}” and its elements", row.name));
    view! {
        <tr>
            <td><a href=href>{row.name.clone()}</a></td>
            <td class="num">{row.elements}</td>
            <td><When at=row.last_opened_at /></td>
            <td>
                <details class="manage">
                    <summary>"Rename, clone, delete"</summary>
                    <ActionForm action=rename attr:class="inline-form">
                        {for_rename()}
                        <label class="sr-only" for=format!("rename-{id}")>"New name"</label>
                        <input id=format!("rename-{id}") name="name" required maxlength="120" value=name.clone() />
                        <button type="submit">"Rename"</button>
                    </ActionForm>
                    <ActionForm action=clone attr:class="inline-form">
                        {for_clone()}
                        <label class="sr-only" for=format!("clone-{id}")>"Name of the copy"</label>
                        <input id=format!("clone-{id}") name="name" required maxlength="120" value=copy.clone() />
                        <button type="submit">"Clone"</button>
                    </ActionForm>
                    <ActionForm action=delete attr:class="inline-form">
                        {for_delete()}
                        <label class="confirm"><input type="checkbox" required />{confirm.clone()}</label>
                        <button type="submit" class="button-danger">"Delete"</button>
                    </ActionForm>
                </details>
            </td>
        </tr>
    }
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let slug = scope_slug();
    let id = id_param("id");
    let refreshed = RwSignal::new(0u32);
    let moved = ServerAction::<MoveElement>::new();
    let removed = ServerAction::<DeleteElement>::new();
    let report = Resource::new(
        move || (slug(), id(), refreshed.get(), moved.version().get(), removed.version().get()),
        |(slug, id, ..)| load_report(slug, id.unwrap_or_default()),
    );
    view! {
        <Title text=move || list_title(&slug()) />
        <header class="page-header">
            <p class="crumbs"><ScopeCrumbs slug=slug() to_list=true /></p>
        </header>
        <ActionOutcome value=outcome(moved) success=|_| "Moved.".to_string() />
        <ActionOutcome value=outcome(removed) success=|_| "Element removed.".to_string() />
        <Loaded resource=report loading="Computing the report…" let:report>
            <ReportBody report slug=slug() refreshed moved removed />
        </Loaded>
    }
}

#[component]
fn ReportBody(
    report: ReportView,
    slug: Option<String>,
    refreshed: RwSignal<u32>,
    moved: ServerAction<MoveElement>,
    removed: ServerAction<DeleteElement>,
) -> impl IntoView {
    let page = format!("{}/{}", reports_path(slug.as_deref()), report.id);
    let export = |format: &str| format!("{page}/export.{format}");
    let count = report.elements.len();
    let elements = report
        .elements
        .into_iter()
        .enumerate()
        .map(|(index, element)| {
            let place = (index > 0, index + 1 < count);
            view! { <ReportElement element page=page.clone() report=report.id slug=slug.clone() place moved removed /> }
        })
        .collect_view();
    let empty = (count == 0).then(|| view! { <p class="empty">"This report has no elements yet."</p> });
    view! {
        <Title text=report.name.clone() />
        <header class="report-header">
            <h1>{report.name.clone()}</h1>
            <p class="muted report-meta">
                <span class="report-project">{report.project.clone()}</span>" · Refreshed at "<When at=report.computed_at />
            </p>
            <div class="actions">
                <form method="get" action=page.clone()>
                    <button type="submit" on:click=move |ev| { ev.prevent_default(); refreshed.update(|n| *n += 1); }>"Refresh"</button>
                </form>
                <a class="button button-primary" href=format!("{page}/elements/new")>"Add an element"</a>
                {slug.as_deref().map(|_| view! { <a class="button" href=format!("{page}/distributions")>"Email or schedule"</a> })}
                <div class="exports" role="group" aria-label="Export the report">
                    <a class="button" href=export("pdf") data-download="pdf" download>"Export PDF"</a>
                    <a class="button" href=export("xlsx") data-download="xlsx" download>"Export XLSX"</a>
                    <a class="button" href=export("zip") data-download="zip" download>"Export CSV (zip)"</a>
                    <span class="export-status" role="status" aria-live="polite"></span>
                </div>
            </div>
        </header>
        {empty}
        <div class="report-elements">{elements}</div>
    }
}

#[component]
fn ReportElement(
    element: ElementView,
    page: String,
    report: i64,
    slug: Option<String>,
    /// Whether it can move up, and down.
    place: (bool, bool),
    moved: ServerAction<MoveElement>,
    removed: ServerAction<DeleteElement>,
) -> impl IntoView {
    let id = element.id.unwrap_or_default();
    let base = format!("{page}/elements/{id}");
    let export = |format: &str| format!("{base}/export.{format}");
    let hidden = move || {
        view! {
            {slug_input(&slug)}
            <input type="hidden" name="report" value=report.to_string() />
            <input type="hidden" name="element" value=id.to_string() />
        }
    };
    let (up, down, remove) = (hidden.clone(), hidden.clone(), hidden);
    let (name, style) = (element.name.clone(), element.style.as_str());
    let (up_label, down_label, remove_label) = (format!("Move {name} up"), format!("Move {name} down"), format!("Remove {name}"));
    view! {
        <section class="panel report-element" data-style=style>
            <header class="element-header">
                <h2>{name}</h2>
                <div class="element-actions">
                    <a class="button" href=base.clone()>"Edit"</a>
                    <ActionForm action=moved attr:class="inline-form">
                        {up()}
                        <input type="hidden" name="direction" value="up" />
                        <button type="submit" disabled=!place.0 title="Move up" aria-label=up_label.clone()>"↑"</button>
                    </ActionForm>
                    <ActionForm action=moved attr:class="inline-form">
                        {down()}
                        <input type="hidden" name="direction" value="down" />
                        <button type="submit" disabled=!place.1 title="Move down" aria-label=down_label.clone()>"↓"</button>
                    </ActionForm>
                    <ActionForm action=removed attr:class="inline-form">
                        {remove()}
                        <button type="submit" class="button-danger" aria-label=remove_label.clone()>"Remove"</button>
                    </ActionForm>
                </div>
            </header>
            <ElementContent element />
            <div class="exports" role="group" aria-label="Export this element">
                <span class="muted">"Export"</span>
                <a href=export("pdf") data-download="pdf" download>"PDF"</a>
                <a href=export("xlsx") data-download="xlsx" download>"XLSX"</a>
                <a href=export("csv") data-download="csv" download>"CSV"</a>
                <span class="export-status" role="status" aria-live="polite"></span>
            </div>
        </section>
    }
}

/// An element's chart or headline figure, and its table: the report page and the builder's
/// preview show an element the same way.
#[component]
pub(super) fn ElementContent(element: ElementView) -> impl IntoView {
    let chart = element.svg.clone().map(|svg| view! { <div class="chart" inner_html=svg></div> });
    let figure = element.figure().map(|figure| {
        let label = element.table.columns.get(1).cloned().unwrap_or_default();
        view! { <p class="figure"><span class="figure-value">{figure}</span><span class="figure-label">{label}</span></p> }
    });
    let table = (element.style != Style::Number).then(|| view! { <ElementTable table=element.table.clone() /> });
    let more = (element.more_rows > 0).then(|| {
        view! {
            <p class="muted more-rows">
                {format!(
                    "Showing the first {} rows; {} in the exports.",
                    element.table.rows.len(),
                    plural(element.more_rows as u64, "more row is", "more rows are"),
                )}
            </p>
        }
    });
    view! { {chart}{figure}{table}{more} }
}

#[component]
fn ElementTable(table: Table) -> impl IntoView {
    let numeric: Vec<bool> =
        (0..table.columns.len()).map(|i| table.column(i).any(|c| matches!(c, Cell::Integer(_) | Cell::Number(_)))).collect();
    let headers = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, name)| view! { <th scope="col" class=if numeric[i] { "num" } else { "" }>{name.clone()}</th> })
        .collect_view();
    let rows = if table.rows.is_empty() {
        let width = table.columns.len().max(1);
        view! { <tr><td colspan=width class="empty">"No users."</td></tr> }.into_any()
    } else {
        table
            .rows
            .into_iter()
            .map(|row| {
                let cells = row
                    .into_iter()
                    .enumerate()
                    .map(|(i, cell)| {
                        let class = if numeric.get(i).copied().unwrap_or(false) { "num" } else { "" };
                        view! { <td class=class><TableCell cell /></td> }
                    })
                    .collect_view();
                view! { <tr>{cells}</tr> }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="grid-scroll">
            <table class="grid compact element-table">
                <thead><tr>{headers}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// A value as the exports write it, `(empty)` for none; times in the viewer's zone.
#[component]
fn TableCell(cell: Cell) -> impl IntoView {
    match cell {
        Cell::Empty => view! { <span class="cell-empty">"(empty)"</span> }.into_any(),
        Cell::DateTime(at) => view! { <When at /> }.into_any(),
        other => other.to_string().into_any(),
    }
}
