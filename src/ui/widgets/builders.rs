//! The filter builder and the view builder: a name plus the criteria editor or the column
//! picker. They render inputs only; the caller's form decides where they are saved (saved
//! filters and views of the user grid today, the feedback grid's later).

use leptos::prelude::*;

use super::{ColumnPicker, CriteriaEditor};
use crate::api::UiError;
use crate::domain::filter::{Filter, SchemaField};

#[component]
fn NameInput(id: &'static str, label: &'static str, value: String, errors: Signal<Option<UiError>>) -> impl IntoView {
    let error = Signal::derive(move || errors.with(|e| e.as_ref().and_then(|e| e.field("name"))));
    let error_id = format!("{id}-error");
    view! {
        <div class="field name-field">
            <label for=id>{label}</label>
            <input id=id name="name" value=value required maxlength="120" autocomplete="off"
                aria-invalid=move || error.with(Option::is_some).to_string() aria-describedby=error_id.clone() />
            <p class="field-error" id=error_id>{error}</p>
        </div>
    }
}

#[component]
pub fn FilterBuilder(
    /// The fields criteria may name, grouped by data group.
    schema: Vec<SchemaField>,
    #[prop(optional)] name: String,
    filter: Option<Filter>,
    errors: Signal<Option<UiError>>,
) -> impl IntoView {
    view! {
        <NameInput id="filter-name" label="Filter name" value=name errors />
        <CriteriaEditor schema filter errors lead="Show users who match " />
        <p class="help">"Text comparisons ignore case. A row without a field is left out."</p>
    }
}

#[component]
pub fn ViewBuilder(
    /// Every field a column may show, grouped by data group.
    schema: Vec<SchemaField>,
    #[prop(optional)] name: String,
    /// The columns to start from, as (data group, field).
    columns: Vec<(String, String)>,
    errors: Signal<Option<UiError>>,
) -> impl IntoView {
    view! {
        <NameInput id="view-name" label="View name" value=name errors />
        <ColumnPicker schema columns errors />
    }
}
