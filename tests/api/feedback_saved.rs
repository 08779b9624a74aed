//! Saved filters and views over feedback (issue 15 § Feedback management): made through the
//! API (`"subject": "feedback"`) or the builder pages under `/p/{project}/feedback`, checked
//! against the ticket schema (the Ticket group and the submitters' groups), used by the
//! feedback grid, its page and reports over feedback, and kept out of the user grid's.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_body, error_fields, fetch_page, location, TestApp};
use crate::listener_edit::{form_action, post_form};
use crate::report_feedback::feedback_app;

const FILTERS: &str = "/api/v1/projects/aurora/filters";
const VIEWS: &str = "/api/v1/projects/aurora/views";
const SEPARATOR: char = '\u{1f}';

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

fn names(list: &Value, key: &str) -> Vec<String> {
    list[key].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap().to_string()).collect()
}

fn s(value: &str) -> String {
    value.to_string()
}

#[tokio::test]
async fn a_feedback_filter_names_ticket_and_submitter_fields_and_drives_the_feedback_grid() {
    let (app, _) = feedback_app().await;
    let closed_pro = json!({"name": "Closed from pro", "subject": "feedback", "criteria": [
        {"data_group": "ticket", "field": "status", "qualifier": "is", "value": "closed"},
        {"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "pro"}]});
    let filter = created(&app, FILTERS, closed_pro).await;
    assert_eq!(filter["subject"], "feedback");
    assert_eq!(filter["criteria"][0]["data_group"], "Ticket", "spelled as the ticket schema spells it");
    let users = created(
        &app,
        FILTERS,
        json!({"name": "Pro", "criteria": [
        {"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "pro"}]}),
    )
    .await;
    assert_eq!(users["subject"], "users");

    let grid = ok(app
        .post_json(
            "/api/v1/projects/aurora/feedback/grid",
            &json!({"filter": filter["id"], "view": {"columns": [{"data_group": "Ticket", "field": "Title"}]}}),
        )
        .await)
    .await;
    assert_eq!(grid["total"], 1);
    assert_eq!(grid["rows"][0]["values"], json!(["Login loop"]));
    // A users' filter picks tickets by their submitters.
    let by_submitter = ok(app.post_json("/api/v1/projects/aurora/feedback/grid", &json!({"filter": users["id"]})).await).await;
    assert_eq!(by_submitter["total"], 3);

    // Each list has its own subject's; the default is users, as before.
    assert_eq!(names(&ok(app.get(FILTERS).await).await, "filters"), ["Pro"]);
    assert_eq!(names(&ok(app.get(&format!("{FILTERS}?subject=feedback")).await).await, "filters"), ["Closed from pro"]);
    let bad = error_body(app.get(&format!("{FILTERS}?subject=tickets")).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&bad), ["subject"]);

    // Where users are counted, a feedback filter means nothing: refused, naming it.
    let on_users = app.post_json("/api/v1/projects/aurora/grid", &json!({"filter": filter["id"]})).await;
    assert_eq!(error_fields(&error_body(on_users, StatusCode::UNPROCESSABLE_ENTITY).await), ["filter"]);
    let report = created(&app, "/api/v1/projects/aurora/reports", json!({"name": "Saved"})).await;
    let elements = format!("/api/v1/projects/aurora/reports/{}/elements", report["id"]);
    let users_element = json!({"name": "Users", "style": "number", "filter": filter["id"]});
    let refused = app.post_json(&elements, &users_element).await;
    assert_eq!(error_fields(&error_body(refused, StatusCode::UNPROCESSABLE_ENTITY).await), ["filter"]);
    let counted =
        created(&app, &elements, json!({"name": "Closed pro", "source": "feedback", "style": "number", "filter": filter["id"]}))
            .await;
    assert_eq!(counted["data"]["rows"], json!([["Closed pro", 1]]));
}

#[tokio::test]
async fn a_users_filter_or_view_naming_the_ticket_group_is_refused() {
    let (app, _) = feedback_app().await;
    let body = json!({"name": "Closed", "criteria": [
        {"data_group": "Ticket", "field": "Status", "qualifier": "is", "value": "closed"}]});
    let error = error_body(app.post_json(FILTERS, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["criteria[0].data_group"]);
    let view = json!({"name": "Titles", "columns": [{"data_group": "Ticket", "field": "Title"}]});
    let error = error_body(app.post_json(VIEWS, &view).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["columns[0].data_group"]);
    let bad = json!({"name": "x", "subject": "tickets", "criteria": []});
    assert_eq!(
        error_fields(&error_body(app.post_json(FILTERS, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["subject"]
    );
}

#[tokio::test]
async fn a_feedback_view_shows_its_own_columns_and_stays_out_of_the_user_grid() {
    let (app, _) = feedback_app().await;
    let columns = json!([{"data_group": "Ticket", "field": "Title"}, {"data_group": "CRM", "field": "Plan"}]);
    let view = created(&app, VIEWS, json!({"name": "Plans", "subject": "feedback", "columns": columns})).await;
    assert_eq!(view["subject"], "feedback");
    let grid =
        ok(app.post_json("/api/v1/projects/aurora/feedback/grid", &json!({"view": view["id"], "sort": [{"column": 0}]})).await)
            .await;
    let labels: Vec<&str> = grid["columns"].as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["Title", "Plan"], "a feedback view's columns as saved");
    assert_eq!(grid["rows"][0]["values"], json!(["Crash on start", "pro"]));
    assert_eq!(ok(app.get(VIEWS).await).await["views"], json!([]));
    assert_eq!(names(&ok(app.get(&format!("{VIEWS}?subject=feedback")).await).await, "views"), ["Plans"]);
    let on_users = app.post_json("/api/v1/projects/aurora/grid", &json!({"view": view["id"]})).await;
    assert_eq!(error_fields(&error_body(on_users, StatusCode::UNPROCESSABLE_ENTITY).await), ["view"]);
}

#[tokio::test]
async fn the_feedback_builders_post_without_javascript_and_lead_back_to_the_feedback_grid() {
    let (app, _) = feedback_app().await;
    app.login_as_admin().await;
    let grid = app.get_page("/p/aurora/feedback").await;
    assert!(grid.body.contains(r#"href="/p/aurora/feedback/filters/new""#), "{}", grid.body);
    assert!(grid.body.contains(r#"href="/p/aurora/feedback/views/new""#));

    let page = "/p/aurora/feedback/filters/new";
    let form = app.get_page(page).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&format!("Ticket{SEPARATOR}Status")), "the ticket's fields offered: {}", form.body);
    assert!(form.body.contains(r#"name="subject" value="feedback""#), "{}", form.body);
    let action = form_action(&form.body, "save_filter");
    let filter = [
        ("slug", s("aurora")),
        ("subject", s("feedback")),
        ("name", s("Closed")),
        ("combine", s("all")),
        ("criteria[0][field]", format!("Ticket{SEPARATOR}Status")),
        ("criteria[0][qualifier]", s("is")),
        ("criteria[0][value]", s("closed")),
        ("criteria[0][value2]", s("")),
    ];
    let saved = post_form(&app, &action, page, &filter).await;
    let listed = ok(app.get(&format!("{FILTERS}?subject=feedback")).await).await;
    let id = listed["filters"][0]["id"].as_i64().unwrap();
    assert_eq!(location(&saved), format!("/p/aurora/feedback?filter={id}"));
    let shown = app.get_page(&format!("/p/aurora/feedback?filter={id}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    let html = &shown.body;
    assert!(html.contains("2 tickets") && html.contains("Slow sync") && html.contains("Login loop"), "{html}");
    assert!(!html.contains("Dark mode"), "only closed tickets");
    assert!(html.contains(&format!(r#"href="/p/aurora/feedback/filters/{id}""#)), "an Edit link: {html}");

    let page = "/p/aurora/feedback/views/new";
    let form = app.get_page(page).await;
    assert_eq!(form.status, StatusCode::OK);
    let action = form_action(&form.body, "save_view");
    let view = [
        ("slug", s("aurora")),
        ("subject", s("feedback")),
        ("name", s("Plans")),
        ("columns[0]", format!("Ticket{SEPARATOR}Title")),
        ("columns[1]", format!("CRM{SEPARATOR}Plan")),
        ("filter", id.to_string()),
    ];
    let saved = post_form(&app, &action, page, &view).await;
    let view_id = ok(app.get(&format!("{VIEWS}?subject=feedback")).await).await["views"][0]["id"].as_i64().unwrap();
    assert_eq!(location(&saved), format!("/p/aurora/feedback?filter={id}&view={view_id}"));
    let shown = app.get_page(&location(&saved)).await;
    assert!(shown.body.contains(">Plan<") && shown.body.contains(">free<"), "{}", shown.body);

    let edit = format!("/p/aurora/feedback/filters/{id}");
    let delete = form_action(&app.get_page(&edit).await.body, "delete_filter");
    let deleted =
        post_form(&app, &delete, &edit, &[("slug", s("aurora")), ("id", id.to_string()), ("subject", s("feedback"))]).await;
    assert_eq!(location(&deleted), "/p/aurora/feedback");
    let users_page = fetch_page(app.client.get(app.url("/p/aurora/users/filters/new"))).await;
    assert!(!users_page.body.contains(&format!("Ticket{SEPARATOR}Status")), "the users' builder offers no ticket field");
}
