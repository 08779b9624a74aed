//! Concurrent ingestion: requests share commits (group commit) yet every acknowledged delivery
//! lands with its own history, idempotency holds under races, and cached keys and listeners are
//! forgotten at once when they change, in every instance.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with, start_application};
use crate::ingest::{deliveries, prepare, send, ENDPOINT};
use inlet::domain::fields::FieldValue;
use inlet::domain::listener::DeliveryQuery;
use inlet::domain::user::UserRef;
use inlet::server::store::{DeliveryForRecord, Recorded};
use std::sync::Arc;

#[tokio::test]
async fn concurrent_deliveries_all_land_with_a_consistent_history() {
    // Several writers, so batches also race each other (on PostgreSQL; SQLite has one writer).
    let app = spawn_app_with(|settings| settings.ingest_writers = 4).await;
    prepare(&app).await;
    let users: Vec<String> = (0..6).map(|n| format!("tester{n}@example.com")).collect();
    for (n, email) in users.iter().enumerate() {
        app.add_user("aurora", email, &format!("tester{n}"), "Tester").await;
    }

    // 60 requests at once, ten per user, every one changing the user's session count.
    let requests = (0..60).map(|n| {
        let url = app.url(&format!("{ENDPOINT}/{}", users[n % users.len()]));
        app.client.post(url).header("X-Api-Key", &app.api_key).json(&json!({"sessions": 1000 + n}))
    });
    let statuses: Vec<StatusCode> = all_at_once(requests).await.into_iter().map(|(status, _)| status).collect();
    assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");

    let project = app.project("aurora").await;
    let recorded = app.get("/api/v1/projects/aurora/listeners/appdata/deliveries").await.json::<Value>().await.unwrap();
    let recorded = recorded["deliveries"].as_array().unwrap();
    assert_eq!(recorded.len(), 60, "every acknowledged delivery is recorded");
    for email in &users {
        let user = app.store.find_project_user(project.id, &UserRef::parse(email).unwrap()).await.unwrap().unwrap();
        let history = app.store.value_history(user.id).await.unwrap();
        assert_eq!(history.len(), 10, "{email}: one history row per change");
        // Newest first: each change starts from the value the one before it left.
        for pair in history.windows(2) {
            assert_eq!(pair[0].old_value, pair[1].new_value, "{email}: the history is a chain");
        }
        assert_eq!(history.last().unwrap().old_value, None);
        // The current value is the one the newest delivery for this user sent.
        let newest = recorded.iter().find(|d| d["user"] == email.as_str()).expect("a delivery for the user");
        let sent: Value = serde_json::from_str(newest["payload"].as_str().unwrap()).unwrap();
        let current = app.store.user_values(user.id).await.unwrap();
        assert_eq!(current.len(), 1);
        assert_eq!(current[0].1, FieldValue::Integer(sent["sessions"].as_i64().unwrap()));
        assert_eq!(history[0].new_value, Some(current[0].1.clone()));
    }
}

/// A batch naming a listener, user, API key, field or replayed delivery that does not exist
/// is refused as a whole and writes nothing, on both backends (SQLite's writer checks these
/// once per batch rather than per row; PostgreSQL's foreign keys check them).
#[tokio::test]
async fn a_batch_naming_a_missing_parent_writes_nothing() {
    let app = spawn_app().await;
    prepare(&app).await;
    let project = app.project("aurora").await;
    let listener = app.store.listener(project.id, "appdata").await.unwrap().unwrap();
    let ada = app.store.find_project_user(project.id, &UserRef::parse("ada@example.com").unwrap()).await.unwrap().unwrap();
    let sessions = listener.fields.iter().find(|f| f.parameter == "sessions").unwrap();
    let good = DeliveryForRecord {
        listener_id: listener.id,
        user_ref: "ada@example.com".into(),
        user_id: Some(ada.id),
        api_key_id: Some(app.api_key_id),
        status: 200,
        accepted: true,
        response: "{}".into(),
        content_type: "application/json".into(),
        payload: br#"{"sessions":7}"#.to_vec(),
        values: vec![(sessions.field_id, sessions.field_type, Some(FieldValue::Integer(7)))],
        ..Default::default()
    };
    let missing = 9_999_999;
    let broken = [
        DeliveryForRecord { listener_id: missing, ..good.clone() },
        DeliveryForRecord { user_id: Some(missing), ..good.clone() },
        DeliveryForRecord { api_key_id: Some(missing), ..good.clone() },
        DeliveryForRecord { replay_of: Some(missing), ..good.clone() },
        DeliveryForRecord { values: vec![(missing, sessions.field_type, Some(FieldValue::Integer(8)))], ..good.clone() },
    ];
    for bad in broken {
        let batch: Arc<[DeliveryForRecord]> = Arc::from(vec![good.clone(), bad.clone()]);
        assert!(app.store.record_deliveries(batch).await.is_err(), "refused: {bad:?}");
    }
    assert!(app.store.deliveries(listener.id, &DeliveryQuery::latest(10)).await.unwrap().is_empty(), "nothing written");
    assert!(app.store.value_history(ada.id).await.unwrap().is_empty());
    assert!(app.store.user_values(ada.id).await.unwrap().is_empty());

    let recorded = app.store.record_deliveries(Arc::from(vec![good])).await.unwrap();
    assert!(matches!(recorded[..], [Recorded::Stored { changed: 1, .. }]), "{recorded:?}");
    assert_eq!(app.store.user_values(ada.id).await.unwrap(), vec![(sessions.field_id, FieldValue::Integer(7))]);
}

#[tokio::test]
async fn racing_repeats_of_an_idempotency_key_write_once() {
    let app = spawn_app().await;
    prepare(&app).await;
    let url = app.url(&format!("{ENDPOINT}/ada@example.com"));
    let requests = (0..12).map(|n| {
        app.client
            .post(&url)
            .header("X-Api-Key", &app.api_key)
            .header("Idempotency-Key", "invoice-7")
            .json(&json!({"sessions": n}))
    });
    let answers = all_at_once(requests).await;
    assert!(answers.iter().all(|(status, body)| *status == StatusCode::OK && *body == answers[0].1), "{answers:?}");
    let recorded = deliveries(&app).await;
    assert_eq!(recorded.len(), 1, "one delivery for one idempotency key");
    let stored: Value = serde_json::from_str(recorded[0]["payload"].as_str().unwrap()).unwrap();
    let project = app.project("aurora").await;
    let user = app.store.find_project_user(project.id, &UserRef::parse("ada").unwrap()).await.unwrap().unwrap();
    assert_eq!(app.store.user_values(user.id).await.unwrap()[0].1, FieldValue::Integer(stored["sessions"].as_i64().unwrap()));
}

#[tokio::test]
async fn a_change_made_through_the_store_reaches_cached_lookups_at_once() {
    let app = spawn_app().await;
    prepare(&app).await;
    // Warm the caches, then disable the listener and revoke the key through the store.
    assert_eq!(send(&app, "ada@example.com", &json!({"sessions": 1})).await.status(), StatusCode::OK);
    let listener = app.store.listener(app.project("aurora").await.id, "appdata").await.unwrap().unwrap();
    app.store.set_listener_enabled(listener.id, false).await.unwrap();
    assert_eq!(send(&app, "ada@example.com", &json!({"sessions": 2})).await.status(), StatusCode::CONFLICT);
    app.store.revoke_api_key(app.api_key_id).await.unwrap();
    assert_eq!(send(&app, "ada@example.com", &json!({"sessions": 3})).await.status(), StatusCode::UNAUTHORIZED);
}

/// On SQLite, what ingestion writes reaches the database file itself soon, copied from the
/// write-ahead log by the checkpointer thread, long before the log reaches the size at which
/// the writer would checkpoint it (40 MiB).
#[tokio::test]
async fn deliveries_are_checkpointed_into_the_sqlite_file_in_the_background() {
    let app = spawn_app().await;
    let Some(file) = app.database_url.strip_prefix("sqlite://").map(std::path::PathBuf::from) else {
        eprintln!("skipped: checkpoints are SQLite's");
        return;
    };
    prepare(&app).await;
    let size = || std::fs::metadata(&file).unwrap().len();
    let before = size();
    for sessions in 0..20 {
        assert_eq!(send(&app, "ada@example.com", &json!({"sessions": sessions})).await.status(), StatusCode::OK);
    }
    assert!(eventually(|| async { size() > before }).await, "the file grew from {before} bytes");
    let history = app.store.value_history(ada_id(&app).await).await.unwrap();
    assert_eq!(history.len(), 20, "and every change reads back");
}

async fn ada_id(app: &crate::helpers::TestApp) -> i64 {
    let project = app.project("aurora").await;
    app.store.find_project_user(project.id, &UserRef::parse("ada@example.com").unwrap()).await.unwrap().unwrap().id
}

/// Several instances on one PostgreSQL database: a revocation or a disabled listener in one
/// is forgotten by the others' caches through NOTIFY (SQLite has a single instance).
#[tokio::test]
async fn other_instances_forget_cached_keys_and_listeners() {
    let app = spawn_app().await;
    if app.backend_name() != "postgres" {
        eprintln!("skipped: several instances share only a PostgreSQL database");
        return;
    }
    prepare(&app).await;
    let (other_port, _) = start_application(&inlet::server::config::Settings::for_database(&app.database_url)).await;
    let other = format!("http://127.0.0.1:{other_port}{ENDPOINT}/ada@example.com");
    let post_to_other =
        |sessions: i64| app.client.post(&other).header("X-Api-Key", &app.api_key).json(&json!({"sessions": sessions})).send();
    assert_eq!(post_to_other(1).await.unwrap().status(), StatusCode::OK, "the other instance caches the key and listener");

    let listener = app.store.listener(app.project("aurora").await.id, "appdata").await.unwrap().unwrap();
    app.store.set_listener_enabled(listener.id, false).await.unwrap();
    assert!(
        eventually(|| async { post_to_other(2).await.unwrap().status() == StatusCode::CONFLICT }).await,
        "listener disabled everywhere"
    );
    app.store.revoke_api_key(app.api_key_id).await.unwrap();
    assert!(
        eventually(|| async { post_to_other(3).await.unwrap().status() == StatusCode::UNAUTHORIZED }).await,
        "key revoked everywhere"
    );
}

/// Sends every request at the same time; the answers come back in the requests' order.
async fn all_at_once(requests: impl Iterator<Item = reqwest::RequestBuilder>) -> Vec<(StatusCode, Value)> {
    let tasks: Vec<_> = requests
        .map(|request| {
            tokio::spawn(async move {
                let response = request.send().await.unwrap();
                (response.status(), response.json::<Value>().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

/// True once `check` holds, trying for up to five seconds (a notification crosses a connection).
async fn eventually<F, Fut>(check: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..50 {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn an_import_reaches_cached_users_at_once() {
    let app = spawn_app().await;
    let filter =
        json!({"criteria": [{"data_group": "User account", "field": "Display name", "qualifier": "is", "value": "Countess"}]});
    app.create_project("Aurora beta", "aurora").await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;
    let listener = json!({"name": "App", "key": "appdata", "data_group": "App", "filter": filter,
        "fields": [{"label": "Sessions", "parameter": "sessions", "type": "integer"}]});
    assert_eq!(app.post_json("/api/v1/projects/aurora/listeners", &listener).await.status(), StatusCode::CREATED);
    // The user is now cached as "Ada Lovelace", outside the gate.
    assert_eq!(send(&app, "ada@example.com", &json!({"sessions": 1})).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let imported = app.import_csv("aurora", "email,username,name\nada@example.com,ada,Countess\n").await;
    assert_eq!(imported.status(), StatusCode::OK);
    assert_eq!(send(&app, "ada@example.com", &json!({"sessions": 2})).await.status(), StatusCode::OK, "the import renamed her");
}
