//! The listener page's panels for who may be updated (the filter gate) and who may send
//! (signed requests). Both work as plain forms with JavaScript off.

use leptos::prelude::*;
use serde_json::Value as Json;

use crate::api::gates::{GateView, SetListenerFilter, SetListenerSigning};
use crate::api::UiError;
use crate::domain::filter::{field_choice, Criterion, Qualifier, SchemaField};
use crate::ui::components::{outcome, ActionOutcome, Loaded};

/// Every qualifier, text ones first, in the order the domain lists them per type, each once.
fn qualifiers() -> Vec<Qualifier> {
    use crate::domain::fields::FieldType;
    let mut all: Vec<Qualifier> = Vec::new();
    for field_type in [FieldType::String, FieldType::Integer, FieldType::Boolean, FieldType::DateTime] {
        for qualifier in Qualifier::for_type(field_type) {
            if !all.contains(qualifier) {
                all.push(*qualifier);
            }
        }
    }
    all
}

/// A criterion's value as the form's one or two text inputs.
fn value_texts(value: &Option<Json>) -> (String, String) {
    let text = |v: &Json| match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    match value {
        Some(Json::Array(pair)) if pair.len() == 2 => (text(&pair[0]), text(&pair[1])),
        Some(value) => (text(value), String::new()),
        None => (String::new(), String::new()),
    }
}

#[component]
pub fn GatePanels(
    slug: String,
    key: String,
    gate: Resource<Result<GateView, UiError>>,
    set_filter: ServerAction<SetListenerFilter>,
    set_signing: ServerAction<SetListenerSigning>,
) -> impl IntoView {
    view! {
        <Loaded resource=gate loading="Loading filter and signing…" let:view>
            <FilterPanel slug=slug.clone() key=key.clone() view=view.clone() action=set_filter />
            <SigningPanel slug=slug.clone() key=key.clone() view action=set_signing />
        </Loaded>
    }
}

#[component]
fn FilterPanel(slug: String, key: String, view: GateView, action: ServerAction<SetListenerFilter>) -> impl IntoView {
    let value = outcome(action);
    let criteria = view.filter.as_ref().map(|f| f.criteria.clone()).unwrap_or_default();
    let any = view.filter.as_ref().is_some_and(|f| f.combine == crate::domain::filter::Combine::Any);
    let (extra, set_extra) = signal(if criteria.is_empty() { 2usize } else { 1 });
    let schema = StoredValue::new(view.schema);
    let existing = criteria.len();
    view! {
        <section class="panel">
            <h2>"Filter"</h2>
            <p>{match view.description {
                Some(text) => view! { "Only users matching " <strong>{text}</strong> " are updated; others get 422." }.into_any(),
                None if view.broken.is_none() => "No filter: every user of the project can be updated.".into_any(),
                None => ().into_any(),
            }}</p>
            {view.broken.map(|why| view! {
                <p class="note note-error" role="alert">"The filter no longer fits the project's fields (" {why}
                    "). Deliveries get 409 until it is fixed; replay them afterwards."</p>
            })}
            <ActionForm action>
                <ActionOutcome value success=|message| message />
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="key" value=key />
                <label for="gate-combine" class="inline-choice">"Update users who match "
                    <select id="gate-combine" name="combine">
                        <option value="all" selected=!any>"all"</option>
                        <option value="any" selected=any>"any"</option>
                    </select>
                    " of these criteria"</label>
                <table class="grid compact gate">
                    <thead><tr><th>"Field"</th><th>"Comparison"</th><th>"Value"</th><th>"…and (between)"</th></tr></thead>
                    <tbody>
                        {criteria.into_iter().enumerate().map(|(index, criterion)| {
                            view! { <CriterionInputs index schema=schema.get_value() criterion=Some(criterion) value /> }
                        }).collect_view()}
                        {move || (0..extra.get()).map(|n| {
                            view! { <CriterionInputs index=existing + n schema=schema.get_value() criterion=None value /> }
                        }).collect_view()}
                    </tbody>
                </table>
                <button type="button" class="button-quiet" on:click=move |_| set_extra.update(|n| *n += 1)>"+ Add criterion"</button>
                <p class="help">"Dates as YYYY-MM-DD. Text comparisons ignore case. Leave every row blank to remove the filter."</p>
                <button type="submit" disabled=move || action.pending().get()>"Save filter"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub(crate) fn CriterionInputs(
    index: usize,
    schema: Vec<SchemaField>,
    criterion: Option<Criterion>,
    value: Signal<Option<Result<String, UiError>>>,
) -> impl IntoView {
    let name = move |part: &str| format!("criteria[{index}][{part}]");
    let error_for = move |part: &'static str| {
        move || {
            value.with(|v| match v {
                Some(Err(error)) => error.field(&format!("criteria[{index}].{part}")),
                _ => None,
            })
        }
    };
    let chosen = criterion.as_ref().map(|c| field_choice(&c.data_group, &c.field)).unwrap_or_default();
    let qualifier = criterion.as_ref().map(|c| c.qualifier);
    let (first, second) = value_texts(&criterion.as_ref().and_then(|c| c.value.clone()));
    let mut groups: Vec<String> = Vec::new();
    for field in &schema {
        if !groups.contains(&field.data_group) {
            groups.push(field.data_group.clone());
        }
    }
    view! {
        <tr>
            <td>
                <select name=name("field") aria-label=format!("Criterion {} field", index + 1)>
                    <option value="">"—"</option>
                    {groups.into_iter().map(|group| {
                        let options = schema.iter().filter(|f| f.data_group == group).map(|f| {
                            let choice = field_choice(&f.data_group, &f.field);
                            let selected = choice == chosen;
                            view! { <option value=choice selected=selected>{format!("{} ({})", f.field, f.field_type.label())}</option> }
                        }).collect_view();
                        view! { <optgroup label=group>{options}</optgroup> }
                    }).collect_view()}
                </select>
                <p class="field-error">{error_for("field")}</p>
            </td>
            <td>
                <select name=name("qualifier") aria-label=format!("Criterion {} comparison", index + 1)>
                    {qualifiers().into_iter().map(|q| view! {
                        <option value=q.as_str() selected=Some(q) == qualifier>{q.label()}</option>
                    }).collect_view()}
                </select>
                <p class="field-error">{error_for("qualifier")}</p>
            </td>
            <td>
                <input name=name("value") value=first aria-label=format!("Criterion {} value", index + 1) maxlength="4000" />
                <p class="field-error">{error_for("value")}</p>
            </td>
            <td><input name=name("value2") value=second aria-label=format!("Criterion {} second value", index + 1) maxlength="4000" /></td>
        </tr>
    }
}

#[component]
fn SigningPanel(slug: String, key: String, view: GateView, action: ServerAction<SetListenerSigning>) -> impl IntoView {
    let value = outcome(action);
    let form = move |require: bool, label: &'static str, class: &'static str| {
        let (slug, key) = (slug.clone(), key.clone());
        view! {
            <ActionForm action>
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="key" value=key />
                <input type="hidden" name="require" value=require.to_string() />
                <button type="submit" class=class disabled=move || action.pending().get()>{label}</button>
            </ActionForm>
        }
    };
    view! {
        <section class="panel">
            <h2>"Signed requests"</h2>
            <ActionOutcome value success=|required| if required { "A new signing secret is in force.".to_string() } else { "Requests no longer need a signature.".to_string() } />
            {match view.signing_secret {
                Some(secret) => view! {
                    <p>"Requests must be signed: send the Unix time in " <code>"X-Inlet-Timestamp"</code> " and "
                        <code>"X-Inlet-Signature: sha256=<hex>"</code> ", the HMAC-SHA256 under this secret of the timestamp, a dot and the exact body."</p>
                    <details>
                        <summary>"Show signing secret"</summary>
                        <div class="copy-row">
                            <input id="signing-secret" readonly class="mono" value=secret aria-label="Signing secret" />
                            <button type="button" data-copy="signing-secret">"Copy"</button>
                        </div>
                    </details>
                    <pre class="code">{SIGNED_EXAMPLE}</pre>
                    <div class="actions">
                        {form(true, "New secret", "")}
                        {form(false, "Stop requiring signatures", "button-danger")}
                    </div>
                }.into_any(),
                None if view.can_sign => view! {
                    <p>"Anyone holding an API key can post to this listener. Require signatures so that only a sender holding its secret can, and captured requests cannot be replayed."</p>
                    {form(true, "Require signed requests", "")}
                }.into_any(),
                None => view! {
                    <p class="muted">"Signed requests need INLET_SECRET_KEY on the server (64 hex digits, e.g. from openssl rand -hex 32)."</p>
                }.into_any(),
            }}
        </section>
    }
}

const SIGNED_EXAMPLE: &str = "body='{\"sessions\": 12}'; ts=$(date +%s)
sig=$(printf '%s.%s' \"$ts\" \"$body\" | openssl dgst -sha256 -hmac \"$SECRET\" | sed 's/^.* //')
curl -X POST \"$ENDPOINT\" -H \"X-Api-Key: $KEY\" -H 'Content-Type: application/json' \\
  -H \"X-Inlet-Timestamp: $ts\" -H \"X-Inlet-Signature: sha256=$sig\" -d \"$body\"";
