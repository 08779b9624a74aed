//! Saved filters and views (`…/filters`, `…/views`): create, list, show, change, clone,
//! delete, their errors, and renamed fields followed.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::grid::{grid_app, run_grid};
use crate::helpers::{error_body, error_fields, TestApp};

const FILTERS: &str = "/api/v1/projects/aurora/filters";
const VIEWS: &str = "/api/v1/projects/aurora/views";

async fn created(app: &TestApp, path: &str, body: Value) -> Value {
    let response = app.post_json(path, &body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "POST {path} {body}");
    response.json().await.unwrap()
}

async fn ok(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn delete(app: &TestApp, path: &str) -> StatusCode {
    app.client.delete(app.url(path)).header("X-Api-Key", &app.api_key).send().await.unwrap().status()
}

#[tokio::test]
async fn filters_are_saved_listed_changed_and_deleted() {
    let app = grid_app().await;
    let body = json!({"name": "  Pro   testers ", "match": "any", "criteria": [
        {"data_group": "crm", "field": "PLAN", "qualifier": "is", "value": "pro"},
        {"data_group": "CRM", "field": "Seats", "qualifier": "between", "value": ["5", 10]}]});
    let saved = created(&app, FILTERS, body).await;
    let id = saved["id"].as_i64().unwrap();
    assert_eq!(saved["name"], "Pro testers");
    assert_eq!(saved["match"], "any");
    assert_eq!(saved["criteria"][0], json!({"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "pro"}));
    assert_eq!(saved["criteria"][1]["value"], json!([5, 10]), "operands kept in their canonical JSON");

    created(&app, FILTERS, json!({"name": "Everyone"})).await;
    let list = ok(app.get(FILTERS).await).await;
    let names: Vec<&str> = list["filters"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Everyone", "Pro testers"]);
    assert_eq!(ok(app.get(&format!("{FILTERS}/{id}")).await).await, saved);

    let patched = ok(app.patch_json(&format!("{FILTERS}/{id}"), &json!({"match": "all", "name": "Pro and big"})).await).await;
    assert_eq!((patched["name"].as_str(), patched["match"].as_str()), (Some("Pro and big"), Some("all")));
    assert_eq!(patched["criteria"], saved["criteria"], "criteria left out stay");
    let grid = run_grid(&app, json!({"filter": id})).await;
    assert_eq!(grid["total"], 1, "ada: pro with 5 seats; {grid}");

    let taken = app.patch_json(&format!("{FILTERS}/{id}"), &json!({"name": "EVERYONE"})).await;
    error_body(taken, StatusCode::CONFLICT).await;
    let taken = app.post_json(FILTERS, &json!({"name": "pro AND big"})).await;
    error_body(taken, StatusCode::CONFLICT).await;

    assert_eq!(delete(&app, &format!("{FILTERS}/{id}")).await, StatusCode::NO_CONTENT);
    assert_eq!(delete(&app, &format!("{FILTERS}/{id}")).await, StatusCode::NOT_FOUND);
    error_body(app.get(&format!("{FILTERS}/{id}")).await, StatusCode::NOT_FOUND).await;
    error_body(app.patch_json(&format!("{FILTERS}/{id}"), &json!({"name": "x"})).await, StatusCode::NOT_FOUND).await;
    error_body(app.get("/api/v1/projects/nowhere/filters").await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_filter_that_does_not_fit_is_refused_whole_with_every_reason() {
    let app = grid_app().await;
    let body = json!({"name": " ", "criteria": [
        {"data_group": "CRM", "field": "Seats", "qualifier": "gt", "value": "many"},
        {"data_group": "CRM", "field": "Nope", "qualifier": "is", "value": "x"},
        {"data_group": "CRM", "field": "Beta", "qualifier": "contains", "value": "x"}]});
    let error = error_body(app.post_json(FILTERS, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["name", "criteria[0].value", "criteria[1].field", "criteria[2].qualifier"]);
    let error = error_body(
        app.post_json(
            FILTERS,
            &json!({"name": "x", "criteria": [{"data_group": "CRM", "field": "Plan", "qualifier": "equals"}]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&error), ["criteria"]);
    let error =
        error_body(app.post_json(FILTERS, &json!({"name": "x", "match": "some"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["match"]);
    assert_eq!(ok(app.get(FILTERS).await).await["filters"], json!([]), "nothing saved half-valid");

    let saved = created(&app, FILTERS, json!({"name": "Fine"})).await;
    let path = format!("{FILTERS}/{}", saved["id"]);
    let bad = json!({"criteria": [{"data_group": "CRM", "field": "Seats", "qualifier": "lt", "value": true}]});
    let error = error_body(app.patch_json(&path, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["criteria[0].value"]);
    assert_eq!(ok(app.get(&path).await).await, saved, "a refused change changes nothing");
}

#[tokio::test]
async fn views_are_saved_cloned_changed_and_deleted() {
    let app = grid_app().await;
    let body = json!({"name": "Seats first", "columns": [{"data_group": "crm", "field": "seats"}, {"data_group": "User account", "field": "Email"}]});
    let saved = created(&app, VIEWS, body).await;
    let id = saved["id"].as_i64().unwrap();
    assert_eq!(
        saved["columns"],
        json!([{"data_group": "CRM", "field": "Seats"}, {"data_group": "User account", "field": "Email"}])
    );

    let copy = created(&app, &format!("{VIEWS}/{id}/clone"), json!({"name": "Copy"})).await;
    assert_ne!(copy["id"], saved["id"]);
    assert_eq!((copy["name"].as_str(), &copy["columns"]), (Some("Copy"), &saved["columns"]));
    error_body(app.post_json(&format!("{VIEWS}/{id}/clone"), &json!({"name": "COPY"})).await, StatusCode::CONFLICT).await;
    error_body(app.post_json(&format!("{VIEWS}/9999/clone"), &json!({"name": "Other"})).await, StatusCode::NOT_FOUND).await;

    let columns = json!([{"data_group": "CRM", "field": "Plan"}]);
    let patched = ok(app.patch_json(&format!("{VIEWS}/{}", copy["id"]), &json!({"columns": columns})).await).await;
    assert_eq!((patched["name"].as_str(), &patched["columns"]), (Some("Copy"), &columns));
    let list = ok(app.get(VIEWS).await).await;
    let names: Vec<&str> = list["views"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Copy", "Seats first"]);
    assert_eq!(ok(app.get(&format!("{VIEWS}/{id}")).await).await, saved, "the original is untouched");

    let bad = json!({"name": "", "columns": [{"data_group": "CRM", "field": "Plan"}, {"data_group": "Nope", "field": "Plan"}, {"data_group": "crm", "field": "PLAN"}]});
    let error = error_body(app.post_json(VIEWS, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["name", "columns[1].data_group", "columns[2].field"]);
    let error =
        error_body(app.post_json(VIEWS, &json!({"name": "None", "columns": []})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["columns"]);

    assert_eq!(delete(&app, &format!("{VIEWS}/{id}")).await, StatusCode::NO_CONTENT);
    error_body(app.get(&format!("{VIEWS}/{id}")).await, StatusCode::NOT_FOUND).await;
    assert_eq!(delete(&app, &format!("{VIEWS}/{id}")).await, StatusCode::NOT_FOUND);
    error_body(app.patch_json(&format!("{VIEWS}/{id}"), &json!({"name": "x"})).await, StatusCode::NOT_FOUND).await;
}

/// Renaming a field (and swapping two labels) rewrites saved filters and views in the same
/// edit, so they keep meaning the same fields.
#[tokio::test]
async fn saved_filters_and_views_follow_renamed_fields() {
    let app = grid_app().await;
    let filter = created(
        &app,
        FILTERS,
        json!({"name": "Pro", "criteria": [
        {"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "pro"},
        {"data_group": "CRM", "field": "Region", "qualifier": "is_not_empty"}]}),
    )
    .await;
    let view = created(&app, VIEWS, json!({"name": "Plan", "columns": [
        {"data_group": "CRM", "field": "Plan"}, {"data_group": "CRM", "field": "Region"}, {"data_group": "CRM", "field": "Seats"}]}))
    .await;
    let before = run_grid(&app, json!({"filter": filter["id"], "view": view["id"]})).await;

    let listener = ok(app.get("/api/v1/projects/aurora/listeners/crm").await).await;
    let fields: Vec<Value> = listener["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let label = match f["label"].as_str().unwrap() {
                "Plan" => "Tier",
                "Region" => "Seats",
                "Seats" => "Region",
                other => other,
            };
            json!({"field_id": f["field_id"], "label": label, "parameter": f["parameter"]})
        })
        .collect();
    ok(app.patch_json("/api/v1/projects/aurora/listeners/crm", &json!({"fields": fields})).await).await;

    let filter = ok(app.get(&format!("{FILTERS}/{}", filter["id"])).await).await;
    let named: Vec<&str> = filter["criteria"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(named, ["Tier", "Seats"], "Region became Seats");
    let view = ok(app.get(&format!("{VIEWS}/{}", view["id"])).await).await;
    let named: Vec<&str> = view["columns"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(named, ["Tier", "Seats", "Region"]);
    let after = run_grid(&app, json!({"filter": filter["id"], "view": view["id"]})).await;
    assert_eq!(after["rows"], before["rows"], "the same users and values under the new names");
    assert_eq!(after["columns"][0]["field"], "Tier");
}

#[tokio::test]
async fn the_openapi_document_names_every_filter_view_and_grid_operation() {
    let app = grid_app().await;
    let body: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let operation = |path: &str, method: &str| body["paths"][path][method]["operationId"].as_str().map(str::to_string);
    let expected = [
        ("/api/v1/projects/{project}/filters", "post", "createFilter"),
        ("/api/v1/projects/{project}/filters", "get", "listFilters"),
        ("/api/v1/projects/{project}/filters/{id}", "get", "showFilter"),
        ("/api/v1/projects/{project}/filters/{id}", "patch", "updateFilter"),
        ("/api/v1/projects/{project}/filters/{id}", "delete", "deleteFilter"),
        ("/api/v1/projects/{project}/views", "post", "createView"),
        ("/api/v1/projects/{project}/views", "get", "listViews"),
        ("/api/v1/projects/{project}/views/{id}", "get", "showView"),
        ("/api/v1/projects/{project}/views/{id}", "patch", "updateView"),
        ("/api/v1/projects/{project}/views/{id}", "delete", "deleteView"),
        ("/api/v1/projects/{project}/views/{id}/clone", "post", "cloneView"),
        ("/api/v1/projects/{project}/grid", "post", "queryGrid"),
        ("/api/v1/projects/{project}/grid/export.csv", "post", "exportGridCsv"),
        ("/api/v1/projects/{project}/grid/export.xlsx", "post", "exportGridXlsx"),
    ];
    for (path, method, id) in expected {
        assert_eq!(operation(path, method).as_deref(), Some(id), "{method} {path}");
        assert!(body["paths"][path][method]["responses"]["404"].is_object(), "{method} {path} lists its 404");
    }
}
