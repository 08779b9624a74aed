//! Management › Feedback: one entry per feedback type and All, each the data grid of the
//! user grid over tickets, with its own saved filters and views (made with the user grid's
//! builders over the ticket schema, `…/feedback/filters|views/…`) and the users' ones (which
//! pick tickets by their submitters), sort, paging and CSV / XLSX exports, every choice in
//! the URL; and the form staff use to send feedback on a user's behalf.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::feedback::{feedback_grid, load_feedback_choices, CreateTicket, FeedbackChoices};
use crate::api::grid::FilterChoice;
use crate::domain::feedback::params::FeedbackParams;
use crate::domain::feedback::TicketStatus;
use crate::domain::grid::{GridPage, SavedSubject, SavedView, PAGE_SIZES};
use crate::ui::components::{outcome, plural, ActionOutcome, ErrorNote, FieldError, Loaded, Pager};
use crate::ui::frame::{project_slug, ProjectName};
use crate::ui::widgets::{DataGrid, GridLine};

#[component]
pub fn FeedbackPage() -> impl IntoView {
    let slug = project_slug();
    let query = use_query_map();
    let params = Memo::new(move |_| query.with(|q| FeedbackParams::from_query(|name| q.get(name))));
    let choices = Resource::new(slug, load_feedback_choices);
    let grid = Resource::new(move || (slug(), params.get()), |(slug, params)| feedback_grid(slug, params));
    let href = move |params: &FeedbackParams| format!("/p/{}/feedback{}", slug(), params.query_string());
    let heading = move || params.with(|p| p.type_name.clone()).unwrap_or_else(|| "All feedback".into());

    view! {
        <Title text="Feedback" />
        <header class="page-header">
            <p class="crumbs"><ProjectName />" › Management › Feedback"</p>
            <h1>{heading}</h1>
            <div class="actions">
                <a class="button" href=move || format!("/p/{}/feedback/new", slug())>"New feedback"</a>
            </div>
        </header>
        <Suspense fallback=|| view! { <p class="loading">"Loading types, filters and views…"</p> }>
            {move || {
                let params = params.get();
                Suspend::new(async move {
                    match choices.await {
                        Ok(choices) => view! { <TypeEntries choices=choices.clone() params=params.clone() /> <FeedbackToolbar choices params /> }.into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
        <Suspense fallback=|| view! { <p class="loading">"Loading feedback…"</p> }>
            {move || Suspend::new(async move {
                let page = grid.await;
                let params = params.get_untracked();
                match page {
                    Ok(page) => view! { <FeedbackResult page params slug=slug() href /> }.into_any(),
                    Err(error) => view! {
                        <ErrorNote error />
                        <p><a href=format!("/p/{}/feedback", slug())>"Show all feedback in the default view"</a></p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// All, then one entry per type (retired types too: their tickets stay).
#[component]
fn TypeEntries(choices: FeedbackChoices, params: FeedbackParams) -> impl IntoView {
    let slug = project_slug();
    let current = params.type_name.clone();
    let link = move |name: Option<&str>| format!("/p/{}/feedback{}", slug(), params.of_type(name).query_string());
    let all = view! { <li><a href=link(None) aria-current=current.is_none().then_some("page")>"All"</a></li> };
    let entries = choices
        .types
        .iter()
        .map(|t| {
            let selected = current.as_deref().is_some_and(|c| crate::domain::fields::same_label(c, &t.name));
            let label = if t.retired { format!("{} (retired)", t.name) } else { t.name.clone() };
            view! { <li><a href=link(Some(&t.name)) aria-current=selected.then_some("page")>{label}</a></li> }
        })
        .collect_view();
    view! {
        <nav class="tabs" aria-label="Feedback types">
            <ul>{all}{entries}</ul>
        </nav>
    }
}

/// The status, saved filter, saved view and page-size choices (a GET form: "Apply" without
/// JavaScript, applied on change with it). Feedback filters and views first, with "+" and
/// "Edit" to their builders; then the users' ones, as "Submitters" (edited where they are
/// made, in Project users; a users' view's columns come after the ticket's own).
#[component]
fn FeedbackToolbar(choices: FeedbackChoices, params: FeedbackParams) -> impl IntoView {
    let slug = project_slug();
    let navigate = use_navigate();
    let base = move || format!("/p/{}/feedback", slug());
    let current = StoredValue::new(params.clone());
    let go = move |change: &dyn Fn(&mut FeedbackParams)| {
        let mut next = current.get_value();
        change(&mut next);
        next.grid.page = 1;
        navigate(&format!("{}{}", base(), next.query_string()), Default::default());
    };
    let (go_status, go_filter, go_view, go_size) = (go.clone(), go.clone(), go.clone(), go);
    let number = |text: String| text.parse::<i64>().ok();
    let grid = params.grid.clone();
    let description = grid
        .filter
        .and_then(|id| choices.filter(id))
        .map(|f| f.description.clone().unwrap_or_else(|| "this filter no longer fits the project's fields".into()));
    let status_options = TicketStatus::ALL
        .iter()
        .map(|s| view! { <option value=s.as_str() selected=params.status == Some(*s)>{s.label()}</option> })
        .collect_view();
    let filter_options = |filters: &[FilterChoice]| {
        filters
            .iter()
            .map(|f| view! { <option value=f.saved.id.to_string() selected=grid.filter == Some(f.saved.id)>{f.saved.name.clone()}</option> })
            .collect_view()
    };
    let view_options = |views: &[SavedView]| {
        views
            .iter()
            .map(|v| view! { <option value=v.id.to_string() selected=grid.view == Some(v.id)>{v.name.clone()}</option> })
            .collect_view()
    };
    let (feedback_filters, submitter_filters) = (filter_options(&choices.filters), filter_options(&choices.user_filters));
    let (feedback_views, user_views) = (view_options(&choices.views), view_options(&choices.user_views));
    // "Edit" opens the builder of the subject the chosen filter or view is over; a users' one
    // goes back to the user grid, so it keeps no feedback choice.
    let edit_link = |kind: &str, subject: SavedSubject, id: i64, keep: &str| {
        let keep = if subject == SavedSubject::Feedback { keep } else { "" };
        format!("/p/{}/{}/{kind}/{id}{keep}", slug(), subject.page())
    };
    let keep_view = grid.view.map(|v| format!("?view={v}")).unwrap_or_default();
    let keep_filter = grid.filter.map(|f| format!("?filter={f}")).unwrap_or_default();
    let new_filter = format!("/p/{}/feedback/filters/new{keep_view}", slug());
    let new_view = format!("/p/{}/feedback/views/new{keep_filter}", slug());
    let edit_filter =
        grid.filter.and_then(|id| choices.filter(id)).map(|f| edit_link("filters", f.saved.subject, f.saved.id, &keep_view));
    let edit_view = grid.view.and_then(|id| choices.view(id)).map(|v| edit_link("views", v.subject, v.id, &keep_filter));
    let size_options = PAGE_SIZES
        .iter()
        .map(|n| view! { <option value=n.to_string() selected=grid.per_page == *n>{n.to_string()}</option> })
        .collect_view();
    view! {
        <form class="grid-toolbar" method="get" action=base aria-label="Filter and view">
            {params.type_name.clone().map(|t| view! { <input type="hidden" name="type" value=t /> })}
            <div class="toolbar-choice narrow">
                <label for="feedback-status">"Status"</label>
                <select id="feedback-status" name="status"
                    on:change=move |ev| { let s = TicketStatus::parse(&event_target_value(&ev)); go_status(&|p| p.status = s) }>
                    <option value="" selected=params.status.is_none()>"Any status"</option>
                    {status_options}
                </select>
            </div>
            <div class="toolbar-choice">
                <label for="grid-filter">"Filter"</label>
                <div class="choice-row">
                    <select id="grid-filter" name="filter"
                        on:change=move |ev| { let id = number(event_target_value(&ev)); go_filter(&|p| { p.grid.filter = id; p.grid.search = None; }) }>
                        <option value="" selected=grid.filter.is_none()>"No filter"</option>
                        <optgroup label="Feedback filters">{feedback_filters}</optgroup>
                        <optgroup label="Submitters (filters of Project users)">{submitter_filters}</optgroup>
                    </select>
                    <a class="button icon" href=new_filter title="New feedback filter" aria-label="New feedback filter">"+"</a>
                    {edit_filter.map(|href| view! { <a class="button" href=href>"Edit"</a> })}
                </div>
            </div>
            <div class="toolbar-choice">
                <label for="grid-view">"View"</label>
                <div class="choice-row">
                    <select id="grid-view" name="view"
                        on:change=move |ev| { let id = number(event_target_value(&ev)); go_view(&|p| { p.grid.view = id; p.grid.sort = None; }) }>
                        <option value="" selected=grid.view.is_none()>"Default view"</option>
                        <optgroup label="Feedback views">{feedback_views}</optgroup>
                        <optgroup label="Views of Project users">{user_views}</optgroup>
                    </select>
                    <a class="button icon" href=new_view title="New feedback view" aria-label="New feedback view">"+"</a>
                    {edit_view.map(|href| view! { <a class="button" href=href>"Edit"</a> })}
                </div>
            </div>
            <div class="toolbar-choice narrow">
                <label for="grid-per-page">"Rows per page"</label>
                <select id="grid-per-page" name="per_page"
                    on:change=move |ev| { let n = event_target_value(&ev).parse().ok(); go_size(&|p| if let Some(n) = n { p.grid.per_page = n }) }>
                    {size_options}
                </select>
            </div>
            <button type="submit" class="no-js-only">"Apply"</button>
        </form>
        {description.map(|text| view! { <p class="filter-description">"Feedback matching " <strong>{text}</strong></p> })}
        <p class="help">"Feedback filters and views name the ticket's fields and the submitter's; the filters and views of Project users pick tickets by their submitters, and such a view's columns show after the ticket's type, title and status."</p>
    }
}

/// The count, the export buttons, the grid itself and the pager.
#[component]
fn FeedbackResult<H>(page: GridPage, params: FeedbackParams, slug: String, href: H) -> impl IntoView
where
    H: Fn(&FeedbackParams) -> String + Copy + Send + Sync + 'static,
{
    let count = plural(page.total, "ticket", "tickets");
    let pages = page.pages();
    let rows = page
        .rows
        .into_iter()
        .map(|row| {
            let id = row.ticket_id.unwrap_or_default();
            GridLine { href: format!("/p/{slug}/feedback/{id}"), label: format!("Ticket #{id}"), cells: row.values }
        })
        .collect();
    let export = |format: &str| {
        let all = params.at_page(1);
        format!("/p/{slug}/feedback/export.{format}{}", all.query_string())
    };
    let (sorting, paging) = (params.clone(), params.clone());
    view! {
        <div class="grid-head">
            <p class="count" role="status">{count}</p>
            <div class="exports" role="group" aria-label="Export">
                <a class="button" href=export("csv") data-download="csv" download>"Export CSV"</a>
                <a class="button" href=export("xlsx") data-download="xlsx" download>"Export XLSX"</a>
                <span class="export-status" role="status" aria-live="polite"></span>
            </div>
        </div>
        <DataGrid columns=page.columns rows sort=params.grid.sort sort_href=move |column| href(&sorting.sorted_by(column))
            empty="No feedback matches." />
        <Pager page=page.page pages href=move |p| href(&paging.at_page(p)) />
    }
}

/// Staff send feedback on a tester's behalf.
#[component]
pub fn NewFeedbackPage() -> impl IntoView {
    let slug = project_slug();
    let query = use_query_map();
    let submitter = move || query.with(|q| q.get("submitter")).unwrap_or_default();
    let choices = Resource::new(slug, load_feedback_choices);
    let create = ServerAction::<CreateTicket>::new();
    let value = outcome(create);
    view! {
        <Title text="New feedback" />
        <header class="page-header">
            <p class="crumbs"><a href=move || format!("/p/{}/feedback", slug())>"Feedback"</a>" › New"</p>
            <h1>"New feedback"</h1>
            <p class="muted">"Feedback sent on behalf of one of the project's users."</p>
        </header>
        <Loaded resource=choices loading="Loading types…" let:choices>
            {
                let types = choices
                    .types
                    .iter()
                    .filter(|t| !t.retired)
                    .map(|t| view! { <option value=t.name.clone()>{t.name.clone()}</option> })
                    .collect_view();
                view! {
                    <section class="panel narrow">
                        <ActionForm action=create>
                            <ActionOutcome value success=|id| format!("Ticket #{id} created.") />
                            <input type="hidden" name="slug" value=slug() />
                            <div class="field">
                                <label for="ticket-submitter">"From (email or username)"</label>
                                <input id="ticket-submitter" name="submitter" required value=submitter() autocomplete="off"
                                    aria-describedby="submitter-error" />
                                <FieldError value field="submitter" />
                            </div>
                            <div class="field">
                                <label for="ticket-type">"Type"</label>
                                <select id="ticket-type" name="type_name" aria-describedby="type-error">{types}</select>
                                <FieldError value field="type" />
                            </div>
                            <div class="field">
                                <label for="ticket-title">"Title"</label>
                                <input id="ticket-title" name="title" required maxlength="200" aria-describedby="title-error" />
                                <FieldError value field="title" />
                            </div>
                            <div class="field">
                                <label for="ticket-description">"Description"</label>
                                <textarea id="ticket-description" name="description" rows="6" maxlength="20000"
                                    aria-describedby="description-error"></textarea>
                                <FieldError value field="description" />
                            </div>
                            <button type="submit" class="button-primary" disabled=move || create.pending().get()>
                                {move || if create.pending().get() { "Sending…" } else { "Send feedback" }}
                            </button>
                        </ActionForm>
                    </section>
                }
            }
        </Loaded>
    }
}
