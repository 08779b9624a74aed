//! Custom reports as a browser with JavaScript off uses them: the list, a report's page with its
//! figures, server-drawn charts and tables, the exports through the session (the API's bytes),
//! and the builder's form post, which saves an element and shows its report.

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::{Cursor, Read};

use crate::grid::grid_app;
use crate::helpers::{fetch_page, location, new_client, TestApp, PM_EMAIL, PM_PASSWORD};
use crate::listener_edit::{form_action, post_form};

const REPORTS: &str = "/api/v1/projects/aurora/reports";
const SEPARATOR: char = '\u{1f}';

fn s(value: &str) -> String {
    value.to_string()
}

async fn created(app: &TestApp, path: &str, body: Value) -> i64 {
    let response = app.post_json(path, &body).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "POST {path} {body}: {text}");
    serde_json::from_str::<Value>(&text).unwrap()["id"].as_i64().unwrap()
}

/// The grid fixture (six testers, CRM fields) with a report of a figure, a pie and a list, and
/// the admin logged in. Returns the report's and the pie's ids.
async fn app() -> (TestApp, i64, i64) {
    let app = grid_app().await;
    let id = created(&app, REPORTS, json!({"name": "Aurora weekly"})).await;
    let elements = format!("{REPORTS}/{id}/elements");
    created(&app, &elements, json!({"name": "Testers", "source": "project", "style": "number"})).await;
    let pie =
        created(&app, &elements, json!({"name": "Plan mix", "data": [{"data_group": "CRM", "field": "Plan"}], "style": "pie"}))
            .await;
    created(&app, &elements, json!({"name": "Who", "data": [{"data_group": "CRM", "field": "Plan"}], "style": "list"})).await;
    app.login_as_admin().await;
    (app, id, pie)
}

#[tokio::test]
async fn the_report_page_shows_each_element_with_its_figure_chart_and_table() {
    let (app, id, pie) = app().await;
    let list = app.get_page("/p/aurora/reports").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains(&format!(r#"href="/p/aurora/reports/{id}""#)) && list.body.contains(">Aurora weekly<"),
        "{}",
        list.body
    );
    assert!(list.body.contains("Create a report") && list.body.contains(r#"href="/p/aurora/reports/new""#));

    let page = app.get_page(&format!("/p/aurora/reports/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("<h1>Aurora weekly</h1>") && body.contains("Aurora beta") && body.contains("Refreshed at"), "{body}");
    for name in ["Testers", "Plan mix", "Who"] {
        assert!(body.contains(&format!("<h2>{name}</h2>")), "{name} in {body}");
    }
    assert!(body.contains(r#"<span class="figure-value">6</span>"#), "the headline figure: {body}");
    let chart = &body[body.find(r#"<div class="chart">"#).expect("the pie's chart")..];
    assert!(chart[..200].contains("<svg"), "the server's SVG inserted as markup, not text: {}", &chart[..200]);
    assert!(body.contains("(empty)"), "an empty value reads (empty)");
    assert!(body.contains(">ada@example.com<"), "the list's rows");
    assert!(body.contains(&format!(r#"href="/p/aurora/reports/{id}/export.pdf""#)));
    assert!(body.contains(&format!(r#"href="/p/aurora/reports/{id}/elements/{pie}/export.csv""#)));
    assert!(body.contains(&format!(r#"href="/p/aurora/reports/{id}/elements/{pie}""#)), "the element's Edit link");

    let edit = app.get_page(&format!("/p/aurora/reports/{id}/elements/{pie}")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.body.contains(r#"value="Plan mix""#) && edit.body.contains("Pie chart"), "{}", edit.body);
    assert!(edit.body.contains("<svg"), "the preview of the element being edited is drawn by the server");

    let missing = app.get_page("/p/aurora/reports/999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let community = app.get_page("/reports").await;
    assert_eq!(community.status, StatusCode::OK);
    assert!(community.body.contains("Community reports") && !community.body.contains("Aurora weekly"));
}

fn xlsx_parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        // The workbook's creation time is the second it was written, not part of its content.
        if name != "docProps/core.xml" {
            parts.push((name, content));
        }
    }
    parts
}

#[tokio::test]
async fn exports_through_the_session_are_the_api_s_files() {
    let (app, id, pie) = app().await;
    let today = chrono::Utc::now().format("%Y-%m-%d");
    let page_file = |path: String| {
        let app = &app;
        async move {
            let response = app.client.get(app.url(&path)).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let disposition = response.headers()["content-disposition"].to_str().unwrap().to_string();
            (disposition, response.bytes().await.unwrap().to_vec())
        }
    };
    let api_file = |path: String| {
        let app = &app;
        async move {
            let response = app.get(&path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            response.bytes().await.unwrap().to_vec()
        }
    };

    let (disposition, csv) = page_file(format!("/p/aurora/reports/{id}/elements/{pie}/export.csv")).await;
    assert_eq!(disposition, format!(r#"attachment; filename="aurora-weekly-plan-mix-{today}.csv""#));
    assert_eq!(csv, api_file(format!("{REPORTS}/{id}/elements/{pie}/export.csv")).await);
    assert!(String::from_utf8(csv).unwrap().starts_with("Plan,Users"));

    let (disposition, xlsx) = page_file(format!("/p/aurora/reports/{id}/export.xlsx")).await;
    assert_eq!(disposition, format!(r#"attachment; filename="aurora-weekly-{today}.xlsx""#));
    assert_eq!(xlsx_parts(&xlsx), xlsx_parts(&api_file(format!("{REPORTS}/{id}/export.xlsx")).await));

    let (_, zipped) = page_file(format!("/p/aurora/reports/{id}/export.zip")).await;
    assert_eq!(zipped, api_file(format!("{REPORTS}/{id}/export.zip")).await);
    let (disposition, pdf) = page_file(format!("/p/aurora/reports/{id}/export.pdf")).await;
    assert!(disposition.ends_with(&format!(r#"aurora-weekly-{today}.pdf""#)) && pdf.starts_with(b"%PDF"), "{disposition}");

    // No session: to the login page and back to the report. Off the project's team: 403.
    let anonymous = new_client().get(app.url(&format!("/p/aurora/reports/{id}/export.pdf"))).send().await.unwrap();
    assert_eq!(location(&anonymous), format!("/login?next=/p/aurora/reports/{id}"));
    let outsider = new_client();
    app.login_with(&outsider, PM_EMAIL, PM_PASSWORD).await;
    let refused = outsider.get(app.url(&format!("/p/aurora/reports/{id}/export.xlsx"))).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let community = outsider.get(app.url("/reports/1/export.pdf")).send().await.unwrap();
    assert_eq!(community.status(), StatusCode::FORBIDDEN, "community reports are community managers'");
    let unknown = app.client.get(app.url(&format!("/p/aurora/reports/{id}/export.csv"))).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND, "a whole report's CSV is its zip");
}

#[tokio::test]
async fn the_builder_form_posts_without_javascript_into_a_new_report() {
    let (app, _, _) = app().await;
    let page = "/p/aurora/reports/new";
    let builder = app.get_page(page).await;
    assert_eq!(builder.status, StatusCode::OK);
    assert!(builder.body.contains("Preview") && builder.body.contains("Destination report"), "{}", builder.body);
    let action = form_action(&builder.body, "save_element");
    let form = |style: &str, report: &str| {
        vec![
            ("slug", s("aurora")),
            ("source", s("users")),
            ("figure", s("users")),
            ("field1", format!("CRM{SEPARATOR}Plan")),
            ("field2", s("")),
            ("filter", s("")),
            ("style", s(style)),
            ("bucket", s("day")),
            ("name", s("Plan bars")),
            ("destination", s("new")),
            ("new_report", s(report)),
        ]
    };

    let refused = post_form(&app, &action, page, &form("line", "")).await;
    let shown = fetch_page(app.client.get(location(&refused))).await;
    let style_error = &shown.body[shown.body.find(r#"id="style-error""#).expect("the style's error")..];
    assert!(style_error[..style_error.find("</p>").unwrap()].contains("bar"), "names the styles that fit: {style_error}");
    assert!(shown.body.contains(r#"id="new_report-error""#), "the new report needs a name");
    let reports: Value = app.get(REPORTS).await.json().await.unwrap();
    assert_eq!(reports["reports"].as_array().unwrap().len(), 1, "nothing written for a refused element");

    let saved = post_form(&app, &action, page, &form("bar", "From the form")).await;
    let report_page = location(&saved);
    let id: i64 = report_page.strip_prefix("/p/aurora/reports/").expect("the new report's page").parse().unwrap();
    let report: Value = app.get(&format!("{REPORTS}/{id}")).await.json().await.unwrap();
    assert_eq!(report["name"], "From the form");
    assert_eq!(report["elements"][0]["name"], "Plan bars");
    assert_eq!(report["elements"][0]["style"], "bar");
    let shown = app.get_page(&report_page).await;
    assert!(shown.body.contains("<h2>Plan bars</h2>") && shown.body.contains("<svg"), "{}", shown.body);
}

#[tokio::test]
async fn the_preview_draws_an_unsaved_element_and_names_what_does_not_fit() {
    let (app, _, _) = app().await;
    let preview = |style: &str| {
        let body = [
            ("slug", s("aurora")),
            ("form[name]", s("")),
            ("form[source]", s("users")),
            ("form[field1]", format!("CRM{SEPARATOR}Plan")),
            ("form[field2]", s("")),
            ("form[filter]", s("")),
            ("form[style]", s(style)),
            ("form[bucket]", s("day")),
        ];
        let path = <inlet::api::reports::PreviewElement as leptos::server_fn::ServerFn>::PATH;
        app.client.post(app.url(path)).form(&body).send()
    };
    let drawn = preview("pie").await.unwrap();
    assert_eq!(drawn.status(), StatusCode::OK);
    let element: Value = drawn.json().await.unwrap();
    assert_eq!(element["name"], "Untitled element", "an unnamed element still previews");
    assert_eq!(element["style"], "pie");
    assert!(element["svg"].as_str().unwrap().starts_with("<svg"), "{element}");
    assert_eq!(element["table"]["columns"], json!(["Plan", "Users"]));

    let refused = preview("line").await.unwrap();
    assert!(!refused.status().is_success());
    let text = refused.text().await.unwrap();
    assert!(text.contains("style") && text.contains("pie"), "names the styles that fit: {text}");
}

async fn element_names(app: &TestApp, id: i64) -> Vec<String> {
    let report: Value = app.get(&format!("{REPORTS}/{id}")).await.json().await.unwrap();
    report["elements"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn elements_move_and_go_and_reports_are_renamed_cloned_and_deleted_through_their_forms() {
    let (app, id, pie) = app().await;
    let page = format!("/p/aurora/reports/{id}");
    let body = app.get_page(&page).await.body;
    let fields = |element: i64| vec![("slug", s("aurora")), ("report", id.to_string()), ("element", element.to_string())];

    let mut up = fields(pie);
    up.push(("direction", s("up")));
    let moved = post_form(&app, &form_action(&body, "move_element"), &page, &up).await;
    assert_eq!(location(&moved), page);
    assert_eq!(element_names(&app, id).await, ["Plan mix", "Testers", "Who"]);

    let removed = post_form(&app, &form_action(&body, "delete_element"), &page, &fields(pie)).await;
    assert_eq!(location(&removed), page);
    assert_eq!(element_names(&app, id).await, ["Testers", "Who"]);

    let list = "/p/aurora/reports";
    let body = app.get_page(list).await.body;
    let named = |name: &str| vec![("slug", s("aurora")), ("id", id.to_string()), ("name", s(name))];
    let renamed = post_form(&app, &form_action(&body, "rename_report"), list, &named("Aurora monthly")).await;
    assert_eq!(location(&renamed), list);
    let cloned = post_form(&app, &form_action(&body, "clone_report"), list, &named("Aurora copy")).await;
    let copy = location(&cloned);
    assert!(copy.starts_with("/p/aurora/reports/") && copy != page, "the copy opens: {copy}");
    let shown = app.get_page(&copy).await.body;
    assert!(shown.contains("<h1>Aurora copy</h1>") && shown.contains("<h2>Who</h2>"), "{shown}");
    let deleted =
        post_form(&app, &form_action(&body, "delete_report"), list, &[("slug", s("aurora")), ("id", id.to_string())]).await;
    assert_eq!(location(&deleted), list);
    let body = app.get_page(list).await.body;
    assert!(body.contains("Aurora copy") && !body.contains("Aurora monthly"), "{body}");
}

#[tokio::test]
async fn community_reports_are_for_community_managers() {
    let (app, _, _) = app().await;
    let id = created(&app, "/api/v1/reports", json!({"name": "All projects"})).await;
    created(&app, &format!("/api/v1/reports/{id}/elements"), json!({"name": "Everyone", "style": "number"})).await;
    let page = app.get_page(&format!("/reports/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<h2>Everyone</h2>") && page.body.contains(r#"<span class="figure-value">6</span>"#),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!(r#"href="/reports/{id}/export.xlsx""#)));
    let xlsx = app.client.get(app.url(&format!("/reports/{id}/export.xlsx"))).send().await.unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    let builder = app.get_page("/reports/new").await;
    assert!(builder.status == StatusCode::OK && builder.body.contains("All projects"), "the destination choices");

    let manager = new_client();
    app.login_with(&manager, PM_EMAIL, PM_PASSWORD).await;
    let refused = fetch_page(manager.get(app.url(&format!("/reports/{id}")))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("only community managers"), "{}", refused.body);
}

#[tokio::test]
async fn an_element_s_own_criteria_are_edited_on_the_builder_and_a_refused_one_is_named_at_its_row() {
    let (app, id, _) = app().await;
    let criteria = json!({"criteria": [{"data_group": "CRM", "field": "Beta", "qualifier": "is_true"}]});
    let body = json!({"name": "Beta testers", "style": "number", "filter": criteria});
    let element = created(&app, &format!("{REPORTS}/{id}/elements"), body).await;
    let page = format!("/p/aurora/reports/{id}/elements/{element}");
    let shown = app.get_page(&page).await;
    assert!(shown.body.contains(r#"<option value="own" selected"#), "the filter is the element's own: {}", shown.body);
    let beta = format!(r#"<option value="CRM{SEPARATOR}Beta" selected"#);
    assert!(shown.body.contains(&beta), "the criteria editor shows the stored criterion: {}", shown.body);
    assert!(shown.body.contains(r#"<span class="figure-value">2</span>"#), "the preview counts with the criteria");

    let form = |qualifier: &str, value: &str| {
        vec![
            ("slug", s("aurora")),
            ("report", id.to_string()),
            ("element", element.to_string()),
            ("source", s("users")),
            ("figure", s("users")),
            ("field1", s("")),
            ("field2", s("")),
            ("filter", s("own")),
            ("combine", s("all")),
            // A blank row first: errors must still name the row a person filled in.
            ("criteria[0][field]", s("")),
            ("criteria[0][value]", s("")),
            ("criteria[1][field]", format!("CRM{SEPARATOR}Seats")),
            ("criteria[1][qualifier]", s(qualifier)),
            ("criteria[1][value]", s(value)),
            ("style", s("number")),
            ("bucket", s("day")),
            ("name", s("Big teams")),
        ]
    };
    let action = form_action(&shown.body, "save_element");
    let refused = post_form(&app, &action, &page, &form("ge", "lots")).await;
    let shown = fetch_page(app.client.get(location(&refused))).await;
    let error = &shown.body[shown.body.find(r#"id="criterion-1-value-error""#).expect("the error at the second row")..];
    assert!(error[..error.find("</p>").unwrap()].contains("number"), "{error}");
    let stored: Value = app.get(&format!("{REPORTS}/{id}/elements/{element}")).await.json().await.unwrap();
    assert_eq!(stored["name"], "Beta testers", "nothing written for a refused criterion");

    let saved = post_form(&app, &action, &page, &form("ge", "10")).await;
    assert_eq!(location(&saved), format!("/p/aurora/reports/{id}"));
    let stored: Value = app.get(&format!("{REPORTS}/{id}/elements/{element}")).await.json().await.unwrap();
    assert_eq!(stored["name"], "Big teams");
    assert_eq!(stored["filter"]["criteria"], json!([{"data_group": "CRM", "field": "Seats", "qualifier": "ge", "value": 10}]));

    // Back to no filter: the criteria go with it.
    let mut none = form("ge", "10");
    none.retain(|(name, _)| !name.starts_with("criteria"));
    none.iter_mut().find(|(name, _)| *name == "filter").unwrap().1 = s("");
    post_form(&app, &action, &page, &none).await;
    let stored: Value = app.get(&format!("{REPORTS}/{id}/elements/{element}")).await.json().await.unwrap();
    assert_eq!(stored["filter"], Value::Null, "{stored}");
}
