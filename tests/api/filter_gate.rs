//! A listener's filter gate: only users matching it are updated; others get a clear 422 that is
//! recorded, and a user the listener would create is not created when refused.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_body, error_fields, spawn_app, TestApp};
use crate::ingest::{deliveries, send, values_of};

/// Project aurora with ada (gets Plan "pro" first) and grace; listener `appdata` gated on the
/// Plan its own data group holds and on the user's email domain.
async fn app_with_gate(filter: Value, unknown_user: &str) -> (TestApp, reqwest::Response) {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;
    app.add_user("aurora", "grace@example.org", "grace", "Grace Hopper").await;
    let listener = json!({"name": "App data", "key": "appdata", "data_group": "Mobile app", "unknown_user": unknown_user,
        "fields": [{"label": "Plan", "parameter": "plan", "type": "string"}, {"label": "Sessions", "parameter": "sessions", "type": "integer"}],
        "filter": filter});
    let created = app.post_json("/api/v1/projects/aurora/listeners", &listener).await;
    (app, created)
}

#[tokio::test]
async fn only_users_matching_the_gate_are_updated() {
    let filter = json!({"match": "all", "criteria": [
        {"data_group": "user account", "field": "EMAIL", "qualifier": "contains", "value": "@example.com"}]});
    let (app, created) = app_with_gate(filter, "reject").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let body: Value = created.json().await.unwrap();
    assert_eq!(body["filter"]["criteria"][0]["data_group"], "User account", "names are spelled as the project spells them");

    assert_eq!(send(&app, "ada@example.com", &json!({"sessions": 1})).await.status(), StatusCode::OK);
    let refused =
        error_body(send(&app, "grace@example.org", &json!({"sessions": 1})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused["code"], "user_outside_filter");
    assert!(refused["message"].as_str().unwrap().contains(r#"Email contains "@example.com""#), "{refused}");
    assert_eq!(deliveries(&app).await[0]["error_code"], "user_outside_filter", "the refusal is recorded");
}

#[tokio::test]
async fn a_gate_may_use_the_listeners_own_fields_as_stored_before_the_delivery() {
    let filter = json!({"criteria": [{"data_group": "Mobile app", "field": "Plan", "qualifier": "is", "value": "pro"}]});
    let (app, created) = app_with_gate(filter, "reject").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    // Nobody has a plan yet, so nobody passes — not even with "pro" in this very request.
    assert_eq!(send(&app, "ada@example.com", &json!({"plan": "pro"})).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Set it through another listener on the same data group, then the gate opens for ada only.
    let other = json!({"name": "CRM", "key": "crm", "data_group": "Mobile app",
        "fields": [{"label": "Plan", "parameter": "plan", "type": "string"}]});
    assert_eq!(app.post_json("/api/v1/projects/aurora/listeners", &other).await.status(), StatusCode::CREATED);
    let crm = app
        .post_raw("/api/v1/projects/aurora/listeners/crm/users/ada@example.com", "application/json", r#"{"plan":"PRO"}"#)
        .await;
    assert_eq!(crm.status(), StatusCode::OK);
    assert_eq!(send(&app, "ada@example.com", &json!({"sessions": 3})).await.status(), StatusCode::OK, "is compares without case");
    assert_eq!(send(&app, "grace@example.org", &json!({"sessions": 3})).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_user_the_gate_refuses_is_not_created() {
    let filter =
        json!({"criteria": [{"data_group": "User account", "field": "Email", "qualifier": "contains", "value": "@partner.com"}]});
    let (app, created) = app_with_gate(filter, "create").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let refused = send(&app, "stranger@elsewhere.net", &json!({"sessions": 1})).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/v1/projects/aurora/users/stranger@elsewhere.net").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(send(&app, "new@partner.com", &json!({"sessions": 1})).await.status(), StatusCode::OK);
    assert_eq!(app.get("/api/v1/projects/aurora/users/new@partner.com").await.status(), StatusCode::OK);
    // Values that do not fit leave no new user behind either.
    assert_eq!(send(&app, "late@partner.com", &json!({"sessions": "many"})).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/v1/projects/aurora/users/late@partner.com").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn gates_that_do_not_fit_the_project_are_refused_with_every_reason() {
    let filter = json!({"match": "any", "criteria": [
        {"data_group": "Mobile app", "field": "Seats", "qualifier": "gt", "value": 1},
        {"data_group": "Mobile app", "field": "Sessions", "qualifier": "contains", "value": "x"},
        {"data_group": "Participation", "field": "Joined", "qualifier": "in_last_days", "value": -3}]});
    let (app, created) = app_with_gate(filter, "reject").await;
    let error = error_body(created, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["filter.criteria[0].field", "filter.criteria[1].qualifier", "filter.criteria[2].value"]);
    assert_eq!(app.get("/api/v1/projects/aurora/listeners/appdata").await.status(), StatusCode::NOT_FOUND, "nothing was created");

    let (_, typo) =
        app_with_gate(json!({"criteria": [{"data_group": "User account", "field": "Email", "qualifer": "is"}]}), "reject").await;
    assert_eq!(error_fields(&error_body(typo, StatusCode::UNPROCESSABLE_ENTITY).await), ["filter"]);
}

#[tokio::test]
async fn a_gate_can_be_set_changed_with_a_rename_and_removed_by_patch() {
    let (app, created) = app_with_gate(Value::Null, "reject").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let listener: Value = app.get("/api/v1/projects/aurora/listeners/appdata").await.json().await.unwrap();
    assert_eq!(listener["filter"], Value::Null);
    let plan_id = listener["fields"][0]["field_id"].clone();

    // Rename Plan to Tier and gate on the new name in the same edit.
    let patch = json!({
        "fields": [{"field_id": plan_id, "label": "Tier", "parameter": "plan"}, {"field_id": listener["fields"][1]["field_id"], "label": "Sessions", "parameter": "sessions"}],
        "filter": {"criteria": [{"data_group": "Mobile app", "field": "Tier", "qualifier": "is_empty"}]}});
    let patched = app.patch_json("/api/v1/projects/aurora/listeners/appdata", &patch).await;
    assert_eq!(patched.status(), StatusCode::OK);
    assert_eq!(patched.json::<Value>().await.unwrap()["filter"]["criteria"][0]["field"], "Tier");
    assert_eq!(send(&app, "ada@example.com", &json!({"plan": "pro"})).await.status(), StatusCode::OK, "no tier yet: passes");
    let refused =
        error_body(send(&app, "ada@example.com", &json!({"sessions": 2})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused["code"], "user_outside_filter", "the gate applies at once");

    let bad = app
        .patch_json(
            "/api/v1/projects/aurora/listeners/appdata",
            &json!({"filter": {"criteria": [{"data_group": "Mobile app", "field": "Plan", "qualifier": "is_empty"}]}}),
        )
        .await;
    assert_eq!(error_fields(&error_body(bad, StatusCode::UNPROCESSABLE_ENTITY).await), ["filter.criteria[0].field"]);

    let removed = app.patch_json("/api/v1/projects/aurora/listeners/appdata", &json!({"filter": null})).await;
    assert_eq!(removed.json::<Value>().await.unwrap()["filter"], Value::Null);
    assert_eq!(send(&app, "ada@example.com", &json!({"sessions": 2})).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_gate_follows_its_fields_when_another_listener_renames_or_swaps_them() {
    let filter = json!({"criteria": [{"data_group": "Mobile app", "field": "plan", "qualifier": "is", "value": "pro"},
        {"data_group": "Mobile app", "field": "Sessions", "qualifier": "is_empty"}]});
    let (app, created) = app_with_gate(filter, "reject").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let other = json!({"name": "CRM", "key": "crm", "data_group": "Mobile app",
        "fields": [{"label": "Plan", "parameter": "plan", "type": "string"}, {"label": "Sessions", "parameter": "logins", "type": "integer"}]});
    let crm: Value = app.post_json("/api/v1/projects/aurora/listeners", &other).await.json().await.unwrap();
    let crm_post = |user: &'static str, body: &'static str| {
        let path = format!("/api/v1/projects/aurora/listeners/crm/users/{user}");
        let app = &app;
        async move { app.post_raw(&path, "application/json", body).await.status() }
    };
    assert_eq!(crm_post("ada@example.com", r#"{"plan":"pro"}"#).await, StatusCode::OK);

    // The CRM listener renames Plan to Tier: the gate on appdata now names Tier and still opens for ada.
    let (plan, sessions) = (crm["fields"][0]["field_id"].clone(), crm["fields"][1]["field_id"].clone());
    let rename = json!({"fields": [{"field_id": plan, "label": "Tier", "parameter": "plan"},
        {"field_id": sessions, "label": "Sessions", "parameter": "logins"}]});
    assert_eq!(app.patch_json("/api/v1/projects/aurora/listeners/crm", &rename).await.status(), StatusCode::OK);
    let gated: Value = app.get("/api/v1/projects/aurora/listeners/appdata").await.json().await.unwrap();
    let named =
        |gate: &Value| gate["filter"]["criteria"].as_array().unwrap().iter().map(|c| c["field"].clone()).collect::<Vec<_>>();
    assert_eq!(named(&gated), ["Tier", "Sessions"]);
    assert_eq!(send(&app, "ada@example.com", &json!({"plan": "basic"})).await.status(), StatusCode::OK, "the gate still works");
    let refused =
        error_body(send(&app, "ada@example.com", &json!({"plan": "pro"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused["code"], "user_outside_filter", "ada's tier is basic now");

    // Swapping two labels in one edit swaps the gate's names too: it still means the same fields.
    let swap = json!({"fields": [{"field_id": plan, "label": "Sessions", "parameter": "plan"},
        {"field_id": sessions, "label": "Tier", "parameter": "logins"}]});
    assert_eq!(app.patch_json("/api/v1/projects/aurora/listeners/crm", &swap).await.status(), StatusCode::OK);
    let gated: Value = app.get("/api/v1/projects/aurora/listeners/appdata").await.json().await.unwrap();
    assert_eq!(named(&gated), ["Sessions", "Tier"]);
    assert_eq!(crm_post("ada@example.com", r#"{"plan":"pro"}"#).await, StatusCode::OK);
    assert_eq!(send(&app, "ada@example.com", &json!({"plan": "pro"})).await.status(), StatusCode::OK, "no 409: the gate fits");
}

/// A stored gate that no longer fits the project (written by an older Inlet, or by hand) refuses
/// every delivery with 409 `filter_broken`, saying why, and stores nothing; each refusal is
/// recorded, so once the gate is fixed it can be replayed and lands.
#[tokio::test]
async fn a_gate_that_no_longer_fits_refuses_with_409_until_fixed_and_the_refusals_replay() {
    let filter = json!({"criteria": [{"data_group": "Mobile app", "field": "Plan", "qualifier": "is", "value": "pro"}]});
    let (app, created) = app_with_gate(filter, "reject").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let unfit = r#"{"match":"all","criteria":[{"data_group":"Gone","field":"Plan","qualifier":"is","value":"pro"}]}"#;
    store_filter_behind_the_apps_back(&app, "appdata", unfit).await;

    let refused = error_body(send(&app, "ada@example.com", &json!({"sessions": 5})).await, StatusCode::CONFLICT).await;
    assert_eq!(refused["code"], "filter_broken");
    let message = refused["message"].as_str().unwrap();
    assert!(message.contains("there is no data group 'Gone'") && message.contains("replay"), "{message}");
    let recorded = deliveries(&app).await;
    assert_eq!((recorded[0]["status"].as_i64(), recorded[0]["error_code"].as_str()), (Some(409), Some("filter_broken")));
    assert_eq!(values_of(&app, "ada@example.com").await, json!({}), "nothing was stored");

    let fixed = app.patch_json("/api/v1/projects/aurora/listeners/appdata", &json!({"filter": null})).await;
    assert_eq!(fixed.status(), StatusCode::OK);
    let id = recorded[0]["id"].as_i64().unwrap();
    let replay = app.post_json(&format!("/api/v1/projects/aurora/listeners/appdata/deliveries/{id}/replay"), &json!({})).await;
    assert_eq!(replay.status(), StatusCode::OK);
    assert_eq!(values_of(&app, "ada@example.com").await, json!({"Sessions": {"type": "integer", "value": 5}}));
}

/// Writes a listener's stored gate directly, as nothing in Inlet would: a gate it writes fits.
async fn store_filter_behind_the_apps_back(app: &TestApp, listener: &str, filter: &str) {
    use sqlx::Connection;
    let sql = "UPDATE listeners SET filter = $1 WHERE key = $2";
    let updated = if app.backend_name() == "sqlite" {
        let mut db = sqlx::SqliteConnection::connect(&app.database_url).await.unwrap();
        sqlx::query(sql).bind(filter).bind(listener).execute(&mut db).await.unwrap().rows_affected()
    } else {
        let mut db = sqlx::PgConnection::connect(&app.database_url).await.unwrap();
        sqlx::query(sql).bind(filter).bind(listener).execute(&mut db).await.unwrap().rows_affected()
    };
    assert_eq!(updated, 1);
}
