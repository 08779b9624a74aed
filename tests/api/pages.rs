//! Server-rendered pages: a login is required, and a project manager sees only their team's
//! projects.

use reqwest::StatusCode;

use crate::helpers::{location, spawn_app, TestApp};
use crate::listener_edit::{form_action, post_form};

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
        let page = app.get_page(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&page), expected, "{path}");
    }
}

#[tokio::test]
async fn the_login_page_itself_needs_no_session() {
    let app = spawn_app().await;

    let page = app.get_page("/login").await;

    assert_eq!(page.status, StatusCode::OK);
    for text in ["Email", "Password", "Log in", r#"action="/login""#] {
        assert!(page.body.contains(text), "missing {text}");
    }
}

#[tokio::test]
async fn a_community_manager_sees_every_project() {
    let app = app_with_two_projects().await;
    app.login_as_admin().await;

    let page = app.get_page("/projects").await;

    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    assert!(html.contains("Aurora beta") && html.contains("Borealis beta"), "{html}");
    assert!(html.contains("/p/aurora/users") && html.contains("/p/borealis/users"));
}

#[tokio::test]
async fn a_project_manager_sees_only_their_teams_projects() {
    let app = app_with_two_projects().await;
    let aurora = app.project("aurora").await;
    app.store.add_to_team(aurora.id, app.project_manager.id).await.unwrap();
    app.login_as_project_manager().await;

    let page = app.get_page("/projects").await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Aurora beta"), "{}", page.body);
    assert!(!page.body.contains("Borealis beta"), "{}", page.body);
}

#[tokio::test]
async fn a_project_manager_off_the_team_gets_403_until_added() {
    let app = app_with_two_projects().await;
    app.add_user("borealis", "ada@example.com", "ada", "Ada Lovelace").await;
    app.login_as_project_manager().await;

    let refused = app.get_page("/p/borealis/users").await;

    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("No access to this project"), "{}", refused.body);
    assert!(!refused.body.contains("ada@example.com"), "no project data leaks into the 403 page");

    let borealis = app.project("borealis").await;
    app.store.add_to_team(borealis.id, app.project_manager.id).await.unwrap();
    let allowed = app.get_page("/p/borealis/users").await;

    assert_eq!(allowed.status, StatusCode::OK);
    assert!(!allowed.body.contains("No access to this project"));
    assert!(allowed.body.contains("ada@example.com"), "{}", allowed.body);
}

#[tokio::test]
async fn the_users_page_lists_and_searches_users() {
    let app = app_with_two_projects().await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;
    app.add_user("aurora", "grace@example.com", "grace", "Grace Hopper").await;
    app.login_as_admin().await;

    let all = app.get_page("/p/aurora/users").await;
    let found = app.get_page("/p/aurora/users?q=hopper").await;

    assert_eq!(all.status, StatusCode::OK);
    let html = &all.body;
    assert!(html.contains("Project users") && html.contains("Ada Lovelace") && html.contains("Grace Hopper"), "{html}");
    assert_eq!(found.status, StatusCode::OK);
    let html = &found.body;
    assert!(html.contains("Grace Hopper") && !html.contains("Ada Lovelace"), "{html}");
}

#[tokio::test]
async fn an_unknown_project_page_is_404() {
    let app = app_with_two_projects().await;
    app.login_as_admin().await;

    let page = app.get_page("/p/nowhere/users").await;

    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Project not found"), "{}", page.body);
}

#[tokio::test]
async fn an_unknown_page_is_404() {
    let app = spawn_app().await;
    app.login_as_admin().await;

    let page = app.get_page("/no/such/page").await;

    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page not found"), "{}", page.body);
}

#[tokio::test]
async fn with_javascript_off_a_new_api_keys_secret_is_shown_once() {
    let app = spawn_app().await;
    app.login_as_admin().await;
    let action = form_action(&app.get_page("/api-keys").await.body, "create_api_key");
    let form = [("name", "Plain form".to_string()), ("description", String::new()), ("allowed_addresses", String::new())];
    let created = post_form(&app, &action, "/api-keys", &form).await;
    assert!(created.status().is_redirection(), "a plain form post is answered by a redirect: {}", created.status());
    assert!(location(&created).trim_end_matches('?').ends_with("/api-keys"), "{}", location(&created));

    let page = app.get_page("/api-keys").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Key “Plain form” created."), "{}", page.body);
    let start = page.body.find("value=\"inlet_").expect("the secret in the page") + "value=\"".len();
    let secret = &page.body[start..start + page.body[start..].find('"').unwrap()];
    assert_eq!(app.get_with_key("/api/v1/projects", Some(secret)).await.status(), StatusCode::OK, "the key shown works");

    let again = app.get_page("/api-keys").await;
    assert!(!again.body.contains(secret), "shown once only");
    assert!(again.body.contains("Plain form"), "the key is listed");
}
