//! Management › Users › Project users › User automation › a listener › Edit: its name, the
//! unknown-user policy and its fields (rename, re-map, add, unmap).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::listeners::{load_listener, UpdateListener};
use crate::api::UiError;
use crate::domain::fields::FieldType;
use crate::domain::listener::{Listener, ListenerField, UnknownUserPolicy};
use crate::ui::components::{outcome, ActionOutcome, FieldError, Loaded};
use crate::ui::frame::project_slug;

/// The last result of the edit form.
type EditOutcome = Signal<Option<Result<String, UiError>>>;

#[component]
pub fn EditListenerPage() -> impl IntoView {
    let slug = project_slug();
    let params = use_params_map();
    let key = move || params.read().get("key").unwrap_or_default();
    let update = ServerAction::<UpdateListener>::new();
    let value = outcome(update);
    let listener = Resource::new(move || (slug(), key()), |(slug, key)| load_listener(slug, key));
    view! {
        <Title text="Edit external listener" />
        <Loaded resource=listener loading="Loading listener…" let:listener>
            <EditListenerForm slug=slug() listener update value />
        </Loaded>
    }
}

/// The form, prefilled with the listener as it is. It posts the whole field list: rows of
/// the listener's mappings (by field id), then new rows; "+ Add field" adds new rows when
/// JavaScript runs, and one new row is always there for when it does not.
#[component]
fn EditListenerForm(slug: String, listener: Listener, update: ServerAction<UpdateListener>, value: EditOutcome) -> impl IntoView {
    let mapped = listener.fields.len();
    let (new_rows, set_new_rows) = signal(1usize);
    let listener_href = format!("/p/{slug}/automation/{}", listener.key);
    let policy = listener.unknown_user;
    view! {
        <header class="page-header">
            <p class="crumbs">
                <a href=format!("/p/{slug}/automation")>"User automation"</a>" › "
                <a href=listener_href.clone()>{listener.key.clone()}</a>" › Edit"
            </p>
            <h1>{format!("Edit {}", listener.name)}</h1>
        </header>
        <section class="panel">
            <ActionForm action=update>
                <ActionOutcome value success=|key| format!("Listener {key} saved.") />
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="key" value=listener.key.clone() />
                <div class="form-row">
                    <div class="field">
                        <label for="listener-name">"Name"</label>
                        <input id="listener-name" name="name" required maxlength="120" value=listener.name.clone() />
                        <FieldError value field="name" />
                    </div>
                    <div class="field">
                        <label for="listener-unknown">"Unknown users"</label>
                        <select id="listener-unknown" name="unknown_user">
                            <option value="reject" selected=policy == UnknownUserPolicy::Reject>"Reject (404)"</option>
                            <option value="create" selected=policy == UnknownUserPolicy::Create>"Create them (email only)"</option>
                        </select>
                        <FieldError value field="unknown_user" />
                    </div>
                </div>
                <div class="form-row">
                    <div class="field">
                        <label for="listener-key">"Key"</label>
                        <input id="listener-key" class="mono" readonly value=listener.key.clone() />
                    </div>
                    <div class="field">
                        <label for="listener-group">"Data group"</label>
                        <input id="listener-group" readonly value=listener.data_group.clone() />
                    </div>
                    <div class="field">
                        <label for="listener-identify">"Identify users by"</label>
                        <input id="listener-identify" readonly value=listener.identify_by.as_str() />
                    </div>
                </div>
                <p class="help">"The key, data group and identification stay as created: senders already post to this endpoint. Create another listener to change them."</p>
                <fieldset class="fields">
                    <legend>"External data fields"</legend>
                    <FieldError value field="fields" />
                    <table class="grid compact">
                        <thead><tr><th>"Label"</th><th>"Parameter"</th><th>"Type"</th><th>"Remove"</th></tr></thead>
                        <tbody>
                            {listener.fields.into_iter().enumerate().map(|(index, field)| view! { <MappedFieldRow index field value /> }).collect_view()}
                            <For each=move || 0..new_rows.get() key=|n| *n let:n>
                                <NewFieldRow index=mapped + n value />
                            </For>
                        </tbody>
                    </table>
                    <button type="button" class="button-quiet" on:click=move |_| set_new_rows.update(|n| *n += 1)>"+ Add field"</button>
                    <p class="help">
                        "A new label renames the field in its data group. A field keeps its type: map the parameter to a new field for another type. "
                        "Removing a row only unmaps it from this listener: the field and the values already stored stay in the data group."
                    </p>
                </fieldset>
                <div class="actions">
                    <button type="submit" class="button-primary" disabled=move || update.pending().get()>
                        {move || if update.pending().get() { "Saving…" } else { "Save changes" }}
                    </button>
                    " "
                    <a href=listener_href>"Cancel"</a>
                </div>
            </ActionForm>
        </section>
    }
}

/// A mapping the listener has: label and parameter editable, type shown, Remove to unmap.
#[component]
fn MappedFieldRow(index: usize, field: ListenerField, value: EditOutcome) -> impl IntoView {
    let name = move |part: &str| format!("fields[{index}][{part}]");
    let (removing, set_removing) = signal(false);
    view! {
        <tr class:removing=removing>
            <td>
                <input type="hidden" name=name("field_id") value=field.field_id.to_string() />
                <input name=name("label") aria-label=format!("Field {} label", index + 1) maxlength="100" value=field.label />
                <RowError value index part="label" />
                <RowError value index part="field_id" />
            </td>
            <td>
                <input name=name("parameter") aria-label=format!("Field {} parameter", index + 1) maxlength="200" value=field.parameter />
                <RowError value index part="parameter" />
            </td>
            <td>
                <span title="A field keeps its type">{field.field_type.label()}</span>
                <RowError value index part="type" />
            </td>
            <td>
                <label class="remove">
                    <input type="checkbox" name=name("remove") value="on" aria-label=format!("Remove field {}", index + 1)
                        on:change=move |ev| set_removing.set(event_target_checked(&ev)) />
                    " Remove"
                </label>
            </td>
        </tr>
    }
}

/// A new mapping; left blank, it is ignored.
#[component]
fn NewFieldRow(index: usize, value: EditOutcome) -> impl IntoView {
    let name = move |part: &str| format!("fields[{index}][{part}]");
    let (removing, set_removing) = signal(false);
    view! {
        <tr class="new-field" class:removing=removing>
            <td>
                <input name=name("label") aria-label=format!("Field {} label", index + 1) maxlength="100" placeholder="New field" />
                <RowError value index part="label" />
            </td>
            <td>
                <input name=name("parameter") aria-label=format!("Field {} parameter", index + 1) maxlength="200" />
                <RowError value index part="parameter" />
            </td>
            <td>
                <select name=name("type") aria-label=format!("Field {} type", index + 1)>
                    {FieldType::ALL.into_iter().map(|t| view! { <option value=t.as_str()>{t.label()}</option> }).collect_view()}
                </select>
                <RowError value index part="type" />
            </td>
            <td>
                <label class="remove">
                    <input type="checkbox" name=name("remove") value="on" aria-label=format!("Remove field {}", index + 1)
                        on:change=move |ev| set_removing.set(event_target_checked(&ev)) />
                    " Remove"
                </label>
            </td>
        </tr>
    }
}

/// The inline error of one member of one row, when the last submission named it.
#[component]
fn RowError(value: EditOutcome, index: usize, part: &'static str) -> impl IntoView {
    move || {
        value
            .with(|v| match v {
                Some(Err(error)) => error.field(&format!("fields[{index}].{part}")),
                _ => None,
            })
            .map(|message| view! { <p class="field-error">{message}</p> })
    }
}
