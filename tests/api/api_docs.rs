//! The API's own description: the OpenAPI document's shape where integrators rely on it, and
//! the reference page at /api/docs, which must work with nothing fetched from elsewhere.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_reference_page_is_served_by_inlet_with_its_script() {
    let app = spawn_app().await;

    let page = app.client.get(app.url("/api/docs")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"spec-url="/api/v1/openapi.json""#), "{html}");
    assert!(html.contains(r#"src="/api/docs/redoc.standalone.js""#), "{html}");
    assert!(!html.contains("http"), "the page loads nothing from elsewhere: {html}");

    let script = app.client.get(app.url("/api/docs/redoc.standalone.js")).send().await.unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert!(script.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert!(script.text().await.unwrap().len() > 100_000, "the whole Redoc bundle");
}

#[tokio::test]
async fn the_api_keys_page_links_the_reference() {
    let app = spawn_app().await;
    app.login_as_admin().await;

    let page = app.get_page("/api-keys").await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"href="/api/docs""#), "{}", page.body);
}

#[tokio::test]
async fn the_document_says_what_the_server_enforces() {
    let app = spawn_app().await;

    let document: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();

    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let list = &document["paths"]["/api/v1/projects/{project}/users"]["get"];
    assert_eq!(list["operationId"], "listUsers");
    let per_page = list["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "per_page").expect("per_page");
    assert_eq!((per_page["in"].as_str(), per_page["schema"]["maximum"].as_u64()), (Some("query"), Some(200)));
    assert_eq!(list["responses"]["422"]["$ref"], "#/components/responses/Invalid");
    assert_eq!(list["responses"]["401"]["$ref"], "#/components/responses/Unauthorized");

    let schemas = &document["components"]["schemas"];
    assert_eq!(schemas["NewUser"]["additionalProperties"], false);
    assert_eq!(schemas["NewUser"]["properties"]["email"]["format"], "email");
    assert_eq!(
        schemas["FieldBody"]["properties"]["type"]["enum"],
        serde_json::json!(["boolean", "datetime", "integer", "string"])
    );
    assert!(schemas["NewListener"]["properties"]["key"]["pattern"].is_string());
    assert_eq!(schemas["NewListener"]["properties"]["identify_by"]["enum"], serde_json::json!(["email", "username"]));
}

#[tokio::test]
async fn a_refused_display_name_is_named_as_the_body_names_it() {
    let app = spawn_app().await;
    app.post_json("/api/v1/projects", &serde_json::json!({"name": "Aurora", "slug": "aurora"})).await;

    let response = app.create_user("aurora", "ada@example.com", "ada", " ").await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "display_name", "{body}");
}
