//! The distribution scheduler against a real SMTP server (the test sink) and the test's
//! database: retries with backoff, each recipient sent once per run, missed slots collapsed,
//! a crashed claimant's run taken over, and two instances on one database sending each run
//! once. Steps run with an explicit `now` in the future, where the applications' own
//! background schedulers (running on the real clock) never reach.

use async_trait::async_trait;
use chrono::{DateTime, Duration, TimeDelta, Utc};
use inlet::domain::schedule::{Schedule, ScheduleSpec};
use inlet::domain::Email;
use inlet::server::mail::{MailContent, Mailer, SmtpUrl};
use inlet::server::service::distributions::{self, DistributionContent, NewDistribution, Scheduler, StepReport, LEASE};
use inlet::server::store::{DistributionRecord, RunRecord, Store};
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::distribution_api::create_report;
use crate::helpers::{spawn_app, TestApp};
use crate::mail::{assert_is_sample_report, sample_content};
use crate::smtp_sink::SmtpSink;

/// The sample report email, with the distribution's subject.
struct SampleReport;

#[async_trait]
impl DistributionContent for SampleReport {
    async fn content(&self, distribution: &DistributionRecord, _scheduled_for: DateTime<Utc>) -> anyhow::Result<MailContent> {
        Ok(sample_content(&distribution.subject))
    }
}

fn scheduler(store: Store, sink: &SmtpSink) -> Scheduler {
    let url = SmtpUrl::parse(&sink.url()).unwrap();
    let mailer = Mailer::new("Inlet <inlet@localhost>".parse().unwrap(), Some(&url), std::env::temp_dir()).unwrap();
    Scheduler::new(store, mailer, Arc::new(SampleReport))
}

/// Daily at 08:00 UTC from 30 days ahead: the first slot is far from the real clock.
fn daily_at_eight() -> Schedule {
    let start = (Utc::now() + TimeDelta::days(30)).date_naive();
    let spec: ScheduleSpec = serde_json::from_value(
        serde_json::json!({"frequency":"daily","time":"08:00","time_zone":"UTC","start_date": start.to_string()}),
    )
    .unwrap();
    Schedule::parse(&spec).unwrap()
}

/// A distribution of a new report in project "aurora"; returns its id and first slot.
async fn distribution(app: &TestApp, subject: &str, teams: &[&str], emails: &[&str]) -> (i64, DateTime<Utc>) {
    let project = app.project("aurora").await;
    let new = NewDistribution {
        project_id: project.id,
        report_id: create_report(app, "aurora", subject).await,
        teams: teams.iter().map(|t| t.to_string()).collect(),
        emails: emails.iter().map(|e| Email::parse(e).unwrap()).collect(),
        schedule: daily_at_eight(),
        subject: subject.into(),
        message: String::new(),
        created_by: Some(app.admin.id),
    };
    let id = distributions::create(&app.store, new, Utc::now()).await.unwrap();
    let first = app.store.distribution(id).await.unwrap().unwrap().next_run_at.expect("a first slot");
    (id, first)
}

async fn app_with_project() -> TestApp {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app
}

async fn runs(app: &TestApp, id: i64) -> Vec<RunRecord> {
    app.store.distribution_runs(id).await.unwrap()
}

fn recipients_of(sink: &SmtpSink) -> Vec<String> {
    let mut all: Vec<String> = sink.received().into_iter().flat_map(|m| m.rcpt_to).collect();
    all.sort();
    all
}

#[tokio::test]
async fn smtp_down_is_retried_with_backoff_and_each_recipient_gets_one_email_once_it_is_back() {
    let app = app_with_project().await;
    let project = app.project("aurora").await;
    app.store.add_to_team(project.id, app.project_manager.id).await.unwrap();
    let sink = SmtpSink::start().await;
    let scheduler = scheduler(app.store.clone(), &sink);
    // The project manager is on the team and listed (in other case): one email.
    let (id, slot) = distribution(&app, "Aurora weekly", &["aurora"], &["ann@example.com", "PM@test.inlet"]).await;

    sink.set_down(true);
    let t1 = slot + Duration::seconds(10);
    let step = scheduler.run_due(t1).await.unwrap();
    assert_eq!(step, StepReport { enqueued: 1, retrying: 1, ..Default::default() });
    let run = &runs(&app, id).await[0];
    assert_eq!((run.scheduled_for, run.status.as_str(), run.attempts), (slot, "pending", 1));
    assert_eq!(run.next_attempt_at, t1 + Duration::minutes(1), "the first retry waits a minute");
    assert!(run.error.as_deref().is_some_and(|e| e.contains("unavailable")), "{run:?}");
    let turned_away = sink.turned_away();
    assert_eq!(turned_away, 2, "one try per recipient");

    // Before the backoff has passed nothing is tried, even with the server back.
    sink.set_down(false);
    assert_eq!(scheduler.run_due(t1 + Duration::seconds(30)).await.unwrap(), StepReport::default());
    assert!(sink.received().is_empty());

    let t2 = t1 + Duration::seconds(61);
    assert_eq!(scheduler.run_due(t2).await.unwrap(), StepReport { sent: 1, ..Default::default() });
    assert_eq!(recipients_of(&sink), ["ann@example.com", "pm@test.inlet"]);
    for message in sink.received() {
        assert_eq!(message.rcpt_to.len(), 1, "one message per recipient");
        assert_is_sample_report(&message.data, "Aurora weekly");
    }
    let run = &runs(&app, id).await[0];
    assert_eq!((run.status.as_str(), run.attempts, run.sent_at, run.error.as_deref()), ("sent", 2, Some(t2), None));

    // Later steps send nothing more for that slot; the next slot is tomorrow's.
    assert_eq!(scheduler.run_due(t2 + Duration::hours(3)).await.unwrap(), StepReport::default());
    assert_eq!(sink.received().len(), 2);
    assert_eq!(app.store.distribution(id).await.unwrap().unwrap().next_run_at, Some(slot + Duration::days(1)));
}

#[tokio::test]
async fn a_refused_recipient_is_retried_alone_and_the_run_fails_after_the_last_backoff() {
    let app = app_with_project().await;
    let sink = SmtpSink::start().await;
    sink.refuse("gone@example.com");
    let scheduler = scheduler(app.store.clone(), &sink);
    let (id, slot) = distribution(&app, "Aurora weekly", &[], &["ann@example.com", "gone@example.com"]).await;

    let mut at = slot;
    let mut outcomes = Vec::new();
    for wait in [0, 1, 5, 30, 120] {
        at += Duration::minutes(wait);
        outcomes.push(scheduler.run_due(at).await.unwrap());
    }
    assert_eq!(outcomes.iter().map(|s| s.retrying).sum::<usize>(), 4);
    assert_eq!(outcomes.last().unwrap().failed, 1, "the fifth failure is final");
    assert_eq!(recipients_of(&sink), ["ann@example.com"], "ann got it once, not once per attempt");
    let run = &runs(&app, id).await[0];
    assert_eq!((run.status.as_str(), run.attempts), ("failed", 5));
    assert!(run.error.as_deref().is_some_and(|e| e.contains("gone@example.com") && e.contains("No such user")), "{run:?}");
    assert_eq!(scheduler.run_due(at + Duration::hours(5)).await.unwrap(), StepReport::default(), "a failed run stays failed");
}

#[tokio::test]
async fn slots_missed_while_down_are_sent_once_for_the_latest_slot() {
    let app = app_with_project().await;
    let sink = SmtpSink::start().await;
    let scheduler = scheduler(app.store.clone(), &sink);
    let (id, slot) = distribution(&app, "Daily numbers", &[], &["ann@example.com"]).await;

    // Down for five days and a bit: five slots passed.
    let step = scheduler.run_due(slot + Duration::days(4) + Duration::hours(3)).await.unwrap();
    assert_eq!(step, StepReport { enqueued: 1, sent: 1, ..Default::default() });
    let runs = runs(&app, id).await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].scheduled_for, slot + Duration::days(4));
    assert_eq!(sink.received().len(), 1);
    assert_eq!(app.store.distribution(id).await.unwrap().unwrap().next_run_at, Some(slot + Duration::days(5)));
}

#[tokio::test]
async fn a_run_whose_claimant_died_is_finished_by_another_after_the_lease_without_doubles() {
    let app = app_with_project().await;
    let sink = SmtpSink::start().await;
    let scheduler = scheduler(app.store.clone(), &sink);
    let (id, slot) = distribution(&app, "Aurora weekly", &[], &["ann@example.com", "bob@example.com"]).await;
    sink.set_down(true);
    scheduler.run_due(slot).await.unwrap();
    sink.set_down(false);

    // Another instance claims the retry, sends to ann, and dies before finishing.
    let retry_at = slot + Duration::minutes(1);
    let claimed = app.store.claim_run(retry_at, retry_at + LEASE).await.unwrap().expect("the run is due");
    app.store.record_recipient(claimed.id, "ann@example.com", Ok(()), retry_at).await.unwrap();

    assert_eq!(scheduler.run_due(retry_at + Duration::minutes(5)).await.unwrap(), StepReport::default(), "leased");
    let after_lease = retry_at + LEASE + Duration::seconds(1);
    assert_eq!(scheduler.run_due(after_lease).await.unwrap(), StepReport { sent: 1, ..Default::default() });
    assert_eq!(recipients_of(&sink), ["bob@example.com"], "ann was already sent by the instance that died");
    let run = &runs(&app, id).await[0];
    assert_eq!((run.status.as_str(), run.attempts), ("sent", 3));
}

#[tokio::test]
async fn two_instances_on_one_database_send_each_run_once_per_recipient() {
    let app = app_with_project().await;
    let sink = SmtpSink::start().await;
    let mut first_slot = None;
    for n in 0..4 {
        let emails = [format!("a{n}@example.com"), format!("b{n}@example.com"), format!("c{n}@example.com")];
        let emails: Vec<&str> = emails.iter().map(String::as_str).collect();
        first_slot = Some(distribution(&app, &format!("Report {n}"), &[], &emails).await.1);
    }
    let slot = first_slot.unwrap();
    // Two instances: each with its own connection pool to the same database.
    let one = scheduler(Store::connect(&app.database_url).await.unwrap(), &sink);
    let two = scheduler(Store::connect(&app.database_url).await.unwrap(), &sink);

    for at in [slot + Duration::seconds(5), slot + Duration::seconds(20)] {
        let (a, b) = tokio::join!(one.run_due(at), two.run_due(at));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.failed + b.failed + a.retrying + b.retrying, 0, "{a:?} {b:?}");
    }
    let mut per_recipient: BTreeMap<(String, String), usize> = BTreeMap::new();
    for message in sink.received() {
        let subject = mail_parser::MessageParser::default().parse(&message.data).unwrap().subject().unwrap().to_string();
        for to in message.rcpt_to {
            *per_recipient.entry((subject.clone(), to)).or_default() += 1;
        }
    }
    assert_eq!(per_recipient.len(), 12, "every recipient of every distribution: {per_recipient:?}");
    assert!(per_recipient.values().all(|&n| n == 1), "nobody twice: {per_recipient:?}");
    assert!(per_recipient.contains_key(&("Report 3".to_string(), "c3@example.com".to_string())));
}
