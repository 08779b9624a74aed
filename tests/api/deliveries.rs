//! Listing a listener's deliveries: newest first, a page at a time, by outcome, so that every
//! rejected delivery can be found (and replayed), not only the latest.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_body, error_fields, spawn_app, TestApp};
use crate::ingest::{prepare, send};

const DELIVERIES: &str = "/api/v1/projects/aurora/listeners/appdata/deliveries";

async fn page(app: &TestApp, query: &str) -> (Vec<i64>, Value) {
    let response = app.get(&format!("{DELIVERIES}?{query}")).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    let body: Value = response.json().await.unwrap();
    let ids = body["deliveries"].as_array().unwrap().iter().map(|d| d["id"].as_i64().unwrap()).collect();
    (ids, body["next_before"].clone())
}

#[tokio::test]
async fn every_rejected_delivery_can_be_found_a_page_at_a_time() {
    let app = spawn_app().await;
    prepare(&app).await;
    // Seven deliveries, alternating: accepted, rejected (a value that does not fit), accepted, …
    for n in 0..7 {
        let body = if n % 2 == 0 { json!({"sessions": n}) } else { json!({"sessions": "many"}) };
        send(&app, "ada@example.com", &body).await;
    }
    let (all, next) = page(&app, "").await;
    assert_eq!(all.len(), 7);
    assert!(all.windows(2).all(|pair| pair[0] > pair[1]), "newest first: {all:?}");
    assert_eq!(next, Value::Null, "one page holds them all");

    let (rejected, _) = page(&app, "outcome=rejected").await;
    assert_eq!(rejected, [all[1], all[3], all[5]]);
    let (accepted, _) = page(&app, "outcome=accepted&limit=500").await;
    assert_eq!(accepted, [all[0], all[2], all[4], all[6]]);

    // Rejected ones two at a time: each full page says where the next one starts.
    let (first, next) = page(&app, "outcome=rejected&limit=2").await;
    assert_eq!(first, [all[1], all[3]]);
    assert_eq!(next, all[3]);
    let (second, next) = page(&app, &format!("outcome=rejected&limit=2&before={}", all[3])).await;
    assert_eq!(second, [all[5]]);
    assert_eq!(next, Value::Null, "the last page");
    let (older, _) = page(&app, &format!("before={}", all[5])).await;
    assert_eq!(older, [all[6]]);
}

#[tokio::test]
async fn bad_page_parameters_are_named() {
    let app = spawn_app().await;
    prepare(&app).await;
    let response = app.get(&format!("{DELIVERIES}?outcome=failed&before=latest&limit=0")).await;
    let error = error_body(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["outcome", "before", "limit"]);
    let missing = app.get("/api/v1/projects/aurora/listeners/nope/deliveries?outcome=rejected").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// Whether the listener page lists delivery `id` in its table.
fn lists(html: &str, id: i64) -> bool {
    html.contains(&format!(">#{id}<"))
}

#[tokio::test]
async fn the_listener_page_walks_older_pages_and_keeps_one_outcome_without_javascript() {
    let app = spawn_app().await;
    prepare(&app).await;
    app.login_as_admin().await;
    // Thirty deliveries; every third one is rejected.
    for n in 0..30 {
        let body = if n % 3 == 0 { json!({"sessions": "many"}) } else { json!({"sessions": n}) };
        send(&app, "ada@example.com", &body).await;
    }
    let (all, _) = page(&app, "limit=500").await;
    let (rejected, _) = page(&app, "outcome=rejected&limit=500").await;
    assert_eq!((all.len(), rejected.len()), (30, 10));
    const PAGE: &str = "/p/aurora/automation/appdata";

    let newest = app.get_page(PAGE).await;
    assert_eq!(newest.status, StatusCode::OK);
    assert!(all[..25].iter().all(|id| lists(&newest.body, *id)) && !all[25..].iter().any(|id| lists(&newest.body, *id)));
    assert!(newest.body.contains(&format!(r#"href="{PAGE}?before={}""#, all[24])), "a link to the older page");
    assert!(!newest.body.contains(">Newest<"));

    let older = app.get_page(&format!("{PAGE}?before={}", all[24])).await;
    assert!(all[25..].iter().all(|id| lists(&older.body, *id)) && !lists(&older.body, all[24]));
    assert!(older.body.contains(&format!(r#"href="{PAGE}">Newest<"#)) && !older.body.contains("Older deliveries"));

    let only_rejected = app.get_page(&format!("{PAGE}?outcome=rejected")).await;
    assert!(rejected.iter().all(|id| lists(&only_rejected.body, *id)), "all ten on one page");
    assert!(all.iter().filter(|id| !rejected.contains(id)).all(|id| !lists(&only_rejected.body, *id)), "no accepted one");
    assert!(only_rejected.body.contains(&format!(r#"href="{PAGE}?outcome=rejected" aria-current="page""#)));

    let bad = app.get_page(&format!("{PAGE}?outcome=failed")).await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(
        bad.body.contains("&#x27;failed&#x27; is not accepted or rejected")
            || bad.body.contains("'failed' is not accepted or rejected")
    );
    assert!(all[..25].iter().all(|id| lists(&bad.body, *id)), "the latest deliveries instead, not an error page");
    assert!(bad.body.contains(&format!(r#"href="{PAGE}?before={}""#, all[24])), "its links leave the bad outcome out");
}
