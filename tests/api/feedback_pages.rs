//! The feedback pages as a browser without JavaScript uses them: staff send feedback on a
//! user's behalf through the form, the ticket page shows it (as text) beside the submitter's
//! data, its comment and status forms post back to it, the grid and its exports follow the
//! URL, the user summary lists the user's tickets, and the listener form offers the type.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{location, TestApp};
use crate::listener_edit::{form_action, post_form};

/// Aurora with ada, whose CRM plan is "pro".
async fn app_with_ada() -> TestApp {
    let app = crate::helpers::spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;
    let crm = json!({"name": "CRM", "key": "crm", "data_group": "CRM",
        "fields": [{"label": "Plan", "parameter": "plan", "type": "string"}]});
    assert_eq!(app.post_json("/api/v1/projects/aurora/listeners", &crm).await.status(), StatusCode::CREATED);
    let stored = app.post_json("/api/v1/projects/aurora/listeners/crm/users/ada@example.com", &json!({"plan": "pro"})).await;
    assert_eq!(stored.status(), StatusCode::OK);
    app
}

fn s(value: &str) -> String {
    value.to_string()
}

#[tokio::test]
async fn staff_send_feedback_for_a_user_and_work_on_it_from_the_ticket_page() {
    let app = app_with_ada().await;
    app.login_as_admin().await;
    let page = "/p/aurora/feedback/new";
    let form = app.get_page(page).await;
    assert_eq!(form.status, StatusCode::OK);
    for expected in ["New feedback", r#"name="submitter""#, r#"<option value="Idea">"#, "Send feedback"] {
        assert!(form.body.contains(expected), "{expected} in {}", form.body);
    }
    let action = form_action(&form.body, "create_ticket");

    let refused = post_form(
        &app,
        &action,
        page,
        &[("slug", s("aurora")), ("submitter", s("nobody")), ("type_name", s("Bug")), ("title", s("x")), ("description", s(""))],
    )
    .await;
    let back = location(&refused);
    assert!(back.starts_with(&app.url(page)) && back.contains("__err"), "back to the form with the error: {back}");
    let shown = crate::helpers::fetch_page(app.client.get(&back)).await;
    assert!(shown.body.contains("is not a user of project"), "the error beside the field: {}", shown.body);

    let created = post_form(
        &app,
        &action,
        page,
        &[
            ("slug", s("aurora")),
            ("submitter", s("ada@example.com")),
            ("type_name", s("Idea")),
            ("title", s("Dark mode")),
            ("description", s("<script>alert(1)</script>\nPlease")),
        ],
    )
    .await;
    let ticket_page = location(&created);
    assert!(ticket_page.starts_with("/p/aurora/feedback/"), "{ticket_page}");
    let id: i64 = ticket_page.rsplit('/').next().unwrap().parse().unwrap();

    let shown = app.get_page(&ticket_page).await;
    assert_eq!(shown.status, StatusCode::OK);
    let html = &shown.body;
    assert!(html.contains("Dark mode") && html.contains("ada@example.com"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the description is shown as text: {html}");
    assert!(!html.contains("<script>alert(1)"), "never as markup");
    assert!(html.contains(">CRM<") && html.contains(">pro<"), "the submitter's data beside it: {html}");
    assert!(html.contains(r#"href="/p/aurora/u/ada""#), "a link to the user summary");

    let comment = form_action(html, "comment_on_ticket");
    let commented =
        post_form(&app, &comment, &ticket_page, &[("slug", s("aurora")), ("id", id.to_string()), ("text", s("On it"))]).await;
    assert_eq!(location(&commented), ticket_page);
    let status = form_action(html, "set_ticket_status");
    let closed =
        post_form(&app, &status, &ticket_page, &[("slug", s("aurora")), ("id", id.to_string()), ("status", s("closed"))]).await;
    assert_eq!(location(&closed), ticket_page);

    let ticket: Value = app.get(&format!("/api/v1/projects/aurora/feedback/{id}")).await.json().await.unwrap();
    assert_eq!(ticket["status"], "closed");
    let activity = ticket["activity"].as_array().unwrap();
    assert_eq!(activity[0]["text"], "On it");
    assert_eq!(activity[0]["author"], "Test Admin", "staff comments name their author");
    assert_eq!(activity[1]["to"], "closed");

    let summary = app.get_page("/p/aurora/u/ada").await;
    assert!(summary.body.contains(&format!(r#"href="/p/aurora/feedback/{id}""#)), "{}", summary.body);
}

#[tokio::test]
async fn the_feedback_grid_page_follows_its_url_and_exports_what_it_shows() {
    let app = app_with_ada().await;
    for (kind, title) in [("Bug", "Crash on save"), ("Idea", "Dark mode")] {
        let created =
            app.post_json("/api/v1/projects/aurora/feedback", &json!({"type": kind, "title": title, "submitter": "ada"})).await;
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    app.login_as_admin().await;
    let all = app.get_page("/p/aurora/feedback").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("Crash on save") && all.body.contains("Dark mode"), "{}", all.body);
    assert!(all.body.contains("2 tickets"));
    let bugs = app.get_page("/p/aurora/feedback?type=Bug").await;
    assert!(bugs.body.contains("Crash on save") && !bugs.body.contains("Dark mode"), "{}", bugs.body);
    assert!(bugs.body.contains("1 ticket"));
    assert!(bugs.body.contains(r#"href="/p/aurora/feedback/export.csv?type=Bug""#), "{}", bugs.body);

    let csv = app.client.get(app.url("/p/aurora/feedback/export.csv?type=Bug")).send().await.unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("Type,Title,Status,Email,Created\r\nBug,Crash on save,new,ada@example.com,"), "{text}");
    assert_eq!(text.lines().count(), 2);
    let unknown = app.get_page("/p/aurora/feedback?type=Nope").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_listener_form_offers_create_feedback_and_makes_one() {
    let app = app_with_ada().await;
    app.login_as_admin().await;
    let page = "/p/aurora/automation/new";
    let form = app.get_page(page).await;
    assert!(form.body.contains(r#"<option value="create_feedback">Create feedback</option>"#), "{}", form.body);
    let action = form_action(&form.body, "create_listener");
    let created = post_form(
        &app,
        &action,
        page,
        &[
            ("slug", s("aurora")),
            ("name", s("Widget")),
            ("key", s("widget")),
            ("listener_type", s("create_feedback")),
            ("data_group", s("Widget")),
            ("identify_by", s("email")),
            ("unknown_user", s("reject")),
            ("fields[0][label]", s("")),
            ("fields[0][parameter]", s("")),
            ("fields[0][type]", s("string")),
            ("feedback_title", s("title")),
            ("feedback_description", s("")),
            ("feedback_type_parameter", s("kind")),
            ("feedback_default_type", s("Idea")),
        ],
    )
    .await;
    assert_eq!(location(&created), "/p/aurora/automation/widget", "to the new listener's page");
    let shown = app.get_page("/p/aurora/automation/widget").await;
    assert!(shown.body.contains("Create feedback listener") && shown.body.contains("title from “title”"), "{}", shown.body);
    let listener: Value = app.get("/api/v1/projects/aurora/listeners/widget").await.json().await.unwrap();
    assert_eq!(listener["type"], "create_feedback");
    assert_eq!(
        listener["feedback"],
        json!({"title": "title", "description": null, "type_parameter": "kind", "default_type": "Idea"})
    );
    let sent = app.post_json("/api/v1/projects/aurora/listeners/widget/users/ada@example.com", &json!({"title": "Hi"})).await;
    assert_eq!(sent.status(), StatusCode::OK);
    let answer: Value = sent.json().await.unwrap();
    let ticket: Value = app.get(&format!("/api/v1/projects/aurora/feedback/{}", answer["ticket_id"])).await.json().await.unwrap();
    assert_eq!((&ticket["title"], &ticket["type"]), (&json!("Hi"), &json!("Idea")));
}
