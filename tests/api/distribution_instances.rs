//! Two running applications on one database, each with its own background scheduler: every
//! send queued through either is sent once per recipient, whichever instance claims it.

use inlet::server::config::Settings;
use inlet::server::mail::SmtpUrl;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use crate::distribution_api::create_report;
use crate::helpers::{spawn_app_with, start_application};
use crate::smtp_sink::SmtpSink;

#[tokio::test]
async fn two_instances_on_one_database_send_each_queued_send_once_per_recipient() {
    let sink = SmtpSink::start().await;
    let url = SmtpUrl::parse(&sink.url()).unwrap();
    let smtp = url.clone();
    let one = spawn_app_with(move |settings| settings.smtp_url = Some(smtp)).await;
    let mut settings = Settings::for_database(&one.database_url);
    settings.smtp_url = Some(url);
    let (other_port, _) = start_application(&settings).await;
    let other = format!("http://127.0.0.1:{other_port}");
    one.create_project("Aurora beta", "aurora").await;
    let report = create_report(&one, "aurora", "Weekly beta health").await;

    // Queued through both instances in turn: each wakes its own scheduler, and both claim.
    let mut ids = Vec::new();
    for n in 0..8 {
        let base = if n % 2 == 0 { one.address.clone() } else { other.clone() };
        let to: Vec<String> = ["a", "b", "c"].iter().map(|who| format!("{who}{n}@example.com")).collect();
        let response = one
            .client
            .post(format!("{base}/api/v1/projects/aurora/reports/{report}/send"))
            .header("X-Api-Key", &one.api_key)
            .json(&json!({"to": to, "subject": format!("Send {n}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        ids.push(response.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }

    for id in ids {
        let mut status = Value::Null;
        for _ in 0..300 {
            status = one.get(&format!("/api/v1/projects/aurora/sends/{id}")).await.json().await.unwrap();
            if status["status"] == "sent" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(status["status"], "sent", "{status}");
        assert_eq!(status["attempts"], 1, "claimed by one instance: {status}");
    }
    let mut per_recipient: BTreeMap<(String, String), usize> = BTreeMap::new();
    for message in sink.received() {
        let subject = mail_parser::MessageParser::default().parse(&message.data).unwrap().subject().unwrap().to_string();
        for to in message.rcpt_to {
            *per_recipient.entry((subject.clone(), to)).or_default() += 1;
        }
    }
    assert_eq!(per_recipient.len(), 24, "every recipient of every send: {per_recipient:?}");
    assert!(per_recipient.values().all(|&n| n == 1), "nobody twice: {per_recipient:?}");
}

/// The real binary sends a run, is killed mid-run (the mail server hangs on its second
/// message), and another instance finishes the run once the lease has passed: everyone gets
/// one email, the one already sent is not sent again.
#[tokio::test]
async fn a_run_of_a_killed_instance_is_finished_by_another_without_doubles() {
    let sink = SmtpSink::start().await;
    sink.hang_after(1);
    let app = crate::helpers::spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    let report = create_report(&app, "aurora", "Weekly beta health").await;

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_inlet"))
        .arg("serve")
        .env("INLET_DATABASE_URL", &app.database_url)
        .env("INLET_BIND", format!("127.0.0.1:{port}"))
        .env("INLET_SMTP_URL", sink.url())
        .env("INLET_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .expect("the inlet binary starts");
    let base = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..200 {
        if app.client.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(ready, "the binary answered /healthz");
    let queued: Value = app
        .client
        .post(format!("{base}/api/v1/projects/aurora/reports/{report}/send"))
        .header("X-Api-Key", &app.api_key)
        .json(&json!({"to": ["ann@example.com", "bob@example.com", "cy@example.com"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for _ in 0..200 {
        if sink.hanging() > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!((sink.received().len(), sink.hanging()), (1, 1), "mid-run: one sent, the next one hanging");
    server.start_kill().unwrap(); // SIGKILL, mid-conversation
    server.wait().await.unwrap();

    // Another instance, past the dead one's lease.
    let url = SmtpUrl::parse(&sink.url()).unwrap();
    let mailer =
        inlet::server::mail::Mailer::new("Inlet <inlet@localhost>".parse().unwrap(), Some(&url), std::env::temp_dir()).unwrap();
    let content = std::sync::Arc::new(inlet::server::service::distributions::ReportContent {
        store: app.store.clone(),
        base_url: app.address.clone(),
    });
    let other = inlet::server::service::distributions::Scheduler::new(app.store.clone(), mailer, content);
    sink.stop_hanging();
    let now = chrono::Utc::now();
    assert_eq!(other.run_due(now).await.unwrap().sent, 0, "the dead instance's lease still holds");
    let later = now + inlet::server::service::distributions::LEASE + chrono::Duration::seconds(1);
    assert_eq!(other.run_due(later).await.unwrap().sent, 1);

    let mut to: Vec<String> = sink.received().into_iter().flat_map(|m| m.rcpt_to).collect();
    to.sort();
    assert_eq!(to, ["ann@example.com", "bob@example.com", "cy@example.com"], "each once");
    let status: Value = app.get(&format!("/api/v1/projects/aurora/sends/{}", queued["id"])).await.json().await.unwrap();
    assert_eq!((status["status"].as_str(), status["attempts"].as_i64()), (Some("sent"), Some(2)), "{status}");
}
