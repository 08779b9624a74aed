//! The user summary: every data group of the project (User account, Participation, then the
//! project's own) with the user's values shown by type in the viewer's time zone, and the
//! history of changes, of all fields or of one, paged. Everything the page shows is chosen
//! in its URL (`?page=`, `?group=&field=`), so it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::summary::{load_user_summary, ShownChange, ShownField, ShownGroup, ShownTime, ShownValue, UserSummary};
use crate::domain::table::Cell;
use crate::domain::url::encode_component;
use crate::ui::components::{plural, Loaded, Pager};
use crate::ui::frame::project_slug;

#[component]
pub fn UserSummaryPage() -> impl IntoView {
    let slug = project_slug();
    let params = use_params_map();
    let query = use_query_map();
    let user = move || params.read().get("user").unwrap_or_default();
    let page = move || query.with(|q| q.get("page")).and_then(|p| p.parse::<u32>().ok());
    let group = move || query.with(|q| q.get("group"));
    let field = move || query.with(|q| q.get("field"));
    let summary = Resource::new(
        move || (slug(), user(), page(), group(), field()),
        |(slug, user, page, group, field)| load_user_summary(slug, user, page, group, field),
    );
    view! {
        <Title text="User summary" />
        <Loaded resource=summary loading="Loading user…" let:summary>
            <Summary summary slug=slug() />
        </Loaded>
    }
}

#[component]
fn Summary(summary: UserSummary, slug: String) -> impl IntoView {
    let UserSummary { user, time_zone, groups, history, history_of, tickets } = summary;
    let base = format!("/p/{slug}/u/{}", encode_component(&user.username));
    let zone_note =
        if time_zone == "UTC" { "Times are in UTC.".to_string() } else { format!("Times are in your time zone, {time_zone}.") };
    let history_link = {
        let base = base.clone();
        move |group: &str, field: &str| {
            format!("{base}?group={}&field={}#history", encode_component(group), encode_component(field))
        }
    };
    view! {
        <header class="page-header">
            <p class="crumbs"><a href=format!("/p/{slug}/users")>"Project users"</a>" › User summary"</p>
            <h1>{user.display_name.clone()}</h1>
            <p class="muted">{format!("{} · @{}", user.email, user.username)}</p>
            <p class="muted time-zone">{zone_note}</p>
        </header>
        {groups.into_iter().map(|group| view! { <GroupPanel group history_link=history_link.clone() /> }).collect_view()}
        <Tickets tickets slug=slug.clone() email=user.email.clone() />
        <History history history_of base />
    }
}

/// The feedback the user sent, newest first, each linking to its ticket.
#[component]
fn Tickets(tickets: Vec<crate::api::feedback::TicketLine>, slug: String, email: String) -> impl IntoView {
    let new = format!("/p/{slug}/feedback/new?submitter={}", encode_component(&email));
    let body = if tickets.is_empty() {
        view! { <p class="empty">"No feedback from this user."</p> }.into_any()
    } else {
        let rows = tickets
            .into_iter()
            .map(|t| {
                view! {
                    <tr>
                        <td><a href=format!("/p/{slug}/feedback/{}", t.id)>{t.title}</a></td>
                        <td>{t.type_name}</td>
                        <td>{t.status.label()}</td>
                        <td><Time at=t.created_at /></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="grid compact">
                <thead><tr><th>"Title"</th><th>"Type"</th><th>"Status"</th><th>"Created"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="panel" id="feedback" aria-labelledby="feedback-heading">
            <h2 id="feedback-heading">"Feedback"</h2>
            {body}
            <p><a href=new>"Send feedback for this user"</a></p>
        </section>
    }
}

#[component]
pub(super) fn GroupPanel(group: ShownGroup, history_link: impl Fn(&str, &str) -> String + 'static) -> impl IntoView {
    let heading_id = format!("group-{}", encode_component(&group.data_group));
    let rows = group
        .values
        .into_iter()
        .map(|value: ShownField| {
            let link = value.has_history.then(|| history_link(&group.data_group, &value.field));
            let class = value_class(&value.value.cell);
            view! {
                <tr>
                    <td>{value.field}</td>
                    <td class=class><Value value=value.value /></td>
                    <td>{value.updated_at.map(|at| view! { <Time at /> })}</td>
                    <td>{link.map(|href| view! { <a href=href>"History"</a> })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel data-group" aria-labelledby=heading_id.clone()>
            <h2 id=heading_id.clone()>{group.data_group.clone()}</h2>
            <table class="grid compact values">
                <thead><tr><th>"Field"</th><th>"Value"</th><th>"Updated"</th><th>"History"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

#[component]
fn History(history: crate::domain::Page<ShownChange>, history_of: Option<(String, String)>, base: String) -> impl IntoView {
    let (title, filter) = match &history_of {
        Some((group, field)) => (
            format!("History of {field} ({group})"),
            format!("&group={}&field={}", encode_component(group), encode_component(field)),
        ),
        None => ("History of changes".to_string(), String::new()),
    };
    let all_fields = history_of.is_some().then(|| format!("{base}#history"));
    let pages = history.pages();
    let current = history.page;
    let count = plural(history.total, "change", "changes");
    let body = if history.items.is_empty() {
        view! { <p class="empty">"No changes recorded."</p> }.into_any()
    } else {
        let rows = history
            .items
            .into_iter()
            .map(|change| {
                let (old_class, new_class) = (value_class(&change.old.cell), value_class(&change.new.cell));
                view! {
                    <tr>
                        <td><Time at=change.changed_at /></td>
                        <td>{change.data_group}</td>
                        <td>{change.field}</td>
                        <td class=old_class><Value value=change.old /></td>
                        <td class=new_class><Value value=change.new /></td>
                        <td class="num">{change.delivery_id.map(|id| format!("#{id}"))}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <p class="count" role="status">{count}</p>
            <table class="grid compact">
                <thead><tr><th>"When"</th><th>"Data group"</th><th>"Field"</th><th>"Old"</th><th>"New"</th><th>"Delivery"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <Pager page=current pages href=move |p| format!("{base}?page={p}{filter}#history") />
        }
        .into_any()
    };
    view! {
        <section class="panel" id="history">
            <h2>{title}</h2>
            {all_fields.map(|href| view! { <p><a href=href>"Show the history of every field"</a></p> })}
            {body}
        </section>
    }
}

/// Numbers right-aligned, the rest as text.
fn value_class(cell: &Cell) -> &'static str {
    match cell {
        Cell::Integer(_) | Cell::Number(_) => "num",
        Cell::Empty => "muted",
        _ => "",
    }
}

/// A value as the server wrote it for the viewer; a time keeps its exact instant in `datetime`.
#[component]
fn Value(value: ShownValue) -> impl IntoView {
    match value.cell {
        Cell::DateTime(at) => view! { <Time at=ShownTime { at, text: value.text } /> }.into_any(),
        _ => value.text.into_any(),
    }
}

#[component]
pub(super) fn Time(at: ShownTime) -> impl IntoView {
    let utc = crate::domain::table::rfc3339_utc(&at.at);
    view! { <time datetime=utc.clone() title=utc>{at.text}</time> }
}
