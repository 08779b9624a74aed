//! The forms that send a report: "Email this report" (now, to listed addresses) and the
//! schedule form (recipients, frequency, weekdays, day of month, time, time zone, dates,
//! subject, message), used to schedule a report and to edit a distribution; and the report's
//! Distributions page that holds both. Plain form posts without JavaScript; with it, the
//! weekday and day-of-month fields show only for the frequency that uses them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::distributions::{
    list_distributions, list_report_sends, EmailReport, ReportChoice, SaveDistribution, SendRow, TeamChoice,
};
use crate::domain::distribution::{Distribution, RunStatus};
use crate::domain::schedule::DayOfMonthSpec;
use crate::ui::components::{outcome, ActionOutcome, FieldError, Loaded, When};
use crate::ui::frame::project_slug;
use crate::ui::pages::distributions::{refresh_while, DistributionTable, RunBadge};

const WEEKDAYS: [(&str, &str); 7] =
    [("mon", "Mon"), ("tue", "Tue"), ("wed", "Wed"), ("thu", "Thu"), ("fri", "Fri"), ("sat", "Sat"), ("sun", "Sun")];

/// Management › Custom reports › a report › Distributions.
#[component]
pub fn ReportDistributionsPage() -> impl IntoView {
    let slug = project_slug();
    let params = use_params_map();
    let report_id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or_default();
    let email = ServerAction::<EmailReport>::new();
    let save = ServerAction::<SaveDistribution>::new();
    let listing = Resource::new(move || (slug(), report_id()), |(slug, id)| list_distributions(slug, Some(id)));
    view! {
        <Title text="Report distributions" />
        <Loaded resource=listing loading="Loading distributions…" let:listing>
            {
                let report = listing.report.clone().unwrap_or(ReportChoice { id: report_id(), name: String::new() });
                view! {
                    <header class="page-header">
                        <p class="crumbs">
                            <a href=format!("/p/{}/reports", slug())>"Custom reports"</a>" › "
                            <a href=format!("/p/{}/reports/{}", slug(), report.id)>{report.name.clone()}</a>" › Distributions"
                        </p>
                        <h1>{format!("Send {}", report.name)}</h1>
                        <p class="muted">"Email the report now, or on a schedule: an HTML summary with the PDF and the XLSX attached."</p>
                    </header>
                    <EmailReportForm slug=slug() report_id=report.id report_name=report.name.clone() action=email />
                    <Sends slug=slug() report_id=report.id email />
                    <section class="panel">
                        <h2>"Schedule"</h2>
                        <ScheduleForm slug=slug() report_id=report.id report_name=report.name.clone() existing=None
                            teams=listing.teams.clone() today=listing.today.clone() action=save />
                    </section>
                    <h2>"Distributions of this report"</h2>
                    <DistributionTable slug=slug() distributions=listing.distributions.clone() show_report=false />
                }
            }
        </Loaded>
    }
}

/// The report's recent sends, loaded on their own so that asking again while one is on its
/// way leaves the forms (and what is typed in them) alone.
#[component]
fn Sends(slug: String, report_id: i64, email: ServerAction<EmailReport>) -> impl IntoView {
    let (tick, set_tick) = signal(0u32);
    let sends = Resource::new(
        move || (slug.clone(), report_id, email.version().get(), tick.get()),
        |(slug, id, _, _)| list_report_sends(slug, id),
    );
    view! {
        <Loaded resource=sends let:sends>
            {
                let pending = sends.iter().any(|s| matches!(s.run.outcome, RunStatus::Queued | RunStatus::Sending | RunStatus::Retrying));
                refresh_while(pending, set_tick);
                view! { <SendsTable sends /> }
            }
        </Loaded>
    }
}

#[component]
fn EmailReportForm(slug: String, report_id: i64, report_name: String, action: ServerAction<EmailReport>) -> impl IntoView {
    let value = outcome(action);
    view! {
        <section class="panel">
            <h2>"Email this report"</h2>
            <ActionForm action>
                <ActionOutcome value success=|_| "Queued: it is sent within seconds (see Sends below).".to_string() />
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="report_id" value=report_id />
                <div class="field">
                    <label for="send-to">"To"</label>
                    <textarea id="send-to" name="to" rows="2" required placeholder="ann@example.com, bob@example.com"
                        aria-describedby="send-to-help"></textarea>
                    <p class="help" id="send-to-help">"Addresses separated by commas, spaces or new lines."</p>
                    <FieldError value field="to" />
                </div>
                <div class="form-row">
                    <div class="field">
                        <label for="send-subject">"Subject"</label>
                        <input id="send-subject" name="subject" maxlength="200" placeholder=report_name />
                        <FieldError value field="subject" />
                    </div>
                </div>
                <div class="field">
                    <label for="send-message">"Message"</label>
                    <textarea id="send-message" name="message" rows="3" maxlength="2000"></textarea>
                    <FieldError value field="message" />
                </div>
                <div class="actions">
                    <button type="submit" class="button-primary" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Queuing…" } else { "Email now" }}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn SendsTable(sends: Vec<SendRow>) -> impl IntoView {
    if sends.is_empty() {
        return ().into_any();
    }
    view! {
        <h2>"Sends"</h2>
        <table class="grid sends">
            <thead><tr><th>"Asked for"</th><th>"To"</th><th>"Subject"</th><th>"Outcome"</th><th>"Sent at"</th><th>"Error"</th><th class="num">"Attempts"</th></tr></thead>
            <tbody>
                {sends.into_iter().map(|send| view! {
                    <tr>
                        <td><When at=send.run.scheduled_for /></td>
                        <td>{send.to.join(", ")}</td>
                        <td>{send.subject}</td>
                        <td><RunBadge status=send.run.outcome /></td>
                        <td>{send.run.sent_at.map(|at| view! { <When at /> })}</td>
                        <td class="error-text">{send.run.error}</td>
                        <td class="num">{send.run.attempts}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The schedule form: empty to schedule `report_id`, or `existing`'s values to change it.
#[component]
pub fn ScheduleForm(
    slug: String,
    report_id: i64,
    report_name: String,
    existing: Option<Distribution>,
    teams: Vec<TeamChoice>,
    /// The first start date offered (the server's today).
    today: String,
    action: ServerAction<SaveDistribution>,
) -> impl IntoView {
    let value = outcome(action);
    let spec = existing.as_ref().map(|d| d.schedule.clone()).unwrap_or_default();
    let frequency = RwSignal::new(spec.frequency.clone().unwrap_or_else(|| "weekly".into()));
    // Fields for other frequencies hide once the page is live; without JavaScript all show
    // (the server ignores what the frequency does not use).
    let (live, set_live) = signal(false);
    Effect::new(move |_| set_live.set(true));
    let hide_unless = move |wanted: &'static str| move || live.get() && frequency.get() != wanted;
    let chosen_teams = existing.as_ref().map(|d| d.teams.clone()).unwrap_or_default();
    let chosen_days = spec.weekdays.clone().unwrap_or_else(|| if existing.is_none() { vec!["mon".into()] } else { Vec::new() });
    let day_value = match &spec.day_of_month {
        Some(DayOfMonthSpec::Number(n)) => n.to_string(),
        Some(DayOfMonthSpec::Text(text)) => text.clone(),
        None => "1".into(),
    };
    let id = existing.as_ref().map(|d| d.id);
    let (subject, message, emails) =
        existing.as_ref().map(|d| (d.subject.clone(), d.message.clone(), d.emails.join(", "))).unwrap_or_default();
    let prefix = if id.is_some() { "edit" } else { "new" };
    let input_id = move |name: &str| format!("{prefix}-{name}");
    view! {
        <ActionForm action>
            <ActionOutcome value success=|_| "Saved.".to_string() />
            <input type="hidden" name="slug" value=slug />
            <input type="hidden" name="report_id" value=report_id />
            {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
            <fieldset class="fields">
                <legend>"Recipients"</legend>
                {(!teams.is_empty()).then(|| view! {
                    <p class="label">"Project teams"</p>
                    <div class="checks">
                        {teams.into_iter().enumerate().map(|(index, team)| {
                            let checked = chosen_teams.contains(&team.slug);
                            view! {
                                <label><input type="checkbox" name=format!("teams[{index}]") value=team.slug checked=checked />{team.name}</label>
                            }
                        }).collect_view()}
                    </div>
                    <FieldError value field="teams" />
                })}
                <div class="field">
                    <label for=input_id("emails")>"Addresses"</label>
                    <textarea id=input_id("emails") name="emails" rows="2" placeholder="cto@example.com">{emails}</textarea>
                    <p class="help">"Separated by commas, spaces or new lines. Each team member and address gets one email."</p>
                    <FieldError value field="emails" />
                </div>
            </fieldset>
            <div class="form-row">
                <div class="field">
                    <label for=input_id("frequency")>"Frequency"</label>
                    <select id=input_id("frequency") name="frequency" on:change=move |ev| frequency.set(event_target_value(&ev))>
                        {[("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")].into_iter().map(|(v, label)| {
                            view! { <option value=v selected=frequency.get_untracked() == v>{label}</option> }
                        }).collect_view()}
                    </select>
                    <FieldError value field="frequency" />
                </div>
                <div class="field" hidden=hide_unless("weekly")>
                    <p class="label">"On"</p>
                    <div class="checks" role="group" aria-label="Weekdays">
                        {WEEKDAYS.into_iter().enumerate().map(|(index, (day, label))| {
                            let checked = chosen_days.iter().any(|d| d == day);
                            view! { <label><input type="checkbox" name=format!("weekdays[{index}]") value=day checked=checked />{label}</label> }
                        }).collect_view()}
                    </div>
                    <FieldError value field="weekdays" />
                </div>
                <div class="field" hidden=hide_unless("monthly")>
                    <label for=input_id("day")>"Day of the month"</label>
                    <select id=input_id("day") name="day_of_month">
                        {(1..=31).map(|n| n.to_string()).chain(std::iter::once("last".to_string())).map(|v| {
                            let label = if v == "last" { "Last day".to_string() } else { v.clone() };
                            view! { <option value=v.clone() selected=v == day_value>{label}</option> }
                        }).collect_view()}
                    </select>
                    <p class="help">"The 29th–31st run on a shorter month's last day."</p>
                    <FieldError value field="day_of_month" />
                </div>
            </div>
            <div class="form-row">
                <div class="field">
                    <label for=input_id("time")>"Time"</label>
                    <input id=input_id("time") name="time" type="time" required value=spec.time.clone().unwrap_or_else(|| "08:00".into()) />
                    <FieldError value field="time" />
                </div>
                <div class="field">
                    <label for=input_id("zone")>"Time zone"</label>
                    <input id=input_id("zone") name="time_zone" list="time-zones" required
                        value=spec.time_zone.clone().unwrap_or_else(|| "UTC".into()) />
                    <datalist id="time-zones">
                        {chrono_tz::TZ_VARIANTS.iter().map(|zone| view! { <option value=zone.name()></option> }).collect_view()}
                    </datalist>
                    <FieldError value field="time_zone" />
                </div>
                <div class="field">
                    <label for=input_id("start")>"Starts"</label>
                    <input id=input_id("start") name="start_date" type="date" required value=spec.start_date.clone().unwrap_or(today) />
                    <FieldError value field="start_date" />
                </div>
                <div class="field">
                    <label for=input_id("end")>"Ends (optional)"</label>
                    <input id=input_id("end") name="end_date" type="date" value=spec.end_date.clone().unwrap_or_default() />
                    <FieldError value field="end_date" />
                </div>
            </div>
            <div class="field">
                <label for=input_id("subject")>"Subject"</label>
                <input id=input_id("subject") name="subject" maxlength="200" placeholder=report_name value=subject />
                <FieldError value field="subject" />
            </div>
            <div class="field">
                <label for=input_id("message")>"Message"</label>
                <textarea id=input_id("message") name="message" rows="3" maxlength="2000">{message}</textarea>
                <FieldError value field="message" />
            </div>
            <div class="actions">
                <button type="submit" class="button-primary" disabled=move || action.pending().get()>
                    {move || match (action.pending().get(), id.is_some()) {
                        (true, _) => "Saving…",
                        (false, true) => "Save changes",
                        (false, false) => "Schedule",
                    }}
                </button>
            </div>
        </ActionForm>
    }
}
