//! Every `/api/v1` call needs a live API key in `X-Api-Key`.

use reqwest::StatusCode;

use crate::helpers::{error_body, spawn_app};

async fn assert_unauthorized(response: reqwest::Response) {
    let error = error_body(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(error["code"], "unauthorized");
}

#[tokio::test]
async fn a_request_without_a_key_is_refused() {
    let app = spawn_app().await;
    assert_unauthorized(app.get_with_key("/api/v1/projects", None).await).await;
}

#[tokio::test]
async fn a_malformed_key_is_refused() {
    let app = spawn_app().await;
    for key in ["nope", "inlet_", "inlet_short_key", &format!("{}x", app.api_key)] {
        assert_unauthorized(app.get_with_key("/api/v1/projects", Some(key)).await).await;
    }
}

#[tokio::test]
async fn an_unknown_key_is_refused() {
    let app = spawn_app().await;
    let unknown = format!("inlet_zzzzzzzz_{}", "0".repeat(32));
    assert_unauthorized(app.get_with_key("/api/v1/projects", Some(&unknown)).await).await;
}

#[tokio::test]
async fn a_known_prefix_with_the_wrong_secret_is_refused() {
    let app = spawn_app().await;
    let (prefix_part, secret) = app.api_key.rsplit_once('_').unwrap();
    let wrong = format!("{prefix_part}_{}", secret.chars().rev().collect::<String>());
    assert_ne!(wrong, app.api_key);
    assert_unauthorized(app.get_with_key("/api/v1/projects", Some(&wrong)).await).await;
}

#[tokio::test]
async fn a_revoked_key_stops_working_at_once() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/v1/projects").await.status(), StatusCode::OK);

    inlet::server::service::api_keys::revoke_api_key(&app.store, app.api_key_id).await.unwrap();

    assert_unauthorized(app.get("/api/v1/projects").await).await;
}

#[tokio::test]
async fn use_of_a_key_is_counted() {
    let app = spawn_app().await;
    let before = app.store.list_api_keys().await.unwrap();
    let key = before.iter().find(|k| k.id == app.api_key_id).unwrap();
    assert_eq!((key.request_count, key.last_used_at), (0, None));

    assert_eq!(app.get("/api/v1/projects").await.status(), StatusCode::OK);
    assert_eq!(app.get("/api/v1/projects").await.status(), StatusCode::OK);
    // A refused request is not counted against the real key.
    assert_unauthorized(app.get_with_key("/api/v1/projects", Some("nope")).await).await;

    let after = app.store.list_api_keys().await.unwrap();
    let key = after.iter().find(|k| k.id == app.api_key_id).unwrap();
    assert_eq!(key.request_count, 2);
    let last_used = key.last_used_at.expect("last_used_at is set");
    assert!((chrono::Utc::now() - last_used).num_seconds().abs() < 60, "last used {last_used}");
}
