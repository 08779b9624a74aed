//! `POST /api/v1/projects/{project}/users/import` (text/csv): good rows kept, bad rows
//! reported by line (the header is line 1), re-imports update, a bad file writes nothing.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{error_body, error_fields, spawn_app, spawn_app_with, TestApp};

async fn app_with_project() -> TestApp {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app
}

fn rejected_lines(report: &Value) -> Vec<u64> {
    report["rejected"].as_array().unwrap().iter().map(|r| r["line"].as_u64().unwrap()).collect()
}

async fn import_count(app: &TestApp, slug: &str) -> usize {
    let project = app.project(slug).await;
    app.store.recent_imports(project.id, 100).await.unwrap().len()
}

#[tokio::test]
async fn good_rows_are_imported_and_bad_rows_reported_by_line() {
    let app = app_with_project().await;
    let csv = "email,username,name\n\
               ada@example.com,ada,Ada Lovelace\n\
               not-an-email,bob,Bob\n\
               \n\
               grace@example.com,grace,\"Hopper, Grace\"\n\
               ADA@example.com,ada2,Ada Twice\n\
               edsger@example.com,x,\n";

    let response = app.import_csv("aurora", csv).await;

    assert_eq!(response.status(), StatusCode::OK);
    let report: Value = response.json().await.unwrap();
    assert!(report["id"].as_i64().is_some());
    assert_eq!((report["created"].as_u64(), report["updated"].as_u64()), (Some(2), Some(0)));
    assert_eq!(report["total_rows"].as_u64(), Some(5));
    assert_eq!(rejected_lines(&report), [3, 6, 7]);
    let reasons: Vec<&str> = report["rejected"].as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap()).collect();
    assert!(reasons[0].contains("email"), "{reasons:?}");
    assert!(reasons[1].contains("line 2"), "a duplicate names the first line: {reasons:?}");
    assert!(reasons[2].contains("username") && reasons[2].contains("name"), "{reasons:?}");

    let grace: Value = app.get("/api/v1/projects/aurora/users/grace").await.json().await.unwrap();
    assert_eq!(grace["display_name"], "Hopper, Grace");
    assert_eq!(app.user_count("aurora").await, 2);
    assert_eq!(import_count(&app, "aurora").await, 1);
}

#[tokio::test]
async fn line_numbers_hold_for_crlf_files_with_extra_columns() {
    let app = app_with_project().await;
    let csv = "\u{feff}Name,Plan,E-mail,Username\r\nAda Lovelace,pro,ada@example.com,ada\r\n\r\nBad,free,bad,b\r\nGrace,pro,grace@example.com,grace\r\n";

    let report: Value = app.import_csv("aurora", csv).await.json().await.unwrap();

    assert_eq!((report["created"].as_u64(), rejected_lines(&report)), (Some(2), vec![4]));
}

#[tokio::test]
async fn reimporting_updates_instead_of_duplicating() {
    let app = app_with_project().await;
    let first = "email,username,name\nada@example.com,ada,Ada Lovelace\ngrace@example.com,grace,Grace Hopper\n";
    let again = "email,username,name\nADA@example.com,ada,Augusta Ada King\ngrace@example.com,grace,Grace Hopper\n";
    assert_eq!(app.import_csv("aurora", first).await.status(), StatusCode::OK);

    let response = app.import_csv("aurora", again).await;

    assert_eq!(response.status(), StatusCode::OK);
    let report: Value = response.json().await.unwrap();
    assert_eq!((report["created"].as_u64(), report["updated"].as_u64()), (Some(0), Some(2)));
    assert!(rejected_lines(&report).is_empty());
    assert_eq!(app.user_count("aurora").await, 2);
    let ada: Value = app.get("/api/v1/projects/aurora/users/ada@example.com").await.json().await.unwrap();
    assert_eq!(ada["display_name"], "Augusta Ada King");
    assert_eq!(import_count(&app, "aurora").await, 2);
}

#[tokio::test]
async fn a_username_owned_by_another_user_is_rejected_by_line() {
    let app = app_with_project().await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;

    let csv = "email,username,name\ngrace@example.com,grace,Grace Hopper\nimpostor@example.com,ada,Not Ada\n";
    let report: Value = app.import_csv("aurora", csv).await.json().await.unwrap();

    assert_eq!((report["created"].as_u64(), rejected_lines(&report)), (Some(1), vec![3]));
    assert!(report["rejected"][0]["reason"].as_str().unwrap().contains("taken"), "{report}");
    let ada: Value = app.get("/api/v1/projects/aurora/users/ada").await.json().await.unwrap();
    assert_eq!(ada["email"], "ada@example.com");
    assert_eq!(app.user_count("aurora").await, 2);
}

#[tokio::test]
async fn a_file_without_the_header_writes_nothing() {
    let app = app_with_project().await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;

    let response = app.import_csv("aurora", "grace@example.com,grace,Grace Hopper\nbob@example.com,bob,Bob\n").await;

    let error = error_body(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error["code"], "invalid");
    assert_eq!(error_fields(&error), ["file"]);
    assert!(error["message"].as_str().unwrap().contains("header"), "{error}");
    assert_eq!(app.user_count("aurora").await, 1);
    assert_eq!(import_count(&app, "aurora").await, 0);
}

#[tokio::test]
async fn an_empty_file_is_refused() {
    let app = app_with_project().await;

    let error = error_body(app.import_csv("aurora", "").await, StatusCode::UNPROCESSABLE_ENTITY).await;

    assert_eq!(error_fields(&error), ["file"]);
    assert_eq!(import_count(&app, "aurora").await, 0);
}

#[tokio::test]
async fn a_file_that_is_not_utf8_is_refused() {
    let app = app_with_project().await;
    let mut latin1 = b"email,username,name\nfran".to_vec();
    latin1.push(0xE7); // 'ç' in Latin-1
    latin1.extend_from_slice(b"ois@example.com,francois,Fran\xE7ois\n");

    let error = error_body(app.import_csv("aurora", latin1).await, StatusCode::UNPROCESSABLE_ENTITY).await;

    assert_eq!(error["code"], "invalid");
    assert_eq!(error_fields(&error), ["file"]);
    assert!(error["message"].as_str().unwrap().contains("UTF-8"), "{error}");
    assert_eq!(app.user_count("aurora").await, 0);
    assert_eq!(import_count(&app, "aurora").await, 0);
}

#[tokio::test]
async fn an_import_that_is_not_csv_is_unsupported() {
    let app = app_with_project().await;

    let response = app
        .post_raw("/api/v1/projects/aurora/users/import", "application/json", "email,username,name\nada@example.com,ada,Ada\n")
        .await;

    let error = error_body(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    assert_eq!(error["code"], "unsupported_media_type");
    assert_eq!(app.user_count("aurora").await, 0);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let app = spawn_app_with(|settings| settings.max_body_bytes = 1024).await;
    app.create_project("Aurora beta", "aurora").await;
    let mut csv = String::from("email,username,name\n");
    for i in 0..100 {
        csv.push_str(&format!("user{i:03}@example.com,user{i:03},User {i}\n"));
    }
    assert!(csv.len() > 1024);

    let error = error_body(app.import_csv("aurora", csv).await, StatusCode::PAYLOAD_TOO_LARGE).await;

    assert_eq!(error["code"], "payload_too_large");
    assert!(error["message"].as_str().unwrap().contains("1024"), "{error}");
    assert_eq!(app.user_count("aurora").await, 0);

    let small = "email,username,name\nada@example.com,ada,Ada Lovelace\n";
    assert_eq!(app.import_csv("aurora", small).await.status(), StatusCode::OK, "a small file still goes through");
}
