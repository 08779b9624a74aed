//! `/api/v1/projects/{project}/users`: adding, finding, listing.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{error_body, error_fields, spawn_app, TestApp};

fn emails(list: &Value) -> Vec<String> {
    list["users"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap().to_string()).collect()
}

async fn app_with_project() -> TestApp {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app
}

#[tokio::test]
async fn an_added_user_is_an_active_member() {
    let app = app_with_project().await;

    let response = app.create_user("aurora", " Ada@Example.com ", "Ada", "Ada  Lovelace").await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let user: Value = response.json().await.unwrap();
    assert_eq!(user["email"], "ada@example.com");
    assert_eq!(user["username"], "ada");
    assert_eq!(user["display_name"], "Ada Lovelace");
    assert_eq!(user["status"], "active");
    assert!(user["created_at"].as_str().is_some() && user["joined_at"].as_str().is_some());
    assert_eq!(emails(&app.list_users("aurora", "").await), ["ada@example.com"]);
}

#[tokio::test]
async fn the_same_email_twice_in_a_project_is_a_conflict() {
    let app = app_with_project().await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;

    let response = app.create_user("aurora", "ADA@example.com", "ada", "Ada Again").await;

    let error = error_body(response, StatusCode::CONFLICT).await;
    assert_eq!(error["code"], "conflict");
    assert_eq!(app.user_count("aurora").await, 1);
}

#[tokio::test]
async fn a_known_email_with_another_username_is_a_conflict() {
    let app = app_with_project().await;
    app.create_project("Borealis beta", "borealis").await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;

    let response = app.create_user("borealis", "ada@example.com", "someone-else", "Ada").await;

    let error = error_body(response, StatusCode::CONFLICT).await;
    assert_eq!(error["code"], "conflict");
    assert!(error["message"].as_str().unwrap().contains("ada@example.com"), "{error}");
    assert_eq!(app.user_count("borealis").await, 0);
}

#[tokio::test]
async fn a_username_taken_by_someone_else_is_a_conflict() {
    let app = app_with_project().await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;

    let response = app.create_user("aurora", "other@example.com", "ADA", "Not Ada").await;

    let error = error_body(response, StatusCode::CONFLICT).await;
    assert_eq!(error["code"], "conflict");
    assert!(error["message"].as_str().unwrap().contains("ada"), "{error}");
    assert_eq!(app.user_count("aurora").await, 1);
}

#[tokio::test]
async fn a_community_user_can_join_a_second_project() {
    let app = app_with_project().await;
    app.create_project("Borealis beta", "borealis").await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;

    let user = app.add_user("borealis", "ada@example.com", "ada", "Ignored Name").await;

    assert_eq!(user["display_name"], "Ada Lovelace", "the existing community user joins");
    assert_eq!(app.user_count("aurora").await, 1);
    assert_eq!(app.user_count("borealis").await, 1);
}

#[tokio::test]
async fn invalid_user_fields_are_all_reported() {
    let app = app_with_project().await;

    let response = app.create_user("aurora", "not-an-email", "x", "").await;

    let error = error_body(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error["code"], "invalid");
    assert_eq!(error_fields(&error), ["email", "username", "display_name"]);
    assert_eq!(app.user_count("aurora").await, 0);
}

#[tokio::test]
async fn a_user_is_found_by_email_or_username() {
    let app = app_with_project().await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;

    for reference in ["ada@example.com", "ADA@Example.COM", "ada", "Ada"] {
        let response = app.get(&format!("/api/v1/projects/aurora/users/{reference}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{reference}");
        let user: Value = response.json().await.unwrap();
        assert_eq!((user["email"].as_str(), user["username"].as_str()), (Some("ada@example.com"), Some("ada")), "{reference}");
    }
}

#[tokio::test]
async fn unknown_projects_and_users_are_not_found() {
    let app = app_with_project().await;
    app.create_project("Borealis beta", "borealis").await;
    app.add_user("borealis", "ada@example.com", "ada", "Ada Lovelace").await;

    let unknown_project = [
        app.get("/api/v1/projects/nowhere/users").await,
        app.get("/api/v1/projects/nowhere/users/ada").await,
        app.create_user("nowhere", "bob@example.com", "bob", "Bob").await,
        app.import_csv("nowhere", "email,username,name\nbob@example.com,bob,Bob\n").await,
    ];
    for response in unknown_project {
        let error = error_body(response, StatusCode::NOT_FOUND).await;
        assert_eq!(error["code"], "not_found");
        assert!(error["message"].as_str().unwrap().contains("nowhere"), "{error}");
    }

    // Ada exists in the community, but not in aurora.
    for reference in ["nobody@example.com", "nobody", "ada", "ada@example.com", "not a name"] {
        let error = error_body(app.get(&format!("/api/v1/projects/aurora/users/{reference}")).await, StatusCode::NOT_FOUND).await;
        assert_eq!(error["code"], "not_found", "{reference}");
    }
    assert_eq!(app.user_count("aurora").await, 0);
}

async fn app_with_seven_users() -> TestApp {
    let app = app_with_project().await;
    let people = [
        ("grace@example.com", "ghopper", "Grace Hopper"),
        ("ada@example.com", "lovelace", "Ada Lovelace"),
        ("edsger@example.com", "ewd", "Edsger Dijkstra"),
        ("barbara@example.com", "liskov", "Barbara Liskov"),
        ("donald@example.com", "knuth", "Donald Knuth"),
        ("frances@example.com", "fallen", "Frances Allen 100% sure"),
        ("claude@example.com", "shannon", "Claude Shannon"),
    ];
    for (email, username, name) in people {
        app.add_user("aurora", email, username, name).await;
    }
    app
}

#[tokio::test]
async fn users_are_listed_in_pages() {
    let app = app_with_seven_users().await;

    let first = app.list_users("aurora", "per_page=3&sort=email").await;
    let second = app.list_users("aurora", "per_page=3&sort=email&page=2").await;
    let third = app.list_users("aurora", "per_page=3&sort=email&page=3").await;
    let beyond = app.list_users("aurora", "per_page=3&sort=email&page=4").await;

    for (page, number) in [(&first, 1), (&second, 2), (&third, 3), (&beyond, 4)] {
        assert_eq!((page["total"].as_u64(), page["page"].as_u64(), page["per_page"].as_u64()), (Some(7), Some(number), Some(3)));
    }
    assert_eq!(emails(&first), ["ada@example.com", "barbara@example.com", "claude@example.com"]);
    assert_eq!(emails(&second), ["donald@example.com", "edsger@example.com", "frances@example.com"]);
    assert_eq!(emails(&third), ["grace@example.com"]);
    assert!(emails(&beyond).is_empty());
}

#[tokio::test]
async fn page_values_out_of_range_are_refused_by_name_not_replaced() {
    let app = app_with_seven_users().await;

    let largest = app.list_users("aurora", "per_page=200").await;
    let huge = app.get("/api/v1/projects/aurora/users?per_page=999").await;
    let zero = app.get("/api/v1/projects/aurora/users?per_page=0&page=0").await;
    let words = app.get("/api/v1/projects/aurora/users?page=two").await;

    assert_eq!((largest["per_page"].as_u64(), emails(&largest).len()), (Some(200), 7));
    let huge = error_body(huge, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&huge), ["per_page"]);
    assert!(huge["message"].as_str().unwrap().contains("1 to 200"), "{huge}");
    assert_eq!(error_fields(&error_body(zero, StatusCode::UNPROCESSABLE_ENTITY).await), ["page", "per_page"]);
    assert_eq!(error_fields(&error_body(words, StatusCode::UNPROCESSABLE_ENTITY).await), ["page"]);
}

#[tokio::test]
async fn search_matches_email_username_and_name_case_insensitively() {
    let app = app_with_seven_users().await;

    for (q, expected) in [
        ("GRACE", vec!["grace@example.com"]),     // email
        ("Knuth", vec!["donald@example.com"]),    // username
        ("lIsKoV", vec!["barbara@example.com"]),  // username and name
        ("dijkstra", vec!["edsger@example.com"]), // name only
        ("shan", vec!["claude@example.com"]),
        ("nobody-matches", vec![]),
    ] {
        let list = app.list_users("aurora", &format!("q={q}")).await;
        assert_eq!(emails(&list), expected, "q={q}");
        assert_eq!(list["total"].as_u64(), Some(expected.len() as u64), "q={q}");
    }
}

#[tokio::test]
async fn search_wildcards_are_taken_literally() {
    let app = app_with_seven_users().await;

    let percent = app.list_users("aurora", "q=%25").await;
    let underscore = app.list_users("aurora", "q=_").await;

    assert_eq!(emails(&percent), ["frances@example.com"]);
    assert_eq!(underscore["total"].as_u64(), Some(0));
}

#[tokio::test]
async fn users_can_be_sorted_descending() {
    let app = app_with_seven_users().await;

    let by_email = app.list_users("aurora", "sort=email&order=desc&per_page=3").await;
    let by_username = app.list_users("aurora", "sort=username&order=asc&per_page=2").await;

    assert_eq!(emails(&by_email), ["grace@example.com", "frances@example.com", "edsger@example.com"]);
    assert_eq!(emails(&by_username), ["edsger@example.com", "frances@example.com"]);
    // ewd, fallen
}

#[tokio::test]
async fn an_unknown_sort_or_order_is_refused() {
    let app = app_with_seven_users().await;

    let sort = error_body(app.get("/api/v1/projects/aurora/users?sort=password").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    let order = error_body(app.get("/api/v1/projects/aurora/users?order=sideways").await, StatusCode::UNPROCESSABLE_ENTITY).await;

    assert_eq!((sort["code"].as_str(), error_fields(&sort)), (Some("invalid"), vec!["sort".to_string()]));
    assert_eq!((order["code"].as_str(), error_fields(&order)), (Some("invalid"), vec!["order".to_string()]));
}
