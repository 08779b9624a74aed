//! The criteria editor: one row per criterion (data group, field, a qualifier offered for the
//! field's type, a value input that fits the type), "Add criterion", and all/any. It takes the
//! fields it offers from outside and only renders form inputs, so any form can hold it: saved
//! filters, listener gates, and later the feedback grid. The inputs are named as
//! `CriterionRow` reads them (`combine`, `criteria[i][field|qualifier|value|value2]`).

use leptos::prelude::*;

use crate::api::UiError;
use crate::domain::fields::{same_label, FieldType};
use crate::domain::filter::{field_choice, value_texts, Combine, Filter, Qualifier, SchemaField};

/// One criterion as the editor holds it while a person edits it.
#[derive(Clone, Copy)]
struct Row {
    id: usize,
    group: RwSignal<String>,
    /// The field's name inside `group`; empty: none chosen (the row is skipped).
    field: RwSignal<String>,
    qualifier: RwSignal<String>,
    value: RwSignal<String>,
    value2: RwSignal<String>,
}

impl Row {
    fn new(id: usize, group: String, field: String, qualifier: String, (value, value2): (String, String)) -> Self {
        Self {
            id,
            group: RwSignal::new(group),
            field: RwSignal::new(field),
            qualifier: RwSignal::new(qualifier),
            value: RwSignal::new(value),
            value2: RwSignal::new(value2),
        }
    }
}

/// The data groups of `schema` in order, each once.
pub fn group_names(schema: &[SchemaField]) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for field in schema {
        if !groups.contains(&field.data_group) {
            groups.push(field.data_group.clone());
        }
    }
    groups
}

/// How many rows the errors of a submission name (`criteria[3].value` names four).
fn last_error_row(error: &UiError) -> usize {
    match error {
        UiError::Invalid(errors) => errors
            .iter()
            .filter_map(|e| e.field.strip_prefix("criteria[")?.split(']').next()?.parse::<usize>().ok())
            .map(|row| row + 1)
            .max()
            .unwrap_or(0),
        _ => 0,
    }
}

/// What kind of input a qualifier on a field type takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ValueInput {
    None,
    One(&'static str),
    Two(&'static str),
    Days,
}

fn value_input(field_type: Option<FieldType>, qualifier: Option<Qualifier>) -> ValueInput {
    use Qualifier as Q;
    let (Some(field_type), Some(qualifier)) = (field_type, qualifier) else {
        return ValueInput::One("text");
    };
    let kind = match field_type {
        FieldType::Integer => "number",
        FieldType::DateTime => "date",
        _ => "text",
    };
    match qualifier {
        Q::IsEmpty | Q::IsNotEmpty | Q::IsTrue | Q::IsFalse => ValueInput::None,
        Q::Between => ValueInput::Two(kind),
        Q::InLastDays => ValueInput::Days,
        _ => ValueInput::One(kind),
    }
}

/// A date input only shows `YYYY-MM-DD`; a stored instant with a time is edited as text.
fn input_kind(kind: &'static str, current: &str) -> &'static str {
    let plain_date = current.is_empty() || chrono::NaiveDate::parse_from_str(current, "%Y-%m-%d").is_ok();
    if kind == "date" && !plain_date {
        "text"
    } else {
        kind
    }
}

#[component]
pub fn CriteriaEditor(
    /// The fields a criterion may name, grouped by data group in this order.
    schema: Vec<SchemaField>,
    /// The criteria to start from (`None`: blank rows).
    filter: Option<Filter>,
    /// The last submission's error: messages go beside the inputs they name.
    errors: Signal<Option<UiError>>,
    /// The words before and after the all/any choice.
    lead: &'static str,
    #[prop(default = "of these criteria")] tail: &'static str,
) -> impl IntoView {
    let schema = StoredValue::new(schema);
    let groups = StoredValue::new(group_names(&schema.read_value()));
    let first_group = groups.read_value().first().cloned().unwrap_or_default();
    let any = filter.as_ref().is_some_and(|f| f.combine == Combine::Any);
    let mut rows: Vec<Row> = filter
        .map(|f| f.criteria)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(id, c)| {
            // Spelled as the schema spells it, so the choices below find it.
            let known = schema
                .read_value()
                .iter()
                .find(|f| same_label(&f.data_group, &c.data_group) && same_label(&f.field, &c.field))
                .cloned();
            let (group, field) = known.map_or((c.data_group.clone(), c.field.clone()), |f| (f.data_group, f.field));
            Row::new(id, group, field, c.qualifier.as_str().to_string(), value_texts(&c.value))
        })
        .collect();
    // At least one row, and a row for every error of the last submission: without JavaScript
    // the page comes back with the stored criteria, and a refused row's message needs a place.
    let wanted = errors.with_untracked(|e| e.as_ref().map_or(0, last_error_row)).max(rows.len()).max(1);
    while rows.len() < wanted {
        rows.push(Row::new(rows.len(), first_group.clone(), String::new(), String::new(), Default::default()));
    }
    let next_id = StoredValue::new(rows.len());
    let rows = RwSignal::new(rows);
    let add = move |_| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        let row = Row::new(id, first_group.clone(), String::new(), String::new(), Default::default());
        rows.update(|rows| rows.push(row));
        focus_later(format!("criterion-{}-group", rows.with_untracked(Vec::len) - 1));
    };

    view! {
        <div class="criteria-editor">
            <label for="criteria-combine" class="inline-choice">{lead}
                <select id="criteria-combine" name="combine">
                    <option value="all" selected=!any>"all"</option>
                    <option value="any" selected=any>"any"</option>
                </select>
                {tail}
            </label>
            <ol class="criteria">
                {move || {
                    rows.get()
                        .into_iter()
                        .enumerate()
                        .map(|(index, row)| {
                            let remove = move |_| rows.update(|rows| rows.retain(|r| r.id != row.id));
                            view! { <CriterionRow index row schema groups errors remove /> }
                        })
                        .collect_view()
                }}
            </ol>
            <button type="button" class="button-quiet add-criterion" on:click=add>"+ Add criterion"</button>
        </div>
    }
}

/// Moves the keyboard focus to the element with this id once the browser has drawn it.
fn focus_later(id: String) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use leptos::wasm_bindgen::JsCast;
        if let Some(element) = document().get_element_by_id(&id).and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

#[component]
fn CriterionRow(
    index: usize,
    row: Row,
    schema: StoredValue<Vec<SchemaField>>,
    groups: StoredValue<Vec<String>>,
    errors: Signal<Option<UiError>>,
    remove: impl Fn(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    let number = index + 1;
    let name = move |part: &str| format!("criteria[{index}][{part}]");
    let id = move |part: &str| format!("criterion-{index}-{part}");
    let error = move |part: &'static str| {
        Signal::derive(move || errors.with(|e| e.as_ref().and_then(|e| e.field(&format!("criteria[{index}].{part}")))))
    };
    let chosen = Memo::new(move |_| {
        let (group, field) = (row.group.get(), row.field.get());
        schema.read_value().iter().find(|f| f.data_group == group && f.field == field).cloned()
    });
    let field_type = Memo::new(move |_| chosen.get().map(|f| f.field_type));
    let qualifier = Memo::new(move |_| {
        let offered = field_type.get().map(Qualifier::for_type).unwrap_or_default();
        let current = Qualifier::parse(&row.qualifier.get());
        current.filter(|q| offered.contains(q)).or_else(|| offered.first().copied())
    });
    let field_error = error("field");
    let qualifier_error = error("qualifier");
    let value_error = error("value");

    let group_options = move || {
        groups
            .read_value()
            .iter()
            .map(|group| {
                let selected = *group == row.group.get();
                view! { <option value=group.clone() selected=selected>{group.clone()}</option> }
            })
            .collect_view()
    };
    let field_options = move || {
        let group = row.group.get();
        let field = row.field.get();
        schema
            .read_value()
            .iter()
            .filter(|f| f.data_group == group)
            .map(|f| {
                let label = format!("{} ({})", f.field, f.field_type.label());
                let selected = f.field == field;
                view! { <option value=field_choice(&f.data_group, &f.field) selected=selected>{label}</option> }
            })
            .collect_view()
    };
    let qualifier_options = move || {
        let current = qualifier.get();
        field_type
            .get()
            .map(Qualifier::for_type)
            .unwrap_or_default()
            .iter()
            .map(|q| view! { <option value=q.as_str() selected=Some(*q) == current>{q.label()}</option> })
            .collect_view()
    };
    let on_field = move |ev| {
        let choice = event_target_value(&ev);
        let field = choice.split_once(crate::domain::filter::FIELD_SEPARATOR).map(|(_, f)| f.to_string()).unwrap_or_default();
        row.field.set(field);
    };
    let value_inputs = move || {
        let input = value_input(field_type.get(), qualifier.get());
        let invalid = move || value_error.with(Option::is_some).to_string();
        let first = move |kind: &'static str, label: String| {
            let kind = input_kind(kind, &row.value.get_untracked());
            view! {
                <input id=id("value") name=name("value") type=kind step=(kind == "number").then_some("1")
                    value=row.value.get_untracked() aria-label=label maxlength="4000"
                    aria-invalid=invalid aria-describedby=id("value-error")
                    on:input=move |ev| row.value.set(event_target_value(&ev)) />
            }
        };
        let second = move |kind: &'static str| {
            let kind = input_kind(kind, &row.value2.get_untracked());
            view! {
                <span class="and">"and"</span>
                <input id=id("value2") name=name("value2") type=kind step=(kind == "number").then_some("1")
                    value=row.value2.get_untracked() aria-label=format!("Criterion {number} second value") maxlength="4000"
                    on:input=move |ev| row.value2.set(event_target_value(&ev)) />
            }
        };
        let label = format!("Criterion {number} value");
        match input {
            ValueInput::None => view! { <span class="muted no-value">"no value needed"</span> }.into_any(),
            ValueInput::One(kind) => first(kind, label).into_any(),
            ValueInput::Two(kind) => view! { {first(kind, label)} {second(kind)} }.into_any(),
            ValueInput::Days => view! {
                <input id=id("value") name=name("value") type="number" min="1" max="36500" step="1" class="days"
                    value=row.value.get_untracked() aria-label=label aria-invalid=invalid aria-describedby=id("value-error")
                    on:input=move |ev| row.value.set(event_target_value(&ev)) />
                <span class="and">"days"</span>
            }
            .into_any(),
        }
    };

    view! {
        <li class="criterion">
            <div class="criterion-inputs">
                <select id=id("group") aria-label=format!("Criterion {number} data group")
                    on:change=move |ev| { row.group.set(event_target_value(&ev)); row.field.set(String::new()); }>
                    {group_options}
                </select>
                <select id=id("field") name=name("field") aria-label=format!("Criterion {number} field")
                    aria-invalid=move || field_error.with(Option::is_some).to_string() aria-describedby=id("field-error")
                    on:change=on_field>
                    <option value="" selected=move || row.field.get().is_empty()>"—"</option>
                    {field_options}
                </select>
                <select id=id("qualifier") name=name("qualifier") aria-label=format!("Criterion {number} comparison")
                    disabled=move || field_type.get().is_none()
                    on:change=move |ev| row.qualifier.set(event_target_value(&ev))>
                    {qualifier_options}
                </select>
                <span class="criterion-value">{value_inputs}</span>
                <button type="button" class="button-quiet remove" aria-label=format!("Remove criterion {number}") title="Remove"
                    on:click=remove>"×"</button>
            </div>
            <p class="field-error" id=id("field-error")>{field_error}{qualifier_error}</p>
            <p class="field-error" id=id("value-error")>{value_error}</p>
        </li>
    }
}
