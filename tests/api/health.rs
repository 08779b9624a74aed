use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_reports_the_database_reachable() {
    let app = spawn_app().await;

    let response = app.client.get(app.url("/healthz")).send().await.unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["backend"], app.backend_name());
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let app = spawn_app().await;

    let response = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert!(body["openapi"].as_str().is_some_and(|v| v.starts_with('3')), "{body}");
    let paths = body["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/projects",
        "/api/v1/projects/{project}/users",
        "/api/v1/projects/{project}/users/{user}",
        "/api/v1/projects/{project}/users/import",
    ] {
        assert!(paths.contains_key(path), "missing {path}");
    }
    assert!(body["components"]["securitySchemes"]["api_key"].is_object(), "api key scheme");
}
