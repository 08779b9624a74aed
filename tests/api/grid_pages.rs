//! Management › Users as a browser with JavaScript off uses it: saved filters and views made
//! through their forms, the grid's choices in the URL, and the session-authenticated exports.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{fetch_page, location, new_client, TestApp, PM_EMAIL, PM_PASSWORD};
use crate::ingest::{prepare, send};
use crate::listener_edit::{form_action, post_form};

const SEPARATOR: char = '\u{1f}';

/// Aurora with three users, two of them with Sessions (12 and 3), and the admin logged in.
async fn app() -> TestApp {
    let app = crate::helpers::spawn_app().await;
    prepare(&app).await;
    app.add_user("aurora", "grace@example.com", "grace", "Grace Hopper").await;
    app.add_user("aurora", "alan@example.com", "alan", "Alan Turing").await;
    for (user, sessions) in [("ada@example.com", 12), ("grace@example.com", 3)] {
        assert_eq!(send(&app, user, &json!({ "sessions": sessions })).await.status(), StatusCode::OK);
    }
    app.login_as_admin().await;
    app
}

fn s(value: &str) -> String {
    value.to_string()
}

/// Where each email first appears in the page, to check the rows' order.
fn positions(html: &str, emails: &[&str]) -> Vec<usize> {
    emails.iter().map(|email| html.find(&format!(">{email}<")).unwrap_or_else(|| panic!("{email} not in the grid"))).collect()
}

/// Saves a view of Email and Sessions through its form; returns the grid link it leads to.
async fn save_sessions_view(app: &TestApp) -> String {
    let page = "/p/aurora/users/views/new";
    let action = form_action(&app.get_page(page).await.body, "save_view");
    let form = [
        ("slug", s("aurora")),
        ("name", s("Sessions")),
        ("columns[0]", format!("User account{SEPARATOR}Email")),
        ("columns[1]", format!("Mobile app{SEPARATOR}Sessions")),
    ];
    location(&post_form(app, &action, page, &form).await)
}

#[tokio::test]
async fn a_filter_saved_through_its_form_drives_the_grid_and_a_bad_value_saves_nothing() {
    let app = app().await;
    let page = "/p/aurora/users/filters/new";
    let form = app.get_page(page).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Filter name") && form.body.contains("Criterion 1 data group"), "{}", form.body);
    let action = form_action(&form.body, "save_filter");
    let criterion = |value: &str| {
        vec![
            ("slug", s("aurora")),
            ("name", s("Busy")),
            ("combine", s("all")),
            ("criteria[0][field]", format!("Mobile app{SEPARATOR}Sessions")),
            ("criteria[0][qualifier]", s("ge")),
            ("criteria[0][value]", s(value)),
            ("criteria[0][value2]", s("")),
        ]
    };

    let refused = post_form(&app, &action, page, &criterion("lots")).await;
    let shown = fetch_page(app.client.get(location(&refused))).await;
    let row = &shown.body[shown.body.find(r#"id="criterion-0-value-error""#).expect("the value's error")..];
    assert!(row[..row.find("</p>").unwrap()].contains("lots"), "the message is beside the value: {row}");
    let filters: Value = app.get("/api/v1/projects/aurora/filters").await.json().await.unwrap();
    assert_eq!(filters["filters"], json!([]), "nothing saved half-valid");

    let saved = post_form(&app, &action, page, &criterion("5")).await;
    let grid = location(&saved);
    let id = filters_named(&app, "Busy").await;
    assert_eq!(grid, format!("/p/aurora/users?filter={id}"));
    let page = app.get_page(&grid).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(">1 user<") && page.body.contains(">ada@example.com<"), "{}", page.body);
    assert!(!page.body.contains("grace@example.com"), "only users matching the filter");
    assert!(page.body.contains("Sessions ≥ 5"), "the filter in words");

    // Renamed and widened through the same form; then deleted.
    let edit = format!("/p/aurora/users/filters/{id}");
    let action = form_action(&app.get_page(&edit).await.body, "save_filter");
    let mut changed = criterion("3");
    changed.push(("id", id.to_string()));
    changed[1].1 = s("Some sessions");
    assert_eq!(location(&post_form(&app, &action, &edit, &changed).await), format!("/p/aurora/users?filter={id}"));
    let page = app.get_page(&format!("/p/aurora/users?filter={id}")).await;
    assert!(page.body.contains(">2 users<") && page.body.contains("Some sessions"), "{}", page.body);
    let delete = form_action(&app.get_page(&edit).await.body, "delete_filter");
    let deleted = post_form(&app, &delete, &edit, &[("slug", s("aurora")), ("id", id.to_string())]).await;
    assert_eq!(location(&deleted), "/p/aurora/users");
    assert_eq!(app.get(&format!("/api/v1/projects/aurora/filters/{id}")).await.status(), StatusCode::NOT_FOUND);
}

async fn filters_named(app: &TestApp, name: &str) -> i64 {
    let filters: Value = app.get("/api/v1/projects/aurora/filters").await.json().await.unwrap();
    filters["filters"].as_array().unwrap().iter().find(|f| f["name"] == name).expect("the saved filter")["id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_grid_url_carries_the_view_and_the_typed_sort_with_empties_last() {
    let app = app().await;
    let grid = save_sessions_view(&app).await;
    assert!(grid.starts_with("/p/aurora/users?view="), "{grid}");

    let descending = app.get_page(&format!("{grid}&sort=1&order=desc")).await;
    assert_eq!(descending.status, StatusCode::OK);
    let order = positions(&descending.body, &["ada@example.com", "grace@example.com", "alan@example.com"]);
    assert!(order[0] < order[1] && order[1] < order[2], "12, 3, then the empty one: {order:?}");
    assert!(descending.body.contains(r#"aria-sort="descending""#));
    assert!(descending.body.contains(&format!(r#"href="{grid}&amp;sort=1&amp;order=asc""#)), "the header reverses the sort");
    let ascending = app.get_page(&format!("{grid}&sort=1&order=asc")).await;
    let order = positions(&ascending.body, &["grace@example.com", "ada@example.com", "alan@example.com"]);
    assert!(order[0] < order[1] && order[1] < order[2], "3, 12, then the empty one: {order:?}");

    let paged = app.get_page(&format!("{grid}&sort=1&order=asc&per_page=25&page=2")).await;
    assert!(paged.body.contains(">3 users<") && !paged.body.contains(">ada@example.com<"), "page 2 of 1 is empty");
    assert!(app.get_page("/p/aurora/users?view=999").await.body.contains("no saved view 999"));
}

#[tokio::test]
async fn exports_download_the_whole_sorted_result_for_the_session() {
    let app = app().await;
    let grid = save_sessions_view(&app).await;
    let query = &grid[grid.find('?').unwrap()..];
    let today = chrono::Utc::now().format("%Y-%m-%d");

    let csv = app.client.get(app.url(&format!("/p/aurora/users/export.csv{query}&sort=1&order=desc"))).send().await.unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let disposition = csv.headers()["content-disposition"].to_str().unwrap().to_string();
    assert_eq!(disposition, format!(r#"attachment; filename="aurora-users-{today}.csv""#));
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines, ["Email,Sessions", "ada@example.com,12", "grace@example.com,3", "alan@example.com,"]);
    // The same bytes as the API's export of the same view and sort (both are streamed).
    let view: i64 = query.split(['?', '&']).find_map(|pair| pair.strip_prefix("view=")).expect("a view id").parse().unwrap();
    let body = serde_json::json!({"view": view, "sort": [{"column": 1, "order": "desc"}]});
    let api = app.post_json("/api/v1/projects/aurora/grid/export.csv", &body).await;
    assert_eq!(api.status(), StatusCode::OK);
    assert_eq!(api.text().await.unwrap(), text);

    let xlsx = app.client.get(app.url(&format!("/p/aurora/users/export.xlsx{query}"))).send().await.unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    let disposition = xlsx.headers()["content-disposition"].to_str().unwrap().to_string();
    assert_eq!(disposition, format!(r#"attachment; filename="aurora-users-{today}.xlsx""#));
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "an XLSX is a ZIP archive");

    // No session: to the login page and back. Off the project's team: 403.
    let anonymous = new_client().get(app.url("/p/aurora/users/export.csv")).send().await.unwrap();
    assert!(location(&anonymous).starts_with("/login?next="), "{}", location(&anonymous));
    let outsider = new_client();
    app.login_with(&outsider, PM_EMAIL, PM_PASSWORD).await;
    let refused = outsider.get(app.url("/p/aurora/users/export.xlsx")).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let unknown = app.client.get(app.url("/p/aurora/users/export.csv?filter=999")).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_view_is_cloned_and_deleted_through_its_page() {
    let app = app().await;
    let grid = save_sessions_view(&app).await;
    let id = &grid[grid.find("view=").unwrap() + 5..];
    let page = format!("/p/aurora/users/views/{id}");
    let shown = app.get_page(&page).await;
    assert!(shown.body.contains("Sessions · Mobile app") && shown.body.contains("Copy of Sessions"), "{}", shown.body);

    let clone = form_action(&shown.body, "clone_view");
    let cloned = post_form(&app, &clone, &page, &[("slug", s("aurora")), ("id", s(id)), ("name", s("Sessions 2"))]).await;
    let copy = location(&cloned);
    assert!(copy.starts_with("/p/aurora/users/views/") && !copy.ends_with(&format!("/{id}")), "{copy}");
    let copy_page = app.get_page(&copy).await;
    assert!(copy_page.body.contains(r#"value="Sessions 2""#) && copy_page.body.contains("Sessions · Mobile app"));

    let delete = form_action(&shown.body, "delete_view");
    let deleted = post_form(&app, &delete, &page, &[("slug", s("aurora")), ("id", s(id))]).await;
    assert_eq!(location(&deleted), "/p/aurora/users");
    assert!(app.get_page(&page).await.body.contains("This view no longer exists."));
}
