//! Staff login and logout: form posts answered with redirects; sessions kept in the database.

use reqwest::StatusCode;

use crate::helpers::{
    cookie_pair, fetch_page, location, new_client, set_cookie, spawn_app, spawn_app_with, start_application, ADMIN_EMAIL,
    ADMIN_PASSWORD, PM_EMAIL, SESSION_COOKIE,
};

#[tokio::test]
async fn right_credentials_start_a_session() {
    let app = spawn_app().await;

    let response = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/projects");
    let cookie = set_cookie(response.headers(), SESSION_COOKIE).expect("a session cookie is set");
    let attributes: Vec<String> = cookie.split(';').skip(1).map(|a| a.trim().to_ascii_lowercase()).collect();
    assert!(attributes.iter().any(|a| a == "httponly"), "{cookie}");
    assert!(attributes.iter().any(|a| a == "samesite=lax"), "{cookie}");
    assert!(attributes.iter().any(|a| a == "path=/"), "{cookie}");

    let page = app.get_page("/projects").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&app.admin.name), "the top bar names who is logged in");
}

#[tokio::test]
async fn the_login_email_is_case_insensitive() {
    let app = spawn_app().await;

    let response = app.login("  ADMIN@Test.Inlet ", ADMIN_PASSWORD).await;

    assert_eq!(location(&response), "/projects");
    assert!(set_cookie(response.headers(), SESSION_COOKIE).is_some());
}

#[tokio::test]
async fn wrong_credentials_do_not_say_which_part_was_wrong() {
    let app = spawn_app().await;

    let wrong_password = app.login(ADMIN_EMAIL, "not-the-password").await;
    let unknown_email = app.login("nobody@test.inlet", ADMIN_PASSWORD).await;

    for response in [&wrong_password, &unknown_email] {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(response), "/login?error=credentials");
        assert!(set_cookie(response.headers(), SESSION_COOKIE).is_none(), "no session for a failed login");
    }
    let page = app.get_page("/projects").await;
    assert_eq!(location(&page), "/login?next=/projects");
}

#[tokio::test]
async fn the_login_page_explains_wrong_credentials() {
    let app = spawn_app().await;

    let page = app.get_page("/login?error=credentials").await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Email or password is incorrect."), "{}", page.body);
}

#[tokio::test]
async fn login_follows_only_local_next_paths() {
    let app = spawn_app().await;

    for (next, expected) in [
        ("/p/aurora/users?q=ada", "/p/aurora/users?q=ada"),
        ("//evil.example/x", "/projects"),
        ("https://evil.example/", "/projects"),
    ] {
        let response = app
            .client
            .post(app.url("/login"))
            .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&response), expected, "next={next}");
    }
}

#[tokio::test]
async fn repeated_failures_are_rate_limited_even_with_the_right_password() {
    let app = spawn_app_with(|settings| settings.login_attempts = 3).await;

    for attempt in 1..=3 {
        let response = app.login(ADMIN_EMAIL, "wrong-password").await;
        assert_eq!(location(&response), "/login?error=credentials", "attempt {attempt}");
    }
    let response = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let target = location(&response);
    assert!(target.starts_with("/login?error=rate_limited"), "{target}");
    assert!(set_cookie(response.headers(), SESSION_COOKIE).is_none());
    assert_eq!(location(&app.get_page("/projects").await), "/login?next=/projects", "still logged out");

    // The client address is limited too, not only the email that was guessed at.
    let other = app.login(PM_EMAIL, "pm-password-1234").await;
    assert!(location(&other).starts_with("/login?error=rate_limited"));
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let login = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let cookie = cookie_pair(&set_cookie(login.headers(), SESSION_COOKIE).unwrap());
    assert_eq!(app.get_page("/projects").await.status, StatusCode::OK);

    let response = app.logout().await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login");
    assert_eq!(location(&app.get_page("/projects").await), "/login?next=/projects");
    // The old cookie, replayed by someone who kept it, is worth nothing either.
    let replay = fetch_page(new_client().get(app.url("/projects")).header("Cookie", cookie)).await;
    assert_eq!(location(&replay), "/login?next=/projects");
}

#[tokio::test]
async fn a_session_survives_a_restart() {
    let app = spawn_app().await;
    let login = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let cookie = cookie_pair(&set_cookie(login.headers(), SESSION_COOKIE).unwrap());

    // A second instance on the same database stands in for the restarted server.
    let (port, _) = start_application(&inlet::server::config::Settings::for_database(&app.database_url)).await;
    assert_ne!(port, app.port);
    let restarted = fetch_page(new_client().get(format!("http://127.0.0.1:{port}/projects")).header("Cookie", cookie)).await;

    assert_eq!(restarted.status, StatusCode::OK);
    assert!(restarted.body.contains(&app.admin.name));
}
