//! Managing external listeners through the HTTP API, and durability of what they accept.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_body, error_fields, spawn_app};
use inlet::domain::listener::DeliveryQuery;

fn body(key: &str, fields: Value) -> Value {
    json!({"name": "CRM", "key": key, "type": "external_data", "identify_by": "email", "data_group": "CRM data", "fields": fields})
}

#[tokio::test]
async fn a_created_listener_shows_its_endpoint_and_fields() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    let response = app
        .post_json(
            "/api/v1/projects/aurora/listeners",
            &body("crm", json!([{"label": "Plan", "parameter": "account.plan", "type": "string"}])),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["endpoint_url"], format!("{}/api/v1/projects/aurora/listeners/crm/users/VALUE", app.address));
    let field_id = created["fields"][0]["field_id"].as_i64().expect("a field carries its id, for PATCH");
    assert_eq!(
        created["fields"],
        json!([{"field_id": field_id, "label": "Plan", "parameter": "account.plan", "type": "string"}])
    );
    assert_eq!((created["enabled"].as_bool(), created["unknown_user"].as_str()), (Some(true), Some("reject")));
    let listed: Value = app.get("/api/v1/projects/aurora/listeners").await.json().await.unwrap();
    assert_eq!(listed["listeners"][0]["key"], "crm");
    let shown: Value = app.get("/api/v1/projects/aurora/listeners/crm").await.json().await.unwrap();
    assert_eq!(shown["data_group"], "CRM data");
}

#[tokio::test]
async fn invalid_listeners_are_refused_with_every_reason() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    let bad = json!({"name": "", "key": "Bad Key", "data_group": "", "fields": [
        {"label": "A", "parameter": "a", "type": "string"}, {"label": "a", "parameter": "a", "type": "integer"}]});
    let error =
        error_body(app.post_json("/api/v1/projects/aurora/listeners", &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["name", "key", "data_group", "fields[1].label", "fields[1].parameter"]);
    let mut creating_by_username = body("crm", json!([{"label": "A", "parameter": "a", "type": "string"}]));
    creating_by_username["identify_by"] = json!("username");
    creating_by_username["unknown_user"] = json!("create");
    let error = error_body(
        app.post_json("/api/v1/projects/aurora/listeners", &creating_by_username).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&error), ["unknown_user"]);
    let mut with_filter = body("crm", json!([{"label": "A", "parameter": "a", "type": "string"}]));
    with_filter["filter"] = json!({"all": []});
    assert_eq!(app.post_json("/api/v1/projects/aurora/listeners", &with_filter).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad_type = body("crm", json!([{"label": "A", "parameter": "a", "type": "float"}]));
    assert_eq!(app.post_json("/api/v1/projects/aurora/listeners", &bad_type).await.status(), StatusCode::BAD_REQUEST);
    let listed: Value = app.get("/api/v1/projects/aurora/listeners").await.json().await.unwrap();
    assert_eq!(listed["listeners"], json!([]), "nothing was half-created");
}

/// `account` would resolve to the object `account.plan` lives in, and no payload could fill
/// both, so every delivery would be refused.
#[tokio::test]
async fn a_parameter_reaching_inside_another_is_refused() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    let fields = json!([
        {"label": "Account", "parameter": "account", "type": "string"},
        {"label": "Plan", "parameter": "account.plan", "type": "string"}
    ]);
    let error = error_body(
        app.post_json("/api/v1/projects/aurora/listeners", &body("crm", fields)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&error), ["fields[1].parameter"]);
    let reason = error["fields"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("'account.plan' reaches inside 'account'"), "{reason}");
    let listed: Value = app.get("/api/v1/projects/aurora/listeners").await.json().await.unwrap();
    assert_eq!(listed["listeners"], json!([]), "nothing was created");
    let project = app.project("aurora").await;
    assert_eq!(app.store.project_fields(project.id).await.unwrap(), [], "no field either");

    // An edit is held to the same rule for the list it leaves.
    let plan = json!([{"label": "Plan", "parameter": "account.plan", "type": "string"}]);
    let created: Value = app.post_json("/api/v1/projects/aurora/listeners", &body("crm", plan)).await.json().await.unwrap();
    let plan_id = created["fields"][0]["field_id"].clone();
    let edit = json!({"fields": [
        {"field_id": plan_id, "label": "Plan", "parameter": "account.plan"},
        {"label": "Account", "parameter": "account", "type": "string"}
    ]});
    let error =
        error_body(app.patch_json("/api/v1/projects/aurora/listeners/crm", &edit).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["fields[1].parameter"]);
    let shown: Value = app.get("/api/v1/projects/aurora/listeners/crm").await.json().await.unwrap();
    assert_eq!(shown["fields"], created["fields"], "the listener is as it was");
}

/// A filter finds the built-in groups first, so a group of the same name could never be
/// filtered on.
#[tokio::test]
async fn a_data_group_may_not_take_a_built_in_name() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    for builtin in ["User account", "PARTICIPATION"] {
        let mut named = body("crm", json!([{"label": "Plan", "parameter": "plan", "type": "string"}]));
        named["data_group"] = json!(builtin);
        let error =
            error_body(app.post_json("/api/v1/projects/aurora/listeners", &named).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&error), ["data_group"], "{builtin}");
    }
    let listed: Value = app.get("/api/v1/projects/aurora/listeners").await.json().await.unwrap();
    assert_eq!(listed["listeners"], json!([]), "nothing was created");
}

/// PostgreSQL's TEXT cannot store NUL: refused as input, not failed on as a 500.
#[tokio::test]
async fn control_characters_in_names_and_labels_are_refused() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    let mut bad = body("crm", json!([{"label": "Pl\u{0}an", "parameter": "plan", "type": "string"}]));
    bad["name"] = json!("CRM\u{0}");
    bad["data_group"] = json!("CRM\u{0}data");
    let error =
        error_body(app.post_json("/api/v1/projects/aurora/listeners", &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["name", "data_group", "fields[0].label"]);
    let only_label = body("crm", json!([{"label": "Pl\u{0}an", "parameter": "plan", "type": "string"}]));
    let error =
        error_body(app.post_json("/api/v1/projects/aurora/listeners", &only_label).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["fields[0].label"]);
    let listed: Value = app.get("/api/v1/projects/aurora/listeners").await.json().await.unwrap();
    assert_eq!(listed["listeners"], json!([]), "nothing was created");

    // Nor can an edit bring one in.
    let plan = json!([{"label": "Plan", "parameter": "plan", "type": "string"}]);
    let created: Value = app.post_json("/api/v1/projects/aurora/listeners", &body("crm", plan)).await.json().await.unwrap();
    let edit = json!({"name": "CRM\u{0}", "fields": [
        {"field_id": created["fields"][0]["field_id"], "label": "Pl\u{0}an", "parameter": "plan"}]});
    let error =
        error_body(app.patch_json("/api/v1/projects/aurora/listeners/crm", &edit).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["name", "fields[0].label"]);
}

#[tokio::test]
async fn keys_are_unique_per_project_and_groups_are_shared() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app.create_project("Borealis beta", "borealis").await;
    let plan = json!([{"label": "Plan", "parameter": "plan", "type": "string"}]);
    assert_eq!(
        app.post_json("/api/v1/projects/aurora/listeners", &body("crm", plan.clone())).await.status(),
        StatusCode::CREATED
    );
    let error =
        error_body(app.post_json("/api/v1/projects/aurora/listeners", &body("crm", plan.clone())).await, StatusCode::CONFLICT)
            .await;
    assert!(error["message"].as_str().unwrap().contains("crm"));
    assert_eq!(
        app.post_json("/api/v1/projects/borealis/listeners", &body("crm", plan.clone())).await.status(),
        StatusCode::CREATED
    );
    // A second listener into the same data group reuses "Plan", but may not change its type.
    let same_field = json!([{"label": "plan", "parameter": "subscription.tier", "type": "string"}]);
    assert_eq!(
        app.post_json("/api/v1/projects/aurora/listeners", &body("billing", same_field)).await.status(),
        StatusCode::CREATED
    );
    let other_type = json!([{"label": "Plan", "parameter": "tier", "type": "integer"}]);
    let error =
        error_body(app.post_json("/api/v1/projects/aurora/listeners", &body("other", other_type)).await, StatusCode::CONFLICT)
            .await;
    assert!(error["message"].as_str().unwrap().contains("String"), "{error}");
    // Both listeners feed one field: a value sent to either is the same value.
    app.add_user("aurora", "ada@example.com", "ada", "Ada").await;
    let sent = app
        .post_raw(
            "/api/v1/projects/aurora/listeners/billing/users/ada@example.com",
            "application/json",
            r#"{"subscription":{"tier":"gold"}}"#,
        )
        .await;
    assert_eq!(sent.status(), StatusCode::OK);
    let project = app.project("aurora").await;
    let crm = app.store.listener(project.id, "crm").await.unwrap().unwrap();
    let user =
        app.store.find_project_user(project.id, &inlet::domain::user::UserRef::parse("ada").unwrap()).await.unwrap().unwrap();
    let values = app.store.user_values(user.id).await.unwrap();
    assert_eq!(values, [(crm.fields[0].field_id, inlet::domain::fields::FieldValue::String("gold".into()))]);
}

/// Labels match ignoring case in every script, on both backends alike (SQL `LOWER()` folds
/// only ASCII on SQLite).
#[tokio::test]
async fn groups_and_fields_match_labels_in_any_case_of_any_script() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    let mut first = body("crm", json!([{"label": "Étage", "parameter": "floor", "type": "integer"}]));
    first["data_group"] = json!("Équipe");
    let first: Value = app.post_json("/api/v1/projects/aurora/listeners", &first).await.json().await.unwrap();
    let mut second = body("hr", json!([{"label": "étage", "parameter": "level", "type": "integer"}]));
    second["data_group"] = json!("équipe");
    let response = app.post_json("/api/v1/projects/aurora/listeners", &second).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let shown: Value = app.get("/api/v1/projects/aurora/listeners/hr").await.json().await.unwrap();
    assert_eq!(shown["data_group"], "Équipe", "the existing group is reused ({})", app.backend_name());
    assert_eq!(shown["fields"][0]["field_id"], first["fields"][0]["field_id"], "and so is its field");
    assert_eq!(shown["fields"][0]["label"], "Étage");
    let project = app.project("aurora").await;
    let groups: Vec<String> = app.store.project_fields(project.id).await.unwrap().into_iter().map(|f| f.data_group).collect();
    assert_eq!(groups, ["Équipe"], "one group of one field");
}

#[tokio::test]
async fn deleting_a_listener_keeps_the_data() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada").await;
    let plan = json!([{"label": "Plan", "parameter": "plan", "type": "string"}]);
    app.post_json("/api/v1/projects/aurora/listeners", &body("crm", plan)).await;
    app.post_raw("/api/v1/projects/aurora/listeners/crm/users/ada@example.com", "application/json", r#"{"plan":"pro"}"#).await;
    let listed: Value = app.get("/api/v1/projects/aurora/listeners/crm/deliveries").await.json().await.unwrap();
    let first = listed["deliveries"][0]["id"].as_i64().unwrap();
    let replayed = app.post_json(&format!("/api/v1/projects/aurora/listeners/crm/deliveries/{first}/replay"), &json!({})).await;
    assert_eq!(replayed.status(), StatusCode::OK, "a replay refers to its original, and goes with it");
    let deleted = app
        .client
        .delete(app.url("/api/v1/projects/aurora/listeners/crm"))
        .header("X-Api-Key", &app.api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/projects/aurora/listeners/crm").await.status(), StatusCode::NOT_FOUND);
    let gone = app.post_raw("/api/v1/projects/aurora/listeners/crm/users/ada@example.com", "application/json", "{}").await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    let project = app.project("aurora").await;
    let user =
        app.store.find_project_user(project.id, &inlet::domain::user::UserRef::parse("ada").unwrap()).await.unwrap().unwrap();
    assert_eq!(app.store.user_values(user.id).await.unwrap().len(), 1);
    let history = app.store.value_history(user.id).await.unwrap();
    assert_eq!(history.len(), 1, "the change stays in the history");
    assert_eq!(history[0].delivery_id, None, "its delivery is gone with the listener");
}

/// Deleting a listener deletes its deliveries, and the database then looks up every row that
/// refers to each of them. Without an index on the referring column every lookup scans the
/// whole table: a listener with 20,000 deliveries was still being deleted after five minutes on
/// SQLite.
#[tokio::test]
async fn every_reference_to_a_delivery_is_indexed() {
    use sqlx::Connection;
    let app = spawn_app().await;
    let unindexed: Vec<(String, String)> = if app.backend_name() == "sqlite" {
        let mut db = sqlx::SqliteConnection::connect(&app.database_url).await.unwrap();
        sqlx::query_as(
            r#"SELECT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
               WHERE m.type = 'table' AND f."table" = 'deliveries' AND NOT EXISTS (
                   SELECT 1 FROM pragma_index_list(m.name) i, pragma_index_info(i.name) c
                   WHERE c.seqno = 0 AND c.name = f."from")"#,
        )
        .fetch_all(&mut db)
        .await
        .unwrap()
    } else {
        let mut db = sqlx::PgConnection::connect(&app.database_url).await.unwrap();
        sqlx::query_as(
            "SELECT c.conrelid::regclass::text, a.attname::text FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
             WHERE c.contype = 'f' AND c.confrelid = 'deliveries'::regclass AND NOT EXISTS (
                 SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])",
        )
        .fetch_all(&mut db)
        .await
        .unwrap()
    };
    assert_eq!(unindexed, [], "references to deliveries without an index ({})", app.backend_name());
}

/// The real binary, killed with SIGKILL right after answering: what it acknowledged is there.
#[tokio::test]
async fn an_acknowledged_delivery_survives_a_server_kill() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada").await;
    let plan = json!([{"label": "Plan", "parameter": "plan", "type": "string"}]);
    app.post_json("/api/v1/projects/aurora/listeners", &body("crm", plan)).await;

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_inlet"))
        .arg("serve")
        .env("INLET_DATABASE_URL", &app.database_url)
        .env("INLET_BIND", format!("127.0.0.1:{port}"))
        .env("INLET_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .expect("the inlet binary starts");
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..100 {
        if client.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(ready, "the binary answered /healthz");
    for n in 0..20 {
        let response = client
            .post(format!("{base}/api/v1/projects/aurora/listeners/crm/users/ada@example.com"))
            .header("X-Api-Key", &app.api_key)
            .json(&json!({"plan": format!("plan-{n}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    server.start_kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.wait().await.unwrap();

    let project = app.project("aurora").await;
    let user =
        app.store.find_project_user(project.id, &inlet::domain::user::UserRef::parse("ada").unwrap()).await.unwrap().unwrap();
    let values = app.store.user_values(user.id).await.unwrap();
    assert_eq!(values[0].1, inlet::domain::fields::FieldValue::String("plan-19".into()));
    let listener = app.store.listener(project.id, "crm").await.unwrap().unwrap();
    assert_eq!(app.store.deliveries(listener.id, &DeliveryQuery::latest(100)).await.unwrap().len(), 20);
}
