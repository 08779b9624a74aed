//! Management › Feedback › a ticket: what was sent (its description shown as plain text), its
//! activity, a comment box and the status control; beside it the submitter's account,
//! participation and every data group's current values, as the user summary shows them.
//! Both forms post without JavaScript and come back to the ticket.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::feedback::{load_ticket, CommentOnTicket, SetTicketStatus, ShownActivity, TicketView};
use crate::domain::feedback::{ActivityKind, TicketStatus};
use crate::domain::url::encode_component;
use crate::ui::components::{outcome, ActionOutcome, FieldError, Loaded};
use crate::ui::frame::project_slug;

use super::user_summary::{GroupPanel, Time};

#[component]
pub fn TicketPage() -> impl IntoView {
    let slug = project_slug();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or_default();
    let comment = ServerAction::<CommentOnTicket>::new();
    let status = ServerAction::<SetTicketStatus>::new();
    let ticket = Resource::new(
        move || (slug(), id(), comment.version().get(), status.version().get()),
        |(slug, id, _, _)| load_ticket(slug, id),
    );
    view! {
        <Title text="Feedback ticket" />
        <Loaded resource=ticket loading="Loading ticket…" let:ticket>
            <Ticket ticket slug=slug() comment status />
        </Loaded>
    }
}

#[component]
fn Ticket(
    ticket: TicketView,
    slug: String,
    comment: ServerAction<CommentOnTicket>,
    status: ServerAction<SetTicketStatus>,
) -> impl IntoView {
    let commented = outcome(comment);
    let changed = outcome(status);
    let TicketView { id, type_name, title, description, status: current, delivery_id, created_at, updated_at, .. } =
        ticket.clone();
    let status_options = TicketStatus::ALL
        .iter()
        .map(|s| view! { <option value=s.as_str() selected=*s == current>{s.label()}</option> })
        .collect_view();
    let source = match delivery_id {
        Some(delivery) => format!("Sent through a listener (delivery #{delivery})"),
        None => "Sent through the UI or the API".to_string(),
    };
    let submitter = ticket_submitter(&ticket);
    let (side_slug, status_slug, comment_slug) = (slug.clone(), slug.clone(), slug.clone());
    let activity = if ticket.activity.is_empty() {
        view! { <p class="empty">"No comments or status changes yet."</p> }.into_any()
    } else {
        view! { <ol class="activity">{ticket.activity.into_iter().map(|a| view! { <ActivityEntry activity=a /> }).collect_view()}</ol> }
            .into_any()
    };
    view! {
        <header class="page-header">
            <p class="crumbs"><a href=format!("/p/{slug}/feedback")>"Feedback"</a>" › "
                <a href=format!("/p/{slug}/feedback?type={}", encode_component(&type_name))>{type_name.clone()}</a></p>
            <h1>{title}</h1>
            <p class="muted">
                <span class=format!("status status-{}", current.as_str())>{current.label()}</span>
                {format!(" · {type_name} · #{id} · ")}"Created " <Time at=created_at />" · Updated " <Time at=updated_at />
            </p>
        </header>
        <div class="ticket-layout">
            <div class="ticket-main">
                <section class="panel">
                    <h2 id="ticket-description">"Description"</h2>
                    // Plain text: rendered as text (never markup), its line breaks kept.
                    <p class="ticket-text" style="white-space: pre-wrap">
                        {if description.is_empty() { "(no description)".to_string() } else { description }}
                    </p>
                    <p class="muted">{source}</p>
                </section>
                <section class="panel">
                    <h2 id="ticket-status">"Status"</h2>
                    <ActionOutcome value=changed success=|s: TicketStatus| format!("Status is now {}.", s.label()) />
                    <ActionForm action=status>
                        <input type="hidden" name="slug" value=status_slug.clone() />
                        <input type="hidden" name="id" value=id.to_string() />
                        <div class="form-row">
                            <div class="field">
                                <label for="ticket-status-choice">"Status"</label>
                                <select id="ticket-status-choice" name="status">{status_options}</select>
                                <FieldError value=changed field="status" />
                            </div>
                        </div>
                        <button type="submit" disabled=move || status.pending().get()>
                            {move || if status.pending().get() { "Saving…" } else { "Change status" }}
                        </button>
                    </ActionForm>
                </section>
                <section class="panel">
                    <h2 id="ticket-activity">"Activity"</h2>
                    {activity}
                    <ActionForm action=comment>
                        <ActionOutcome value=commented success=|_| "Comment added.".to_string() />
                        <input type="hidden" name="slug" value=comment_slug.clone() />
                        <input type="hidden" name="id" value=id.to_string() />
                        <div class="field">
                            <label for="ticket-comment">"Comment"</label>
                            <textarea id="ticket-comment" name="text" rows="4" required maxlength="10000"
                                aria-describedby="text-error"></textarea>
                            <FieldError value=commented field="text" />
                        </div>
                        <button type="submit" class="button-primary" disabled=move || comment.pending().get()>
                            {move || if comment.pending().get() { "Adding…" } else { "Add comment" }}
                        </button>
                    </ActionForm>
                </section>
            </div>
            <aside class="ticket-side" aria-label="Submitter">
                <Submitter ticket=submitter slug=side_slug />
            </aside>
        </div>
    }
}

fn ticket_submitter(
    ticket: &TicketView,
) -> (String, Option<(crate::domain::user::ProjectUser, Vec<crate::api::summary::ShownGroup>)>) {
    (ticket.submitter_email.clone(), ticket.submitter.clone())
}

/// The submitter's account, participation and data groups, linking to their summary.
#[component]
fn Submitter(
    ticket: (String, Option<(crate::domain::user::ProjectUser, Vec<crate::api::summary::ShownGroup>)>),
    slug: String,
) -> impl IntoView {
    let (email, found) = ticket;
    let Some((user, groups)) = found else {
        return view! {
            <section class="panel"><h2>"Submitter"</h2><p>{email}</p><p class="muted">"No longer a user of this project."</p></section>
        }
        .into_any();
    };
    let summary = format!("/p/{slug}/u/{}", encode_component(&user.username));
    let history_link = {
        let summary = summary.clone();
        move |group: &str, field: &str| {
            format!("{summary}?group={}&field={}#history", encode_component(group), encode_component(field))
        }
    };
    view! {
        <section class="panel submitter">
            <h2>"Submitter"</h2>
            <p><a href=summary.clone()><strong>{user.display_name.clone()}</strong></a></p>
            <p class="muted">{format!("{} · @{}", user.email, user.username)}</p>
            <p><a href=format!("/p/{slug}/feedback/new?submitter={}", encode_component(&user.email))>"Send feedback for this user"</a></p>
        </section>
        {groups.into_iter().map(|group| view! { <GroupPanel group history_link=history_link.clone() /> }).collect_view()}
    }
    .into_any()
}

#[component]
fn ActivityEntry(activity: ShownActivity) -> impl IntoView {
    let who = activity.author.unwrap_or_else(|| "API".to_string());
    let what = match activity.kind {
        ActivityKind::Comment { text } => view! {
            <p class="activity-what">{format!("{who} commented")}</p>
            <p class="activity-text" style="white-space: pre-wrap">{text}</p>
        }
        .into_any(),
        ActivityKind::Status { from, to } => {
            view! { <p class="activity-what">{format!("{who} changed the status from {} to {}", from.label(), to.label())}</p> }
                .into_any()
        }
    };
    view! {
        <li class="activity-entry">
            <Time at=activity.at />
            {what}
        </li>
    }
}
