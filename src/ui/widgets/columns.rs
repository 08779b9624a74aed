//! The column picker of a view: every field of every data group on the left, the view's
//! columns in order on the right. A field moves across by double-click, by the buttons, or by
//! keyboard (Enter adds; Delete removes; Alt+↑/↓ reorders). It renders hidden inputs
//! `columns[i]` = `<data group>␟<field>`, so any form can hold it.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use super::group_names;
use crate::api::UiError;
use crate::domain::filter::{field_choice, SchemaField, FIELD_SEPARATOR};

/// The messages of a failed save that concern the columns (`columns`, `columns[2].field`), with
/// the column's position made human (`Column 3: …`).
fn column_errors(error: &UiError) -> Vec<String> {
    match error {
        UiError::Invalid(errors) => errors
            .iter()
            .filter_map(|e| {
                let rest = e.field.strip_prefix("columns")?;
                let index = rest.strip_prefix('[').and_then(|r| r.split(']').next()).and_then(|i| i.parse::<usize>().ok());
                Some(match index {
                    Some(i) => format!("Column {}: {}", i + 1, e.message),
                    None => e.message.clone(),
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[component]
pub fn ColumnPicker(
    /// Every field a column may show, grouped by data group in this order.
    schema: Vec<SchemaField>,
    /// The view's columns to start from, as (data group, field).
    columns: Vec<(String, String)>,
    /// The last submission's error: column problems are listed under the view's columns.
    errors: Signal<Option<UiError>>,
) -> impl IntoView {
    let groups = group_names(&schema);
    let schema = StoredValue::new(schema);
    let columns = RwSignal::new(columns);
    // The highlighted field on the left (its `field_choice`) and column on the right.
    let available = RwSignal::new(String::new());
    let picked = RwSignal::new(None::<usize>);
    let in_view = move |group: &str, field: &str| columns.with(|c| c.iter().any(|(g, f)| g == group && f == field));

    let add = move || {
        let choice = available.get_untracked();
        let Some((group, field)) = choice.split_once(FIELD_SEPARATOR) else { return };
        if in_view(group, field) {
            return;
        }
        columns.update(|c| c.push((group.to_string(), field.to_string())));
        picked.set(Some(columns.with_untracked(Vec::len) - 1));
    };
    let remove = move || {
        let Some(index) = picked.get_untracked() else { return };
        columns.update(|c| {
            if index < c.len() {
                c.remove(index);
            }
        });
        let left = columns.with_untracked(Vec::len);
        picked.set((left > 0).then(|| index.min(left - 1)));
    };
    let shift = move |up: bool| {
        let Some(index) = picked.get_untracked() else { return };
        let len = columns.with_untracked(Vec::len);
        let target = if up { index.checked_sub(1) } else { Some(index + 1).filter(|t| *t < len) };
        if let Some(target) = target {
            columns.update(|c| c.swap(index, target));
            picked.set(Some(target));
        }
    };
    let on_available_key = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            add();
        }
    };
    let on_picked_key = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Delete" | "Backspace" => {
            ev.prevent_default();
            remove();
        }
        "ArrowUp" if ev.alt_key() => {
            ev.prevent_default();
            shift(true);
        }
        "ArrowDown" if ev.alt_key() => {
            ev.prevent_default();
            shift(false);
        }
        _ => {}
    };

    let available_options = move || {
        groups
            .iter()
            .map(|group| {
                let options = schema
                    .read_value()
                    .iter()
                    .filter(|f| &f.data_group == group)
                    .map(|f| {
                        let (g, name) = (f.data_group.clone(), f.field.clone());
                        let choice = field_choice(&f.data_group, &f.field);
                        view! { <option value=choice disabled=move || in_view(&g, &name)>{f.field.clone()}</option> }
                    })
                    .collect_view();
                view! { <optgroup label=group.clone()>{options}</optgroup> }
            })
            .collect_view()
    };
    let picked_options = move || {
        columns
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, (group, field))| {
                // A property, not the attribute: it must win over the person's last click.
                let selected = move || picked.get() == Some(index);
                view! { <option value=index.to_string() prop:selected=selected>{format!("{field} · {group}")}</option> }
            })
            .collect_view()
    };
    let hidden_inputs = move || {
        columns
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, (group, field))| {
                view! { <input type="hidden" name=format!("columns[{index}]") value=field_choice(&group, &field) /> }
            })
            .collect_view()
    };
    let problems = move || errors.with(|e| e.as_ref().map(column_errors).unwrap_or_default());
    let nothing_picked = move || picked.get().is_none();

    view! {
        <div class="column-picker">
            <div class="picker-list">
                <label for="available-fields">"All fields"</label>
                <select id="available-fields" size="14" aria-describedby="picker-help"
                    on:change=move |ev| available.set(event_target_value(&ev))
                    on:dblclick=move |_| add()
                    on:keydown=on_available_key>
                    {available_options}
                </select>
            </div>
            <div class="picker-buttons" role="group" aria-label="Change the view's columns">
                <button type="button" on:click=move |_| add() disabled=move || available.with(String::is_empty)>"Add →"</button>
                <button type="button" on:click=move |_| remove() disabled=nothing_picked>"← Remove"</button>
                <button type="button" on:click=move |_| shift(true) disabled=nothing_picked>"↑ Move up"</button>
                <button type="button" on:click=move |_| shift(false) disabled=nothing_picked>"↓ Move down"</button>
            </div>
            <div class="picker-list">
                <label for="view-columns">{move || format!("View columns ({})", columns.with(Vec::len))}</label>
                <select id="view-columns" size="14" aria-describedby="picker-help columns-error"
                    aria-invalid=move || (!problems().is_empty()).to_string()
                    on:change=move |ev| picked.set(event_target_value(&ev).parse().ok())
                    on:dblclick=move |_| remove()
                    on:keydown=on_picked_key>
                    {picked_options}
                </select>
            </div>
            {hidden_inputs}
        </div>
        <p class="help" id="picker-help">
            "Double-click or press Enter to add a field; double-click or press Delete to remove a column; Alt+↑ and Alt+↓ reorder."
        </p>
        <div class="field-error" id="columns-error">
            {move || problems().into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
        </div>
    }
}
