//! The browser's CSV upload: `POST /p/{slug}/users/import` (multipart field "file").

use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

use crate::helpers::{location, spawn_app, TestApp};

fn csv_form(csv: &str) -> Form {
    Form::new().part("file", Part::text(csv.to_string()).file_name("users.csv").mime_str("text/csv").unwrap())
}

async fn upload(app: &TestApp, slug: &str, form: Form) -> reqwest::Response {
    app.client.post(app.url(&format!("/p/{slug}/users/import"))).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn an_uploaded_csv_is_imported_and_the_report_shown() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app.login_as_admin().await;

    let response = upload(
        &app,
        "aurora",
        csv_form("email,username,name\nada@example.com,ada,Ada Lovelace\nbad,b,\ngrace@example.com,grace,Grace Hopper\n"),
    )
    .await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let target = location(&response);
    let id = target.strip_prefix("/p/aurora/users/import?import=").unwrap_or_else(|| panic!("redirected to {target}"));
    let project = app.project("aurora").await;
    let imports = app.store.recent_imports(project.id, 10).await.unwrap();
    assert_eq!(imports.len(), 1);
    assert_eq!(imports[0].2.id.to_string(), id);
    assert!(imports[0].1.contains(crate::helpers::ADMIN_EMAIL), "the source names who uploaded: {}", imports[0].1);
    assert_eq!(app.user_count("aurora").await, 2);
    assert_eq!(app.get("/api/v1/projects/aurora/users/grace").await.status(), StatusCode::OK);

    let page = app.get_page(&target).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    assert!(html.contains("Imported: 2 created, 0 updated, 1 rejected"), "{html}");
    assert!(html.contains("Line 3"), "{html}");
}

#[tokio::test]
async fn a_project_manager_uploads_only_into_their_teams_projects() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app.login_as_project_manager().await;
    let csv = "email,username,name\nada@example.com,ada,Ada Lovelace\n";

    let refused = upload(&app, "aurora", csv_form(csv)).await;

    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.user_count("aurora").await, 0);

    let aurora = app.project("aurora").await;
    app.store.add_to_team(aurora.id, app.project_manager.id).await.unwrap();
    let accepted = upload(&app, "aurora", csv_form(csv)).await;

    assert!(location(&accepted).starts_with("/p/aurora/users/import?import="));
    assert_eq!(app.user_count("aurora").await, 1);
}

#[tokio::test]
async fn an_upload_without_a_session_goes_to_login_and_writes_nothing() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;

    let response = upload(&app, "aurora", csv_form("email,username,name\nada@example.com,ada,Ada\n")).await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login?next=/p/aurora/users/import");
    assert_eq!(app.user_count("aurora").await, 0);
}

#[tokio::test]
async fn a_bad_file_comes_back_as_an_error_and_writes_nothing() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app.login_as_admin().await;

    let no_header = upload(&app, "aurora", csv_form("ada@example.com,ada,Ada\n")).await;
    let no_file = upload(&app, "aurora", Form::new().text("other", "x")).await;

    for response in [no_header, no_file] {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let target = location(&response);
        assert!(target.starts_with("/p/aurora/users/import?error="), "{target}");
    }
    let project = app.project("aurora").await;
    assert!(app.store.recent_imports(project.id, 10).await.unwrap().is_empty());
    assert_eq!(app.user_count("aurora").await, 0);
}

#[tokio::test]
async fn an_upload_into_an_unknown_project_is_404() {
    let app = spawn_app().await;
    app.login_as_admin().await;

    let response = upload(&app, "nowhere", csv_form("email,username,name\n")).await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}
