//! The listener page's filter and signing panels, used as a browser with JavaScript off does.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{fetch_page, location, spawn_app_with, TestApp};
use crate::ingest::{prepare, send};
use crate::listener_edit::{form_action, post_form};
use inlet::server::secrets::SecretKey;
use inlet::server::service::ingest::signature::sign;

const PAGE: &str = "/p/aurora/automation/appdata";

async fn app() -> TestApp {
    let app = spawn_app_with(|settings| settings.secret_key = Some(SecretKey::random())).await;
    prepare(&app).await;
    app.add_user("aurora", "grace@example.org", "grace", "Grace Hopper").await;
    app.login_as_admin().await;
    app
}

#[tokio::test]
async fn the_filter_form_gates_the_listener_and_shows_errors_on_their_row() {
    let app = app().await;
    let page = app.get_page(PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Filter",
        "No filter: every user",
        "Signed requests",
        "Require signed requests",
        "Email (String)",
        "Criterion 1 data group",
    ] {
        assert!(page.body.contains(text), "missing {text}");
    }
    let action = form_action(&page.body, "set_listener_filter");
    let s = |v: &str| v.to_string();
    let email = format!("User account{}Email", '\u{1f}');
    let sessions = format!("Mobile app{}Sessions", '\u{1f}');

    let refused = post_form(
        &app,
        &action,
        PAGE,
        &[
            ("slug", s("aurora")),
            ("key", s("appdata")),
            ("combine", s("all")),
            ("criteria[0][field]", s("")),
            ("criteria[0][qualifier]", s("is")),
            ("criteria[0][value]", s("")),
            ("criteria[0][value2]", s("")),
            ("criteria[1][field]", sessions.clone()),
            ("criteria[1][qualifier]", s("gt")),
            ("criteria[1][value]", s("lots")),
            ("criteria[1][value2]", s("")),
        ],
    )
    .await;
    let shown = fetch_page(app.client.get(location(&refused))).await;
    let row = &shown.body[shown.body.find(r#"name="criteria[1][value]""#).expect("row 1")..];
    assert!(row[..row.find("</li>").unwrap()].contains("lots"), "the error names the value on row 1");
    assert_eq!(app.get("/api/v1/projects/aurora/listeners/appdata").await.json::<Value>().await.unwrap()["filter"], Value::Null);

    let saved = post_form(
        &app,
        &action,
        PAGE,
        &[
            ("slug", s("aurora")),
            ("key", s("appdata")),
            ("combine", s("all")),
            ("criteria[0][field]", email),
            ("criteria[0][qualifier]", s("contains")),
            ("criteria[0][value]", s("@example.com")),
            ("criteria[0][value2]", s("")),
        ],
    )
    .await;
    assert!(location(&saved).starts_with(&app.url(PAGE)) || location(&saved).starts_with(PAGE), "back to the page");
    assert_eq!(send(&app, "grace@example.org", &json!({"sessions": 1})).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(send(&app, "ada@example.com", &json!({"sessions": 1})).await.status(), StatusCode::OK);
    let page = app.get_page(PAGE).await;
    assert!(
        page.body.contains("Email contains &quot;@example.com&quot;") || page.body.contains(r#"Email contains "@example.com""#),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_signing_form_requires_signatures_and_shows_the_secret_to_staff() {
    let app = app().await;
    let action = form_action(&app.get_page(PAGE).await.body, "set_listener_signing");
    let s = |v: &str| v.to_string();
    post_form(&app, &action, PAGE, &[("slug", s("aurora")), ("key", s("appdata")), ("require", s("true"))]).await;
    let page = app.get_page(PAGE).await;
    assert!(page.body.contains("Show signing secret") && page.body.contains("Stop requiring signatures"));
    let start = page.body.find(r#"id="signing-secret""#).expect("the secret field");
    let field = &page.body[start..];
    let value_at = field.find(r#"value=""#).expect("a value") + r#"value=""#.len();
    let secret = &field[value_at..value_at + field[value_at..].find('"').unwrap()];
    assert_eq!(secret.len(), 40);

    let body = r#"{"sessions": 2}"#;
    let now = chrono::Utc::now().timestamp();
    let signed = app
        .client
        .post(app.url("/api/v1/projects/aurora/listeners/appdata/users/ada@example.com"))
        .header("X-Api-Key", &app.api_key)
        .header("Content-Type", "application/json")
        .header("X-Inlet-Timestamp", now.to_string())
        .header("X-Inlet-Signature", sign(secret, now, body.as_bytes()))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::OK, "the secret shown is the one in force");
    assert_eq!(send(&app, "ada@example.com", &json!({"sessions": 3})).await.status(), StatusCode::UNAUTHORIZED);

    post_form(&app, &action, PAGE, &[("slug", s("aurora")), ("key", s("appdata")), ("require", s("false"))]).await;
    assert_eq!(send(&app, "ada@example.com", &json!({"sessions": 3})).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_create_form_takes_a_filter_and_puts_every_error_on_its_row() {
    let app = app().await;
    let page = "/p/aurora/automation/new";
    let form = app.get_page(page).await;
    assert!(form.body.contains("Criterion 1 field"), "the create form offers a filter");
    let action = form_action(&form.body, "create_listener");
    let s = |v: &str| v.to_string();
    let base = |key: &str| {
        vec![
            ("slug", s("aurora")),
            ("name", s("Billing")),
            ("key", s(key)),
            ("data_group", s("Billing")),
            ("identify_by", s("email")),
            ("unknown_user", s("reject")),
            ("combine", s("all")),
        ]
    };
    let email = format!("User account{}Email", '\u{1f}');

    // A blank field row first: the bad parameter is on row 1, the bad criterion value on row 1.
    let mut refused = base("billing");
    refused.extend([
        ("fields[0][label]", s("")),
        ("fields[0][parameter]", s("")),
        ("fields[0][type]", s("string")),
        ("fields[1][label]", s("Seats")),
        ("fields[1][parameter]", s("has space")),
        ("fields[1][type]", s("integer")),
        ("criteria[0][field]", s("")),
        ("criteria[0][qualifier]", s("is")),
        ("criteria[0][value]", s("")),
        ("criteria[0][value2]", s("")),
        ("criteria[1][field]", email.clone()),
        ("criteria[1][qualifier]", s("is_true")),
        ("criteria[1][value]", s("")),
        ("criteria[1][value2]", s("")),
    ]);
    let back = location(&post_form(&app, &action, page, &refused).await);
    let shown = fetch_page(app.client.get(&back)).await;
    let row = |name: &str| {
        let at = shown.body.find(&format!(r#"name="{name}""#)).unwrap_or_else(|| panic!("no {name}"));
        let rest = &shown.body[at..];
        // Field rows are table rows; criteria are list items.
        let end = ["</tr>", "</li>"].iter().filter_map(|end| rest.find(end)).min().unwrap();
        rest[..end].to_string()
    };
    assert!(row("fields[1][parameter]").contains("dotted path"), "the parameter error is on row 1");
    assert!(
        row("criteria[1][qualifier]").contains("does not apply"),
        "the qualifier error is on row 1: {}",
        row("criteria[1][qualifier]")
    );
    assert_eq!(app.get("/api/v1/projects/aurora/listeners/billing").await.status(), StatusCode::NOT_FOUND);

    let mut created = base("billing");
    created.extend([
        ("fields[0][label]", s("Seats")),
        ("fields[0][parameter]", s("seats")),
        ("fields[0][type]", s("integer")),
        ("criteria[0][field]", email),
        ("criteria[0][qualifier]", s("contains")),
        ("criteria[0][value]", s("@example.com")),
        ("criteria[0][value2]", s("")),
    ]);
    let saved = post_form(&app, &action, page, &created).await;
    assert!(location(&saved).ends_with("/p/aurora/automation/billing"), "{}", location(&saved));
    let listener: Value = app.get("/api/v1/projects/aurora/listeners/billing").await.json().await.unwrap();
    assert_eq!(listener["filter"]["criteria"][0]["value"], "@example.com");
}

#[tokio::test]
async fn a_listener_can_be_deleted_from_its_page() {
    let app = app().await;
    let page = app.get_page(PAGE).await;
    assert!(page.body.contains("Delete listener"));
    let action = form_action(&page.body, "delete_listener");
    let deleted = post_form(&app, &action, PAGE, &[("slug", "aurora".to_string()), ("key", "appdata".to_string())]).await;
    assert!(location(&deleted).ends_with("/p/aurora/automation"), "{}", location(&deleted));
    assert_eq!(app.get("/api/v1/projects/aurora/listeners/appdata").await.status(), StatusCode::NOT_FOUND);
}
