//! Server-rendered pages: a login is required, and a project manager sees only their team's
//! projects.

use reqwest::StatusCode;

use crate::helpers::{location, spawn_app, TestApp};

async fn app_with_two_projects() -> TestApp {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app.create_project("Borealis beta", "borealis").await;
    app
}

#[tokio::test]
async fn pages_send_visitors_without_a_session_to_login() {
    let app = app_with_two_projects().await;

    for (path, expected) in [
        ("/projects", "/login?next=/projects"),
        // The request target (already "q=ada%20b" on the wire) is encoded once more as a
        // component, so it decodes back to exactly what was asked for.
        ("/p/aurora/users?q=ada b", "/login?next=/p/aurora/users%3Fq%3Dada%2520b"),
        ("/", "/login"),
    ] {
        let response = app.get_page(path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&response), expected, "{path}");
    }
}

#[tokio::test]
async fn the_login_page_itself_needs_no_session() {
    let app = spawn_app().await;

    let response = app.get_page("/login").await;

    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    for text in ["Email", "Password", "Log in", r#"action="/login""#] {
        assert!(html.contains(text), "missing {text}");
    }
}

#[tokio::test]
async fn a_community_manager_sees_every_project() {
    let app = app_with_two_projects().await;
    app.login_as_admin().await;

    let response = app.get_page("/projects").await;

    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("Aurora beta") && html.contains("Borealis beta"), "{html}");
    assert!(html.contains("/p/aurora/users") && html.contains("/p/borealis/users"));
}

#[tokio::test]
async fn a_project_manager_sees_only_their_teams_projects() {
    let app = app_with_two_projects().await;
    let aurora = app.project("aurora").await;
    app.store.add_to_team(aurora.id, app.project_manager.id).await.unwrap();
    app.login_as_project_manager().await;

    let response = app.get_page("/projects").await;

    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("Aurora beta"), "{html}");
    assert!(!html.contains("Borealis beta"), "{html}");
}

#[tokio::test]
async fn a_project_manager_off_the_team_gets_403_until_added() {
    let app = app_with_two_projects().await;
    app.add_user("borealis", "ada@example.com", "ada", "Ada Lovelace").await;
    app.login_as_project_manager().await;

    let refused = app.get_page("/p/borealis/users").await;

    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let html = refused.text().await.unwrap();
    assert!(html.contains("No access to this project"), "{html}");
    assert!(!html.contains("ada@example.com"), "no project data leaks into the 403 page");

    let borealis = app.project("borealis").await;
    app.store.add_to_team(borealis.id, app.project_manager.id).await.unwrap();
    let allowed = app.get_page("/p/borealis/users").await;

    assert_eq!(allowed.status(), StatusCode::OK);
    let html = allowed.text().await.unwrap();
    assert!(!html.contains("No access to this project"));
    assert!(html.contains("ada@example.com"), "{html}");
}

#[tokio::test]
async fn the_users_page_lists_and_searches_users() {
    let app = app_with_two_projects().await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;
    app.add_user("aurora", "grace@example.com", "grace", "Grace Hopper").await;
    app.login_as_admin().await;

    let all = app.get_page("/p/aurora/users").await;
    assert_eq!(all.status(), StatusCode::OK);
    let html = all.text().await.unwrap();
    assert!(html.contains("Project users") && html.contains("Ada Lovelace") && html.contains("Grace Hopper"), "{html}");

    let found = app.get_page("/p/aurora/users?q=hopper").await;
    assert_eq!(found.status(), StatusCode::OK);
    let html = found.text().await.unwrap();
    assert!(html.contains("Grace Hopper") && !html.contains("Ada Lovelace"), "{html}");
}

#[tokio::test]
async fn an_unknown_project_page_is_404() {
    let app = app_with_two_projects().await;
    app.login_as_admin().await;

    let response = app.get_page("/p/nowhere/users").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Project not found"));
}

#[tokio::test]
async fn an_unknown_page_is_404() {
    let app = spawn_app().await;
    app.login_as_admin().await;

    let response = app.get_page("/no/such/page").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Page not found"));
}
