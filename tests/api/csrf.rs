//! State-changing browser requests must come from this site.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, ADMIN_EMAIL, ADMIN_PASSWORD};

async fn assert_refused(response: reqwest::Response) {
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("Cross-site request refused"));
}

#[tokio::test]
async fn a_cross_origin_logout_is_refused_and_the_session_lives_on() {
    let app = spawn_app().await;
    app.login_as_admin().await;

    let response = app.client.post(app.url("/logout")).header("Origin", "https://evil.example").send().await.unwrap();

    assert_refused(response).await;
    assert_eq!(app.get_page("/projects").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_cross_site_fetch_is_refused() {
    let app = spawn_app().await;
    app.login_as_admin().await;

    let response = app.client.post(app.url("/logout")).header("Sec-Fetch-Site", "cross-site").send().await.unwrap();

    assert_refused(response).await;
    assert_eq!(app.get_page("/projects").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_same_origin_logout_works() {
    let app = spawn_app().await;
    app.login_as_admin().await;

    let response = app
        .client
        .post(app.url("/logout"))
        .header("Origin", app.address.as_str())
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_page("/projects").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_cross_site_login_is_refused() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(app.url("/login"))
        .header("Origin", "https://evil.example")
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();

    assert_refused(response).await;
    assert_eq!(app.get_page("/projects").await.status, StatusCode::SEE_OTHER, "no session was started");
}

#[tokio::test]
async fn a_cross_site_csv_upload_is_refused() {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app.login_as_admin().await;
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::text("email,username,name\nada@example.com,ada,Ada\n").file_name("users.csv"));

    let response = app
        .client
        .post(app.url("/p/aurora/users/import"))
        .header("Sec-Fetch-Site", "cross-site")
        .multipart(form)
        .send()
        .await
        .unwrap();

    assert_refused(response).await;
    assert_eq!(app.user_count("aurora").await, 0);
}

#[tokio::test]
async fn the_api_is_not_subject_to_origin_checks() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(app.url("/api/v1/projects"))
        .header("X-Api-Key", &app.api_key)
        .header("Origin", "https://elsewhere.example")
        .json(&serde_json::json!({ "name": "Aurora beta", "slug": "aurora" }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::CREATED);
}
