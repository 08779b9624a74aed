//! The ingestion endpoint: every status of PRODUCT.md §4 and every coercion rule, atomicity,
//! delivery records, idempotency and replay.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, spawn_app_with, TestApp};

pub(crate) const ENDPOINT: &str = "/api/v1/projects/aurora/listeners/appdata/users";

/// A project `aurora` with user ada@example.com (ada) and listener `appdata` of four fields.
async fn app_with_listener() -> TestApp {
    let app = spawn_app().await;
    prepare(&app).await;
    app
}

pub(crate) async fn prepare(app: &TestApp) {
    app.create_project("Aurora beta", "aurora").await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;
    let response = app.post_json("/api/v1/projects/aurora/listeners", &listener_body("appdata", "email", "reject")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

fn listener_body(key: &str, identify_by: &str, unknown_user: &str) -> Value {
    json!({
        "name": "App data", "key": key, "type": "external_data", "identify_by": identify_by,
        "data_group": "Mobile app", "unknown_user": unknown_user, "filter": null,
        "fields": [
            {"label": "Opted in", "parameter": "opted_in", "type": "boolean"},
            {"label": "Sessions", "parameter": "sessions", "type": "integer"},
            {"label": "Last seen", "parameter": "last_seen", "type": "datetime"},
            {"label": "Plan", "parameter": "account.plan", "type": "string"}
        ]
    })
}

pub(crate) async fn send(app: &TestApp, user: &str, body: &Value) -> Response {
    send_raw(app, user, "application/json", body.to_string()).await
}

async fn send_raw(app: &TestApp, user: &str, content_type: &str, body: impl Into<reqwest::Body>) -> Response {
    app.post_raw(&format!("{ENDPOINT}/{user}"), content_type, body).await
}

/// The user's current values, by field label, as the store keeps them.
pub async fn values_of(app: &TestApp, email: &str) -> Value {
    let project = app.project("aurora").await;
    let user = app
        .store
        .find_project_user(project.id, &inlet::domain::user::UserRef::parse(email).unwrap())
        .await
        .unwrap()
        .expect("user exists");
    let listener = app.store.listener(project.id, "appdata").await.unwrap().unwrap();
    let mut values = serde_json::Map::new();
    for (field_id, value) in app.store.user_values(user.id).await.unwrap() {
        let label = listener.fields.iter().find(|f| f.field_id == field_id).map(|f| f.label.clone()).unwrap_or_default();
        values.insert(label, serde_json::to_value(&value).unwrap());
    }
    Value::Object(values)
}

pub(crate) async fn deliveries(app: &TestApp) -> Vec<Value> {
    let response = app.get("/api/v1/projects/aurora/listeners/appdata/deliveries").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["deliveries"].as_array().unwrap().clone()
}

#[tokio::test]
async fn mapped_values_are_coerced_stored_and_reported() {
    let app = app_with_listener().await;
    let body =
        json!({"opted_in": "true", "sessions": "12", "last_seen": 1764400000, "account": {"plan": "pro"}, "device": "ios"});
    let response = send(&app, "Ada@Example.com", &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["status"], "accepted");
    assert_eq!(answer["user"], "Ada@Example.com");
    assert_eq!(answer["updated"], json!(["opted_in", "sessions", "last_seen", "account.plan"]));
    assert_eq!(answer["ignored"], json!(["device"]));
    assert_eq!(
        values_of(&app, "ada@example.com").await,
        json!({
            "Opted in": {"type": "boolean", "value": true},
            "Sessions": {"type": "integer", "value": 12},
            "Last seen": {"type": "datetime", "value": "2025-11-29T07:06:40Z"},
            "Plan": {"type": "string", "value": "pro"}
        })
    );
    let recorded = deliveries(&app).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!((recorded[0]["status"].as_u64(), recorded[0]["outcome"].as_str()), (Some(200), Some("accepted")));
    assert_eq!(recorded[0]["payload"], body.to_string());
}

#[tokio::test]
async fn every_coercion_rule_holds() {
    let app = app_with_listener().await;
    let cases = [
        (
            json!({"opted_in": 1, "sessions": -3, "last_seen": "2026-11-29", "account": {"plan": 42}}),
            json!({"Opted in": {"type": "boolean", "value": true}, "Sessions": {"type": "integer", "value": -3},
                "Last seen": {"type": "datetime", "value": "2026-11-29T00:00:00Z"}, "Plan": {"type": "string", "value": "42"}}),
        ),
        (
            json!({"opted_in": "FALSE", "sessions": 9223372036854775807i64, "last_seen": "2026-11-29T11:30:00+01:00", "account": {"plan": true}}),
            json!({"Opted in": {"type": "boolean", "value": false}, "Sessions": {"type": "integer", "value": 9223372036854775807i64},
                "Last seen": {"type": "datetime", "value": "2026-11-29T10:30:00Z"}, "Plan": {"type": "string", "value": "true"}}),
        ),
        (
            json!({"opted_in": 0, "sessions": null, "last_seen": null, "account": {"plan": null}}),
            json!({"Opted in": {"type": "boolean", "value": false}}),
        ),
    ];
    for (body, expected) in cases {
        let response = send(&app, "ada@example.com", &body).await;
        assert_eq!(response.status(), StatusCode::OK, "{body}");
        assert_eq!(values_of(&app, "ada@example.com").await, expected, "after {body}");
    }
}

#[tokio::test]
async fn values_that_do_not_fit_are_all_reported_and_nothing_is_stored() {
    let app = app_with_listener().await;
    assert_eq!(send(&app, "ada@example.com", &json!({"sessions": 1})).await.status(), StatusCode::OK);
    let body = json!({"opted_in": "yes", "sessions": 1.5, "last_seen": "29/11/2026", "account": {"plan": {"x": 1}}});
    let error = error_body(send(&app, "ada@example.com", &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error["code"], "invalid_values");
    let parameters: Vec<_> =
        error["fields"].as_array().unwrap().iter().map(|f| f["parameter"].as_str().unwrap().to_string()).collect();
    assert_eq!(parameters, ["opted_in", "sessions", "last_seen", "account.plan"]);
    assert!(error["fields"][1]["reason"].as_str().unwrap().contains("whole number"));
    // One bad value among good ones: still nothing written.
    let mixed = json!({"opted_in": true, "sessions": "many"});
    assert_eq!(send(&app, "ada@example.com", &mixed).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(values_of(&app, "ada@example.com").await, json!({"Sessions": {"type": "integer", "value": 1}}));
    let recorded = deliveries(&app).await;
    assert_eq!(recorded.iter().map(|d| d["status"].as_u64().unwrap()).collect::<Vec<_>>(), [422, 422, 200]);
    assert_eq!(recorded[0]["error_code"], "invalid_values");
}

#[tokio::test]
async fn malformed_or_non_object_bodies_are_400_and_recorded() {
    let app = app_with_listener().await;
    for body in ["{not json", "[1, 2]", "\"text\"", ""] {
        let error = error_body(send_raw(&app, "ada@example.com", "application/json", body).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(error["code"], "bad_request", "{body}");
    }
    assert_eq!(deliveries(&app).await.len(), 4);
}

#[tokio::test]
async fn only_json_is_accepted() {
    let app = app_with_listener().await;
    let error = error_body(send_raw(&app, "ada@example.com", "text/plain", "{}").await, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    assert_eq!(error["code"], "unsupported_media_type");
    assert_eq!(send_raw(&app, "ada@example.com", "application/json; charset=utf-8", "{}").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_key_may_travel_in_the_header_or_the_query_and_is_required() {
    let app = app_with_listener().await;
    let url = app.url(&format!("{ENDPOINT}/ada@example.com"));
    let no_key = app.client.post(&url).json(&json!({"sessions": 1})).send().await.unwrap();
    assert_eq!(error_body(no_key, StatusCode::UNAUTHORIZED).await["code"], "unauthorized");
    let bad_key = app
        .client
        .post(&url)
        .header("X-Api-Key", "inlet_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_key.status(), StatusCode::UNAUTHORIZED);
    let in_query = app.client.post(format!("{url}?api_key={}", app.api_key)).json(&json!({"sessions": 2})).send().await.unwrap();
    assert_eq!(in_query.status(), StatusCode::OK);
    let recorded = deliveries(&app).await;
    assert_eq!(recorded.iter().map(|d| d["status"].as_u64().unwrap()).collect::<Vec<_>>(), [200, 401, 401]);
    // A revoked key stops working at once.
    app.store.revoke_api_key(app.api_key_id).await.unwrap();
    let revoked = app.client.post(format!("{url}?api_key={}", app.api_key)).json(&json!({})).send().await.unwrap();
    assert_eq!(revoked.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_projects_listeners_and_users_are_404() {
    let app = app_with_listener().await;
    for (path, code) in [
        ("/api/v1/projects/nope/listeners/appdata/users/ada@example.com", "not_found"),
        ("/api/v1/projects/aurora/listeners/nope/users/ada@example.com", "not_found"),
        ("/api/v1/projects/aurora/listeners/appdata/users/grace@example.com", "user_not_found"),
        ("/api/v1/projects/aurora/listeners/appdata/users/not-an-email", "user_not_found"),
    ] {
        let response = app.post_raw(path, "application/json", "{}").await;
        assert_eq!(error_body(response, StatusCode::NOT_FOUND).await["code"], code, "{path}");
    }
    // Only the two that reached the listener are recorded.
    assert_eq!(deliveries(&app).await.len(), 2);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_and_recorded() {
    let app = spawn_app_with(|settings| settings.ingest_max_body_bytes = 64).await;
    prepare(&app).await;
    let big = json!({"account": {"plan": "x".repeat(100)}});
    let error = error_body(send(&app, "ada@example.com", &big).await, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(error["code"], "payload_too_large");
    assert_eq!(deliveries(&app).await[0]["status"], 413);
}

#[tokio::test]
async fn a_disabled_listener_refuses_clearly() {
    let app = app_with_listener().await;
    let patch = app
        .client
        .patch(app.url("/api/v1/projects/aurora/listeners/appdata"))
        .header("X-Api-Key", &app.api_key)
        .json(&json!({"enabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), StatusCode::OK);
    let error = error_body(send(&app, "ada@example.com", &json!({"sessions": 1})).await, StatusCode::CONFLICT).await;
    assert_eq!(error["code"], "listener_disabled");
    assert_eq!(values_of(&app, "ada@example.com").await, json!({}));
}

#[tokio::test]
async fn a_repeated_idempotency_key_returns_the_first_answer_and_writes_nothing() {
    let app = app_with_listener().await;
    let url = app.url(&format!("{ENDPOINT}/ada@example.com"));
    let post = |body: Value| {
        app.client.post(&url).header("X-Api-Key", &app.api_key).header("Idempotency-Key", "order-1").json(&body).send()
    };
    let first: Value = post(json!({"sessions": 1})).await.unwrap().json().await.unwrap();
    let repeat = post(json!({"sessions": 99})).await.unwrap();
    assert_eq!(repeat.status(), StatusCode::OK);
    assert_eq!(repeat.json::<Value>().await.unwrap(), first);
    assert_eq!(values_of(&app, "ada@example.com").await, json!({"Sessions": {"type": "integer", "value": 1}}));
    assert_eq!(deliveries(&app).await.len(), 1);
}

#[tokio::test]
async fn a_rejected_delivery_can_be_replayed_after_the_fix() {
    let app = app_with_listener().await;
    let response = send(&app, "grace@example.com", &json!({"sessions": 7})).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let rejected_id = deliveries(&app).await[0]["id"].as_i64().unwrap();
    app.add_user("aurora", "grace@example.com", "grace", "Grace Hopper").await;
    let replay =
        app.post_json(&format!("/api/v1/projects/aurora/listeners/appdata/deliveries/{rejected_id}/replay"), &json!({})).await;
    assert_eq!(replay.status(), StatusCode::OK);
    assert_eq!(values_of(&app, "grace@example.com").await, json!({"Sessions": {"type": "integer", "value": 7}}));
    let recorded = deliveries(&app).await;
    assert_eq!(recorded[0]["replay_of"], rejected_id);
    let missing = app.post_json("/api/v1/projects/aurora/listeners/appdata/deliveries/99999/replay", &json!({})).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_users_can_be_created_when_identified_by_email() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    let created = app.post_json("/api/v1/projects/aurora/listeners", &listener_body("appdata", "email", "create")).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(send(&app, "new.tester@example.com", &json!({"sessions": 3})).await.status(), StatusCode::OK);
    let user = app.get("/api/v1/projects/aurora/users/new.tester@example.com").await;
    assert_eq!(user.status(), StatusCode::OK);
    assert_eq!(user.json::<Value>().await.unwrap()["username"], "new.tester");
    assert_eq!(values_of(&app, "new.tester@example.com").await, json!({"Sessions": {"type": "integer", "value": 3}}));
}

#[tokio::test]
async fn users_can_be_identified_by_username() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;
    let response = app.post_json("/api/v1/projects/aurora/listeners", &listener_body("appdata", "username", "reject")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(send(&app, "ADA", &json!({"opted_in": true})).await.status(), StatusCode::OK);
    assert_eq!(values_of(&app, "ada").await, json!({"Opted in": {"type": "boolean", "value": true}}));
    assert_eq!(send(&app, "ada@example.com", &json!({})).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_change_is_kept_in_the_history() {
    let app = app_with_listener().await;
    for sessions in [json!(1), json!(1), json!(2), Value::Null] {
        assert_eq!(send(&app, "ada@example.com", &json!({"sessions": sessions})).await.status(), StatusCode::OK);
    }
    let project = app.project("aurora").await;
    let user =
        app.store.find_project_user(project.id, &inlet::domain::user::UserRef::parse("ada").unwrap()).await.unwrap().unwrap();
    let history = app.store.value_history(user.id).await.unwrap();
    let changes: Vec<_> = history.iter().map(|h| (h.old_value.clone(), h.new_value.clone())).collect();
    use inlet::domain::fields::FieldValue::Integer;
    // Newest first; the repeated 1 changed nothing and left no row.
    assert_eq!(changes, [(Some(Integer(2)), None), (Some(Integer(1)), Some(Integer(2))), (None, Some(Integer(1)))]);
    assert!(history.iter().all(|h| h.delivery_id.is_some()));
}

#[tokio::test]
async fn values_of_every_type_read_back_as_stored_and_repeats_change_nothing() {
    let app = app_with_listener().await;
    let payload =
        json!({"opted_in": false, "sessions": -7, "last_seen": "2026-11-29T06:10:36.123456789Z", "account": {"plan": "Pro ✓"}});
    for _ in 0..2 {
        assert_eq!(send(&app, "ada@example.com", &payload).await.status(), StatusCode::OK);
    }
    let expected = json!({
        "Opted in": {"type": "boolean", "value": false},
        "Sessions": {"type": "integer", "value": -7},
        "Last seen": {"type": "datetime", "value": "2026-11-29T06:10:36.123456Z"},
        "Plan": {"type": "string", "value": "Pro ✓"}
    });
    assert_eq!(values_of(&app, "ada@example.com").await, expected);
    let project = app.project("aurora").await;
    let user =
        app.store.find_project_user(project.id, &inlet::domain::user::UserRef::parse("ada").unwrap()).await.unwrap().unwrap();
    let history = app.store.value_history(user.id).await.unwrap();
    assert_eq!(history.len(), 4, "the repeat found every stored value equal to the new one: {history:?}");
    assert!(history.iter().all(|h| h.old_value.is_none()));
    let deliveries = deliveries(&app).await;
    assert_eq!(deliveries.len(), 2, "both requests are recorded");
}

#[tokio::test]
async fn a_key_over_its_rate_gets_429_with_retry_after() {
    let app = spawn_app_with(|settings| {
        settings.ingest_rate = 1;
        settings.ingest_burst = 2;
    })
    .await;
    prepare(&app).await;
    for _ in 0..2 {
        assert_eq!(send(&app, "ada@example.com", &json!({"sessions": 1})).await.status(), StatusCode::OK);
    }
    let limited = send(&app, "ada@example.com", &json!({"sessions": 2})).await;
    let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry_after), "Retry-After: {retry_after}");
    assert_eq!(error_body(limited, StatusCode::TOO_MANY_REQUESTS).await["code"], "rate_limited");
    assert_eq!(values_of(&app, "ada@example.com").await, json!({"Sessions": {"type": "integer", "value": 1}}));
    assert_eq!(deliveries(&app).await[0]["status"], 429, "the refused request is recorded too");
}
