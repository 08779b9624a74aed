//! Signed requests: a listener with a signing secret takes only requests whose HMAC-SHA256 of
//! "<timestamp>.<body>" matches, inside the tolerance window; the secret is sealed at rest.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, spawn_app_with, TestApp};
use crate::ingest::{deliveries, prepare, ENDPOINT};
use inlet::server::secrets::SecretKey;
use inlet::server::service::ingest::signature::sign;

const SIGNING: &str = "/api/v1/projects/aurora/listeners/appdata/signing-secret";

async fn app_with_key() -> TestApp {
    let app = spawn_app_with(|settings| settings.secret_key = Some(SecretKey::random())).await;
    prepare(&app).await;
    app
}

async fn post_signed(app: &TestApp, body: &str, timestamp: i64, signature: Option<&str>) -> Response {
    let mut request = app
        .client
        .post(app.url(&format!("{ENDPOINT}/ada@example.com")))
        .header("X-Api-Key", &app.api_key)
        .header("Content-Type", "application/json")
        .header("X-Inlet-Timestamp", timestamp.to_string());
    if let Some(signature) = signature {
        request = request.header("X-Inlet-Signature", signature);
    }
    request.body(body.to_string()).send().await.unwrap()
}

#[tokio::test]
async fn a_generated_secret_makes_the_listener_take_only_signed_requests() {
    let app = app_with_key().await;
    let response = app.post_json(SIGNING, &json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let secret = response.json::<Value>().await.unwrap()["signing_secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 40);
    assert_eq!(app.get("/api/v1/projects/aurora/listeners/appdata").await.json::<Value>().await.unwrap()["signed"], true);

    let body = r#"{"sessions": 5}"#;
    let now = chrono::Utc::now().timestamp();
    let unsigned = error_body(post_signed(&app, body, now, None).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(unsigned["code"], "bad_signature");
    let forged = error_body(
        post_signed(&app, body, now, Some(&sign("not-the-secret-at-all", now, body.as_bytes()))).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(forged["message"].as_str().unwrap().contains("does not match"), "{forged}");
    let tampered = post_signed(&app, r#"{"sessions": 500}"#, now, Some(&sign(&secret, now, body.as_bytes()))).await;
    assert_eq!(tampered.status(), StatusCode::UNAUTHORIZED);
    let stale = now - 301;
    let old =
        error_body(post_signed(&app, body, stale, Some(&sign(&secret, stale, body.as_bytes()))).await, StatusCode::UNAUTHORIZED)
            .await;
    assert!(old["message"].as_str().unwrap().contains("away from the server's clock"), "{old}");

    let signed = post_signed(&app, body, now, Some(&sign(&secret, now, body.as_bytes()))).await;
    assert_eq!(signed.status(), StatusCode::OK);
    let recorded = deliveries(&app).await;
    let codes: Vec<_> = recorded.iter().map(|d| d["error_code"].as_str().unwrap_or("-").to_string()).collect();
    assert_eq!(codes, ["-", "bad_signature", "bad_signature", "bad_signature", "bad_signature"], "every attempt is recorded");

    // Staff may replay a rejected delivery: the signature was the sender's to prove at the time.
    let rejected = recorded[1]["id"].as_i64().unwrap();
    let replay =
        app.post_json(&format!("/api/v1/projects/aurora/listeners/appdata/deliveries/{rejected}/replay"), &json!({})).await;
    assert_eq!(replay.status(), StatusCode::OK);

    // Removing the secret takes effect at once.
    let removed = app.client.delete(app.url(SIGNING)).header("X-Api-Key", &app.api_key).send().await.unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(post_signed(&app, body, now, None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_chosen_secret_is_sealed_at_rest_and_can_be_given_at_creation() {
    let app = spawn_app_with(|settings| settings.secret_key = Some(SecretKey::random())).await;
    app.create_project("Aurora beta", "aurora").await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;
    let secret = "sender-chosen-secret-0042";
    let listener = json!({"name": "App data", "key": "appdata", "data_group": "Mobile app", "signing_secret": secret,
        "fields": [{"label": "Sessions", "parameter": "sessions", "type": "integer"}]});
    let created = app.post_json("/api/v1/projects/aurora/listeners", &listener).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.json::<Value>().await.unwrap()["signed"], true);

    let project = app.project("aurora").await;
    let stored = app.store.listener(project.id, "appdata").await.unwrap().unwrap();
    let sealed = app.store.listener_signing_secret(stored.id).await.unwrap().expect("a sealed secret");
    assert!(!sealed.contains(secret), "the secret is not stored in plain text");

    let body = r#"{"sessions": 9}"#;
    let now = chrono::Utc::now().timestamp();
    assert_eq!(post_signed(&app, body, now, Some(&sign(secret, now, body.as_bytes()))).await.status(), StatusCode::OK);
    let short = app.post_json(SIGNING, &json!({"secret": "too-short"})).await;
    // Named as this body names it (`secret`); a listener's own body calls it `signing_secret`.
    assert_eq!(error_body(short, StatusCode::UNPROCESSABLE_ENTITY).await["fields"][0]["field"], "secret");
}

#[tokio::test]
async fn without_an_installation_key_secrets_are_refused_and_nothing_is_created() {
    let app = spawn_app().await;
    prepare(&app).await;
    let refused = error_body(app.post_json(SIGNING, &json!({})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(refused["fields"][0]["reason"].as_str().unwrap().contains("INLET_SECRET_KEY"), "{refused}");
    let listener = json!({"name": "Signed", "key": "signed", "data_group": "Mobile app", "signing_secret": "sender-chosen-secret-0042",
        "fields": [{"label": "Sessions", "parameter": "sessions", "type": "integer"}]});
    let created = app.post_json("/api/v1/projects/aurora/listeners", &listener).await;
    assert_eq!(created.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/v1/projects/aurora/listeners/signed").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/projects/aurora/listeners/appdata").await.json::<Value>().await.unwrap()["signed"], false);
}

#[tokio::test]
async fn a_secret_can_be_set_and_removed_by_patch() {
    let app = app_with_key().await;
    let patch = |body: Value| {
        let app = &app;
        async move { app.patch_json("/api/v1/projects/aurora/listeners/appdata", &body).await.json::<Value>().await.unwrap() }
    };
    assert_eq!(patch(json!({"signing_secret": "patched-secret-0001"})).await["signed"], true);
    let body = r#"{"sessions": 4}"#;
    let now = chrono::Utc::now().timestamp();
    assert_eq!(post_signed(&app, body, now, None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        post_signed(&app, body, now, Some(&sign("patched-secret-0001", now, body.as_bytes()))).await.status(),
        StatusCode::OK
    );
    assert_eq!(patch(json!({"name": "Renamed"})).await["signed"], true, "leaving it out keeps the secret");
    assert_eq!(patch(json!({"signing_secret": null})).await["signed"], false);
    assert_eq!(post_signed(&app, body, now, None).await.status(), StatusCode::OK);
}
