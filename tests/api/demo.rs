//! `inlet demo` against a fresh database: Aurora beta gets its listeners, values sent through
//! ingestion, a history of changes and rejected deliveries; a second run changes nothing.

use chrono::{Duration, Utc};
use inlet::domain::listener::DeliveryQuery;
use inlet::domain::table::Cell;
use inlet::domain::user::UserRef;
use inlet::domain::PageRequest;
use inlet::server::config::Settings;
use inlet::server::demo::{self, APP_USAGE_KEY, CRM_KEY};

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_demo_loads_listeners_values_history_and_rejections_once() {
    // The application is built first, so the demo runs against a database as `make run` has it.
    let app = spawn_app().await;
    let settings = Settings::for_database(&app.database_url);

    let started = std::time::Instant::now();
    demo::load(&settings, &app.store).await.expect("the demo loads");
    let took = started.elapsed();
    println!("demo loaded in {took:?} on {}", app.backend_name());

    let aurora = app.project("aurora").await;
    let crm = app.store.listener(aurora.id, CRM_KEY).await.unwrap().expect("CRM listener");
    let usage = app.store.listener(aurora.id, APP_USAGE_KEY).await.unwrap().expect("App usage listener");
    let labels = |l: &inlet::domain::listener::Listener| l.fields.iter().map(|f| f.label.clone()).collect::<Vec<_>>();
    assert_eq!(labels(&crm), ["Plan", "Seats", "Renewal date", "Beta opt-in", "Region"]);
    assert_eq!(labels(&usage), ["Sessions", "Last seen"]);

    // Most users have CRM values; some Pro testers have been quiet for 14 days.
    let field_id =
        |l: &inlet::domain::listener::Listener, label: &str| l.fields.iter().find(|f| f.label == label).unwrap().field_id;
    let (plan, last_seen) = (field_id(&crm, "Plan"), field_id(&usage, "Last seen"));
    let fortnight_ago = Utc::now() - Duration::days(14);
    let (mut with_plan, mut quiet_pro, mut changed) = (0, 0, 0);
    for n in 1..=300 {
        let user =
            app.store.find_project_user(aurora.id, &UserRef::parse(&format!("user{n:04}")).unwrap()).await.unwrap().unwrap();
        let values = app.store.current_values(aurora.id, user.id).await.unwrap();
        let value = |id| values.iter().find(|v| v.field_id == id).map(|v| Cell::from(v.value.clone()));
        with_plan += usize::from(value(plan).is_some());
        if value(plan) == Some(Cell::Text("Pro".into()))
            && matches!(value(last_seen), Some(Cell::DateTime(at)) if at < fortnight_ago)
        {
            quiet_pro += 1;
        }
        let history = app.store.user_history(aurora.id, user.id, Some(plan), PageRequest::default()).await.unwrap();
        changed += usize::from(history.total > 1);
    }
    assert!(with_plan >= 250, "{with_plan} users with a plan");
    assert!(quiet_pro >= 5, "{quiet_pro} quiet Pro testers");
    assert!(changed >= 5, "{changed} users whose plan changed later");

    // Rejected deliveries are there to inspect, each for its reason.
    let rejected = |id| app.store.deliveries(id, &DeliveryQuery { accepted: Some(false), before: None, limit: 100 });
    let crm_rejected = rejected(crm.id).await.unwrap();
    let statuses: Vec<u16> = crm_rejected.iter().map(|d| d.status).collect();
    assert!(statuses.contains(&422) && statuses.contains(&404) && statuses.contains(&400), "{statuses:?}");
    assert_eq!(rejected(usage.id).await.unwrap().len(), 1);

    // The saved filter answers the question the demo poses: the grid finds exactly those quiet
    // Pro testers (its "before" counts from load time, so none may cross the line in between).
    let filters = json(app.get("/api/v1/projects/aurora/filters").await).await;
    let names: Vec<&str> = filters["filters"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Opted in to the beta", "Pro testers quiet for 14 days"]);
    let quiet = filters["filters"].as_array().unwrap().iter().find(|f| f["name"] == "Pro testers quiet for 14 days").unwrap();
    let views = json(app.get("/api/v1/projects/aurora/views").await).await;
    let plans = views["views"].as_array().unwrap().iter().find(|v| v["name"] == "Plans and usage").expect("a demo view");
    let grid = json(
        app.post_json("/api/v1/projects/aurora/grid", &serde_json::json!({"filter": quiet["id"], "view": plans["id"]})).await,
    )
    .await;
    assert_eq!(grid["total"], quiet_pro, "{grid}");
    assert_eq!(grid["columns"].as_array().unwrap().len(), 6);

    // A second run loads nothing more.
    let latest = DeliveryQuery::latest(500);
    let before = app.store.deliveries(usage.id, &latest).await.unwrap().len();
    demo::load(&settings, &app.store).await.expect("the demo runs again");
    assert_eq!(app.store.deliveries(usage.id, &latest).await.unwrap().len(), before);
}

async fn json(response: reqwest::Response) -> serde_json::Value {
    assert_eq!(response.status(), reqwest::StatusCode::OK, "{}", response.url());
    response.json().await.unwrap()
}
