//! The user summary: `GET …/users/{user}` with every data group's typed values, the paged
//! history `GET …/users/{user}/history`, and the summary page in the viewer's time zone.

use reqwest::cookie::Jar;
use reqwest::{redirect, Client, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;

use crate::helpers::{error_body, fetch_page, spawn_app, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::ingest::{prepare, send};

const ADA: &str = "/api/v1/projects/aurora/users/ada@example.com";

async fn app_with_values() -> TestApp {
    let app = spawn_app().await;
    prepare(&app).await;
    app.add_user("aurora", "bob@example.com", "bob", "Bob Babbage").await;
    let body = json!({"opted_in": true, "sessions": 12, "last_seen": "2026-11-01T10:00:00+01:00", "account": {"plan": "pro"}});
    assert_eq!(send(&app, "ada@example.com", &body).await.status(), StatusCode::OK);
    app
}

async fn json_of(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

fn group<'a>(user: &'a Value, name: &str) -> &'a Vec<Value> {
    let groups = user["data_groups"].as_array().expect("data_groups");
    groups.iter().find(|g| g["data_group"] == name).unwrap_or_else(|| panic!("no group {name}"))["values"].as_array().unwrap()
}

fn value<'a>(values: &'a [Value], field: &str) -> &'a Value {
    values.iter().find(|v| v["field"] == field).unwrap_or_else(|| panic!("no field {field}"))
}

#[tokio::test]
async fn a_user_comes_with_every_data_group_and_typed_values() {
    let app = app_with_values().await;

    let ada = json_of(&app, ADA).await;

    assert_eq!(ada["email"], "ada@example.com");
    let names: Vec<&str> = ada["data_groups"].as_array().unwrap().iter().map(|g| g["data_group"].as_str().unwrap()).collect();
    assert_eq!(names, ["User account", "Participation", "Mobile app"]);
    let account = group(&ada, "User account");
    assert_eq!(value(account, "Username")["value"], "ada");
    assert_eq!(value(account, "Created")["type"], "datetime");
    assert_eq!(value(account, "Created")["value"], ada["created_at"]);
    assert_eq!(value(account, "Email")["updated_at"], Value::Null, "built-in changes are not recorded");
    assert_eq!(value(group(&ada, "Participation"), "Status")["value"], "active");
    let app_data = group(&ada, "Mobile app");
    let typed: Vec<(&str, &str, Value)> =
        app_data.iter().map(|v| (v["field"].as_str().unwrap(), v["type"].as_str().unwrap(), v["value"].clone())).collect();
    assert_eq!(
        typed,
        [
            ("Opted in", "boolean", json!(true)),
            ("Sessions", "integer", json!(12)),
            ("Last seen", "datetime", json!("2026-11-01T09:00:00Z")),
            ("Plan", "string", json!("pro")),
        ]
    );
    assert!(app_data.iter().all(|v| v["updated_at"].as_str().is_some_and(|t| t.ends_with('Z') || t.contains('+'))));

    // A member without values gets every field, empty.
    let bob = json_of(&app, "/api/v1/projects/aurora/users/bob").await;
    let empty = group(&bob, "Mobile app");
    assert_eq!(empty.len(), 4);
    assert!(empty.iter().all(|v| v["value"].is_null() && v["updated_at"].is_null()), "{empty:?}");
}

#[tokio::test]
async fn the_history_is_typed_newest_first_and_only_this_projects() {
    let app = app_with_values().await;
    send(&app, "ada@example.com", &json!({"sessions": 13, "opted_in": false})).await;
    send(&app, "ada@example.com", &json!({"sessions": null})).await;
    // Ada's values in another project stay out of this project's history.
    app.create_project("Borealis beta", "borealis").await;
    app.add_user("borealis", "ada@example.com", "ada", "Ada Lovelace").await;
    let other = json!({"name": "Other", "key": "other", "type": "external_data", "identify_by": "email",
        "data_group": "Elsewhere", "unknown_user": "reject", "filter": null,
        "fields": [{"label": "Sessions", "parameter": "sessions", "type": "integer"}]});
    assert_eq!(app.post_json("/api/v1/projects/borealis/listeners", &other).await.status(), StatusCode::CREATED);
    let elsewhere = app
        .post_raw("/api/v1/projects/borealis/listeners/other/users/ada@example.com", "application/json", r#"{"sessions": 99}"#)
        .await;
    assert_eq!(elsewhere.status(), StatusCode::OK);

    let history = json_of(&app, &format!("{ADA}/history")).await;

    assert_eq!((history["total"].clone(), history["page"].clone(), history["per_page"].clone()), (json!(7), json!(1), json!(50)));
    let changes = history["changes"].as_array().unwrap();
    let seen: Vec<(&str, Value, Value)> =
        changes.iter().map(|c| (c["field"].as_str().unwrap(), c["old"].clone(), c["new"].clone())).collect();
    assert_eq!(seen[0], ("Sessions", json!(13), json!(null)), "the last delivery's change comes first");
    // The two changes of the delivery before it, in either order.
    assert!(seen[1..3].contains(&("Opted in", json!(true), json!(false))), "{seen:?}");
    assert!(seen[1..3].contains(&("Sessions", json!(12), json!(13))), "{seen:?}");
    assert!(changes.iter().all(|c| c["data_group"] == "Mobile app"));
    assert!(seen.contains(&("Last seen", json!(null), json!("2026-11-01T09:00:00Z"))));
    let deliveries: Vec<i64> = changes.iter().map(|c| c["delivery_id"].as_i64().expect("delivery id")).collect();
    assert!(deliveries.windows(2).all(|w| w[0] >= w[1]), "newest first: {deliveries:?}");
    assert!(changes[0]["changed_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn a_long_history_comes_in_pages() {
    let app = app_with_values().await;
    for sessions in 13..=40 {
        assert_eq!(send(&app, "ada@example.com", &json!({ "sessions": sessions })).await.status(), StatusCode::OK);
    }
    // 4 first values + 28 changes of Sessions.
    let first = json_of(&app, &format!("{ADA}/history?per_page=10")).await;
    let third = json_of(&app, &format!("{ADA}/history?page=3&per_page=10")).await;
    let last = json_of(&app, &format!("{ADA}/history?page=4&per_page=10")).await;
    let beyond = json_of(&app, &format!("{ADA}/history?page=5&per_page=10")).await;

    assert_eq!(first["total"], 32);
    assert_eq!(first["changes"].as_array().unwrap().len(), 10);
    assert_eq!(first["changes"][0]["new"], 40);
    assert_eq!(first["changes"][9]["new"], 31);
    assert_eq!((third["page"].clone(), third["changes"][0]["new"].clone()), (json!(3), json!(20)));
    assert_eq!(last["changes"].as_array().unwrap().len(), 2, "the four first values, two to a page's end");
    assert!(beyond["changes"].as_array().unwrap().is_empty());
    assert_eq!(beyond["total"], 32);
}

#[tokio::test]
async fn unknown_users_and_projects_are_404_and_bad_pages_422() {
    let app = app_with_values().await;

    for path in [
        "/api/v1/projects/aurora/users/nobody@example.com",
        "/api/v1/projects/aurora/users/nobody/history",
        "/api/v1/projects/nope/users/ada",
        "/api/v1/projects/nope/users/ada/history",
    ] {
        let error = error_body(app.get(path).await, StatusCode::NOT_FOUND).await;
        assert_eq!(error["code"], "not_found", "{path}");
    }
    let error = error_body(app.get(&format!("{ADA}/history?page=two")).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error["fields"][0]["field"], "page");
    assert_eq!(app.get_with_key(&format!("{ADA}/history"), None).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn both_operations_are_in_the_openapi_document_with_their_statuses() {
    let app = spawn_app().await;
    let document = json_of(&app, "/api/v1/openapi.json").await;
    let show = &document["paths"]["/api/v1/projects/{project}/users/{user}"]["get"];
    let history = &document["paths"]["/api/v1/projects/{project}/users/{user}/history"]["get"];
    assert_eq!(show["operationId"], "showUser");
    assert_eq!(history["operationId"], "listUserHistory");
    for status in ["200", "401", "404"] {
        assert!(show["responses"][status].is_object(), "showUser {status}");
        assert!(history["responses"][status].is_object(), "listUserHistory {status}");
    }
    assert!(history["responses"]["422"].is_object());
}

/// A logged-in browser whose time zone cookie says `zone` (none: JavaScript never ran).
async fn browser(app: &TestApp, zone: Option<&str>) -> Client {
    let jar = Arc::new(Jar::default());
    if let Some(zone) = zone {
        jar.add_cookie_str(&format!("inlet_tz={zone}"), &app.url("/").parse().unwrap());
    }
    let client = Client::builder().cookie_provider(jar).redirect(redirect::Policy::none()).build().unwrap();
    let response = app.login_with(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    client
}

#[tokio::test]
async fn the_summary_page_shows_values_by_type_in_the_viewers_time_zone() {
    let app = app_with_values().await;

    let paris = fetch_page(browser(&app, Some("Europe/Paris")).await.get(app.url("/p/aurora/u/ada"))).await;
    assert_eq!(paris.status, StatusCode::OK);
    for text in [
        "Times are in your time zone, Europe/Paris.",
        r#"<time datetime="2026-11-01T09:00:00Z" title="2026-11-01T09:00:00Z">2026-11-01 10:00 CET</time>"#,
        "Mobile app",
        ">yes<",
        r#"<td class="num">12</td>"#,
        "pro",
        "History of changes",
    ] {
        assert!(paris.body.contains(text), "missing {text:?}");
    }

    let unknown = fetch_page(browser(&app, None).await.get(app.url("/p/aurora/u/ada"))).await;
    assert!(unknown.body.contains("Times are in UTC."));
    assert!(unknown.body.contains(">2026-11-01 09:00 UTC</time>"));
}

#[tokio::test]
async fn the_summary_page_pages_the_history_and_shows_one_fields_without_javascript() {
    let app = app_with_values().await;
    for sessions in 13..=40 {
        send(&app, "ada@example.com", &json!({ "sessions": sessions })).await;
    }
    let client = browser(&app, Some("UTC")).await;

    let first = fetch_page(client.get(app.url("/p/aurora/u/ada"))).await;
    assert!(first.body.contains("32 changes") && first.body.contains("Page 1 of 2"), "{}", first.body);
    assert!(first.body.contains(r#"href="/p/aurora/u/ada?page=2#history""#));
    let second = fetch_page(client.get(app.url("/p/aurora/u/ada?page=2#history"))).await;
    assert!(second.body.contains("Page 2 of 2"));
    assert!(second.body.contains("Opted in"), "the first values are the oldest changes");

    let one_field = fetch_page(client.get(app.url("/p/aurora/u/ada?group=Mobile%20app&field=Plan"))).await;
    assert!(one_field.body.contains("History of Plan (Mobile app)"));
    assert!(one_field.body.contains("1 change<"));
    assert!(one_field.body.contains("Show the history of every field"));

    let unknown = fetch_page(client.get(app.url("/p/aurora/u/ada?group=Mobile%20app&field=Nope"))).await;
    assert!(
        unknown.body.contains("data group &#x27;Mobile app&#x27; has no field &#x27;Nope&#x27;")
            || unknown.body.contains("has no field")
    );
    let nobody = fetch_page(client.get(app.url("/p/aurora/u/nobody"))).await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND);
}
