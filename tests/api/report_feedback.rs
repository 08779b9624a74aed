//! Reports over feedback (issue 15 § Reports): elements with the source `feedback` count the
//! project's tickets by their own fields (Type, Status, Created) and by any field of their
//! submitters' data groups, with the same tables as users' elements but counting tickets.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_body, error_fields, spawn_app, TestApp};

const REPORTS: &str = "/api/v1/projects/aurora/reports";
const FEEDBACK: &str = "/api/v1/projects/aurora/feedback";

async fn created(app: &TestApp, path: &str, body: Value) -> Value {
    let response = app.post_json(path, &body).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "POST {path} {body}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// Project `aurora` with ada and linus on the pro plan and grace on the free one (a CRM
/// listener's data), and five tickets: three bugs (grace's and linus's closed), ada's idea
/// and grace's praise. Returns the app and the elements' path of an empty report.
pub async fn feedback_app() -> (TestApp, String) {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    let crm = json!({"name": "CRM", "key": "crm", "data_group": "CRM",
        "fields": [{"label": "Plan", "parameter": "plan", "type": "string"}]});
    created(&app, "/api/v1/projects/aurora/listeners", crm).await;
    for (user, plan) in [("ada", "pro"), ("grace", "free"), ("linus", "pro")] {
        let email = format!("{user}@example.com");
        app.add_user("aurora", &email, user, user).await;
        let stored = app.post_json(&format!("/api/v1/projects/aurora/listeners/crm/users/{email}"), &json!({"plan": plan})).await;
        assert_eq!(stored.status(), StatusCode::OK);
    }
    for (submitter, kind, title, closed) in [
        ("ada", "Bug", "Crash on start", false),
        ("grace", "Bug", "Slow sync", true),
        ("linus", "Bug", "Login loop", true),
        ("ada", "Idea", "Dark mode", false),
        ("grace", "Praise", "Love it", false),
    ] {
        let ticket = created(&app, FEEDBACK, json!({"type": kind, "title": title, "submitter": submitter})).await;
        if closed {
            let patched = app.patch_json(&format!("{FEEDBACK}/{}", ticket["id"]), &json!({"status": "closed"})).await;
            assert_eq!(patched.status(), StatusCode::OK);
        }
    }
    let report = created(&app, REPORTS, json!({"name": "Feedback weekly"})).await;
    (app, format!("{REPORTS}/{}/elements", report["id"]))
}

fn ticket(field: &str) -> Value {
    json!({"data_group": "Ticket", "field": field})
}

fn plan() -> Value {
    json!({"data_group": "CRM", "field": "Plan"})
}

#[tokio::test]
async fn feedback_elements_count_tickets_by_their_fields_and_their_submitters() {
    let (app, elements) = feedback_app().await;
    let cross = created(
        &app,
        &elements,
        json!({"name": "Type by plan", "source": "feedback", "data": [ticket("type"), plan()], "style": "table"}),
    )
    .await;
    assert_eq!(cross["source"], "feedback");
    assert_eq!(cross["fields"], json!([ticket("Type"), plan()]), "spelled as the schema spells it");
    assert_eq!(
        cross["data"],
        json!({"columns": ["Type", "pro", "free", "Total"],
            "rows": [["Bug", 2, 1, 3], ["Idea", 1, 0, 1], ["Praise", 0, 1, 1]]})
    );

    let status =
        created(&app, &elements, json!({"name": "Status", "source": "feedback", "data": [ticket("Status")], "style": "pie"}))
            .await;
    assert_eq!(status["data"], json!({"columns": ["Status", "Tickets"], "rows": [["new", 3], ["closed", 2]]}));

    let line = created(
        &app,
        &elements,
        json!({"name": "Arrivals", "source": "feedback", "data": [ticket("Created")], "style": "line", "bucket": "month"}),
    )
    .await;
    let month = chrono::Utc::now().format("%Y-%m-01").to_string();
    assert_eq!(line["data"], json!({"columns": ["Created", "Tickets"], "rows": [[month, 5]]}));

    let all = created(&app, &elements, json!({"name": "All feedback", "source": "feedback", "style": "number"})).await;
    assert_eq!(all["data"], json!({"columns": ["All feedback", "Tickets"], "rows": [["All feedback", 5]]}));

    // The whole report reads the same tables, and an element's CSV is that table.
    let report: Value = app.get(&elements.trim_end_matches("/elements").to_string()).await.json().await.unwrap();
    assert_eq!(report["elements"][0]["data"], cross["data"]);
    let csv = app.get(&format!("{elements}/{}/export.csv", status["id"])).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.text().await.unwrap(), "Status,Tickets\nnew,3\nclosed,2\n");
}

#[tokio::test]
async fn a_feedback_filter_tests_submitter_data_and_ticket_fields() {
    let (app, elements) = feedback_app().await;
    let pro = json!({"criteria": [{"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "pro"}]});
    let from_pro =
        created(&app, &elements, json!({"name": "From pro", "source": "feedback", "style": "number", "filter": pro})).await;
    assert_eq!(from_pro["data"]["rows"], json!([["From pro", 3]]));

    let closed =
        json!({"match": "all", "criteria": [{"data_group": "Ticket", "field": "Status", "qualifier": "is", "value": "closed"}]});
    let list = created(
        &app,
        &elements,
        json!({"name": "Closed", "source": "feedback", "style": "list", "data": [plan()], "filter": closed}),
    )
    .await;
    assert_eq!(
        list["data"],
        json!({"columns": ["Title", "Submitter", "Plan"],
            "rows": [["Slow sync", "grace@example.com", "free"], ["Login loop", "linus@example.com", "pro"]]})
    );

    // A saved users' filter reads as a filter over the submitters.
    let free = created(
        &app,
        "/api/v1/projects/aurora/filters",
        json!({"name": "Free plan", "criteria": [{"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "free"}]}),
    )
    .await;
    let by_type = created(
        &app,
        &elements,
        json!({"name": "Free types", "source": "feedback", "style": "bar", "data": [ticket("Type")], "filter": free["id"]}),
    )
    .await;
    assert_eq!(by_type["data"]["rows"], json!([["Bug", 1], ["Praise", 1]]));
}

#[tokio::test]
async fn feedback_is_refused_where_it_does_not_fit() {
    let (app, elements) = feedback_app().await;
    let line = json!({"name": "Types over time", "source": "feedback", "data": [ticket("Type")], "style": "line"});
    let error = error_body(app.post_json(&elements, &line).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["style"]);

    let users = json!({"name": "Types", "data": [ticket("Type")], "style": "pie"});
    let error = error_body(app.post_json(&elements, &users).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["data[0].data_group"], "the Ticket group is feedback's: {error}");

    let community = created(&app, "/api/v1/reports", json!({"name": "Community"})).await;
    let path = format!("/api/v1/reports/{}/elements", community["id"]);
    let body = json!({"name": "All feedback", "source": "feedback", "style": "number"});
    let error = error_body(app.post_json(&path, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["source"]);
    assert!(error.to_string().contains("feedback is a project's"), "{error}");

    let bad = json!({"name": "x", "source": "tickets", "style": "number"});
    let error = error_body(app.post_json(&elements, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["source"]);
}

#[tokio::test]
async fn the_builder_offers_feedback_and_its_form_posts_a_feedback_element() {
    use crate::helpers::location;
    use crate::listener_edit::{form_action, post_form};
    let (app, _) = feedback_app().await;
    app.login_as_admin().await;
    let page = "/p/aurora/reports/new";
    let builder = app.get_page(page).await;
    assert_eq!(builder.status, StatusCode::OK);
    assert!(builder.body.contains(r#"value="feedback""#) && builder.body.contains(">Feedback<"), "{}", builder.body);
    let community = app.get_page("/reports/new").await;
    assert_eq!(community.status, StatusCode::OK);
    assert!(community.body.contains(r#"name="source" value="project""#), "the community builder's sources: {}", community.body);
    assert!(!community.body.contains(r#"name="source" value="feedback""#), "no feedback for the community");
    let s = |value: &str| value.to_string();
    let form = [
        ("slug", s("aurora")),
        ("source", s("feedback")),
        ("figure", s("users")),
        ("field1", format!("Ticket\u{1f}Type")),
        ("field2", format!("CRM\u{1f}Plan")),
        ("filter", s("")),
        ("style", s("table")),
        ("bucket", s("day")),
        ("name", s("Type by plan")),
        ("destination", s("new")),
        ("new_report", s("From the builder")),
    ];
    let saved = post_form(&app, &form_action(&builder.body, "save_element"), page, &form).await;
    let report_page = location(&saved);
    let id = report_page.strip_prefix("/p/aurora/reports/").expect("the new report's page");
    let report: Value = app.get(&format!("{REPORTS}/{id}")).await.json().await.unwrap();
    assert_eq!(report["elements"][0]["source"], "feedback");
    assert_eq!(report["elements"][0]["data"]["rows"][0], json!(["Bug", 2, 1, 3]));
    let shown = app.get_page(&report_page).await;
    assert!(shown.body.contains("Type by plan") && shown.body.contains(">Praise<"), "{}", shown.body);
}
