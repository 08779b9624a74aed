//! Distributions nobody reads pause themselves: a daily or weekly distribution whose report
//! went unopened warns its creator at 45 days and pauses at 60; opening the report or resuming
//! the distribution starts the count again; monthly ones never pause. Steps run with an
//! injected `now`, days ahead of the real clock.

use chrono::{DateTime, Duration, Utc};
use inlet::domain::schedule::{Schedule, ScheduleSpec};
use inlet::domain::Email;
use inlet::server::mail::{Mailer, SmtpUrl};
use inlet::server::service::distributions::auto_pause::PAUSED_REASON;
use inlet::server::service::distributions::{self, NewDistribution, Scheduler};
use std::sync::Arc;

use crate::distribution_api::{create_report, set_report_opened};
use crate::helpers::{spawn_app, TestApp};
use crate::smtp_sink::SmtpSink;

fn schedule(frequency: &str) -> Schedule {
    let spec: ScheduleSpec = serde_json::from_value(serde_json::json!({
        "frequency": frequency, "weekdays": ["mon", "thu"], "day_of_month": 1, "time": "08:00", "time_zone": "UTC",
        "start_date": Utc::now().date_naive().to_string()
    }))
    .unwrap();
    Schedule::parse(&spec).unwrap()
}

async fn distribution(app: &TestApp, report_id: i64, frequency: &str) -> i64 {
    let project = app.project("aurora").await;
    let new = NewDistribution {
        project_id: project.id,
        report_id,
        teams: Vec::new(),
        emails: vec![Email::parse("reader@example.com").unwrap()],
        schedule: schedule(frequency),
        subject: format!("{frequency} numbers"),
        message: String::new(),
        created_by: Some(app.admin.id),
    };
    distributions::create(&app.store, new, Utc::now()).await.unwrap()
}

fn scheduler(app: &TestApp, sink: &SmtpSink) -> Scheduler {
    let url = SmtpUrl::parse(&sink.url()).unwrap();
    let mailer = Mailer::new("Inlet <inlet@localhost>".parse().unwrap(), Some(&url), std::env::temp_dir()).unwrap();
    let content = Arc::new(distributions::ReportContent { store: app.store.clone(), base_url: "http://inlet.test".into() });
    Scheduler::new(app.store.clone(), mailer, content).linking_to("http://inlet.test")
}

/// Warnings the sink received (the run emails go to reader@example.com).
fn warnings(sink: &SmtpSink) -> Vec<(Vec<String>, String)> {
    sink.received()
        .into_iter()
        .filter(|m| m.rcpt_to.iter().all(|to| to != "reader@example.com"))
        .map(|m| {
            let parsed = mail_parser::MessageParser::default().parse(&m.data).unwrap();
            (m.rcpt_to.clone(), parsed.subject().unwrap_or_default().to_string())
        })
        .collect()
}

async fn active(app: &TestApp, id: i64) -> (bool, Option<String>) {
    let record = app.store.distribution(id).await.unwrap().unwrap();
    (record.active, record.paused_reason)
}

#[tokio::test]
async fn an_unread_weekly_distribution_warns_its_creator_at_45_days_and_pauses_at_60() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    let report = create_report(&app, "aurora", "Weekly beta health").await;
    let weekly = distribution(&app, report, "weekly").await;
    let monthly = distribution(&app, report, "monthly").await;
    let sink = SmtpSink::start().await;
    let scheduler = scheduler(&app, &sink);
    let start: DateTime<Utc> = Utc::now();

    let step = scheduler.run_due(start + Duration::days(44)).await.unwrap();
    assert_eq!((step.warned, step.paused), (0, 0));

    let step = scheduler.run_due(start + Duration::days(45) + Duration::hours(1)).await.unwrap();
    assert_eq!((step.warned, step.paused), (1, 0), "the weekly one warns; the monthly one never pauses");
    let sent = warnings(&sink);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, ["admin@test.inlet"], "to its creator");
    assert!(sent[0].1.contains("weekly numbers") && sent[0].1.contains("will pause"), "{}", sent[0].1);

    let step = scheduler.run_due(start + Duration::days(50)).await.unwrap();
    assert_eq!(step.warned, 0, "warned once");
    assert_eq!(active(&app, weekly).await, (true, None));

    let step = scheduler.run_due(start + Duration::days(60) + Duration::hours(1)).await.unwrap();
    assert_eq!(step.paused, 1);
    assert_eq!(active(&app, weekly).await, (false, Some(PAUSED_REASON.to_string())));
    assert_eq!(active(&app, monthly).await, (true, None));
    assert_eq!(warnings(&sink).len(), 1);
    // Paused: its slots are no longer sent.
    let runs_before = app.store.distribution_runs(weekly).await.unwrap().len();
    scheduler.run_due(start + Duration::days(70)).await.unwrap();
    assert_eq!(app.store.distribution_runs(weekly).await.unwrap().len(), runs_before);
}

#[tokio::test]
async fn opening_the_report_starts_the_count_again() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    let report = create_report(&app, "aurora", "Daily numbers").await;
    let daily = distribution(&app, report, "daily").await;
    let sink = SmtpSink::start().await;
    let scheduler = scheduler(&app, &sink);
    let start = Utc::now();

    assert_eq!(scheduler.run_due(start + Duration::days(46)).await.unwrap().warned, 1);
    // Someone reads it on day 50: the next warning is 45 days after that, and it pauses at 110.
    set_report_opened(&app, report, start + Duration::days(50)).await;
    let step = scheduler.run_due(start + Duration::days(61)).await.unwrap();
    assert_eq!((step.warned, step.paused), (0, 0));
    assert!(active(&app, daily).await.0);
    assert_eq!(scheduler.run_due(start + Duration::days(96)).await.unwrap().warned, 1, "warned again after 45 more days");
    assert_eq!(scheduler.run_due(start + Duration::days(111)).await.unwrap().paused, 1);
}
