//! Grid exports (`POST …/grid/export.csv` and `…/export.xlsx`): the whole result in the
//! grid's order, read back as files — the CSV parsed, the XLSX opened with calamine.

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::Cursor;

use crate::grid::grid_app;
use crate::helpers::{error_body, error_fields, TestApp};

/// Email, the CRM fields and an App field sharing the label Plan; by Seats, descending.
async fn export_app() -> (TestApp, Value) {
    let app = grid_app().await;
    let listener = json!({"name": "App", "key": "app", "data_group": "App",
        "fields": [{"label": "plan", "parameter": "plan", "type": "string"}]});
    assert_eq!(app.post_json("/api/v1/projects/aurora/listeners", &listener).await.status(), StatusCode::CREATED);
    let sent = app.post_json("/api/v1/projects/aurora/listeners/app/users/ada@example.com", &json!({"plan": "mobile"})).await;
    assert_eq!(sent.status(), StatusCode::OK);
    let columns: Vec<Value> = ["Plan", "Seats", "Beta", "Renewal"]
        .iter()
        .map(|field| json!({"data_group": "CRM", "field": field}))
        .chain([json!({"data_group": "App", "field": "Plan"})])
        .collect();
    let mut all = vec![json!({"data_group": "User account", "field": "Email"})];
    all.extend(columns);
    let body = json!({"view": {"columns": all}, "sort": [{"column": 2, "order": "desc"}]});
    (app, body)
}

async fn download(app: &TestApp, extension: &str, body: &Value) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let response = app.post_json(&format!("/api/v1/projects/aurora/grid/export.{extension}"), body).await;
    assert_eq!(response.status(), StatusCode::OK, "export.{extension}");
    let headers = response.headers().clone();
    (headers, response.bytes().await.unwrap().to_vec())
}

const EXPECTED_ORDER: [&str; 6] = [
    "grace@example.org",
    "ada@example.com",
    "katherine@example.com",
    "margaret@example.com",
    "linus@example.net",
    "alan@example.org",
];

#[tokio::test]
async fn the_csv_holds_the_whole_result_in_the_grids_order() {
    let (app, body) = export_app().await;
    let (headers, bytes) = download(&app, "csv", &body).await;
    assert_eq!(headers[CONTENT_TYPE], "text/csv; charset=utf-8");
    let today = chrono::Utc::now().date_naive();
    assert_eq!(headers[CONTENT_DISPOSITION].to_str().unwrap(), format!("attachment; filename=\"aurora-users-{today}.csv\""));
    assert!(bytes.windows(2).any(|w| w == b"\r\n"), "RFC 4180 line ends");

    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, ["Email", "CRM: Plan", "Seats", "Beta", "Renewal", "App: plan"], "the group only where labels clash");
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    let emails: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(emails, EXPECTED_ORDER);
    assert_eq!(rows[1], ["ada@example.com", "pro", "5", "true", "2026-01-10T08:30:00Z", "mobile"]);
    assert_eq!(rows[4], ["linus@example.net", "free", "", "", "", ""]);

    // The filter applies to the export as to the grid; a page is not asked for.
    let mut pro = body.clone();
    pro["filter"] = json!({"criteria": [{"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "pro"}]});
    let (_, bytes) = download(&app, "csv", &pro).await;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let emails: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(emails, ["grace@example.org", "ada@example.com"]);
}

#[tokio::test]
async fn the_xlsx_has_typed_cells_under_a_bold_header() {
    let (app, body) = export_app().await;
    let (headers, bytes) = download(&app, "xlsx", &body).await;
    assert_eq!(headers[CONTENT_TYPE], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let today = chrono::Utc::now().date_naive();
    assert_eq!(headers[CONTENT_DISPOSITION].to_str().unwrap(), format!("attachment; filename=\"aurora-users-{today}.xlsx\""));

    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an XLSX file");
    assert_eq!(workbook.sheet_names(), ["Users"]);
    let range = workbook.worksheet_range("Users").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len(), 7, "the header and every user");
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header, ["Email", "CRM: Plan", "Seats", "Beta", "Renewal", "App: plan"]);
    let emails: Vec<String> = rows[1..].iter().map(|r| r[0].to_string()).collect();
    assert_eq!(emails, EXPECTED_ORDER);

    let ada = rows[2];
    assert_eq!(ada[1], Data::String("pro".into()));
    assert_eq!(ada[2], Data::Float(5.0), "integers are numbers");
    assert_eq!(ada[3], Data::Bool(true), "booleans are booleans");
    let Data::DateTime(renewal) = &ada[4] else { panic!("a real Excel date, got {:?}", ada[4]) };
    assert_eq!(renewal.as_datetime().unwrap().to_string(), "2026-01-10 08:30:00");
    let margaret = rows[4];
    assert_eq!(margaret[2], Data::Float(-3.0));
    let linus = rows[5];
    assert!(linus[2..].iter().all(|c| *c == Data::Empty), "no value is an empty cell: {linus:?}");
}

#[tokio::test]
async fn exports_refuse_what_the_grid_refuses() {
    let (app, _) = export_app().await;
    for extension in ["csv", "xlsx"] {
        let path = format!("/api/v1/projects/aurora/grid/export.{extension}");
        error_body(app.post_json(&path, &json!({"filter": 9999})).await, StatusCode::NOT_FOUND).await;
        let bad = json!({"view": {"columns": [{"data_group": "CRM", "field": "Nope"}]}, "sort": [{"column": 3}]});
        let error = error_body(app.post_json(&path, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&error), ["view.columns[0].field"]);
        error_body(app.post_json(&path, &json!({"page": 2})).await, StatusCode::BAD_REQUEST).await;
    }
}

#[tokio::test]
async fn the_default_export_is_every_user_in_the_default_view() {
    let (app, _) = export_app().await;
    let (_, bytes) = download(&app, "csv", &json!({})).await;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, ["Email", "Username", "Display name", "Status", "Joined"]);
    assert_eq!(reader.records().count(), 6);
}
