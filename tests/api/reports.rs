//! Custom reports (`…/reports`, and the community's `/api/v1/reports`): created through the
//! API, each element's typed table checked against the fixture, and every export opened with
//! a real reader — the XLSX with calamine (cell types, a native chart), the PDF with
//! pdftotext, the zip and the CSV parsed.

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::{Cursor, Read};

use crate::grid::grid_app;
use crate::helpers::{error_body, error_fields, TestApp};

const REPORTS: &str = "/api/v1/projects/aurora/reports";

async fn created(app: &TestApp, path: &str, body: Value) -> Value {
    let response = app.post_json(path, &body).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "POST {path} {body}: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

async fn delete(app: &TestApp, path: &str) -> StatusCode {
    app.client.delete(app.url(path)).header("X-Api-Key", &app.api_key).send().await.unwrap().status()
}

async fn download(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    let headers = response.headers().clone();
    (headers, response.bytes().await.unwrap().to_vec())
}

fn element(report: &Value, name: &str) -> Value {
    report["elements"].as_array().unwrap().iter().find(|e| e["name"] == name).unwrap_or_else(|| panic!("{name}")).clone()
}

/// A report over the grid fixture with an element of each kind.
async fn report_app() -> (TestApp, i64) {
    let app = grid_app().await;
    let report = created(&app, REPORTS, json!({"name": "Aurora weekly"})).await;
    let id = report["id"].as_i64().unwrap();
    assert_eq!(report["time_zone"], "UTC");
    assert_eq!(report["element_count"], 0);
    let elements = format!("{REPORTS}/{id}/elements");
    let crm = |field: &str| json!({"data_group": "CRM", "field": field});
    for body in [
        json!({"name": "Testers", "source": "project", "style": "number"}),
        json!({"name": "Beta testers", "style": "number", "filter": {"criteria": [
            {"data_group": "CRM", "field": "Beta", "qualifier": "is_true"}]}}),
        json!({"name": "Values this week", "source": "project", "figure": "values_last_7_days", "style": "number"}),
        json!({"name": "Plan mix", "data": [crm("Plan")], "style": "pie"}),
        json!({"name": "Seats", "data": [crm("Seats")], "style": "distribution"}),
        json!({"name": "Renewals", "data": [crm("Renewal")], "style": "line", "bucket": "month"}),
        json!({"name": "Plan by beta", "data": [crm("Plan"), crm("Beta")], "style": "column"}),
        json!({"name": "Who", "data": [crm("Plan")], "style": "list"}),
    ] {
        created(&app, &elements, body).await;
    }
    (app, id)
}

#[tokio::test]
async fn each_element_is_a_typed_table_of_the_current_data() {
    let (app, id) = report_app().await;
    let report = ok(app.get(&format!("{REPORTS}/{id}")).await).await;
    assert_eq!(report["name"], "Aurora weekly");
    assert!(report["refreshed_at"].as_str().is_some());
    let names: Vec<&str> = report["elements"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Testers", "Beta testers", "Values this week", "Plan mix", "Seats", "Renewals", "Plan by beta", "Who"]);

    assert_eq!(element(&report, "Testers")["data"], json!({"columns": ["Testers", "Users"], "rows": [["Testers", 6]]}));
    assert_eq!(element(&report, "Beta testers")["data"]["rows"], json!([["Beta testers", 2]]), "Ada and Margaret");
    assert_eq!(element(&report, "Values this week")["data"]["rows"][0][1], 5, "five testers had CRM values sent");

    let plan = element(&report, "Plan mix");
    assert_eq!(plan["style"], "pie");
    assert_eq!(plan["fields"], json!([{"data_group": "CRM", "field": "Plan"}]));
    assert_eq!(plan["data"]["columns"], json!(["Plan", "Users"]));
    let rows = plan["data"]["rows"].as_array().unwrap();
    let labels: Vec<Value> = rows.iter().map(|r| r[0].clone()).collect();
    assert!(labels.contains(&json!("pro")) && labels.contains(&json!("PRO")), "text groups exactly as stored: {labels:?}");
    assert_eq!(rows.last().unwrap()[0], Value::Null, "the empty value's row last");
    assert_eq!(rows.iter().map(|r| r[1].as_i64().unwrap()).sum::<i64>(), 6, "every tester counted once");

    let seats = element(&report, "Seats")["data"].clone();
    assert_eq!(seats["columns"], json!(["Statistic", "Seats"]));
    let stat = |name: &str| seats["rows"].as_array().unwrap().iter().find(|r| r[0] == name).unwrap()[1].as_f64().unwrap();
    assert_eq!((stat("Count"), stat("Min"), stat("Max"), stat("Mean"), stat("Median")), (4.0, -3.0, 12.0, 4.75, 5.0));

    let renewals = element(&report, "Renewals");
    assert_eq!(renewals["bucket"], "month");
    let rows = renewals["data"]["rows"].as_array().unwrap();
    assert_eq!(rows[0], json!(["2025-06-01", 1]), "from the first renewal's month");
    assert_eq!(rows[1], json!(["2025-07-01", 0]), "empty months included");
    assert!(rows.contains(&json!(["2026-01-01", 2])));

    let cross = element(&report, "Plan by beta")["data"].clone();
    let columns: Vec<&str> = cross["columns"].as_array().unwrap().iter().filter_map(|c| c.as_str()).collect();
    assert_eq!((columns[0], *columns.last().unwrap()), ("Plan", "Total"));
    assert!(columns.contains(&"true") && columns.contains(&"false"));

    let list = element(&report, "Who")["data"].clone();
    assert_eq!(list["columns"], json!(["Email", "Plan"]));
    assert_eq!(list["rows"].as_array().unwrap().len(), 6);
    assert!(list["rows"].as_array().unwrap().contains(&json!(["ada@example.com", "pro"])));
}

#[tokio::test]
async fn a_style_that_does_not_fit_is_refused_naming_the_styles_that_would() {
    let (app, id) = report_app().await;
    let elements = format!("{REPORTS}/{id}/elements");
    let body = json!({"name": "Plan over time", "data": [{"data_group": "CRM", "field": "Plan"}], "style": "line"});
    let error = error_body(app.post_json(&elements, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["style"]);
    let message = error["fields"][0]["reason"].as_str().or(error["fields"][0]["message"].as_str()).unwrap().to_string();
    assert!(message.contains("pie") && message.contains("bar"), "{message}");

    let body = json!({"name": " ", "data": [{"data_group": "CRM", "field": "Nope"}], "style": "sparkles", "filter": 999});
    let error = error_body(app.post_json(&elements, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["style"], "the style is read first: {error}");
    let body = json!({"name": " ", "data": [{"data_group": "CRM", "field": "Nope"}], "style": "pie", "filter": 999});
    let error = error_body(app.post_json(&elements, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["name", "data[0].field", "filter"]);

    let report = ok(app.get(&format!("{REPORTS}/{id}")).await).await;
    assert_eq!(report["elements"].as_array().unwrap().len(), 8, "nothing half-written");
    assert_eq!(app.get(&format!("{REPORTS}/999")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/api/v1/projects/nope/reports/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/api/v1/reports/{id}")).await.status(), StatusCode::NOT_FOUND, "not a community report");
}

#[tokio::test]
async fn reports_and_elements_are_renamed_moved_cloned_and_deleted() {
    let (app, id) = report_app().await;
    let report_path = format!("{REPORTS}/{id}");
    let renamed = ok(app.patch_json(&report_path, &json!({"name": "Aurora Monday", "time_zone": "Europe/Berlin"})).await).await;
    assert_eq!((renamed["name"].as_str(), renamed["time_zone"].as_str()), (Some("Aurora Monday"), Some("Europe/Berlin")));
    let error =
        error_body(app.patch_json(&report_path, &json!({"time_zone": "Mars/Base"})).await, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    assert_eq!(error_fields(&error), ["time_zone"]);

    let report = ok(app.get(&report_path).await).await;
    let plan = element(&report, "Plan mix");
    let plan_path = format!("{report_path}/elements/{}", plan["id"]);
    let moved = ok(app.patch_json(&plan_path, &json!({"style": "donut", "position": 0})).await).await;
    assert_eq!((moved["style"].as_str(), moved["position"].as_i64()), (Some("donut"), Some(0)));
    assert_eq!(moved["data"], plan["data"], "the same table, drawn differently");
    let report = ok(app.get(&report_path).await).await;
    assert_eq!(report["elements"][0]["name"], "Plan mix");
    assert_eq!(report["elements"][1]["name"], "Testers");

    let copy = created(&app, &format!("{report_path}/clone"), json!({"name": "Aurora copy"})).await;
    assert_eq!(copy["element_count"], 8);
    let conflict = app.post_json(&format!("{report_path}/clone"), &json!({"name": "aurora COPY"})).await;
    assert_eq!(conflict.status(), StatusCode::CONFLICT);

    assert_eq!(delete(&app, &plan_path).await, StatusCode::NO_CONTENT);
    assert_eq!(delete(&app, &plan_path).await, StatusCode::NOT_FOUND);
    let report = ok(app.get(&report_path).await).await;
    let positions: Vec<i64> = report["elements"].as_array().unwrap().iter().map(|e| e["position"].as_i64().unwrap()).collect();
    assert_eq!(positions, (0..7).collect::<Vec<_>>(), "no gap where it was");
    let copy = ok(app.get(&format!("{REPORTS}/{}", copy["id"])).await).await;
    assert_eq!(copy["elements"].as_array().unwrap().len(), 8, "the copy keeps its own elements");

    let list = ok(app.get(REPORTS).await).await;
    let names: Vec<&str> = list["reports"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Aurora copy", "Aurora Monday"]);
    assert_eq!(delete(&app, &report_path).await, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&report_path).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_element_whose_saved_filter_is_deleted_says_why_instead_of_failing_the_report() {
    let (app, id) = report_app().await;
    let filter = created(
        &app,
        "/api/v1/projects/aurora/filters",
        json!({"name": "Pro", "criteria": [
        {"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "pro"}]}),
    )
    .await;
    let element = created(
        &app,
        &format!("{REPORTS}/{id}/elements"),
        json!({"name": "Pro testers", "style": "number", "filter": filter["id"]}),
    )
    .await;
    assert_eq!(element["data"]["rows"], json!([["Pro testers", 2]]), "pro and PRO: the filter folds case");
    assert_eq!(delete(&app, &format!("/api/v1/projects/aurora/filters/{}", filter["id"])).await, StatusCode::NO_CONTENT);
    let report = ok(app.get(&format!("{REPORTS}/{id}")).await).await;
    let broken = self::element(&report, "Pro testers");
    assert!(broken["data"]["rows"][0][0].as_str().unwrap().contains("no longer exists"), "{broken}");
    assert_eq!(self::element(&report, "Testers")["data"]["rows"][0][1], 6, "the others still computed");
}

#[tokio::test]
async fn renamed_fields_are_followed_by_report_elements() {
    let (app, id) = report_app().await;
    let listener = ok(app.get("/api/v1/projects/aurora/listeners/crm").await).await;
    let fields: Vec<Value> = listener["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let label = if f["label"] == "Plan" { "Tier".into() } else { f["label"].clone() };
            json!({"field_id": f["field_id"], "label": label, "parameter": f["parameter"]})
        })
        .collect();
    ok(app.patch_json("/api/v1/projects/aurora/listeners/crm", &json!({"fields": fields})).await).await;
    let report = ok(app.get(&format!("{REPORTS}/{id}")).await).await;
    let plan = element(&report, "Plan mix");
    assert_eq!(plan["fields"], json!([{"data_group": "CRM", "field": "Tier"}]));
    assert_eq!(plan["data"]["columns"], json!(["Tier", "Users"]));
}

fn pdf_text(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("inlet-report-{}", crate::helpers::random_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.pdf");
    std::fs::write(&file, pdf).unwrap();
    let output = std::process::Command::new("pdftotext").arg(&file).arg("-").output().expect("pdftotext (poppler-utils)");
    std::fs::remove_dir_all(&dir).ok();
    assert!(output.status.success(), "pdftotext read the file");
    String::from_utf8(output.stdout).unwrap()
}

fn entry_names(archive: &mut zip::ZipArchive<Cursor<Vec<u8>>>) -> Vec<String> {
    (0..archive.len()).map(|i| archive.by_index(i).unwrap().name().unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_whole_report_exports_to_pdf_xlsx_and_a_zip_of_csvs() {
    let (app, id) = report_app().await;
    let today = chrono::Utc::now().date_naive();

    let (headers, pdf) = download(&app, &format!("{REPORTS}/{id}/export.pdf")).await;
    assert_eq!(headers[CONTENT_TYPE], "application/pdf");
    assert_eq!(headers[CONTENT_DISPOSITION].to_str().unwrap(), format!("attachment; filename=\"aurora-weekly-{today}.pdf\""));
    let text = pdf_text(&pdf);
    for expected in ["Aurora weekly", "Aurora beta", "Plan mix", "Seats", "Median", "Renewals", "ada@example.com"] {
        assert!(text.contains(expected), "the PDF says {expected}:\n{text}");
    }

    let (headers, xlsx) = download(&app, &format!("{REPORTS}/{id}/export.xlsx")).await;
    assert!(headers[CONTENT_TYPE].to_str().unwrap().starts_with("application/vnd.openxmlformats"));
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx.clone())).unwrap();
    let sheets = workbook.sheet_names();
    assert_eq!(sheets, ["Testers", "Beta testers", "Values this week", "Plan mix", "Seats", "Renewals", "Plan by beta", "Who"]);
    let seats = workbook.worksheet_range("Seats").unwrap();
    assert_eq!(seats.get((0, 0)), Some(&Data::String("Statistic".into())));
    assert!(seats.rows().any(|row| row[0] == Data::String("Max".into()) && matches!(row[1], Data::Float(f) if f == 12.0)));
    let plan = workbook.worksheet_range("Plan mix").unwrap();
    assert!(plan.rows().skip(1).all(|row| matches!(row[1], Data::Float(_) | Data::Int(_))), "counts are numbers");
    let mut archive = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let charts = entry_names(&mut archive).iter().filter(|name| name.starts_with("xl/charts/chart")).count();
    assert_eq!(charts, 3, "a native chart for the pie, the line and the columns");

    let (headers, zipped) = download(&app, &format!("{REPORTS}/{id}/export.zip")).await;
    assert_eq!(headers[CONTENT_TYPE], "application/zip");
    let mut archive = zip::ZipArchive::new(Cursor::new(zipped)).unwrap();
    assert_eq!(archive.len(), 8, "one CSV per element");
    assert_eq!(entry_names(&mut archive)[3], "04 Plan mix.csv", "numbered in the report's order");
    let name = entry_names(&mut archive).into_iter().find(|n| n.ends_with(" Seats.csv")).unwrap();
    let mut csv_text = String::new();
    archive.by_name(&name).unwrap().read_to_string(&mut csv_text).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["Statistic", "Seats"]);
    assert_eq!(reader.records().count(), 5);
}

#[tokio::test]
async fn one_element_exports_alone() {
    let (app, id) = report_app().await;
    let report = ok(app.get(&format!("{REPORTS}/{id}")).await).await;
    let plan = element(&report, "Plan mix");
    let base = format!("{REPORTS}/{id}/elements/{}", plan["id"]);
    let today = chrono::Utc::now().date_naive();

    let (headers, bytes) = download(&app, &format!("{base}/export.csv")).await;
    assert_eq!(
        headers[CONTENT_DISPOSITION].to_str().unwrap(),
        format!("attachment; filename=\"aurora-weekly-plan-mix-{today}.csv\"")
    );
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["Plan", "Users"]);
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    assert_eq!(rows.len(), plan["data"]["rows"].as_array().unwrap().len(), "the same table as the API's");

    let (_, xlsx) = download(&app, &format!("{base}/export.xlsx")).await;
    let workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).unwrap();
    assert_eq!(workbook.sheet_names(), ["Plan mix"]);
    let (_, pdf) = download(&app, &format!("{base}/export.pdf")).await;
    let text = pdf_text(&pdf);
    assert!(text.contains("Plan mix") && !text.contains("Renewals"), "{text}");
    assert_eq!(app.get(&format!("{base}/export.zip")).await.status(), StatusCode::NOT_FOUND, "a zip is for a whole report");
}

#[tokio::test]
async fn community_reports_count_every_projects_users() {
    let app = grid_app().await;
    app.create_project("Borealis", "borealis").await;
    app.add_user("borealis", "ada@example.com", "ada", "Ada").await;
    app.add_user("borealis", "zoe@example.com", "zoe", "Zoe").await;
    let report = created(&app, "/api/v1/reports", json!({"name": "Community overview"})).await;
    let id = report["id"].as_i64().unwrap();
    let elements = format!("/api/v1/reports/{id}/elements");
    created(&app, &elements, json!({"name": "Memberships", "style": "number"})).await;
    let by_project = created(
        &app,
        &elements,
        json!({"name": "By project", "style": "bar", "data": [{"data_group": "Participation", "field": "Project"}]}),
    )
    .await;
    assert_eq!(by_project["data"]["rows"], json!([["Aurora beta", 6], ["Borealis", 2]]));
    let filtered = created(
        &app,
        &elements,
        json!({"name": "Adas", "style": "number", "filter": {"criteria": [
            {"data_group": "User account", "field": "Email", "qualifier": "starts_with", "value": "ada@"}]}}),
    )
    .await;
    assert_eq!(filtered["data"]["rows"][0][1], 2, "Ada in both projects");

    let error = error_body(
        app.post_json(&elements, &json!({"name": "Plans", "style": "pie", "data": [{"data_group": "CRM", "field": "Plan"}]}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&error), ["data[0].data_group"], "a project's own groups are not the community's");

    let report = ok(app.get(&format!("/api/v1/reports/{id}")).await).await;
    assert_eq!(element(&report, "Memberships")["data"]["rows"][0][1], 8);
    let listed = ok(app.get("/api/v1/reports").await).await;
    assert_eq!(listed["reports"].as_array().unwrap().len(), 1);
    assert_eq!(ok(app.get(REPORTS).await).await["reports"], json!([]), "not one of a project's reports");
    let (_, pdf) = download(&app, &format!("/api/v1/reports/{id}/export.pdf")).await;
    assert!(pdf_text(&pdf).contains("Community overview"));
}
