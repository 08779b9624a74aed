//! The distributions API: project teams, scheduled distributions (created, listed, changed,
//! paused, resumed, deleted, with their history) and sends, over HTTP with an API key.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_body, error_fields, spawn_app, spawn_app_with, TestApp, ADMIN_EMAIL, PM_EMAIL};
use crate::smtp_sink::SmtpSink;

/// A report of project `slug` named `name`, made through the reports API; its id.
pub async fn create_report(app: &TestApp, slug: &str, name: &str) -> i64 {
    let response = app.post_json(&format!("/api/v1/projects/{slug}/reports"), &json!({"name": name})).await;
    assert_eq!(response.status(), StatusCode::CREATED, "creating report {name}");
    response.json::<Value>().await.unwrap()["id"].as_i64().expect("a report id")
}

/// Marks report `id` as last opened at `at`.
pub async fn set_report_opened(app: &TestApp, id: i64, at: DateTime<Utc>) {
    app.store.touch_report(id, at).await.unwrap();
}

async fn app_with_report() -> (TestApp, i64) {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    let report = create_report(&app, "aurora", "Weekly beta health").await;
    (app, report)
}

async fn send(app: &TestApp, method: reqwest::Method, path: &str, body: Option<&Value>) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path)).header("X-Api-Key", &app.api_key);
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("request sent")
}

/// The next Monday at least 30 days ahead, as a start date far from the real clock.
fn a_monday_ahead() -> NaiveDate {
    let mut date = (Utc::now() + Duration::days(30)).date_naive();
    while date.weekday() != Weekday::Mon {
        date = date.succ_opt().unwrap();
    }
    date
}

fn weekly_body(start: NaiveDate) -> Value {
    json!({"teams": ["aurora"], "emails": ["cto@example.com"], "frequency": "weekly", "weekdays": ["mon"],
           "time": "08:00", "time_zone": "Europe/Berlin", "start_date": start.to_string(), "end_date": null,
           "subject": "Aurora weekly", "message": "Here are the numbers."})
}

fn at(text: &Value) -> DateTime<Utc> {
    let text = text.as_str().expect("a time");
    assert!(text.ends_with('Z'), "RFC 3339 in UTC: {text}");
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn a_projects_team_is_read_and_set_by_staff_address() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;

    let empty: Value = app.get("/api/v1/projects/aurora/team").await.json().await.unwrap();
    assert_eq!(empty, json!({"team": []}));

    let set =
        send(&app, reqwest::Method::PUT, "/api/v1/projects/aurora/team", Some(&json!({"staff": [PM_EMAIL, "ADMIN@test.inlet"]})))
            .await;
    assert_eq!(set.status(), StatusCode::OK);
    let team: Value = set.json().await.unwrap();
    let emails: Vec<&str> = team["team"].as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap()).collect();
    assert_eq!(emails, [ADMIN_EMAIL, PM_EMAIL], "by name: Test Admin, Test PM");
    assert_eq!(team["team"][1], json!({"email": PM_EMAIL, "name": "Test PM", "role": "project_manager"}));

    let refused = send(
        &app,
        reqwest::Method::PUT,
        "/api/v1/projects/aurora/team",
        Some(&json!({"staff": [PM_EMAIL, "nobody@example.com", "not an address"]})),
    )
    .await;
    let error = error_body(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["staff[1]", "staff[2]"]);
    let unchanged: Value = app.get("/api/v1/projects/aurora/team").await.json().await.unwrap();
    assert_eq!(unchanged["team"].as_array().unwrap().len(), 2, "nothing half-written");

    let smaller = send(&app, reqwest::Method::PUT, "/api/v1/projects/aurora/team", Some(&json!({"staff": [PM_EMAIL]}))).await;
    let team: Value = smaller.json().await.unwrap();
    assert_eq!(team["team"].as_array().unwrap().len(), 1);
    assert_eq!(app.get("/api/v1/projects/nope/team").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_distribution_is_scheduled_with_its_first_run_in_utc() {
    let (app, report) = app_with_report().await;
    let start = a_monday_ahead();

    let created = app.post_json(&format!("/api/v1/projects/aurora/reports/{report}/distributions"), &weekly_body(start)).await;

    assert_eq!(created.status(), StatusCode::CREATED);
    let body: Value = created.json().await.unwrap();
    assert!(body["id"].as_i64().is_some());
    // 08:00 in Berlin: 07:00 UTC in winter, 06:00 in summer.
    let expected =
        chrono_tz::Europe::Berlin.from_local_datetime(&start.and_hms_opt(8, 0, 0).unwrap()).unwrap().with_timezone(&Utc);
    assert_eq!(at(&body["next_run_at"]), expected);
    assert_eq!(body["status"], "active");
    assert_eq!(body["report_name"], "Weekly beta health");
    assert_eq!((body["frequency"].as_str(), body["weekdays"].clone()), (Some("weekly"), json!(["mon"])));
    assert_eq!((body["teams"].clone(), body["emails"].clone()), (json!(["aurora"]), json!(["cto@example.com"])));
}

#[tokio::test]
async fn bad_schedules_and_recipients_are_refused_naming_each_field() {
    let (app, report) = app_with_report().await;
    let path = format!("/api/v1/projects/aurora/reports/{report}/distributions");
    let mut body = weekly_body(a_monday_ahead());
    body["time_zone"] = json!("Mars/Olympus");
    body["weekdays"] = json!(["mon", "funday"]);
    body["time"] = json!("25:00");
    body["start_date"] = json!("2026-02-30");
    body["emails"] = json!(["cto@example.com", "not an address"]);
    body["teams"] = json!(["no-such-project"]);

    let error = error_body(app.post_json(&path, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["weekdays", "time", "time_zone", "start_date", "emails[1]", "teams[0]"]);

    let mut teams_only = weekly_body(a_monday_ahead());
    teams_only["teams"] = json!(["no-such-project"]);
    let error = error_body(app.post_json(&path, &teams_only).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["teams[0]"]);

    let mut ends_before = weekly_body(a_monday_ahead());
    ends_before["end_date"] = json!("2020-01-01");
    ends_before["frequency"] = json!("monthly");
    let error = error_body(app.post_json(&path, &ends_before).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["day_of_month", "end_date"]);

    let nobody = json!({"frequency": "daily", "time": "08:00", "time_zone": "UTC", "start_date": "2027-01-01"});
    let error = error_body(app.post_json(&path, &nobody).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["emails"]);

    let list: Value = app.get("/api/v1/projects/aurora/distributions").await.json().await.unwrap();
    assert_eq!(list, json!({"distributions": []}), "nothing was created");
    let missing = app.post_json("/api/v1/projects/aurora/reports/999/distributions", &weekly_body(a_monday_ahead())).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_report_of_another_project_is_not_found_there() {
    let (app, _) = app_with_report().await;
    app.create_project("Borealis beta", "borealis").await;
    let theirs = create_report(&app, "borealis", "Borealis numbers").await;

    let created =
        app.post_json(&format!("/api/v1/projects/aurora/reports/{theirs}/distributions"), &weekly_body(a_monday_ahead())).await;
    assert_eq!(created.status(), StatusCode::NOT_FOUND);
    let sent = app.post_json(&format!("/api/v1/projects/aurora/reports/{theirs}/send"), &json!({"to": ["a@example.com"]})).await;
    assert_eq!(sent.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn distributions_are_listed_paused_resumed_changed_and_deleted() {
    let (app, report) = app_with_report().await;
    let other = create_report(&app, "aurora", "Plans").await;
    let start = a_monday_ahead();
    let path = format!("/api/v1/projects/aurora/reports/{report}/distributions");
    let first: Value = app.post_json(&path, &weekly_body(start)).await.json().await.unwrap();
    let monthly = json!({"emails": ["cfo@example.com"], "frequency": "monthly", "day_of_month": "last", "time": "18:00",
                         "time_zone": "UTC", "start_date": start.to_string()});
    let second: Value =
        app.post_json(&format!("/api/v1/projects/aurora/reports/{other}/distributions"), &monthly).await.json().await.unwrap();
    assert_eq!(second["subject"], "Plans", "the subject defaults to the report's name");
    assert_eq!(second["day_of_month"], "last");

    let all: Value = app.get("/api/v1/projects/aurora/distributions").await.json().await.unwrap();
    let ids: Vec<i64> = all["distributions"].as_array().unwrap().iter().map(|d| d["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [first["id"].as_i64().unwrap(), second["id"].as_i64().unwrap()]);
    let of_report: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(of_report["distributions"].as_array().unwrap().len(), 1);
    assert!(all["distributions"][0].get("runs").is_none(), "lists leave the history out");

    let one = format!("/api/v1/projects/aurora/distributions/{}", first["id"]);
    let shown: Value = app.get(&one).await.json().await.unwrap();
    assert_eq!(shown["runs"], json!([]));

    let paused: Value = app.patch_json(&one, &json!({"status": "paused"})).await.json().await.unwrap();
    assert_eq!((paused["status"].as_str(), paused["next_run_at"].clone()), (Some("paused"), Value::Null));

    let resumed: Value = app.patch_json(&one, &json!({"status": "active"})).await.json().await.unwrap();
    assert_eq!(resumed["status"], "active");
    assert_eq!(resumed["next_run_at"], first["next_run_at"], "the first slot from now");

    let changed = app
        .patch_json(&one, &json!({"weekdays": ["tue"], "time": "09:30", "end_date": null, "subject": "Tuesday numbers"}))
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(at(&changed["next_run_at"]), at(&first["next_run_at"]) + Duration::days(1) + Duration::minutes(90));
    assert_eq!((changed["subject"].as_str(), changed["teams"].clone()), (Some("Tuesday numbers"), json!(["aurora"])));

    let refused = app.patch_json(&one, &json!({"status": "sleeping", "time_zone": "Nowhere/Land"})).await;
    let error = error_body(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["time_zone", "status"]);

    assert_eq!(send(&app, reqwest::Method::DELETE, &one, None).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&one).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(send(&app, reqwest::Method::DELETE, &one, None).await.status(), StatusCode::NOT_FOUND);
    let left: Value = app.get("/api/v1/projects/aurora/distributions").await.json().await.unwrap();
    assert_eq!(left["distributions"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_send_is_queued_sent_once_by_the_worker_and_its_status_shows_it() {
    let sink = SmtpSink::start().await;
    let url = inlet::server::mail::SmtpUrl::parse(&sink.url()).unwrap();
    let app = spawn_app_with(|settings| settings.smtp_url = Some(url)).await;
    app.create_project("Aurora beta", "aurora").await;
    let report = create_report(&app, "aurora", "Weekly beta health").await;

    let queued = app
        .post_json(
            &format!("/api/v1/projects/aurora/reports/{report}/send"),
            &json!({"to": ["ann@example.com", "Bob@Example.com"]}),
        )
        .await;
    assert_eq!(queued.status(), StatusCode::ACCEPTED);
    let queued: Value = queued.json().await.unwrap();
    assert_eq!(queued["status"], "queued");
    let status_path = format!("/api/v1/projects/aurora/sends/{}", queued["id"]);

    // The application's own scheduler sends it, woken at once rather than at its next tick.
    let mut status = Value::Null;
    for _ in 0..100 {
        status = app.get(&status_path).await.json().await.unwrap();
        if status["status"] == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status["status"], "sent", "{status}");
    assert_eq!(status["subject"], "Weekly beta health");
    assert_eq!(status["recipients"], json!(["ann@example.com", "bob@example.com"]));
    assert_eq!(status["attempts"], 1);
    let mut to: Vec<String> = sink.received().into_iter().flat_map(|m| m.rcpt_to).collect();
    to.sort();
    assert_eq!(to, ["ann@example.com", "bob@example.com"], "one email each");

    let error = error_body(
        app.post_json(&format!("/api/v1/projects/aurora/reports/{report}/send"), &json!({"to": ["ann@example.com", "nope"]}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&error), ["to[1]"]);
    assert_eq!(app.get("/api/v1/projects/aurora/sends/999").await.status(), StatusCode::NOT_FOUND);
    assert!(
        app.get("/api/v1/projects/aurora/distributions").await.json::<Value>().await.unwrap()["distributions"]
            .as_array()
            .unwrap()
            .is_empty(),
        "a send is no scheduled distribution"
    );
}

#[tokio::test]
async fn deleting_a_report_deletes_its_distributions_and_their_history() {
    let (app, report) = app_with_report().await;
    let created: Value = app
        .post_json(&format!("/api/v1/projects/aurora/reports/{report}/distributions"), &weekly_body(a_monday_ahead()))
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    app.store.enqueue_extra_run(id, Utc::now() + Duration::days(400)).await.unwrap();
    assert_eq!(app.store.distribution_runs(id).await.unwrap().len(), 1);

    assert_eq!(
        send(&app, reqwest::Method::DELETE, &format!("/api/v1/projects/aurora/reports/{report}"), None).await.status(),
        StatusCode::NO_CONTENT
    );

    assert_eq!(app.get(&format!("/api/v1/projects/aurora/distributions/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert!(app.store.distribution(id).await.unwrap().is_none());
    assert!(app.store.distribution_runs(id).await.unwrap().is_empty(), "its runs went with it");
}
