//! The ingestion endpoint at its edges: senders that retry, users the community already
//! knows, values no backend can hold, members that feed nothing, and URLs that do not parse.
//! Each answer has the API's JSON shape, and every refusal is recorded without writing.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, spawn_app_with, TestApp};
use crate::ingest::{deliveries, prepare, send, values_of, ENDPOINT};
use inlet::server::secrets::SecretKey;
use inlet::server::service::ingest::signature::sign;

const LISTENERS: &str = "/api/v1/projects/aurora/listeners";

async fn app_with_listener() -> TestApp {
    let app = spawn_app().await;
    prepare(&app).await;
    app
}

/// A listener `joiners` on `aurora` that adds users it does not know.
async fn app_with_creating_listener() -> TestApp {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    let listener = json!({"name": "Joiners", "key": "joiners", "identify_by": "email", "data_group": "CRM",
        "unknown_user": "create", "fields": [{"label": "Seats", "parameter": "seats", "type": "integer"}]});
    assert_eq!(app.post_json(LISTENERS, &listener).await.status(), StatusCode::CREATED);
    app
}

async fn send_to_joiners(app: &TestApp, email: &str, seats: i64) -> reqwest::Response {
    app.post_json(&format!("{LISTENERS}/joiners/users/{email}"), &json!({"seats": seats})).await
}

async fn post_with_idempotency_key(app: &TestApp, user: &str, key: &str, body: &Value) -> reqwest::Response {
    let url = app.url(&format!("{ENDPOINT}/{user}"));
    app.client.post(url).header("X-Api-Key", &app.api_key).header("Idempotency-Key", key).json(body).send().await.unwrap()
}

#[tokio::test]
async fn a_community_user_from_another_project_joins_as_they_are() {
    let app = app_with_creating_listener().await;
    app.create_project("Borealis beta", "borealis").await;
    app.add_user("borealis", "ada@example.com", "lovelace", "Ada Lovelace").await;

    let response = send_to_joiners(&app, "ada@example.com", 12).await;
    assert_eq!(response.status(), StatusCode::OK, "{:?}", response.text().await);
    let member: Value = app.get("/api/v1/projects/aurora/users/ada@example.com").await.json().await.unwrap();
    assert_eq!(member["username"], "lovelace", "the same community user, not a new one: {member}");
    assert_eq!(member["display_name"], "Ada Lovelace");
    let recorded = app.get(&format!("{LISTENERS}/joiners/deliveries")).await.json::<Value>().await.unwrap();
    assert_eq!(recorded["deliveries"][0]["status"], 200);
    assert_eq!(send_to_joiners(&app, "ada@example.com", 13).await.status(), StatusCode::OK, "now an ordinary member");
}

#[tokio::test]
async fn users_sharing_a_local_part_all_get_usernames() {
    let app = app_with_creating_listener().await;
    for domain in ["a.com", "b.com", "c.com", "d.com", "e.com", "f.com", "g.com"] {
        let email = format!("info@{domain}");
        assert_eq!(send_to_joiners(&app, &email, 1).await.status(), StatusCode::OK, "{email}");
    }
    let users = app.list_users("aurora", "per_page=50").await;
    let usernames: Vec<String> =
        users["users"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap().to_string()).collect();
    let numbered = ["info", "info-2", "info-3", "info-4", "info-5"];
    let (taken_in_order, random): (Vec<String>, Vec<String>) =
        usernames.into_iter().partition(|u| numbered.contains(&u.as_str()));
    assert_eq!(taken_in_order.len(), 5, "{taken_in_order:?}");
    assert_eq!(random.len(), 2, "{random:?}");
    for username in &random {
        let suffix = username.strip_prefix("info-").expect("the local part, then a suffix");
        assert!(suffix.len() == 8 && suffix.chars().all(|c| c.is_ascii_hexdigit()), "{username}");
    }
}

#[tokio::test]
async fn nul_characters_are_refused_and_the_refusal_recorded() {
    let app = app_with_listener().await;
    let error = error_body(
        send(&app, "ada@example.com", &json!({"sessions": 2, "account": {"plan": "a\u{0}b"}})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error["fields"][0]["parameter"], "account.plan");
    assert!(error["fields"][0]["reason"].as_str().unwrap().contains("NUL"), "{error}");
    assert_eq!(values_of(&app, "ada@example.com").await, json!({}), "atomic: the good value is not stored either");

    let nobody = error_body(send(&app, "ada%00@example.com", &json!({"sessions": 2})).await, StatusCode::NOT_FOUND).await;
    assert_eq!(nobody["code"], "user_not_found");
    let recorded = deliveries(&app).await;
    assert_eq!(recorded.len(), 2, "both refusals are recorded");
    assert_eq!(recorded[0]["user"], "ada\u{FFFD}@example.com");
}

#[tokio::test]
async fn times_outside_the_years_1_to_9999_are_refused() {
    let app = app_with_listener().await;
    for last_seen in [json!(253_402_300_800i64), json!(-300_000_000_000i64), json!("0000-12-31")] {
        let error =
            error_body(send(&app, "ada@example.com", &json!({"last_seen": last_seen})).await, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        assert!(error["fields"][0]["reason"].as_str().unwrap().contains("between the years 1 and 9999"), "{error}");
    }
    let last = json!({"last_seen": "9999-12-31T23:59:59Z"});
    assert_eq!(send(&app, "ada@example.com", &last).await.status(), StatusCode::OK);
    assert_eq!(
        values_of(&app, "ada@example.com").await,
        json!({"Last seen": {"type": "datetime", "value": "9999-12-31T23:59:59Z"}})
    );
    assert_eq!(deliveries(&app).await.len(), 4);
}

#[tokio::test]
async fn a_refused_request_claims_no_idempotency_key() {
    let app = app_with_listener().await;
    let body = json!({"sessions": 7});
    let early = post_with_idempotency_key(&app, "grace@example.com", "order-9", &body).await;
    assert_eq!(early.status(), StatusCode::NOT_FOUND, "grace is not in the project yet");

    app.add_user("aurora", "grace@example.com", "grace", "Grace Hopper").await;
    let retry = post_with_idempotency_key(&app, "grace@example.com", "order-9", &body).await;
    assert_eq!(retry.status(), StatusCode::OK, "the retry is evaluated afresh, not answered with the 404");
    let first: Value = retry.json().await.unwrap();
    assert_eq!(values_of(&app, "grace@example.com").await, json!({"Sessions": {"type": "integer", "value": 7}}));

    let repeat = post_with_idempotency_key(&app, "grace@example.com", "order-9", &json!({"sessions": 8})).await;
    assert_eq!(repeat.status(), StatusCode::OK);
    assert_eq!(repeat.json::<Value>().await.unwrap(), first, "the accepted answer is the answer from now on");
    assert_eq!(values_of(&app, "grace@example.com").await, json!({"Sessions": {"type": "integer", "value": 7}}));
    assert_eq!(deliveries(&app).await.len(), 2, "the 404 and the 200; the repeat wrote nothing");
}

#[tokio::test]
async fn a_rate_limited_request_can_be_retried_with_its_key() {
    let app = spawn_app_with(|settings| {
        settings.ingest_rate = 1;
        settings.ingest_burst = 1;
    })
    .await;
    prepare(&app).await;
    assert_eq!(send(&app, "ada@example.com", &json!({"sessions": 1})).await.status(), StatusCode::OK);
    let limited = post_with_idempotency_key(&app, "ada@example.com", "order-2", &json!({"sessions": 2})).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    let retry = post_with_idempotency_key(&app, "ada@example.com", "order-2", &json!({"sessions": 2})).await;
    assert_eq!(retry.status(), StatusCode::OK, "not the saved 429");
    assert_eq!(values_of(&app, "ada@example.com").await, json!({"Sessions": {"type": "integer", "value": 2}}));
}

#[tokio::test]
async fn an_idempotency_key_too_long_to_keep_is_refused_not_ignored() {
    let app = app_with_listener().await;
    let key = "k".repeat(201);
    let error = error_body(
        post_with_idempotency_key(&app, "ada@example.com", &key, &json!({"sessions": 1})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(error["message"].as_str().unwrap().contains("Idempotency-Key"), "{error}");
    assert_eq!(values_of(&app, "ada@example.com").await, json!({}));
    assert_eq!(deliveries(&app).await[0]["status"], 400, "recorded");
    let longest = "k".repeat(200);
    assert_eq!(
        post_with_idempotency_key(&app, "ada@example.com", &longest, &json!({"sessions": 1})).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_saved_answer_is_shown_only_to_a_signed_repeat() {
    let app = spawn_app_with(|settings| settings.secret_key = Some(SecretKey::random())).await;
    prepare(&app).await;
    let secret = app.post_json(&format!("{LISTENERS}/appdata/signing-secret"), &json!({})).await.json::<Value>().await.unwrap()
        ["signing_secret"]
        .as_str()
        .unwrap()
        .to_string();
    let body = r#"{"sessions": 5}"#;
    let post = |timestamp: i64, signature: Option<String>| {
        let mut request = app
            .client
            .post(app.url(&format!("{ENDPOINT}/ada@example.com")))
            .header("X-Api-Key", &app.api_key)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "order-5")
            .header("X-Inlet-Timestamp", timestamp.to_string());
        if let Some(signature) = signature {
            request = request.header("X-Inlet-Signature", signature);
        }
        request.body(body).send()
    };
    let now = chrono::Utc::now().timestamp();
    let signed = post(now, Some(sign(&secret, now, body.as_bytes()))).await.unwrap();
    assert_eq!(signed.status(), StatusCode::OK);
    let unsigned = error_body(post(now, None).await.unwrap(), StatusCode::UNAUTHORIZED).await;
    assert_eq!(unsigned["code"], "bad_signature", "the saved answer names the user: not for an unsigned request");
}

#[tokio::test]
async fn members_that_feed_no_field_are_listed_as_ignored() {
    let app = app_with_listener().await;
    let answer: Value =
        send(&app, "ada@example.com", &json!({"account": "pro", "device": "ios", "sessions": 1})).await.json().await.unwrap();
    assert_eq!(answer["updated"], json!(["sessions"]));
    assert_eq!(answer["ignored"], json!(["account", "device"]), "a scalar `account` feeds no `account.plan`");
    let answer: Value = send(&app, "ada@example.com", &json!({"account": {"plan": "pro"}})).await.json().await.unwrap();
    assert_eq!((answer["updated"].clone(), answer["ignored"].clone()), (json!(["account.plan"]), json!([])));
}

#[tokio::test]
async fn urls_that_do_not_parse_get_the_json_error_shape() {
    let app = app_with_listener().await;
    let not_a_number = app.post_json(&format!("{LISTENERS}/appdata/deliveries/abc/replay"), &json!({})).await;
    assert_eq!(error_body(not_a_number, StatusCode::BAD_REQUEST).await["code"], "bad_request");
    // A query value is read as text and checked like any other value: 422 naming it.
    let bad_page = app.get("/api/v1/projects/aurora/users?page=first").await;
    assert_eq!(error_body(bad_page, StatusCode::UNPROCESSABLE_ENTITY).await["fields"][0]["field"], "page");
    let twice = app.post_raw(&format!("{ENDPOINT}/ada@example.com?api_key=a&api_key=b"), "application/json", "{}").await;
    assert_eq!(error_body(twice, StatusCode::BAD_REQUEST).await["code"], "bad_request");
    let not_utf8 = app.post_raw(&format!("{ENDPOINT}/ada%FF@example.com"), "application/json", "{}").await;
    assert_eq!(error_body(not_utf8, StatusCode::BAD_REQUEST).await["code"], "bad_request");
}

#[tokio::test]
async fn a_replay_sends_the_bytes_the_sender_sent() {
    let app = app_with_listener().await;
    let not_utf8 = b"{\"account\": {\"plan\": \"caf\xe9\"}}".to_vec();
    let refused = app.post_raw(&format!("{ENDPOINT}/ada@example.com"), "application/json", not_utf8).await;
    assert_eq!(error_body(refused, StatusCode::BAD_REQUEST).await["code"], "bad_request");
    let id = deliveries(&app).await[0]["id"].as_i64().unwrap();
    let replay = app.post_json(&format!("{LISTENERS}/appdata/deliveries/{id}/replay"), &json!({})).await;
    let error = error_body(replay, StatusCode::BAD_REQUEST).await;
    assert!(error["message"].as_str().unwrap().contains("malformed JSON"), "still not UTF-8, not 'caf\u{FFFD}': {error}");
    assert_eq!(values_of(&app, "ada@example.com").await, json!({}));
}

#[tokio::test]
async fn strangers_without_a_valid_key_are_limited_per_address_and_not_recorded_past_it() {
    let app = spawn_app_with(|settings| settings.ingest_unauthenticated_rate = 1).await;
    prepare(&app).await;
    let url = app.url(&format!("{ENDPOINT}/ada@example.com"));
    let stranger = || {
        app.client
            .post(&url)
            .header("X-Api-Key", "inlet_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
            .json(&json!({"sessions": 1}))
            .send()
    };
    for _ in 0..2 {
        assert_eq!(stranger().await.unwrap().status(), StatusCode::UNAUTHORIZED, "the burst: refused and recorded");
    }
    let limited = stranger().await.unwrap();
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(error_body(limited, StatusCode::TOO_MANY_REQUESTS).await["code"], "rate_limited");
    assert_eq!(deliveries(&app).await.len(), 2, "the flood past the burst is not recorded");
    assert_eq!(
        send(&app, "ada@example.com", &json!({"sessions": 3})).await.status(),
        StatusCode::OK,
        "a valid key is not limited by it"
    );
}
