//! The data grid: typed columns, one row per record with its first cell linking to the record,
//! headers that sort by linking (so sorting works with JavaScript off), values shown by type
//! (numbers right-aligned, times in the viewer's zone, empty as a dash). The caller gives the
//! columns, the rows and how a header link reads; the user grid and the feedback grid share it.

use leptos::prelude::*;

use crate::domain::fields::FieldType;
use crate::domain::grid::{GridColumn, SortKey, SortOrder};
use crate::domain::table::Cell;
use crate::ui::components::When;

/// One row of the grid: where its first cell links to, how to name the record when that cell
/// is empty, and one cell per column.
#[derive(Debug, Clone, PartialEq)]
pub struct GridLine {
    pub href: String,
    pub label: String,
    pub cells: Vec<Cell>,
}

#[component]
pub fn DataGrid<F>(
    columns: Vec<GridColumn>,
    rows: Vec<GridLine>,
    /// The sort in force, if any.
    sort: Option<SortKey>,
    /// The link a column's header points to (sorting by it).
    sort_href: F,
    #[prop(default = "No rows match.")] empty: &'static str,
) -> impl IntoView
where
    F: Fn(usize) -> String + 'static,
{
    let numeric: Vec<bool> = columns.iter().map(|c| c.field_type == FieldType::Integer).collect();
    let width = columns.len().max(1);
    let headers = columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let order = sort.filter(|key| key.column == index).map(|key| key.order);
            let (aria, arrow) = match order {
                None => ("none", ""),
                Some(SortOrder::Asc) => ("ascending", "▲"),
                Some(SortOrder::Desc) => ("descending", "▼"),
            };
            let title = format!("{}: {} ({}). Sort by this column.", column.data_group, column.field, column.field_type.label());
            let class = if numeric[index] { "num" } else { "" };
            view! {
                <th scope="col" aria-sort=aria class=class>
                    <a href=sort_href(index) title=title>{column.label.clone()}<span class="sort-arrow" aria-hidden="true">{arrow}</span></a>
                </th>
            }
        })
        .collect_view();
    let body = if rows.is_empty() {
        view! { <tr class="no-rows"><td colspan=width class="empty">{empty}</td></tr> }.into_any()
    } else {
        rows.into_iter().map(|line| view! { <GridRowCells line numeric=numeric.clone() /> }).collect_view().into_any()
    };
    view! {
        <div class="grid-scroll" tabindex="0" role="region" aria-label="Results">
            <table class="grid data-grid">
                <thead><tr>{headers}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

#[component]
fn GridRowCells(line: GridLine, numeric: Vec<bool>) -> impl IntoView {
    let GridLine { href, label, cells } = line;
    let cells = cells
        .into_iter()
        .enumerate()
        .map(|(index, cell)| {
            let class = if numeric.get(index).copied().unwrap_or(false) { "num" } else { "" };
            if index > 0 {
                return view! { <td class=class><CellValue cell /></td> }.into_any();
            }
            let content = match cell {
                Cell::Empty => view! { <span class="muted">{label.clone()}</span> }.into_any(),
                cell => view! { <CellValue cell /> }.into_any(),
            };
            view! { <td class=class><a href=href.clone()>{content}</a></td> }.into_any()
        })
        .collect_view();
    view! { <tr>{cells}</tr> }
}

/// A value as people read it: a dash for none, Yes/No, a time in the viewer's zone.
#[component]
pub fn CellValue(cell: Cell) -> impl IntoView {
    match cell {
        Cell::Empty => view! { <span class="cell-empty" title="empty">"—"</span> }.into_any(),
        Cell::Boolean(true) => view! { <span class="cell-bool yes">"Yes"</span> }.into_any(),
        Cell::Boolean(false) => view! { <span class="cell-bool no">"No"</span> }.into_any(),
        Cell::DateTime(at) => view! { <When at /> }.into_any(),
        other => other.to_string().into_any(),
    }
}
