//! Feedback (PRODUCT.md §8) through the API and a Create feedback listener: every way a ticket
//! arrives (the API, a listener, a replay, an idempotent repeat), its changes and comments,
//! and the list and grid filtered over the submitters' data.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_body, error_fields, spawn_app, TestApp};

const FEEDBACK: &str = "/api/v1/projects/aurora/feedback";
const LISTENER: &str = "/api/v1/projects/aurora/listeners/tickets/users";

/// Project `aurora` with ada (plan pro) and grace (plan free), the plan stored by an External
/// Data listener `crm`, and a Create feedback listener `tickets` that also stores the app's
/// version in group "App".
async fn app_with_feedback() -> TestApp {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;
    app.add_user("aurora", "grace@example.com", "grace", "Grace Hopper").await;
    let crm = json!({"name": "CRM", "key": "crm", "data_group": "CRM",
        "fields": [{"label": "Plan", "parameter": "plan", "type": "string"}]});
    assert_eq!(app.post_json("/api/v1/projects/aurora/listeners", &crm).await.status(), StatusCode::CREATED);
    for (user, plan) in [("ada@example.com", "pro"), ("grace@example.com", "free")] {
        let stored = app.post_json(&format!("/api/v1/projects/aurora/listeners/crm/users/{user}"), &json!({"plan": plan})).await;
        assert_eq!(stored.status(), StatusCode::OK);
    }
    let tickets = json!({"name": "In-app feedback", "key": "tickets", "type": "create_feedback", "data_group": "App",
        "fields": [{"label": "Version", "parameter": "app.version", "type": "string"}],
        "feedback": {"title": "subject", "description": "body", "type_parameter": "kind", "default_type": "bug"}});
    let created = app.post_json("/api/v1/projects/aurora/listeners", &tickets).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let listener: Value = created.json().await.unwrap();
    assert_eq!(listener["type"], "create_feedback");
    assert_eq!(listener["feedback"]["default_type"], "Bug", "spelled as the project spells it");
    app
}

async fn create(app: &TestApp, body: Value) -> reqwest::Response {
    app.post_json(FEEDBACK, &body).await
}

async fn ticket(app: &TestApp, id: i64) -> Value {
    let response = app.get(&format!("{FEEDBACK}/{id}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn list(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("{FEEDBACK}{query}")).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    response.json().await.unwrap()
}

fn titles(list: &Value) -> Vec<String> {
    list["tickets"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_api_creates_a_ticket_for_a_user_of_the_project() {
    let app = app_with_feedback().await;
    let response = create(
        &app,
        json!({"type": "idea", "title": "  Dark   mode ", "description": "Please\r\n<b>soon</b>", "submitter": "grace"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    let shown = ticket(&app, id).await;
    assert_eq!(
        (&shown["type"], &shown["title"], &shown["description"], &shown["status"]),
        (&json!("Idea"), &json!("Dark mode"), &json!("Please\n<b>soon</b>"), &json!("new"))
    );
    assert_eq!(shown["submitter"]["email"], "grace@example.com");
    assert_eq!(shown["delivery_id"], Value::Null);
    assert_eq!(shown["activity"], json!([]));
}

#[tokio::test]
async fn a_bad_ticket_is_refused_naming_every_problem_and_nothing_is_written() {
    let app = app_with_feedback().await;
    let error = error_body(
        create(&app, json!({"type": "Complaint", "title": " ", "submitter": "nobody@example.com"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&error), ["type", "title", "submitter"]);
    assert_eq!(list(&app, "").await["total"], 0);
}

#[tokio::test]
async fn status_changes_and_comments_make_the_activity() {
    let app = app_with_feedback().await;
    let created: Value =
        create(&app, json!({"type": "Bug", "title": "Crash", "submitter": "ada@example.com"})).await.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    let patched = app.patch_json(&format!("{FEEDBACK}/{id}"), &json!({"status": "in_progress", "type": "Idea"})).await;
    assert_eq!(patched.status(), StatusCode::OK);
    let comment = app.post_json(&format!("{FEEDBACK}/{id}/comments"), &json!({"text": "Looking into it"})).await;
    assert_eq!(comment.status(), StatusCode::CREATED);
    let shown = ticket(&app, id).await;
    assert_eq!((&shown["status"], &shown["type"], &shown["comments"]), (&json!("in_progress"), &json!("Idea"), &json!(1)));
    let activity = shown["activity"].as_array().unwrap();
    assert_eq!(activity.len(), 2);
    assert_eq!(
        (&activity[0]["kind"], &activity[0]["from"], &activity[0]["to"]),
        (&json!("status"), &json!("new"), &json!("in_progress"))
    );
    assert_eq!((&activity[1]["kind"], &activity[1]["text"]), (&json!("comment"), &json!("Looking into it")));
    let bad = app.patch_json(&format!("{FEEDBACK}/{id}"), &json!({"status": "done"})).await;
    assert_eq!(error_fields(&error_body(bad, StatusCode::UNPROCESSABLE_ENTITY).await), ["status"]);
    let missing = app.post_json(&format!("{FEEDBACK}/999/comments"), &json!({"text": "x"})).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn types_are_added_renamed_and_retired() {
    let app = app_with_feedback().await;
    let types: Value = app.get("/api/v1/projects/aurora/feedback-types").await.json().await.unwrap();
    let names: Vec<&str> = types["types"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Bug", "Idea", "Praise"]);
    let added = app.post_json("/api/v1/projects/aurora/feedback-types", &json!({"name": "Question"})).await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let question: Value = added.json().await.unwrap();
    let taken = app.post_json("/api/v1/projects/aurora/feedback-types", &json!({"name": "bug"})).await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    let path = format!("/api/v1/projects/aurora/feedback-types/{}", question["id"]);
    let retired = app.patch_json(&path, &json!({"name": "Questions", "retired": true})).await;
    assert_eq!(retired.status(), StatusCode::OK);
    let refused = create(&app, json!({"type": "Questions", "title": "How?", "submitter": "ada"})).await;
    let error = error_body(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(error["fields"][0]["reason"].as_str().unwrap().contains("retired"), "{error}");
}

#[tokio::test]
async fn a_listener_creates_a_ticket_stores_its_data_and_answers_with_the_ticket_id() {
    let app = app_with_feedback().await;
    let body = json!({"subject": "Export crashes", "body": "On page 3", "kind": "Bug", "app": {"version": "2.3"}, "extra": 1});
    let response = app.post_json(&format!("{LISTENER}/ada@example.com"), &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await.unwrap();
    let id = answer["ticket_id"].as_i64().expect("the answer names the ticket");
    assert_eq!(answer["updated"], json!(["app.version"]));
    assert_eq!(answer["ignored"], json!(["extra"]));
    let shown = ticket(&app, id).await;
    assert_eq!(
        (&shown["title"], &shown["description"], &shown["type"]),
        (&json!("Export crashes"), &json!("On page 3"), &json!("Bug"))
    );
    assert!(shown["delivery_id"].is_i64());
    let user: Value = app.get("/api/v1/projects/aurora/users/ada").await.json().await.unwrap();
    let app_group = user["data_groups"].as_array().unwrap().iter().find(|g| g["data_group"] == "App").unwrap().clone();
    assert_eq!(app_group["values"][0]["value"], "2.3");
    let deliveries: Value = app.get("/api/v1/projects/aurora/listeners/tickets/deliveries").await.json().await.unwrap();
    assert_eq!(deliveries["deliveries"][0]["response"]["ticket_id"], id, "the recorded answer has the ticket too");
}

#[tokio::test]
async fn a_listener_ticket_without_a_type_takes_the_default_and_a_bad_one_is_refused() {
    let app = app_with_feedback().await;
    let plain: Value =
        app.post_json(&format!("{LISTENER}/grace@example.com"), &json!({"subject": "Love it"})).await.json().await.unwrap();
    assert_eq!(ticket(&app, plain["ticket_id"].as_i64().unwrap()).await["type"], "Bug");
    let refused = app.post_json(&format!("{LISTENER}/grace@example.com"), &json!({"kind": "Nope", "app": {"version": 3}})).await;
    let error = error_body(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: Vec<String> = error_fields(&error);
    assert!(fields.contains(&"subject".to_string()), "{error}");
    assert_eq!(list(&app, "").await["total"], 1, "nothing of the refused request was written");
}

#[tokio::test]
async fn a_repeat_with_the_same_idempotency_key_creates_no_second_ticket() {
    let app = app_with_feedback().await;
    let url = app.url(&format!("{LISTENER}/ada@example.com"));
    let post = || {
        app.client
            .post(&url)
            .header("X-Api-Key", &app.api_key)
            .header("Idempotency-Key", "ticket-1")
            .json(&json!({"subject": "Once only"}))
            .send()
    };
    let first: Value = post().await.unwrap().json().await.unwrap();
    let repeat = post().await.unwrap();
    assert_eq!(repeat.status(), StatusCode::OK);
    assert_eq!(repeat.json::<Value>().await.unwrap(), first, "the first answer, ticket id included");
    assert!(first["ticket_id"].is_i64());
    assert_eq!(list(&app, "").await["total"], 1);
}

#[tokio::test]
async fn a_rejected_delivery_replayed_after_the_fix_creates_the_ticket() {
    let app = app_with_feedback().await;
    let refused = app.post_json(&format!("{LISTENER}/katherine@example.com"), &json!({"subject": "Hello"})).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let deliveries: Value = app.get("/api/v1/projects/aurora/listeners/tickets/deliveries").await.json().await.unwrap();
    let rejected = deliveries["deliveries"][0]["id"].as_i64().unwrap();
    app.add_user("aurora", "katherine@example.com", "katherine", "Katherine Johnson").await;
    let replay =
        app.post_json(&format!("/api/v1/projects/aurora/listeners/tickets/deliveries/{rejected}/replay"), &json!({})).await;
    assert_eq!(replay.status(), StatusCode::OK);
    let answer: Value = replay.json().await.unwrap();
    let id = answer["ticket_id"].as_i64().unwrap_or_else(|| panic!("no ticket id in {answer}"));
    assert_eq!(ticket(&app, id).await["submitter"]["username"], "katherine");
}

#[tokio::test]
async fn the_list_filters_over_the_submitters_data_and_the_tickets_own_fields() {
    let app = app_with_feedback().await;
    for (submitter, kind, title) in [("ada", "Bug", "Pro bug"), ("grace", "Bug", "Free bug"), ("ada", "Idea", "Pro idea")] {
        assert_eq!(
            create(&app, json!({"type": kind, "title": title, "submitter": submitter})).await.status(),
            StatusCode::CREATED
        );
    }
    assert_eq!(titles(&list(&app, "").await), ["Pro idea", "Free bug", "Pro bug"], "newest first");
    let pro_bugs = json!({"criteria": [{"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "pro"},
        {"data_group": "Ticket", "field": "Type", "qualifier": "is", "value": "bug"}]});
    let query = format!("?filter={}", urlencoding(&pro_bugs.to_string()));
    assert_eq!(titles(&list(&app, &query).await), ["Pro bug"]);
    assert_eq!(titles(&list(&app, "?type=idea").await), ["Pro idea"]);
    let saved = app
        .post_json(
            "/api/v1/projects/aurora/filters",
            &json!({"name": "Free plan",
            "criteria": [{"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "free"}]}),
        )
        .await;
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(titles(&list(&app, &format!("?filter={}", saved["id"])).await), ["Free bug"]);
    let bad = app
        .get(&format!(
            "{FEEDBACK}?filter={}",
            urlencoding(r#"{"criteria":[{"data_group":"CRM","field":"Nope","qualifier":"is","value":"x"}]}"#)
        ))
        .await;
    assert_eq!(error_fields(&error_body(bad, StatusCode::UNPROCESSABLE_ENTITY).await), ["filter.criteria[0].field"]);
}

#[tokio::test]
async fn the_feedback_grid_sorts_pages_and_exports_tickets_with_submitter_columns() {
    let app = app_with_feedback().await;
    for (submitter, title) in [("ada", "B first"), ("grace", "A second"), ("ada", "C third")] {
        create(&app, json!({"type": "Bug", "title": title, "submitter": submitter})).await;
    }
    let view = json!({"columns": [{"data_group": "Ticket", "field": "Title"}, {"data_group": "CRM", "field": "Plan"},
        {"data_group": "Ticket", "field": "Comments"}]});
    let request = json!({"filter": {"criteria": [{"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "pro"}]},
        "view": view, "sort": [{"column": 0, "order": "asc"}], "per_page": 1});
    let response = app.post_json(&format!("{FEEDBACK}/grid"), &request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["total"], 2);
    assert_eq!(page["rows"][0]["values"], json!(["B first", "pro", 0]));
    assert_eq!(page["rows"][0]["submitter"], "ada@example.com");
    let default: Value = app.post_json(&format!("{FEEDBACK}/grid"), &json!({})).await.json().await.unwrap();
    let labels: Vec<&str> = default["columns"].as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["Type", "Title", "Status", "Email", "Created"]);
    assert_eq!(default["rows"][0]["values"][1], "C third", "newest first");

    let csv = app.post_json(&format!("{FEEDBACK}/grid/export.csv"), &json!({"view": view, "sort": [{"column": 0}]})).await;
    assert_eq!(csv.status(), StatusCode::OK);
    let disposition = csv.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.contains("aurora-feedback-"), "{disposition}");
    assert_eq!(csv.text().await.unwrap(), "Title,Plan,Comments\r\nA second,free,0\r\nB first,pro,0\r\nC third,pro,0\r\n");
    let xlsx = app.post_json(&format!("{FEEDBACK}/grid/export.xlsx"), &json!({})).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "a zip (XLSX) file");
}

fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn a_feedback_listeners_mapping_is_changed_with_a_patch_and_an_external_data_listener_refuses_one() {
    let app = app_with_feedback().await;
    let path = "/api/v1/projects/aurora/listeners/tickets";
    let mapping = json!({"title": "headline", "description": "details", "default_type": "Idea"});
    let clash = app.patch_json(path, &json!({"feedback": {"title": "app.version", "default_type": "Idea"}})).await;
    assert_eq!(error_fields(&error_body(clash, StatusCode::UNPROCESSABLE_ENTITY).await), ["feedback.title"]);
    let patched = app.patch_json(path, &json!({"name": "Widget", "feedback": mapping})).await;
    assert_eq!(patched.status(), StatusCode::OK);
    let listener: Value = patched.json().await.unwrap();
    assert_eq!(listener["name"], "Widget");
    assert_eq!(
        listener["feedback"],
        json!({"title": "headline", "description": "details", "type_parameter": null, "default_type": "Idea"})
    );
    let sent: Value =
        app.post_json(&format!("{LISTENER}/ada@example.com"), &json!({"headline": "New way"})).await.json().await.unwrap();
    let shown = ticket(&app, sent["ticket_id"].as_i64().unwrap()).await;
    assert_eq!((&shown["title"], &shown["type"]), (&json!("New way"), &json!("Idea")), "the new mapping, at once");
    let refused = app.patch_json("/api/v1/projects/aurora/listeners/crm", &json!({"feedback": mapping})).await;
    assert_eq!(error_fields(&error_body(refused, StatusCode::UNPROCESSABLE_ENTITY).await), ["feedback"]);
}
