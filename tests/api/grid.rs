//! The user grid (`POST …/grid`): the filter means on either backend what the filter engine
//! says, typed sort with empty values last both ways, paging and count, saved and inline
//! filters and views, and its errors.

use chrono::{DateTime, TimeDelta, Utc};
use inlet::domain::fields::{FieldType, FieldValue};
use inlet::domain::filter::{builtin_fields, Filter, SchemaField};
use inlet::domain::grid::{compare_cells, SortOrder};
use inlet::domain::table::Cell;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_body, error_fields, spawn_app, TestApp};

/// One tester of the fixture and the CRM values sent for them (absent: never sent).
pub struct Tester {
    pub email: &'static str,
    pub name: &'static str,
    pub crm: Value,
}

/// The CRM fields: every type, and a second text field for non-ASCII case.
pub const CRM_FIELDS: [(&str, &str, FieldType); 5] = [
    ("Plan", "plan", FieldType::String),
    ("Seats", "seats", FieldType::Integer),
    ("Beta", "beta", FieldType::Boolean),
    ("Renewal", "renewal", FieldType::DateTime),
    ("Region", "region", FieldType::String),
];

pub fn testers() -> Vec<Tester> {
    let recent = (Utc::now() - TimeDelta::days(2)).to_rfc3339();
    vec![
        Tester {
            email: "ada@example.com",
            name: "Ada Über",
            crm: json!({"plan": "pro", "seats": 5, "beta": true, "renewal": "2026-01-10T08:30:00Z", "region": "Straße"}),
        },
        Tester {
            email: "grace@example.org",
            name: "Grace Hopper",
            crm: json!({"plan": "PRO", "seats": 12, "beta": false, "renewal": "2025-06-01", "region": "İstanbul"}),
        },
        Tester { email: "linus@example.net", name: "linus", crm: json!({"plan": "free", "region": "ΣΟΦΙΑ"}) },
        Tester {
            email: "margaret@example.com",
            name: "Margaret",
            crm: json!({"plan": "", "seats": -3, "beta": true, "renewal": recent, "region": "école"}),
        },
        Tester { email: "alan@example.org", name: "Alan", crm: json!({}) },
        Tester {
            email: "katherine@example.com",
            name: "Katherine",
            crm: json!({"plan": "Pro plus", "seats": 5, "beta": false, "renewal": "2026-01-10T08:30:00Z", "region": "ÉCOLE"}),
        },
    ]
}

/// Project aurora with the testers (added in order) and their CRM values, sent through the
/// ingestion endpoint.
pub async fn grid_app() -> TestApp {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    let fields: Vec<Value> = CRM_FIELDS
        .iter()
        .map(|(label, parameter, t)| json!({"label": label, "parameter": parameter, "type": t.as_str()}))
        .collect();
    let listener = json!({"name": "CRM", "key": "crm", "data_group": "CRM", "fields": fields});
    assert_eq!(app.post_json("/api/v1/projects/aurora/listeners", &listener).await.status(), StatusCode::CREATED);
    for tester in testers() {
        let username = tester.email.split('@').next().unwrap();
        app.add_user("aurora", tester.email, username, tester.name).await;
        if tester.crm.as_object().is_some_and(|o| !o.is_empty()) {
            let path = format!("/api/v1/projects/aurora/listeners/crm/users/{}", tester.email);
            let sent = app.post_json(&path, &tester.crm).await;
            assert_eq!(sent.status(), StatusCode::OK, "values for {}", tester.email);
        }
    }
    app
}

pub async fn run_grid(app: &TestApp, body: Value) -> Value {
    let response = app.post_json("/api/v1/projects/aurora/grid", &body).await;
    assert_eq!(response.status(), StatusCode::OK, "grid {body}");
    response.json().await.unwrap()
}

fn emails(page: &Value) -> Vec<String> {
    page["rows"].as_array().unwrap().iter().map(|r| r["user"].as_str().unwrap().to_string()).collect()
}

fn schema() -> Vec<SchemaField> {
    let mut schema = builtin_fields();
    schema.extend(CRM_FIELDS.iter().map(|(label, _, t)| SchemaField {
        data_group: "CRM".into(),
        field: (*label).into(),
        field_type: *t,
    }));
    schema
}

/// A tester's value of a field, as the engine sees it.
fn value_of(tester: &Tester, data_group: &str, field: &str) -> Option<FieldValue> {
    let text = |s: &str| Some(FieldValue::String(s.to_string()));
    match (data_group, field) {
        ("User account", "Email") => text(tester.email),
        ("User account", "Username") => text(tester.email.split('@').next().unwrap()),
        ("User account", "Display name") => text(tester.name),
        ("Participation", "Status") => text("active"),
        // Created and joined while the fixture was made: a moment ago.
        ("User account", "Created") | ("Participation", "Joined") => {
            Some(FieldValue::DateTime(Utc::now() - TimeDelta::seconds(1)))
        }
        ("CRM", field) => {
            let (_, parameter, field_type) = CRM_FIELDS.iter().find(|(label, _, _)| *label == field)?;
            inlet::domain::fields::coerce(*field_type, tester.crm.get(*parameter)?).unwrap()
        }
        _ => None,
    }
}

/// Each of these criteria, alone, finds on either backend exactly the testers the filter
/// engine (`Test::holds`) says it does, text compared ignoring case in any script.
#[tokio::test]
async fn the_grid_finds_whom_the_filter_engine_finds() {
    let app = grid_app().await;
    let criterion = |group: &str, field: &str, qualifier: &str, value: Value| json!({"data_group": group, "field": field, "qualifier": qualifier, "value": value});
    let crm = |field: &str, qualifier: &str, value: Value| criterion("CRM", field, qualifier, value);
    let mut cases = vec![
        crm("Plan", "is", json!("PRO")),
        crm("Plan", "is_not", json!("pro")),
        crm("Plan", "contains", json!("o")),
        crm("Plan", "does_not_contain", json!("pro")),
        crm("Plan", "starts_with", json!("pro ")),
        crm("Region", "is", json!("straße")),
        crm("Region", "is", json!("école")),
        crm("Region", "is", json!("σοφια")),
        crm("Region", "contains", json!("STAN")),
        crm("Region", "starts_with", json!("i\u{307}")),
        crm("Region", "does_not_contain", json!("É")),
        crm("Seats", "eq", json!(5)),
        crm("Seats", "ne", json!(5)),
        crm("Seats", "lt", json!(5)),
        crm("Seats", "le", json!(5)),
        crm("Seats", "gt", json!(-3)),
        crm("Seats", "ge", json!(12)),
        crm("Seats", "between", json!([-3, 5])),
        crm("Beta", "is_true", Value::Null),
        crm("Beta", "is_false", Value::Null),
        crm("Renewal", "before", json!("2026-01-10T08:30:00Z")),
        crm("Renewal", "after", json!("2025-06-01")),
        crm("Renewal", "on", json!("2026-01-10")),
        crm("Renewal", "between", json!(["2025-06-01", "2026-01-10T08:30:00Z"])),
        crm("Renewal", "in_last_days", json!(30)),
        criterion("User account", "Display name", "contains", json!("ÜBER")),
        criterion("User account", "Email", "starts_with", json!("G")),
        criterion("User account", "Username", "is", json!("LINUS")),
        criterion("Participation", "Status", "is", json!("Active")),
        criterion("Participation", "Joined", "in_last_days", json!(1)),
        criterion("User account", "Created", "before", json!("2000-01-01")),
    ];
    for (field, _, _) in CRM_FIELDS {
        cases.push(crm(field, "is_empty", Value::Null));
        cases.push(crm(field, "is_not_empty", Value::Null));
    }
    let now = Utc::now();
    let mut wrong = Vec::new();
    for criterion in cases {
        let filter = json!({"criteria": [criterion]});
        let checked = serde_json::from_value::<Filter>(filter.clone()).unwrap().check(&schema()).unwrap();
        let expected: Vec<String> = testers()
            .iter()
            .filter(|t| checked.matches(|group, field| value_of(t, group, field), now))
            .map(|t| t.email.to_string())
            .collect();
        let page = run_grid(&app, json!({"filter": filter, "per_page": 200})).await;
        if emails(&page) != expected || page["total"] != json!(expected.len()) {
            wrong.push(format!("{criterion}: grid {:?}, engine {expected:?}", emails(&page)));
        }
    }
    assert!(wrong.is_empty(), "on {}:\n{}", app.backend_name(), wrong.join("\n"));
}

#[tokio::test]
async fn criteria_combine_with_all_and_any() {
    let app = grid_app().await;
    let pro = json!({"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "pro"});
    let big = json!({"data_group": "CRM", "field": "Seats", "qualifier": "ge", "value": 10});
    let not_free = json!({"data_group": "CRM", "field": "Plan", "qualifier": "is_not", "value": "free"});
    let all = run_grid(&app, json!({"filter": {"match": "all", "criteria": [pro, big]}})).await;
    assert_eq!(emails(&all), ["grace@example.org"]);
    let any = run_grid(&app, json!({"filter": {"match": "any", "criteria": [big, not_free]}})).await;
    assert_eq!(any["total"], 5, "everyone but linus: {any}");
    let everyone = run_grid(&app, json!({"filter": {"match": "any", "criteria": []}})).await;
    assert_eq!(everyone["total"], 6);
}

/// Parses a typed JSON value of a column back into a cell.
fn cell(field_type: &str, value: &Value) -> Cell {
    match (field_type, value) {
        (_, Value::Null) => Cell::Empty,
        ("boolean", Value::Bool(b)) => Cell::Boolean(*b),
        ("integer", Value::Number(n)) => Cell::Integer(n.as_i64().unwrap()),
        ("datetime", Value::String(s)) => Cell::DateTime(s.parse::<DateTime<Utc>>().unwrap()),
        ("string", Value::String(s)) => Cell::Text(s.clone()),
        other => panic!("unexpected value {other:?}"),
    }
}

/// Sorting by each column of each type, both ways: the typed order with empty values last,
/// ties by the user added first.
#[tokio::test]
async fn every_type_sorts_typed_with_empty_values_last_both_ways() {
    let app = grid_app().await;
    let columns: Vec<Value> = CRM_FIELDS.iter().map(|(label, _, _)| json!({"data_group": "CRM", "field": label})).collect();
    let order_added: Vec<&str> = testers().iter().map(|t| t.email).collect();
    for (column, (label, _, field_type)) in CRM_FIELDS.iter().enumerate() {
        for order in [SortOrder::Asc, SortOrder::Desc] {
            let body = json!({"view": {"columns": columns}, "sort": [{"column": column, "order": order.as_str()}]});
            let page = run_grid(&app, body).await;
            assert_eq!(page["columns"][column]["type"], field_type.as_str());
            let rows: Vec<(String, Cell)> = page["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["user"].as_str().unwrap().to_string(), cell(field_type.as_str(), &r["values"][column])))
                .collect();
            let mut expected = rows.clone();
            expected.sort_by(|(a_user, a), (b_user, b)| {
                let added = |user: &str| order_added.iter().position(|e| *e == user).unwrap();
                compare_cells(a, b, order).then(added(a_user).cmp(&added(b_user)))
            });
            assert_eq!(rows, expected, "{label} {} on {}", order.as_str(), app.backend_name());
            let first_empty = rows.iter().position(|(_, c)| matches!(c, Cell::Empty) || *c == Cell::Text(String::new()));
            if let Some(first_empty) = first_empty {
                assert!(rows[first_empty..].iter().all(|(_, c)| matches!(c, Cell::Empty) || *c == Cell::Text(String::new())));
            }
        }
    }
    // A second key breaks the first one's ties: Seats 5 (ada, katherine), by Plan descending.
    let body = json!({"view": {"columns": columns}, "sort": [{"column": 1, "order": "asc"}, {"column": 0, "order": "desc"}]});
    let page = run_grid(&app, body).await;
    assert_eq!(emails(&page)[..3], ["margaret@example.com", "katherine@example.com", "ada@example.com"]);
}

#[tokio::test]
async fn pages_hold_their_share_of_the_total() {
    let app = grid_app().await;
    let first = run_grid(&app, json!({"per_page": 4})).await;
    assert_eq!((first["total"].as_u64(), first["page"].as_u64(), first["per_page"].as_u64()), (Some(6), Some(1), Some(4)));
    let second = run_grid(&app, json!({"per_page": 4, "page": 2})).await;
    let mut seen = emails(&first);
    seen.extend(emails(&second));
    let order_added: Vec<String> = testers().iter().map(|t| t.email.to_string()).collect();
    assert_eq!(seen, order_added, "no sort: the order users were added in");
    let past = run_grid(&app, json!({"per_page": 4, "page": 3})).await;
    assert_eq!((past["total"].as_u64(), past["rows"].as_array().unwrap().len()), (Some(6), 0));
    let one = run_grid(&app, json!({"per_page": 1, "page": 6})).await;
    assert_eq!(emails(&one), ["katherine@example.com"]);
}

#[tokio::test]
async fn the_default_view_and_typed_values() {
    let app = grid_app().await;
    let page = run_grid(&app, json!({"filter": null, "view": null, "per_page": 1})).await;
    let columns: Vec<(&str, &str, &str)> = page["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["data_group"].as_str().unwrap(), c["field"].as_str().unwrap(), c["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        columns,
        [
            ("User account", "Email", "string"),
            ("User account", "Username", "string"),
            ("User account", "Display name", "string"),
            ("Participation", "Status", "string"),
            ("Participation", "Joined", "datetime")
        ]
    );
    let row = &page["rows"][0];
    assert_eq!(
        row["values"].as_array().unwrap()[..4],
        [json!("ada@example.com"), json!("ada"), json!("Ada Über"), json!("active")]
    );
    assert!(row["values"][4].as_str().unwrap().ends_with('Z'), "RFC 3339 UTC: {row}");

    let view = json!({"columns": [{"data_group": "crm", "field": "seats"}, {"data_group": "CRM", "field": "Beta"},
        {"data_group": "CRM", "field": "Renewal"}, {"data_group": "CRM", "field": "Plan"}, {"data_group": "CRM", "field": "Region"}]});
    let page = run_grid(&app, json!({"view": view, "per_page": 3})).await;
    assert_eq!(page["columns"][0]["field"], "Seats", "the project's spelling");
    assert_eq!(page["rows"][0]["values"], json!([5, true, "2026-01-10T08:30:00Z", "pro", "Straße"]));
    assert_eq!(page["rows"][2]["values"], json!([null, null, null, "free", "ΣΟΦΙΑ"]), "linus has no seats, beta or renewal");
}

#[tokio::test]
async fn saved_filters_and_views_answer_as_their_inline_selves() {
    let app = grid_app().await;
    let filter = json!({"match": "any", "criteria": [
        {"data_group": "CRM", "field": "Plan", "qualifier": "starts_with", "value": "pro"},
        {"data_group": "CRM", "field": "Seats", "qualifier": "lt", "value": 0}]});
    let view = json!({"columns": [{"data_group": "User account", "field": "Email"}, {"data_group": "CRM", "field": "Seats"}]});
    let mut saved_filter = filter.clone();
    saved_filter["name"] = json!("Pro or negative");
    let created = app.post_json("/api/v1/projects/aurora/filters", &saved_filter).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let filter_id = created.json::<Value>().await.unwrap()["id"].clone();
    let mut saved_view = view.clone();
    saved_view["name"] = json!("Seats");
    let created = app.post_json("/api/v1/projects/aurora/views", &saved_view).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let view_id = created.json::<Value>().await.unwrap()["id"].clone();

    let sort = json!([{"column": 1, "order": "desc"}]);
    let inline = run_grid(&app, json!({"filter": filter, "view": view, "sort": sort})).await;
    let saved = run_grid(&app, json!({"filter": filter_id, "view": view_id, "sort": sort})).await;
    assert_eq!(inline, saved);
    assert_eq!(
        emails(&saved),
        ["grace@example.org", "ada@example.com", "katherine@example.com", "margaret@example.com"],
        "Seats descending, ties by the user added first"
    );
}

#[tokio::test]
async fn unknown_ids_are_404_and_bad_requests_422_with_every_field() {
    let app = grid_app().await;
    for body in [json!({"filter": 9999}), json!({"view": 9999})] {
        error_body(app.post_json("/api/v1/projects/aurora/grid", &body).await, StatusCode::NOT_FOUND).await;
    }
    error_body(app.post_json("/api/v1/projects/nowhere/grid", &json!({})).await, StatusCode::NOT_FOUND).await;
    let bad = json!({
        "filter": {"criteria": [{"data_group": "CRM", "field": "Seats", "qualifier": "gt", "value": "many"}]},
        "view": {"columns": [{"data_group": "CRM", "field": "Plan"}, {"data_group": "CRM", "field": "Nope"}]},
        "per_page": 201, "page": 0,
    });
    let error = error_body(app.post_json("/api/v1/projects/aurora/grid", &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["filter.criteria[0].value", "view.columns[1].field", "page", "per_page"]);
    let bad = json!({"sort": [{"column": 5, "order": "asc"}], "per_page": 0, "page": 0});
    let error = error_body(app.post_json("/api/v1/projects/aurora/grid", &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["page", "per_page", "sort[0].column"]);
    let bad = json!({"filter": "pro", "view": [1], "sort": [{"column": 0, "order": "up"}], "page": -1});
    let error = error_body(app.post_json("/api/v1/projects/aurora/grid", &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["filter", "view", "sort", "page"]);
    let unknown_qualifier =
        json!({"filter": {"criteria": [{"data_group": "CRM", "field": "Plan", "qualifier": "equals", "value": 1}]}});
    let error =
        error_body(app.post_json("/api/v1/projects/aurora/grid", &unknown_qualifier).await, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    assert_eq!(error_fields(&error), ["filter"]);
}
