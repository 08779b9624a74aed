//! The element builder: one page, the form on the left and a live preview on the right. New
//! (`…/reports/new`, `…/reports/:id/elements/new`) or editing (`…/reports/:id/elements/:element`).
//! Once the page is live each choice redraws the preview (the server computes the element's
//! table and chart) and the style choices follow the data; without JavaScript the form posts
//! as it is and the answer is the report page.

use leptos::prelude::*;
use leptos_meta::Title;

use super::reports::{id_param, scope_slug, ElementContent, ScopeCrumbs};
use crate::api::reports::{
    builder_choices, preview_element, reports_path, BuilderData, ElementForm, SaveElement, NEW_REPORT, OWN_CRITERIA,
};
use crate::api::UiError;
use crate::domain::filter::{SchemaField, FIELD_SEPARATOR};
use crate::domain::grid::Choice;
use crate::domain::report::{Bucket, ProjectFigure, Source};
use crate::ui::components::{outcome, ActionOutcome, ErrorNote, FieldError, Loaded};
use crate::ui::widgets::{failure, group_names, CriteriaEditor};

#[component]
pub fn ReportBuilderPage() -> impl IntoView {
    let slug = scope_slug();
    let report = id_param("id");
    let element = id_param("element");
    let data =
        Resource::new(move || (slug(), report(), element()), |(slug, report, element)| builder_choices(slug, report, element));
    // The builder's inputs once someone changes one; until then the preview shows the element
    // being edited (or the starting choice), which the server knows without them.
    let edits = RwSignal::new(None::<ElementForm>);
    let preview = Resource::new(
        move || (slug(), report(), element(), edits.get()),
        |(slug, report, element, form)| preview_element(slug, report, element, form),
    );
    let title = move || if element().is_some() { "Edit element" } else { "New report element" };
    let back = move || match report() {
        Some(id) => format!("{}/{id}", reports_path(slug().as_deref())),
        None => reports_path(slug().as_deref()),
    };
    view! {
        <Title text=title />
        <header class="page-header">
            <p class="crumbs"><ScopeCrumbs slug=slug() to_list=true /></p>
            <h1>{title}</h1>
            <p class="muted">"Choose the data, a filter and a style; the preview shows the element as the report will."</p>
        </header>
        <div class="report-builder">
            <section class="panel builder-form">
                <Loaded resource=data loading="Loading fields…" let:data>
                    <ElementBuilderForm data slug=slug() report=report() element=element() edits back=back() />
                </Loaded>
            </section>
            <aside class="panel builder-preview" aria-labelledby="preview-heading" aria-live="polite">
                <h2 id="preview-heading">"Preview"</h2>
                <Transition fallback=|| view! { <p class="loading">"Drawing the preview…"</p> }>
                    {move || Suspend::new(async move {
                        match preview.await {
                            Ok(element) => {
                                let (style, name) = (element.style.as_str(), element.name.clone());
                                view! {
                                <div class="preview-element" data-style=style>
                                    <h3>{name}</h3>
                                    <ElementContent element />
                                </div>
                                }.into_any()
                            }
                            Err(UiError::Invalid(errors)) => view! {
                                <div class="note preview-problems" role="status">
                                    <p>"The preview waits for these choices:"</p>
                                    <ul>{errors.into_iter().map(|e| view! { <li>{e.message}</li> }).collect_view()}</ul>
                                </div>
                            }.into_any(),
                            Err(error) => view! { <ErrorNote error /> }.into_any(),
                        }
                    })}
                </Transition>
            </aside>
        </div>
    }
}

/// `form` with a style that fits its data: the one chosen if it fits, else the first that does.
fn with_fitting_style(mut form: ElementForm, schema: &[SchemaField]) -> ElementForm {
    let fitting = form.fitting_styles(schema);
    if !fitting.iter().any(|style| style.as_str() == form.style) {
        form.style = fitting.first().map(|s| s.as_str().to_string()).unwrap_or_default();
    }
    form
}

/// The whole builder form as the server reads it when it is posted (the same names, the same
/// parser), so the preview shows exactly what saving would save, criteria included. Read once
/// the page has redrawn after the change (a field chosen enables its comparison, say), then
/// handed to `then`.
#[cfg(feature = "hydrate")]
fn read_form_after_redraw(ev: &leptos::ev::Event, then: impl FnOnce(ElementForm) + 'static) {
    use leptos::form::FromFormData;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{Element, FormData, HtmlFormElement};
    let form = ev
        .target()
        .and_then(|target| target.dyn_into::<Element>().ok())
        .and_then(|target| target.closest("form").ok().flatten())
        .and_then(|form| form.dyn_into::<HtmlFormElement>().ok());
    let Some(form) = form else { return };
    request_animation_frame(move || {
        let posted = FormData::new_with_form(&form).ok().and_then(|data| SaveElement::from_form_data(&data).ok());
        if let Some(posted) = posted {
            then(ElementForm { combine: posted.combine, criteria: posted.criteria, ..posted.form });
        }
    });
}

#[cfg(not(feature = "hydrate"))]
fn read_form_after_redraw(_: &leptos::ev::Event, _: impl FnOnce(ElementForm) + 'static) {}

/// The fields a data source offers: the ticket schema for feedback, the users' otherwise.
fn source_schema<'a>(schemas: &'a (Vec<SchemaField>, Vec<SchemaField>), source: &str) -> &'a [SchemaField] {
    if source == Source::Feedback.as_str() {
        &schemas.1
    } else {
        &schemas.0
    }
}

fn field_value(field: &SchemaField) -> String {
    format!("{}{FIELD_SEPARATOR}{}", field.data_group, field.field)
}

#[component]
fn ElementBuilderForm(
    data: BuilderData,
    slug: Option<String>,
    report: Option<i64>,
    element: Option<i64>,
    edits: RwSignal<Option<ElementForm>>,
    back: String,
) -> impl IntoView {
    let save = ServerAction::<SaveElement>::new();
    let saved = outcome(save);
    let schemas = StoredValue::new((data.schema.clone(), data.ticket_schema.clone()));
    let editing = element.is_some() && data.element.is_some();
    let start = data.element.as_ref().map(ElementForm::of).unwrap_or_else(ElementForm::starting);
    let start = edits.get_untracked().unwrap_or(start);
    let form = RwSignal::new(schemas.with_value(|s| with_fitting_style(start.clone(), source_schema(s, &start.source))));
    // Any input that changes (they bubble up to the form): read the form, redraw.
    let on_change = move |ev: leptos::ev::Event| {
        read_form_after_redraw(&ev, move |next| {
            let next = schemas.with_value(|s| {
                let source = next.source.clone();
                with_fitting_style(next, source_schema(s, &source))
            });
            form.set(next.clone());
            edits.set(Some(next));
        });
    };
    let initial = form.get_untracked();
    // The field choices follow the data source (feedback adds the Ticket group).
    let source = Memo::new(move |_| form.with(|f| f.source.clone()));
    let field_select = move |input: &'static str, label: &'static str, chosen: String, blank: &'static str| {
        let options = move || {
            let chosen = form.with_untracked(|f| if input == "field1" { f.field1.clone() } else { f.field2.clone() });
            schemas.with_value(|s| {
                let schema = source_schema(s, &source.get());
                group_names(schema)
                    .into_iter()
                    .map(|group| {
                        let fields = schema
                            .iter()
                            .filter(|f| f.data_group == group)
                            .map(|f| {
                                let value = field_value(f);
                                let selected = value == chosen;
                                view! { <option value=value selected=selected>{format!("{} ({})", f.field, f.field_type.label())}</option> }
                            })
                            .collect_view();
                        view! { <optgroup label=group.clone()>{fields}</optgroup> }
                    })
                    .collect_view()
            })
        };
        view! {
            <div class="field">
                <label for=format!("element-{input}")>{label}</label>
                <select id=format!("element-{input}") name=input>
                    <option value="" selected=chosen.is_empty()>{blank}</option>
                    {options}
                </select>
                <FieldError value=saved field=input />
            </div>
        }
    };
    let first_field = field_select.clone()("field1", "Field", initial.field1.clone(), "No field (count or list users)");
    let second_field = field_select("field2", "Second field (optional)", initial.field2.clone(), "None");
    let checked = |source: Source| initial.source == source.as_str();
    let (is_project, is_feedback) = (checked(Source::Project), checked(Source::Feedback));
    let is_users = !is_project && !is_feedback;
    let offers_feedback = !data.ticket_schema.is_empty();
    let figure_options = ProjectFigure::ALL
        .into_iter()
        .map(|figure| {
            let selected = initial.figure == figure.as_str() || (initial.figure.is_empty() && figure == ProjectFigure::Users);
            view! { <option value=figure.as_str() selected=selected>{figure.label()}</option> }
        })
        .collect_view();
    let filter_options = data
        .filters
        .iter()
        .map(|f| view! { <option value=f.id.to_string() selected=initial.filter == f.id.to_string()>{f.name.clone()}</option> })
        .collect_view();
    let style_options = move || {
        let current = form.get();
        schemas
            .with_value(|s| current.fitting_styles(source_schema(s, &current.source)))
            .into_iter()
            .map(|style| view! { <option value=style.as_str() selected=current.style == style.as_str()>{style.label()}</option> })
            .collect_view()
    };
    let bucket_options = [Bucket::Day, Bucket::Week, Bucket::Month]
        .into_iter()
        .map(|b| {
            let selected = initial.bucket == b.as_str() || (initial.bucket.is_empty() && b == Bucket::Day);
            view! { <option value=b.as_str() selected=selected>{capitalised(b.as_str())}</option> }
        })
        .collect_view();
    let destination = report.map(|id| id.to_string()).unwrap_or_else(|| NEW_REPORT.to_string());
    let report_name = report.and_then(|id| data.reports.iter().find(|r| r.id == id)).map(|r| r.name.clone());
    let destination_choice = (!editing).then(|| {
        let options = data
            .reports
            .iter()
            .map(|r| view! { <option value=r.id.to_string() selected=destination == r.id.to_string()>{r.name.clone()}</option> })
            .collect_view();
        view! {
            <fieldset class="destination">
                <legend>"Destination report"</legend>
                <div class="field">
                    <label for="element-destination">"Add to"</label>
                    <select id="element-destination" name="destination">
                        <option value=NEW_REPORT selected=destination == NEW_REPORT>"A new report…"</option>
                        {options}
                    </select>
                    <FieldError value=saved field="destination" />
                </div>
                <div class="field new-report-name">
                    <label for="element-new-report">"New report's name"</label>
                    <input id="element-new-report" name="new_report" maxlength="120" placeholder="Weekly beta health" />
                    <FieldError value=saved field="new_report" />
                </div>
            </fieldset>
        }
    });
    let in_report = editing.then(|| report_name.map(|name| view! { <p class="muted">{format!("In the report “{name}”.")}</p> }));
    let own_criteria = data.element.as_ref().and_then(|e| match &e.filter {
        Some(Choice::Inline(filter)) => Some(filter.clone()),
        _ => None,
    });
    let criteria_errors = failure(saved);
    view! {
        <ActionForm action=save attr:class="element-form">
            <ActionOutcome value=saved success=|_| "Element saved.".to_string() />
            <div class="element-inputs" on:change=on_change>
            {slug.map(|slug| view! { <input type="hidden" name="slug" value=slug /> })}
            {editing.then(|| view! {
                <input type="hidden" name="report" value=report.unwrap_or_default().to_string() />
                <input type="hidden" name="element" value=element.unwrap_or_default().to_string() />
            })}
            {in_report}
            <fieldset class="source">
                <legend>"Data source"</legend>
                <label class="choice"><input type="radio" name="source" value="users" checked=is_users />"Users"</label>
                <label class="choice"><input type="radio" name="source" value="project" checked=is_project />"Project information"</label>
                {offers_feedback.then(|| view! {
                    <label class="choice"><input type="radio" name="source" value="feedback" checked=is_feedback />"Feedback"</label>
                })}
            </fieldset>
            <div class="field project-only">
                <label for="element-figure">"Figure"</label>
                <select id="element-figure" name="figure">
                    {figure_options}
                </select>
                <FieldError value=saved field="figure" />
            </div>
            <fieldset class="data users-only">
                <legend>"Data"</legend>
                {first_field}
                {second_field}
            </fieldset>
            <div class="field">
                <label for="element-filter">"Filter"</label>
                <select id="element-filter" name="filter">
                    <option value="" selected=initial.filter.is_empty()>"No filter: every user"</option>
                    {filter_options}
                    <option value=OWN_CRITERIA selected=initial.filter == OWN_CRITERIA>"Criteria written here…"</option>
                </select>
                <FieldError value=saved field="filter" />
            </div>
            // Shown (by the style sheet, JavaScript or not) when the filter is written here.
            <fieldset class="own-criteria">
                <legend>"Criteria for this element"</legend>
                {move || {
                    // Drawn again for another data source: a ticket's fields are offered for feedback.
                    let feedback = source.get() == Source::Feedback.as_str();
                    let schema = schemas.with_value(|s| source_schema(s, &source.get()).to_vec());
                    let lead = if feedback { "Tickets matching" } else { "Users matching" };
                    view! { <CriteriaEditor schema filter=own_criteria.clone() errors=criteria_errors lead /> }
                }}
            </fieldset>
            <div class="form-row">
                <div class="field">
                    <label for="element-style">"Style"</label>
                    <select id="element-style" name="style">
                        {style_options}
                    </select>
                    <p class="help">"Only the styles that fit the data are offered."</p>
                    <FieldError value=saved field="style" />
                </div>
                <div class="field bucket">
                    <label for="element-bucket">"Count by (line)"</label>
                    <select id="element-bucket" name="bucket">
                        {bucket_options}
                    </select>
                </div>
            </div>
            <div class="field">
                <label for="element-name">"Element name"</label>
                <input id="element-name" name="name" required maxlength="120" value=initial.name.clone() placeholder="Plan mix" />
                <FieldError value=saved field="name" />
            </div>
            {destination_choice}
            </div>
            <div class="actions">
                <button type="submit" class="button-primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save element" }}
                </button>
                <a href=back>"Cancel"</a>
            </div>
        </ActionForm>
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
