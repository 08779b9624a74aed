//! The distribution pages as a browser with JavaScript off uses them: the report's
//! Distributions page (Email this report, Schedule), the project's list, and one
//! distribution's page (pause, email now, history, delete), each form a plain post.

use inlet::server::mail::SmtpUrl;
use reqwest::StatusCode;
use serde_json::Value;

use crate::distribution_api::create_report;
use crate::helpers::{fetch_page, location, spawn_app_with, TestApp};
use crate::listener_edit::{form_action, post_form};
use crate::smtp_sink::SmtpSink;

async fn app_with_report(sink: &SmtpSink) -> (TestApp, i64) {
    let url = SmtpUrl::parse(&sink.url()).unwrap();
    let app = spawn_app_with(|settings| settings.smtp_url = Some(url)).await;
    app.create_project("Aurora beta", "aurora").await;
    let report = create_report(&app, "aurora", "Weekly beta health").await;
    app.login_as_admin().await;
    (app, report)
}

fn s(text: &str) -> String {
    text.to_string()
}

fn schedule_form(report: i64, time_zone: &str, emails: &str) -> Vec<(&'static str, String)> {
    vec![
        ("slug", s("aurora")),
        ("report_id", report.to_string()),
        ("teams[0]", s("aurora")),
        ("emails", s(emails)),
        ("frequency", s("weekly")),
        ("weekdays[0]", s("mon")),
        ("weekdays[3]", s("thu")),
        ("day_of_month", s("1")),
        ("time", s("08:00")),
        ("time_zone", s(time_zone)),
        ("start_date", s("2027-01-04")),
        ("end_date", s("")),
        ("subject", s("Weekly numbers")),
        ("message", s("")),
    ]
}

async fn distributions(app: &TestApp) -> Vec<Value> {
    let list: Value = app.get("/api/v1/projects/aurora/distributions").await.json().await.unwrap();
    list["distributions"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_report_is_scheduled_from_its_page_without_javascript_and_errors_show_at_their_fields() {
    let sink = SmtpSink::start().await;
    let (app, report) = app_with_report(&sink).await;
    let page = format!("/p/aurora/reports/{report}/distributions");
    let report_page = app.get_page(&format!("/p/aurora/reports/{report}")).await;
    assert!(report_page.body.contains(&format!(r#"href="{page}""#)), "the report links to its distributions: {}", report_page.body);
    let shown = app.get_page(&page).await;
    assert_eq!(shown.status, StatusCode::OK);
    for text in ["Send Weekly beta health", "Email this report", "Schedule", "Time zone", "No distributions yet."] {
        assert!(shown.body.contains(text), "the page shows {text}: {}", shown.body);
    }
    let action = form_action(&shown.body, "save_distribution");

    let refused = post_form(&app, &action, &page, &schedule_form(report, "Mars/Olympus", "cto@example.com, nope")).await;
    let back = location(&refused);
    assert!(back.contains("__err"), "back to the form with the errors: {back}");
    let with_errors = fetch_page(app.client.get(&back)).await;
    assert!(with_errors.body.contains("is not an IANA time zone"), "{}", with_errors.body);
    assert!(
        with_errors.body.contains("&#x27;nope&#x27; is not a valid email address")
            || with_errors.body.contains("'nope' is not a valid email address")
    );
    assert!(distributions(&app).await.is_empty(), "nothing was saved");

    let saved =
        post_form(&app, &action, &page, &schedule_form(report, "Europe/Berlin", "cto@example.com\ncfo@example.com")).await;
    let list = distributions(&app).await;
    assert_eq!(list.len(), 1);
    let id = list[0]["id"].as_i64().unwrap();
    assert_eq!(location(&saved), format!("/p/aurora/distributions/{id}"), "on to the distribution's page");
    assert_eq!(list[0]["weekdays"], serde_json::json!(["mon", "thu"]));
    assert_eq!(list[0]["emails"], serde_json::json!(["cto@example.com", "cfo@example.com"]));
    assert_eq!(list[0]["teams"], serde_json::json!(["aurora"]));

    let detail = app.get_page(&format!("/p/aurora/distributions/{id}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    for text in [
        "Weekly numbers",
        "Weekly on Mon, Thu at 08:00 (Europe/Berlin)",
        "team aurora, cto@example.com",
        "Nothing sent yet.",
        "Pause",
    ] {
        assert!(detail.body.contains(text), "the distribution's page shows {text}: {}", detail.body);
    }
    let listed = app.get_page("/p/aurora/distributions").await;
    assert!(listed.body.contains("Weekly numbers") && listed.body.contains("Weekly beta health"), "{}", listed.body);
}

#[tokio::test]
async fn email_now_pause_history_and_delete_work_without_javascript() {
    let sink = SmtpSink::start().await;
    let (app, report) = app_with_report(&sink).await;
    let page = format!("/p/aurora/reports/{report}/distributions");
    let body = app.get_page(&page).await.body;

    let email = form_action(&body, "email_report");
    let sent = post_form(
        &app,
        &email,
        &page,
        &[
            ("slug", s("aurora")),
            ("report_id", report.to_string()),
            ("to", s("ann@example.com bob@example.com")),
            ("subject", s("")),
            ("message", s("For Monday.")),
        ],
    )
    .await;
    assert!(sent.status().is_redirection(), "back to the page");
    for _ in 0..100 {
        if sink.received().len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(sink.received().len(), 2, "one email each, sent by the worker at once");
    let after = app.get_page(&page).await;
    assert!(after.body.contains("Sends") && after.body.contains("ann@example.com, bob@example.com"), "{}", after.body);

    post_form(&app, &form_action(&body, "save_distribution"), &page, &schedule_form(report, "UTC", "cto@example.com")).await;
    let id = distributions(&app).await[0]["id"].as_i64().unwrap();
    let detail_page = format!("/p/aurora/distributions/{id}");
    let detail = app.get_page(&detail_page).await.body;

    let pause = form_action(&detail, "set_distribution_status");
    post_form(&app, &pause, &detail_page, &[("slug", s("aurora")), ("id", id.to_string()), ("status", s("paused"))]).await;
    assert_eq!(distributions(&app).await[0]["status"], "paused");
    assert!(app.get_page(&detail_page).await.body.contains("Resume"));

    let now = form_action(&detail, "run_distribution_now");
    post_form(&app, &now, &detail_page, &[("slug", s("aurora")), ("id", id.to_string())]).await;
    let mut runs = Value::Null;
    for _ in 0..100 {
        runs =
            app.get(&format!("/api/v1/projects/aurora/distributions/{id}")).await.json::<Value>().await.unwrap()["runs"].clone();
        if runs[0]["outcome"] == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(runs[0]["outcome"], "sent", "{runs}");
    assert_eq!(runs[0]["recipients"], serde_json::json!(["cto@example.com"]), "the team is empty: the address alone");
    let history = app.get_page(&detail_page).await.body;
    assert!(history.contains("cto@example.com") && history.contains(">Sent<"), "the run in the history: {history}");

    let delete = form_action(&detail, "delete_distribution");
    let deleted = post_form(&app, &delete, &detail_page, &[("slug", s("aurora")), ("id", id.to_string())]).await;
    assert_eq!(location(&deleted), "/p/aurora/distributions");
    assert!(distributions(&app).await.is_empty());
}
