//! Management › Users (or › Feedback) › a saved filter or view: new, or an existing one to
//! edit, rename, clone (views) or delete. Saving goes back to the grid showing it. The same
//! pages serve both subjects: over feedback the builders offer the ticket schema (the Ticket
//! group, then every submitter group) and the forms carry `subject=feedback`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::grid::{load_grid_choices, CloneView, DeleteFilter, DeleteView, GridChoices, SaveFilter, SaveView};
use crate::domain::feedback::grid::default_ticket_view;
use crate::domain::grid::{SavedSubject, View};
use crate::ui::components::{outcome, ActionOutcome, Loaded};
use crate::ui::frame::project_slug;
use crate::ui::widgets::{failure, FilterBuilder, ViewBuilder};

/// The `:id` of the route (none on `…/new`) and the other choice to keep (`?view=` / `?filter=`).
fn ids(keep: &'static str) -> (impl Fn() -> Option<i64> + Copy + Send + Sync, impl Fn() -> Option<i64> + Copy + Send + Sync) {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok());
    let kept = move || query.read().get(keep).and_then(|id| id.parse::<i64>().ok());
    (id, kept)
}

/// The grid the builder came from (keeping the other choice).
fn grid_link(slug: &str, subject: SavedSubject, keep: &str, kept: Option<i64>) -> String {
    let page = subject.page();
    match kept {
        Some(id) => format!("/p/{slug}/{page}?{keep}={id}"),
        None => format!("/p/{slug}/{page}"),
    }
}

/// What the crumbs call the grid the builder belongs to.
fn grid_name(subject: SavedSubject) -> &'static str {
    match subject {
        SavedSubject::Users => "Project users",
        SavedSubject::Feedback => "Feedback",
    }
}

/// The subject's hidden input (none for users, the forms' default).
fn subject_input(subject: SavedSubject) -> impl IntoView {
    (subject != SavedSubject::Users).then(|| view! { <input type="hidden" name="subject" value=subject.as_str() /> })
}

/// A saved filter of users (Management › Users › Filters).
#[component]
pub fn FilterPage() -> impl IntoView {
    filter_page(SavedSubject::Users)
}

/// A saved filter of feedback (Management › Feedback › Filters).
#[component]
pub fn FeedbackFilterPage() -> impl IntoView {
    filter_page(SavedSubject::Feedback)
}

/// A saved view of users.
#[component]
pub fn ViewPage() -> impl IntoView {
    view_page(SavedSubject::Users)
}

/// A saved view of feedback.
#[component]
pub fn FeedbackViewPage() -> impl IntoView {
    view_page(SavedSubject::Feedback)
}

fn filter_page(subject: SavedSubject) -> impl IntoView {
    let slug = project_slug();
    let (id, view) = ids("view");
    let choices = Resource::new(move || (slug(), id()), move |(slug, _)| load_grid_choices(slug, subject));
    let save = ServerAction::<SaveFilter>::new();
    let delete = ServerAction::<DeleteFilter>::new();
    let value = outcome(save);
    let errors = failure(value);
    let deleted = outcome(delete);
    let title = move || if id().is_some() { "Edit filter" } else { "New filter" };
    let page = move |choices: GridChoices| {
        let saved = id().and_then(|id| choices.filters.into_iter().find(|f| f.saved.id == id)).map(|f| f.saved);
        if id().is_some() && saved.is_none() {
            return view! { <p class="note note-error" role="alert">"This filter no longer exists."</p> }.into_any();
        }
        let (name, filter) = saved.map_or((String::new(), None), |s| (s.name, Some(s.filter)));
        let confirm = format!("Delete “{name}” for the whole team");
        let editing = id();
        view! {
            <section class="panel builder">
                <ActionForm action=save>
                    <ActionOutcome value success=|f| format!("Filter “{}” saved.", f.name) />
                    <input type="hidden" name="slug" value=slug() />
                    {subject_input(subject)}
                    {editing.map(|id| view! { <input type="hidden" name="id" value=id.to_string() /> })}
                    {view().map(|v| view! { <input type="hidden" name="view" value=v.to_string() /> })}
                    <FilterBuilder schema=choices.schema name filter errors />
                    <div class="actions">
                        <button type="submit" class="button-primary" disabled=move || save.pending().get()>
                            {move || if save.pending().get() { "Saving…" } else { "Save filter" }}
                        </button>
                        <a href=grid_link(&slug(), subject, "view", view())>"Cancel"</a>
                    </div>
                </ActionForm>
            </section>
            {editing.map(|id| view! {
                <section class="panel">
                    <h2>"Delete filter"</h2>
                    <ActionOutcome value=deleted success=|_| "Deleted.".to_string() />
                    <ActionForm action=delete>
                        <input type="hidden" name="slug" value=slug() />
                        <input type="hidden" name="id" value=id.to_string() />
                        {subject_input(subject)}
                        <label class="confirm"><input type="checkbox" required />{confirm.clone()}</label>
                        " "
                        <button type="submit" class="button-danger">"Delete filter"</button>
                    </ActionForm>
                </section>
            })}
        }
        .into_any()
    };
    view! {
        <Title text=title />
        <header class="page-header">
            <p class="crumbs"><a href=move || grid_link(&slug(), subject, "view", view())>{grid_name(subject)}</a>" › Filters"</p>
            <h1>{title}</h1>
            <p class="muted">{match subject {
                SavedSubject::Users => "A filter picks users by their account, participation and data groups; the grid and its exports show only them.",
                SavedSubject::Feedback => "A feedback filter picks tickets by their own fields (Ticket) and by their submitters' account, participation and data groups; the feedback grid and its exports show only them.",
            }}</p>
        </header>
        <Loaded resource=choices loading="Loading fields…" let:choices>
            {page(choices)}
        </Loaded>
    }
}

fn view_page(subject: SavedSubject) -> impl IntoView {
    let slug = project_slug();
    let (id, filter) = ids("filter");
    let choices = Resource::new(move || (slug(), id()), move |(slug, _)| load_grid_choices(slug, subject));
    let save = ServerAction::<SaveView>::new();
    let clone = ServerAction::<CloneView>::new();
    let delete = ServerAction::<DeleteView>::new();
    let value = outcome(save);
    let errors = failure(value);
    let cloned = outcome(clone);
    let deleted = outcome(delete);
    let title = move || if id().is_some() { "Edit view" } else { "New view" };
    let page = move |choices: GridChoices| {
        let saved = id().and_then(|id| choices.views.into_iter().find(|v| v.id == id));
        if id().is_some() && saved.is_none() {
            return view! { <p class="note note-error" role="alert">"This view no longer exists."</p> }.into_any();
        }
        let (name, columns) = match saved {
            Some(saved) => (saved.name, saved.columns),
            None if subject == SavedSubject::Feedback => (String::new(), default_ticket_view().columns),
            None => (String::new(), View::default_view().columns),
        };
        let columns = columns.into_iter().map(|c| (c.data_group, c.field)).collect();
        let (confirm, copy_name) = (format!("Delete “{name}” for the whole team"), format!("Copy of {name}"));
        let editing = id();
        view! {
            <section class="panel builder">
                <ActionForm action=save>
                    <ActionOutcome value success=|v| format!("View “{}” saved.", v.name) />
                    <input type="hidden" name="slug" value=slug() />
                    {subject_input(subject)}
                    {editing.map(|id| view! { <input type="hidden" name="id" value=id.to_string() /> })}
                    {filter().map(|f| view! { <input type="hidden" name="filter" value=f.to_string() /> })}
                    <ViewBuilder schema=choices.schema name columns errors />
                    <div class="actions">
                        <button type="submit" class="button-primary" disabled=move || save.pending().get()>
                            {move || if save.pending().get() { "Saving…" } else { "Save view" }}
                        </button>
                        <a href=grid_link(&slug(), subject, "filter", filter())>"Cancel"</a>
                    </div>
                </ActionForm>
            </section>
            {editing.map(|id| view! {
                <section class="panel">
                    <h2>"Clone view"</h2>
                    <ActionOutcome value=cloned success=|v| format!("Copied as “{}”.", v.name) />
                    <ActionForm action=clone>
                        <input type="hidden" name="slug" value=slug() />
                        <input type="hidden" name="id" value=id.to_string() />
                        <div class="form-row">
                            <div class="field">
                                <label for="clone-name">"Name of the copy"</label>
                                <input id="clone-name" name="name" required maxlength="120" value=copy_name.clone() />
                            </div>
                        </div>
                        <button type="submit">"Clone view"</button>
                    </ActionForm>
                </section>
                <section class="panel">
                    <h2>"Delete view"</h2>
                    <ActionOutcome value=deleted success=|_| "Deleted.".to_string() />
                    <ActionForm action=delete>
                        <input type="hidden" name="slug" value=slug() />
                        <input type="hidden" name="id" value=id.to_string() />
                        {subject_input(subject)}
                        <label class="confirm"><input type="checkbox" required />{confirm.clone()}</label>
                        " "
                        <button type="submit" class="button-danger">"Delete view"</button>
                    </ActionForm>
                </section>
            })}
        }
        .into_any()
    };
    view! {
        <Title text=title />
        <header class="page-header">
            <p class="crumbs"><a href=move || grid_link(&slug(), subject, "filter", filter())>{grid_name(subject)}</a>" › Views"</p>
            <h1>{title}</h1>
            <p class="muted">{match subject {
                SavedSubject::Users => "A view is the grid's columns, in order, from any data group.",
                SavedSubject::Feedback => "A feedback view is the feedback grid's columns, in order, from the ticket's fields and any data group of the submitter.",
            }}</p>
        </header>
        <Loaded resource=choices loading="Loading fields…" let:choices>
            {page(choices)}
        </Loaded>
    }
}
