//! API keys limited to their senders' addresses, also behind trusted reverse proxies.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_body, spawn_app, spawn_app_with, TestApp};
use crate::ingest::{deliveries, prepare, ENDPOINT};
use inlet::domain::network::AddressList;
use inlet::server::service::api_keys;

async fn key_allowed_from(app: &TestApp, addresses: &str) -> String {
    api_keys::create_api_key(&app.store, "limited", "", addresses, Some(app.admin.id)).await.expect("a key").secret
}

#[tokio::test]
async fn a_key_works_only_from_its_allowed_addresses() {
    let app = spawn_app().await;
    prepare(&app).await;
    let elsewhere = key_allowed_from(&app, "203.0.113.0/24, 2001:db8::/32").await;
    let here = key_allowed_from(&app, "127.0.0.1").await;

    let refused = error_body(app.get_with_key("/api/v1/projects", Some(&elsewhere)).await, StatusCode::FORBIDDEN).await;
    assert_eq!(refused["message"], "this API key may not be used from 127.0.0.1");
    assert_eq!(app.get_with_key("/api/v1/projects", Some(&here)).await.status(), StatusCode::OK);

    let url = app.url(&format!("{ENDPOINT}/ada@example.com"));
    let ingest = |key: &str| app.client.post(&url).header("X-Api-Key", key).json(&json!({"sessions": 1})).send();
    let refused = error_body(ingest(&elsewhere).await.unwrap(), StatusCode::FORBIDDEN).await;
    assert_eq!(refused["code"], "address_not_allowed");
    assert_eq!(ingest(&here).await.unwrap().status(), StatusCode::OK);
    let recorded = deliveries(&app).await;
    assert_eq!(recorded[1]["status"], 403, "the refused request is recorded too");

    let keys = app.store.list_api_keys().await.unwrap();
    let limited = keys.iter().find(|k| k.allowed_addresses.to_string() == "203.0.113.0/24, 2001:db8::/32").expect("listed");
    assert_eq!(limited.request_count, 0, "refused requests are not counted");
}

#[tokio::test]
async fn bad_address_lists_are_refused_with_every_reason() {
    let app = spawn_app().await;
    let error = api_keys::create_api_key(&app.store, "bad", "", "10.0.0.0/33 example.com", None).await.err().expect("refused");
    let message = error.public_message();
    assert!(message.contains("10.0.0.0/33") && message.contains("example.com"), "{message}");
    assert_eq!(app.store.list_api_keys().await.unwrap().len(), 1, "only the test's own key exists");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_counts() {
    let app = spawn_app_with(|settings| settings.trusted_proxies = AddressList::parse("127.0.0.1", "proxies").unwrap()).await;
    let key = key_allowed_from(&app, "198.51.100.4").await;
    let get = |forwarded: Option<&str>| {
        let request = app.client.get(app.url("/api/v1/projects")).header("X-Api-Key", &key);
        match forwarded {
            Some(chain) => request.header("X-Forwarded-For", chain),
            None => request,
        }
        .send()
    };
    assert_eq!(get(Some("198.51.100.4")).await.unwrap().status(), StatusCode::OK);
    assert_eq!(get(Some("198.51.100.9")).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(get(None).await.unwrap().status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_untrusted_peer_cannot_claim_an_address() {
    let app = spawn_app().await;
    let key = key_allowed_from(&app, "198.51.100.4").await;
    let claimed = app.client.get(app.url("/api/v1/projects")).header("X-Api-Key", &key).header("X-Forwarded-For", "198.51.100.4");
    assert_eq!(claimed.send().await.unwrap().status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_api_keys_page_shows_descriptions_and_allowed_addresses() {
    let app = spawn_app().await;
    api_keys::create_api_key(&app.store, "CRM sync", "Nightly push from the CRM", "203.0.113.0/24", Some(app.admin.id))
        .await
        .unwrap();
    app.login_as_admin().await;
    let page = app.get_page("/api-keys").await;
    assert_eq!(page.status, StatusCode::OK);
    for text in
        ["Description", "Allowed from", "Nightly push from the CRM", "203.0.113.0/24", "anywhere", r#"name="allowed_addresses""#]
    {
        assert!(page.body.contains(text), "missing {text}");
    }
}
