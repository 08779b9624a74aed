//! `/api/v1/projects`, and how the API answers bodies it cannot use.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_body, error_fields, spawn_app};

async fn project_slugs(app: &crate::helpers::TestApp) -> Vec<String> {
    let response = app.get("/api/v1/projects").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["projects"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_created_project_is_listed() {
    let app = spawn_app().await;

    let response = app.post_json("/api/v1/projects", &json!({ "name": "Aurora beta", "slug": "aurora" })).await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["slug"], "aurora");
    assert_eq!(created["name"], "Aurora beta");
    assert_eq!(created["member_count"], 0);
    assert!(created["created_at"].as_str().is_some());

    let listed: Value = app.get("/api/v1/projects").await.json().await.unwrap();
    let projects = listed["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 1);
    assert_eq!(projects[0]["slug"], "aurora");
    assert_eq!(projects[0]["name"], "Aurora beta");
}

#[tokio::test]
async fn the_slug_is_derived_from_the_name_when_omitted() {
    let app = spawn_app().await;

    let response = app.post_json("/api/v1/projects", &json!({ "name": "Borealis Beta 2!" })).await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["slug"], "borealis-beta-2");
    assert_eq!(project_slugs(&app).await, ["borealis-beta-2"]);
}

#[tokio::test]
async fn a_duplicate_slug_is_a_conflict_and_writes_nothing() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;

    let response = app.post_json("/api/v1/projects", &json!({ "name": "Another", "slug": "aurora" })).await;

    let error = error_body(response, StatusCode::CONFLICT).await;
    assert_eq!(error["code"], "conflict");
    assert!(error["message"].as_str().unwrap().contains("aurora"), "{error}");
    assert_eq!(project_slugs(&app).await, ["aurora"]);
    assert_eq!(app.project("aurora").await.name, "Aurora beta");
}

#[tokio::test]
async fn an_invalid_slug_is_refused_with_the_field_named() {
    let app = spawn_app().await;

    for slug in ["Bad Slug", "-edge", "a", "admin"] {
        let response = app.post_json("/api/v1/projects", &json!({ "name": "Aurora", "slug": slug })).await;
        let error = error_body(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error["code"], "invalid", "{slug}");
        assert_eq!(error_fields(&error), ["slug"], "{slug}");
    }
    assert!(project_slugs(&app).await.is_empty());
}

#[tokio::test]
async fn every_invalid_field_is_reported_at_once() {
    let app = spawn_app().await;

    let response = app.post_json("/api/v1/projects", &json!({ "name": "  ", "slug": "Bad Slug" })).await;

    let error = error_body(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["name", "slug"]);
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let app = spawn_app().await;

    let response = app.post_raw("/api/v1/projects", "application/json", r#"{"name": "Aurora""#).await;

    let error = error_body(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(error["code"], "bad_request");
    assert!(project_slugs(&app).await.is_empty());
}

#[tokio::test]
async fn a_body_that_is_not_json_is_unsupported() {
    let app = spawn_app().await;

    let response = app.post_raw("/api/v1/projects", "text/plain", r#"{"name": "Aurora"}"#).await;

    let error = error_body(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    assert_eq!(error["code"], "unsupported_media_type");
    assert!(project_slugs(&app).await.is_empty());
}

#[tokio::test]
async fn unknown_or_missing_json_fields_are_a_bad_request() {
    let app = spawn_app().await;

    for body in [json!({ "name": "Aurora", "slug": "aurora", "colour": "blue" }), json!({ "slug": "aurora" })] {
        let response = app.post_json("/api/v1/projects", &body).await;
        let error = error_body(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(error["code"], "bad_request", "{body}");
    }
    assert!(project_slugs(&app).await.is_empty());
}

#[tokio::test]
async fn an_unknown_api_endpoint_is_a_json_404() {
    let app = spawn_app().await;

    for path in ["/api/v1/nothing-here", "/api/v1/projects/aurora/users/ada/extra"] {
        let error = error_body(app.get(path).await, StatusCode::NOT_FOUND).await;
        assert_eq!(error["code"], "not_found", "{path}");
    }
}
