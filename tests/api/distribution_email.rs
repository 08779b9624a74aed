//! The email a distribution sends, as it arrives at a real SMTP server: recipients, subject,
//! the text and HTML parts summarising the report, and the report's PDF and XLSX attached —
//! opened (PDF text, XLSX cells) and held against the report's own export downloads.

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::{Duration, Utc};
use inlet::server::mail::SmtpUrl;
use mail_parser::{MessageParser, MimeHeaders};
use reqwest::header::CONTENT_DISPOSITION;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::Cursor;

use crate::helpers::{spawn_app_with, TestApp};
use crate::smtp_sink::SmtpSink;

fn pdf_text(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("inlet-mail-{}", crate::helpers::random_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.pdf");
    std::fs::write(&file, pdf).unwrap();
    let output = std::process::Command::new("pdftotext").arg(&file).arg("-").output().expect("pdftotext (poppler-utils)");
    std::fs::remove_dir_all(&dir).ok();
    assert!(output.status.success(), "pdftotext read the file");
    String::from_utf8(output.stdout).unwrap()
}

/// Every sheet's cells, as text, by sheet name.
fn cells(xlsx: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx.to_vec())).expect("an XLSX file");
    let names = workbook.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = workbook.worksheet_range(&name).unwrap();
            let rows = range.rows().map(|row| row.iter().map(|cell: &Data| cell.to_string()).collect()).collect();
            (name, rows)
        })
        .collect()
}

/// Aurora with three testers and a report of a number and a table.
async fn app_with_report(sink: &SmtpSink) -> (TestApp, i64) {
    let url = SmtpUrl::parse(&sink.url()).unwrap();
    let app = spawn_app_with(|settings| settings.smtp_url = Some(url)).await;
    app.create_project("Aurora beta", "aurora").await;
    for (email, username) in [("ada@example.com", "ada"), ("bob@example.com", "bob"), ("cy@example.com", "cy")] {
        app.add_user("aurora", email, username, username).await;
    }
    let report: Value =
        app.post_json("/api/v1/projects/aurora/reports", &json!({"name": "Aurora weekly"})).await.json().await.unwrap();
    let id = report["id"].as_i64().unwrap();
    for element in [
        json!({"name": "Testers", "style": "number"}),
        json!({"name": "Membership", "data": [{"data_group": "Participation", "field": "Status"}], "style": "table"}),
    ] {
        let added = app.post_json(&format!("/api/v1/projects/aurora/reports/{id}/elements"), &element).await;
        assert_eq!(added.status(), StatusCode::CREATED, "{element}");
    }
    (app, id)
}

async fn download(app: &TestApp, path: &str) -> (String, Vec<u8>) {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    let disposition = response.headers()[CONTENT_DISPOSITION].to_str().unwrap().to_string();
    (disposition, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_scheduled_run_emails_the_report_summary_with_its_pdf_and_xlsx() {
    let sink = SmtpSink::start().await;
    let (app, report) = app_with_report(&sink).await;
    let start = (Utc::now() + Duration::days(30)).date_naive();
    let body = json!({"emails": ["cto@example.com", "cfo@example.com"], "frequency": "daily", "time": "08:00",
                      "time_zone": "Europe/Berlin", "start_date": start.to_string(), "message": "Numbers for <you>."});
    let created: Value =
        app.post_json(&format!("/api/v1/projects/aurora/reports/{report}/distributions"), &body).await.json().await.unwrap();
    let slot = chrono::DateTime::parse_from_rfc3339(created["next_run_at"].as_str().unwrap()).unwrap().with_timezone(&Utc);

    // The application's own scheduler, stepped at the slot.
    let url = SmtpUrl::parse(&sink.url()).unwrap();
    let mailer =
        inlet::server::mail::Mailer::new("Inlet <inlet@localhost>".parse().unwrap(), Some(&url), std::env::temp_dir()).unwrap();
    let content = std::sync::Arc::new(inlet::server::service::distributions::ReportContent {
        store: app.store.clone(),
        base_url: app.address.clone(),
    });
    let scheduler = inlet::server::service::distributions::Scheduler::new(app.store.clone(), mailer, content);
    assert_eq!(scheduler.run_due(slot + Duration::seconds(5)).await.unwrap().sent, 1);

    let received = sink.received();
    let mut to: Vec<String> = received.iter().flat_map(|m| m.rcpt_to.clone()).collect();
    to.sort();
    assert_eq!(to, ["cfo@example.com", "cto@example.com"], "one email each");
    let message = MessageParser::default().parse(&received[0].data).unwrap();
    assert_eq!(message.subject(), Some("Aurora weekly"), "the subject defaults to the report's name");

    let link = format!("{}/p/aurora/reports/{report}", app.address);
    let text = message.body_text(0).expect("a text part");
    for needle in ["Aurora weekly", "Aurora beta", "Numbers for <you>.", "Testers", "3", "Membership", "Status | Users", &link] {
        assert!(text.contains(needle), "the text part has {needle}: {text}");
    }
    let html = message.body_html(0).expect("an HTML part");
    assert!(html.contains("Numbers for &#60;you&#62;.") || html.contains("Numbers for &lt;you&gt;."), "escaped: {html}");
    assert!(html.contains(">3</p>") && html.contains(">Membership</h2>") && html.contains(">Status</th>"), "{html}");
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    let date = slot.with_timezone(&chrono_tz::Europe::Berlin).format("%A %-d %B %Y").to_string();
    assert!(html.contains(&date), "dated for the slot, in the report's readers' calendar: {date}");

    let attachments: Vec<_> = message.attachments().collect();
    assert_eq!(attachments.len(), 2);
    let (pdf_name, pdf) = (attachments[0].attachment_name().unwrap().to_string(), attachments[0].contents().to_vec());
    let (xlsx_name, xlsx) = (attachments[1].attachment_name().unwrap().to_string(), attachments[1].contents().to_vec());
    let pdf_words = pdf_text(&pdf);
    for needle in ["Aurora weekly", "Testers", "Membership", "Status"] {
        assert!(pdf_words.contains(needle), "the PDF has {needle}: {pdf_words}");
    }
    let sheets = cells(&xlsx);
    assert_eq!(sheets.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(), ["Testers", "Membership"]);
    assert_eq!(sheets[0].1[1], ["Testers", "3"], "the number's table, as a typed cell");

    // The same files as the report's own exports: names, sheets and cells, and text.
    let (disposition, downloaded) = download(&app, &format!("/api/v1/projects/aurora/reports/{report}/export.xlsx")).await;
    assert!(disposition.contains(&xlsx_name), "{disposition} names {xlsx_name}");
    assert_eq!(cells(&downloaded), sheets);
    let (disposition, downloaded) = download(&app, &format!("/api/v1/projects/aurora/reports/{report}/export.pdf")).await;
    assert!(disposition.contains(&pdf_name), "{disposition} names {pdf_name}");
    let same_lines = |text: &str| text.lines().filter(|l| !l.contains("UTC")).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(same_lines(&pdf_text(&downloaded)), same_lines(&pdf_words));
}

#[tokio::test]
async fn email_this_report_sends_it_now_with_both_attachments() {
    let sink = SmtpSink::start().await;
    let (app, report) = app_with_report(&sink).await;

    let queued = app
        .post_json(
            &format!("/api/v1/projects/aurora/reports/{report}/send"),
            &json!({"to": ["ann@example.com"], "subject": "As promised", "message": "Here it is."}),
        )
        .await;
    assert_eq!(queued.status(), StatusCode::ACCEPTED);
    let id = queued.json::<Value>().await.unwrap()["id"].clone();
    let mut status = Value::Null;
    for _ in 0..150 {
        status = app.get(&format!("/api/v1/projects/aurora/sends/{id}")).await.json().await.unwrap();
        if status["status"] == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status["status"], "sent", "{status}");
    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_to, ["ann@example.com"]);
    let message = MessageParser::default().parse(&received[0].data).unwrap();
    assert_eq!(message.subject(), Some("As promised"));
    assert!(message.body_text(0).unwrap().contains("Here it is."));
    let names: Vec<String> = message.attachments().map(|a| a.attachment_name().unwrap().to_string()).collect();
    assert!(names[0].starts_with("aurora-weekly-") && names[0].ends_with(".pdf"), "{names:?}");
    assert!(names[1].ends_with(".xlsx"), "{names:?}");
}
