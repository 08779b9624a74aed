//! Management › Distributions: the project's scheduled distributions with their next run,
//! and one distribution's page (pause, resume, send now, edit, delete, and its history).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::distributions::{
    distribution_history, list_distributions, load_distribution, DeleteDistribution, DistributionDetail, RunDistributionNow,
    SaveDistribution, SetDistributionStatus,
};
use crate::domain::distribution::{Distribution, Run, RunStatus};
use crate::ui::components::{outcome, ActionOutcome, Loaded, When};
use crate::ui::frame::project_slug;
use crate::ui::pages::distribution_form::ScheduleForm;

/// While something is still on its way, asks for the page's data again in a moment (in the
/// browser only: effects never run on the server).
pub fn refresh_while(pending: bool, tick: WriteSignal<u32>) {
    Effect::new(move |_| {
        if pending {
            set_timeout(move || tick.update(|n| *n += 1), std::time::Duration::from_millis(1500));
        }
    });
}

#[component]
pub fn RunBadge(status: RunStatus) -> impl IntoView {
    let class = match status {
        RunStatus::Sent => "badge badge-active",
        RunStatus::Failed => "badge badge-removed",
        _ => "badge",
    };
    view! { <span class=class>{status.label()}</span> }
}

fn recipients_label(distribution: &Distribution) -> String {
    let mut parts: Vec<String> = distribution.teams.iter().map(|slug| format!("team {slug}")).collect();
    parts.extend(distribution.emails.iter().cloned());
    parts.join(", ")
}

/// Distributions as a table: report, subject, recipients, schedule, next run, status.
#[component]
pub fn DistributionTable(slug: String, distributions: Vec<Distribution>, show_report: bool) -> impl IntoView {
    if distributions.is_empty() {
        return view! { <p class="empty">"No distributions yet."</p> }.into_any();
    }
    view! {
        <table class="grid distributions">
            <thead><tr>
                {show_report.then(|| view! { <th>"Report"</th> })}
                <th>"Subject"</th><th>"Recipients"</th><th>"Schedule"</th><th>"Next run"</th><th>"Status"</th>
            </tr></thead>
            <tbody>
                {distributions.into_iter().map(|d| {
                    let report_href = format!("/p/{slug}/reports/{}/distributions", d.report_id);
                    let href = format!("/p/{slug}/distributions/{}", d.id);
                    view! {
                        <tr>
                            {show_report.then(|| view! { <td><a href=report_href>{d.report_name.clone()}</a></td> })}
                            <td><a href=href>{d.subject.clone()}</a></td>
                            <td>{recipients_label(&d)}</td>
                            <td>{d.schedule_label()}</td>
                            <td>{match d.next_run_at { Some(at) => view! { <When at /> }.into_any(), None => "—".into_any() }}</td>
                            <td>{status_badge(&d)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

fn status_badge(distribution: &Distribution) -> impl IntoView {
    if distribution.active {
        view! { <span class="badge badge-active">"Active"</span> }.into_any()
    } else {
        view! { <span class="badge" title=distribution.paused_reason.clone().unwrap_or_default()>"Paused"</span> }.into_any()
    }
}

#[component]
pub fn DistributionsPage() -> impl IntoView {
    let slug = project_slug();
    let listing = Resource::new(slug, |slug| list_distributions(slug, None));
    view! {
        <Title text="Distributions" />
        <header class="page-header">
            <p class="crumbs">"Management"</p>
            <h1>"Distributions"</h1>
            <p class="muted">"Reports emailed on a schedule, with their next run. Pick a report below to email it now or schedule it."</p>
        </header>
        <Loaded resource=listing loading="Loading distributions…" let:listing>
            <DistributionTable slug=slug() distributions=listing.distributions.clone() show_report=true />
            <section class="panel">
                <h2>"Send a report"</h2>
                {if listing.reports.is_empty() {
                    view! { <p class="empty">"This project has no reports yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="report-links">
                            {listing.reports.iter().map(|r| view! {
                                <li><a href=format!("/p/{}/reports/{}/distributions", slug(), r.id)>{r.name.clone()}</a></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </Loaded>
    }
}

#[component]
pub fn DistributionPage() -> impl IntoView {
    let slug = project_slug();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or_default();
    let status = ServerAction::<SetDistributionStatus>::new();
    let run_now = ServerAction::<RunDistributionNow>::new();
    let save = ServerAction::<SaveDistribution>::new();
    let delete = ServerAction::<DeleteDistribution>::new();
    let detail = Resource::new(
        move || (slug(), id(), status.version().get(), save.version().get()),
        |(slug, id, ..)| load_distribution(slug, id),
    );
    view! {
        <Title text="Distribution" />
        <Loaded resource=detail loading="Loading the distribution…" let:detail>
            <DistributionView slug=slug() detail status run_now save delete />
        </Loaded>
    }
}

/// A distribution's runs, loaded on their own and asked for again while one is on its way.
#[component]
fn History(slug: String, id: i64, run_now: ServerAction<RunDistributionNow>) -> impl IntoView {
    let (tick, set_tick) = signal(0u32);
    let runs = Resource::new(
        move || (slug.clone(), id, run_now.version().get(), tick.get()),
        |(slug, id, ..)| distribution_history(slug, id),
    );
    view! {
        <Loaded resource=runs let:runs>
            {
                let pending = runs.iter().any(|r| matches!(r.outcome, RunStatus::Queued | RunStatus::Sending | RunStatus::Retrying));
                refresh_while(pending, set_tick);
                view! { <RunHistory runs /> }
            }
        </Loaded>
    }
}

#[component]
fn DistributionView(
    slug: String,
    detail: DistributionDetail,
    status: ServerAction<SetDistributionStatus>,
    run_now: ServerAction<RunDistributionNow>,
    save: ServerAction<SaveDistribution>,
    delete: ServerAction<DeleteDistribution>,
) -> impl IntoView {
    let d = detail.distribution;
    let status_value = outcome(status);
    let run_value = outcome(run_now);
    let delete_value = outcome(delete);
    let report_href = format!("/p/{slug}/reports/{}/distributions", d.report_id);
    let (toggle_to, toggle_label) = if d.active { ("paused", "Pause") } else { ("active", "Resume") };
    let (status_slug, run_slug, delete_slug) = (slug.clone(), slug.clone(), slug.clone());
    view! {
        <header class="page-header">
            <p class="crumbs">
                <a href=format!("/p/{slug}/distributions")>"Distributions"</a>" › "
                <a href=report_href.clone()>{d.report_name.clone()}</a>
            </p>
            <h1>{d.subject.clone()}</h1>
        </header>
        <ActionOutcome value=status_value success=|d: Distribution| if d.active { "Resumed.".to_string() } else { "Paused.".to_string() } />
        <ActionOutcome value=run_value success=|_| "Queued: it is sent within seconds (see the history below).".to_string() />
        <ActionOutcome value=delete_value success=|_| "Deleted.".to_string() />
        <section class="panel">
            <dl class="facts">
                <dt>"Report"</dt><dd><a href=report_href>{d.report_name.clone()}</a></dd>
                <dt>"Recipients"</dt><dd>{recipients_label(&d)}</dd>
                <dt>"Schedule"</dt><dd>{d.schedule_label()}</dd>
                <dt>"Next run"</dt><dd>{match d.next_run_at { Some(at) => view! { <When at /> }.into_any(), None => "—".into_any() }}</dd>
                <dt>"Status"</dt><dd>{status_badge(&d)}" "{d.paused_reason.clone()}</dd>
                {(!d.message.is_empty()).then(|| view! { <dt>"Message"</dt><dd class="message">{d.message.clone()}</dd> })}
            </dl>
            <div class="actions">
                <ActionForm action=status>
                    <input type="hidden" name="slug" value=status_slug />
                    <input type="hidden" name="id" value=d.id />
                    <input type="hidden" name="status" value=toggle_to />
                    <button type="submit" class="button">{toggle_label}</button>
                </ActionForm>
                <ActionForm action=run_now>
                    <input type="hidden" name="slug" value=run_slug />
                    <input type="hidden" name="id" value=d.id />
                    <button type="submit" class="button">"Email now"</button>
                </ActionForm>
            </div>
        </section>
        <h2>"History"</h2>
        <History slug=slug.clone() id=d.id run_now />
        <details class="panel">
            <summary>"Edit"</summary>
            <ScheduleForm slug=slug.clone() report_id=d.report_id report_name=d.report_name.clone() existing=Some(d.clone())
                teams=detail.teams today=detail.today action=save />
        </details>
        <section class="panel">
            <h2>"Delete"</h2>
            <ActionForm action=delete>
                <input type="hidden" name="slug" value=delete_slug />
                <input type="hidden" name="id" value=d.id />
                <label class="confirm"><input type="checkbox" required />"I understand its history is deleted too"</label>
                <button type="submit" class="button-danger">"Delete distribution"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn RunHistory(runs: Vec<Run>) -> impl IntoView {
    if runs.is_empty() {
        return view! { <p class="empty">"Nothing sent yet."</p> }.into_any();
    }
    view! {
        <table class="grid history">
            <thead><tr><th>"Scheduled for"</th><th>"Sent at"</th><th>"Recipients"</th><th>"Outcome"</th><th>"Error"</th><th class="num">"Attempts"</th></tr></thead>
            <tbody>
                {runs.into_iter().map(|run| view! {
                    <tr>
                        <td><When at=run.scheduled_for /></td>
                        <td>{run.sent_at.map(|at| view! { <When at /> })}</td>
                        <td>{run.recipients.join(", ")}</td>
                        <td><RunBadge status=run.outcome />
                            {run.next_attempt_at.filter(|_| run.outcome == RunStatus::Retrying).map(|at| view! { " next try " <When at /> })}</td>
                        <td class="error-text">{run.error}</td>
                        <td class="num">{run.attempts}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
