//! Editing a listener (PRODUCT.md §3: "Listeners can be edited (add/rename fields), disabled,
//! and deleted"): through `PATCH /api/v1/projects/{project}/listeners/{key}`, and through the
//! edit page and the listener page's Replay buttons, with JavaScript off as a browser posts.

use reqwest::header::{ACCEPT, REFERER};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{error_body, error_fields, fetch_page, location, spawn_app, TestApp};
use inlet::domain::fields::FieldValue;
use inlet::domain::user::UserRef;

const LISTENER: &str = "/api/v1/projects/aurora/listeners/crm";
const ENDPOINT: &str = "/api/v1/projects/aurora/listeners/crm/users/ada@example.com";

/// Project `aurora` with user ada@example.com and listener `crm` feeding data group
/// "CRM data": Plan (string, `plan`) and Seats (integer, `seats`).
async fn app_with_crm() -> TestApp {
    let app = spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app.add_user("aurora", "ada@example.com", "ada", "Ada Lovelace").await;
    create_listener(
        &app,
        "crm",
        json!([
            {"label": "Plan", "parameter": "plan", "type": "string"},
            {"label": "Seats", "parameter": "seats", "type": "integer"}
        ]),
    )
    .await;
    app
}

async fn create_listener(app: &TestApp, key: &str, fields: Value) -> Value {
    let body =
        json!({"name": key.to_uppercase(), "key": key, "identify_by": "email", "data_group": "CRM data", "fields": fields});
    let response = app.post_json("/api/v1/projects/aurora/listeners", &body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "creating listener {key}");
    response.json().await.unwrap()
}

async fn listener(app: &TestApp, key: &str) -> Value {
    let response = app.get(&format!("/api/v1/projects/aurora/listeners/{key}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The id of the listener's field with this label.
fn field_id(listener: &Value, label: &str) -> i64 {
    listener["fields"].as_array().unwrap().iter().find(|f| f["label"] == label).and_then(|f| f["field_id"].as_i64()).expect(label)
}

async fn patch(app: &TestApp, body: Value) -> Response {
    app.patch_json(LISTENER, &body).await
}

async fn send(app: &TestApp, body: Value) -> Value {
    let response = app.post_raw(ENDPOINT, "application/json", body.to_string()).await;
    assert_eq!(response.status(), StatusCode::OK, "ingesting {body}");
    response.json().await.unwrap()
}

/// Ada's stored values by field id.
async fn values_of_ada(app: &TestApp) -> Vec<(i64, FieldValue)> {
    let project = app.project("aurora").await;
    let ada = app.store.find_project_user(project.id, &UserRef::parse("ada").unwrap()).await.unwrap().unwrap();
    app.store.user_values(ada.id).await.unwrap()
}

/// Labels of the data group's fields, mapped or not.
async fn group_labels(app: &TestApp) -> Vec<String> {
    let project = app.project("aurora").await;
    app.store.project_fields(project.id).await.unwrap().into_iter().map(|f| f.label).collect()
}

#[tokio::test]
async fn renaming_a_field_and_its_parameter_moves_ingestion_to_the_new_parameter() {
    let app = app_with_crm().await;
    let before = listener(&app, "crm").await;
    let (plan, seats) = (field_id(&before, "Plan"), field_id(&before, "Seats"));

    let response = patch(
        &app,
        json!({"fields": [
            {"field_id": plan, "label": "Tier", "parameter": "account.tier"},
            {"field_id": seats, "label": "Seats", "parameter": "seats", "type": "integer"}
        ]}),
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(
        updated["fields"],
        json!([
            {"field_id": plan, "label": "Tier", "parameter": "account.tier", "type": "string"},
            {"field_id": seats, "label": "Seats", "parameter": "seats", "type": "integer"}
        ])
    );
    assert_eq!(updated["endpoint_url"], before["endpoint_url"], "the URL senders use is unchanged");
    let at = |listener: &Value| chrono::DateTime::parse_from_rfc3339(listener["updated_at"].as_str().unwrap()).unwrap();
    assert!(at(&updated) > at(&before), "updated_at moves on");
    assert_eq!(listener(&app, "crm").await, updated, "the response is the listener as GET shows it");
    assert_eq!(group_labels(&app).await, ["Tier", "Seats"], "the data group's field is renamed");

    let answer = send(&app, json!({"account": {"tier": "gold"}, "plan": "old"})).await;
    assert_eq!(answer["updated"], json!(["account.tier"]));
    assert_eq!(answer["ignored"], json!(["plan"]), "the old parameter feeds nothing now");
    assert_eq!(values_of_ada(&app).await, [(plan, FieldValue::String("gold".into()))]);
}

#[tokio::test]
async fn a_new_field_is_created_or_reuses_the_groups_field_of_that_label() {
    let app = app_with_crm().await;
    let billing = create_listener(&app, "billing", json!([{"label": "Region", "parameter": "region", "type": "string"}])).await;
    let region = field_id(&billing, "Region");
    let before = listener(&app, "crm").await;
    let (plan, seats) = (field_id(&before, "Plan"), field_id(&before, "Seats"));

    let response = patch(
        &app,
        json!({"fields": [
            {"field_id": plan, "label": "Plan", "parameter": "plan"},
            {"field_id": seats, "label": "Seats", "parameter": "seats"},
            {"label": "Churned", "parameter": "churned", "type": "boolean"},
            {"label": "region", "parameter": "geo.region", "type": "string"}
        ]}),
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    let updated: Value = response.json().await.unwrap();
    let churned = field_id(&updated, "Churned");
    assert!(![plan, seats, region].contains(&churned), "Churned is a new field");
    assert_eq!(field_id(&updated, "Region"), region, "'region' reuses billing's Region field (its label stays)");
    assert_eq!(group_labels(&app).await, ["Plan", "Seats", "Region", "Churned"]);

    send(&app, json!({"churned": "true", "geo": {"region": "EMEA"}})).await;
    let mut values = values_of_ada(&app).await;
    values.sort_by_key(|(id, _)| *id);
    let mut expected = vec![(churned, FieldValue::Boolean(true)), (region, FieldValue::String("EMEA".into()))];
    expected.sort_by_key(|(id, _)| *id);
    assert_eq!(values, expected);
}

#[tokio::test]
async fn a_removed_mapping_leaves_the_field_and_its_values() {
    let app = app_with_crm().await;
    let before = listener(&app, "crm").await;
    let (plan, seats) = (field_id(&before, "Plan"), field_id(&before, "Seats"));
    send(&app, json!({"plan": "pro", "seats": 3})).await;

    let response = patch(&app, json!({"fields": [{"field_id": plan, "label": "Plan", "parameter": "plan"}]})).await;

    assert_eq!(response.status(), StatusCode::OK);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["fields"].as_array().unwrap().len(), 1);
    assert_eq!(group_labels(&app).await, ["Plan", "Seats"], "Seats stays in the data group");
    let answer = send(&app, json!({"plan": "team", "seats": 4})).await;
    assert_eq!(answer["updated"], json!(["plan"]));
    assert_eq!(answer["ignored"], json!(["seats"]), "the unmapped parameter is ignored");
    let mut values = values_of_ada(&app).await;
    values.sort_by_key(|(id, _)| *id);
    let mut expected = vec![(plan, FieldValue::String("team".into())), (seats, FieldValue::Integer(3))];
    expected.sort_by_key(|(id, _)| *id);
    assert_eq!(values, expected, "the stored Seats value is kept");
}

#[tokio::test]
async fn an_existing_fields_type_cannot_change() {
    let app = app_with_crm().await;
    let before = listener(&app, "crm").await;
    let (plan, seats) = (field_id(&before, "Plan"), field_id(&before, "Seats"));

    let changed_type = patch(
        &app,
        json!({"fields": [
            {"field_id": plan, "label": "Plan", "parameter": "plan"},
            {"field_id": seats, "label": "Seats", "parameter": "seats", "type": "string"}
        ]}),
    )
    .await;

    let error = error_body(changed_type, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["fields[1].type"]);
    assert!(error["fields"][0]["reason"].as_str().unwrap().contains("Integer"), "{error}");

    // A new mapping onto the group's field of that label must have its type too.
    let other_type = patch(
        &app,
        json!({"fields": [
            {"field_id": plan, "label": "Plan", "parameter": "plan"},
            {"label": "SEATS", "parameter": "licences", "type": "string"}
        ]}),
    )
    .await;

    let error = error_body(other_type, StatusCode::CONFLICT).await;
    assert!(error["message"].as_str().unwrap().contains("as Integer"), "{error}");
    assert_eq!(listener(&app, "crm").await, before, "nothing changed");
}

#[tokio::test]
async fn a_label_clash_is_refused_and_nothing_is_half_written() {
    let app = app_with_crm().await;
    create_listener(&app, "billing", json!([{"label": "Region", "parameter": "region", "type": "string"}])).await;
    let before = listener(&app, "crm").await;
    let (plan, seats) = (field_id(&before, "Plan"), field_id(&before, "Seats"));

    // Name and policy would be written first, then the renames: all of it rolls back.
    let clash = patch(
        &app,
        json!({"name": "Renamed", "unknown_user": "create", "enabled": false, "fields": [
            {"field_id": plan, "label": "Tier", "parameter": "tier"},
            {"field_id": seats, "label": "REGION", "parameter": "seats"},
            {"label": "Churned", "parameter": "churned", "type": "boolean"}
        ]}),
    )
    .await;

    let error = error_body(clash, StatusCode::CONFLICT).await;
    assert_eq!(error["message"], "cannot rename 'Seats' to 'REGION': data group 'CRM data' already has a field 'Region'");
    assert_eq!(listener(&app, "crm").await, before, "name, policy, state and fields are as they were");
    assert_eq!(group_labels(&app).await, ["Plan", "Seats", "Region"], "no field renamed or created");

    // A clash found later, when a new mapping meets a field of another type, rolls back too.
    let late = patch(
        &app,
        json!({"name": "Renamed", "fields": [
            {"field_id": plan, "label": "Tier", "parameter": "tier"},
            {"label": "Region", "parameter": "region", "type": "integer"}
        ]}),
    )
    .await;

    assert_eq!(late.status(), StatusCode::CONFLICT);
    assert_eq!(listener(&app, "crm").await, before);
    assert_eq!(group_labels(&app).await, ["Plan", "Seats", "Region"]);
}

#[tokio::test]
async fn two_fields_may_swap_labels_and_a_label_may_change_case() {
    let app = app_with_crm().await;
    let before = listener(&app, "crm").await;
    let (plan, seats) = (field_id(&before, "Plan"), field_id(&before, "Seats"));

    let response = patch(
        &app,
        json!({"fields": [
            {"field_id": plan, "label": "SEATS", "parameter": "plan"},
            {"field_id": seats, "label": "Plan", "parameter": "seats"}
        ]}),
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    let updated: Value = response.json().await.unwrap();
    assert_eq!((field_id(&updated, "SEATS"), field_id(&updated, "Plan")), (plan, seats));
    assert_eq!(updated["fields"][0]["type"], "string", "labels move, types stay with their fields");
}

#[tokio::test]
async fn invalid_edits_are_refused_with_every_reason() {
    let app = app_with_crm().await;
    let before = listener(&app, "crm").await;
    let plan = field_id(&before, "Plan");

    let response = patch(
        &app,
        json!({"name": " ", "unknown_user": "maybe", "fields": [
            {"field_id": 999999, "label": "Other", "parameter": "other"},
            {"label": "", "parameter": "has space"},
            {"field_id": plan, "label": "Plan", "parameter": "plan"},
            {"label": "plan", "parameter": "plan", "type": "string"}
        ]}),
    )
    .await;

    let error = error_body(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error["code"], "invalid");
    assert_eq!(
        error_fields(&error),
        [
            "name",
            "unknown_user",
            "fields[0].field_id",
            "fields[1].label",
            "fields[1].parameter",
            "fields[1].type",
            "fields[3].label",
            "fields[3].parameter"
        ]
    );
    let empty = error_body(patch(&app, json!({"fields": []})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&empty), ["fields"]);
    assert_eq!(listener(&app, "crm").await, before);
}

#[tokio::test]
async fn the_key_identification_and_data_group_stay_fixed() {
    let app = app_with_crm().await;
    let before = listener(&app, "crm").await;

    let response = patch(&app, json!({"key": "crm2", "identify_by": "username", "data_group": "Billing"})).await;

    let error = error_body(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&error), ["key", "identify_by", "data_group"]);
    let reasons: Vec<&str> = error["fields"].as_array().unwrap().iter().map(|f| f["reason"].as_str().unwrap()).collect();
    assert!(reasons.iter().all(|r| r.starts_with("cannot change")), "{reasons:?}");
    assert!(reasons[0].contains("URL"), "the key's reason names the endpoint URL: {}", reasons[0]);
    assert_eq!(listener(&app, "crm").await, before);

    let unchanged =
        patch(&app, json!({"key": "crm", "identify_by": "email", "data_group": "CRM data", "name": "CRM sync"})).await;
    assert_eq!(unchanged.status(), StatusCode::OK, "repeating the current values is harmless");
}

#[tokio::test]
async fn unknown_members_are_refused() {
    let app = app_with_crm().await;
    let before = listener(&app, "crm").await;
    let plan = field_id(&before, "Plan");

    let top_level = patch(&app, json!({"enabled": false, "colour": "red"})).await;
    let in_a_field =
        patch(&app, json!({"fields": [{"field_id": plan, "label": "Plan", "parameter": "plan", "required": true}]})).await;
    let bad_type = patch(&app, json!({"fields": [{"label": "Amount", "parameter": "amount", "type": "float"}]})).await;

    let error = error_body(top_level, StatusCode::BAD_REQUEST).await;
    assert!(error["message"].as_str().unwrap().contains("colour"), "{error}");
    let error = error_body(in_a_field, StatusCode::BAD_REQUEST).await;
    assert!(error["message"].as_str().unwrap().contains("required"), "{error}");
    assert_eq!(bad_type.status(), StatusCode::BAD_REQUEST);
    assert_eq!(listener(&app, "crm").await, before, "still enabled, fields as they were");
}

#[tokio::test]
async fn name_policy_and_state_change_without_touching_the_fields() {
    let app = app_with_crm().await;
    let before = listener(&app, "crm").await;

    let response = patch(&app, json!({"name": "  CRM   sync ", "unknown_user": "create", "enabled": false})).await;

    assert_eq!(response.status(), StatusCode::OK);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(
        (updated["name"].as_str(), updated["unknown_user"].as_str(), updated["enabled"].as_bool()),
        (Some("CRM sync"), Some("create"), Some(false))
    );
    assert_eq!(updated["fields"], before["fields"]);
    let disabled = app
        .post_raw("/api/v1/projects/aurora/listeners/crm/users/new@example.com", "application/json", r#"{"plan":"pro"}"#)
        .await;
    assert_eq!(disabled.status(), StatusCode::CONFLICT);

    assert_eq!(patch(&app, json!({"enabled": true})).await.status(), StatusCode::OK);
    let created = app
        .post_raw("/api/v1/projects/aurora/listeners/crm/users/new@example.com", "application/json", r#"{"plan":"pro"}"#)
        .await;
    assert_eq!(created.status(), StatusCode::OK, "unknown users are now created");
    assert_eq!(app.user_count("aurora").await, 2);
}

#[tokio::test]
async fn editing_needs_a_key_and_an_existing_listener() {
    let app = app_with_crm().await;

    let without_key = app.client.patch(app.url(LISTENER)).json(&json!({"name": "X"})).send().await.unwrap();
    let unknown = app.patch_json("/api/v1/projects/aurora/listeners/nope", &json!({"name": "X"})).await;

    assert_eq!(without_key.status(), StatusCode::UNAUTHORIZED);
    error_body(unknown, StatusCode::NOT_FOUND).await;
    assert_eq!(listener(&app, "crm").await["name"], "CRM");
}

#[tokio::test]
async fn the_openapi_document_describes_the_edit() {
    let app = spawn_app().await;

    let document: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();

    let patch = &document["paths"]["/api/v1/projects/{project}/listeners/{key}"]["patch"];
    for status in ["200", "400", "404", "409", "422"] {
        assert!(patch["responses"][status].is_object(), "PATCH documents {status}: {patch}");
    }
    let schema = &document["components"]["schemas"]["ListenerPatch"]["properties"];
    for member in ["name", "unknown_user", "enabled", "fields"] {
        assert!(schema[member].is_object(), "ListenerPatch documents {member}: {schema}");
    }
    let field = &document["components"]["schemas"]["FieldPatch"]["properties"];
    assert!(field["field_id"].is_object() && field["type"].is_object(), "{field}");
}

// ---- The pages: the edit form and the Replay button, as a browser without JavaScript posts ----

/// The `action` of the form that posts to the server function `name`.
pub(crate) fn form_action(html: &str, name: &str) -> String {
    let start = html.find(&format!(r#"action="/fn/{name}"#)).unwrap_or_else(|| panic!("no form for {name} in {html}"));
    let rest = &html[start + r#"action=""#.len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// Posts a form as a browser with JavaScript off does: urlencoded, accepting HTML, from `page`.
pub(crate) async fn post_form(app: &TestApp, action: &str, page: &str, form: &[(&str, String)]) -> Response {
    app.client
        .post(app.url(action))
        .header(ACCEPT, "text/html,application/xhtml+xml")
        .header(REFERER, app.url(page))
        .form(form)
        .send()
        .await
        .expect("Failed to post the form")
}

#[tokio::test]
async fn the_listener_page_links_to_an_edit_page_prefilled_with_the_listener() {
    let app = app_with_crm().await;
    let crm = listener(&app, "crm").await;
    app.login_as_admin().await;

    let detail = app.get_page("/p/aurora/automation/crm").await;
    let edit = app.get_page("/p/aurora/automation/crm/edit").await;

    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.body.contains(r#"href="/p/aurora/automation/crm/edit""#), "{}", detail.body);
    assert_eq!(edit.status, StatusCode::OK);
    let html = &edit.body;
    for expected in [
        "Edit CRM".to_string(),
        r#"name="name""#.to_string(),
        r#"value="CRM""#.to_string(),
        format!(r#"name="fields[0][field_id]" value="{}""#, field_id(&crm, "Plan")),
        r#"name="fields[0][label]""#.to_string(),
        r#"value="Plan""#.to_string(),
        r#"value="seats""#.to_string(),
        "Integer".to_string(),
        r#"name="fields[1][remove]""#.to_string(),
        r#"name="fields[2][type]""#.to_string(),
        "+ Add field".to_string(),
        "Save changes".to_string(),
    ] {
        assert!(html.contains(&expected), "the edit page lacks {expected}: {html}");
    }
    assert!(!html.contains(r#"name="fields[0][type]""#), "an existing field's type is shown, not editable");
}

#[tokio::test]
async fn the_edit_form_saves_without_javascript_and_shows_errors_on_their_row() {
    let app = app_with_crm().await;
    let crm = listener(&app, "crm").await;
    let (plan, seats) = (field_id(&crm, "Plan").to_string(), field_id(&crm, "Seats").to_string());
    app.login_as_admin().await;
    let page = "/p/aurora/automation/crm/edit";
    let action = form_action(&app.get_page(page).await.body, "update_listener");
    let s = |v: &str| v.to_string();

    // Row 1 is removed; row 2 is the new one; a blank row 3 would be ignored.
    let saved = post_form(
        &app,
        &action,
        page,
        &[
            ("slug", s("aurora")),
            ("key", s("crm")),
            ("name", s("CRM sync")),
            ("unknown_user", s("reject")),
            ("fields[0][field_id]", plan.clone()),
            ("fields[0][label]", s("Tier")),
            ("fields[0][parameter]", s("tier")),
            ("fields[1][field_id]", seats.clone()),
            ("fields[1][label]", s("Seats")),
            ("fields[1][parameter]", s("seats")),
            ("fields[1][remove]", s("on")),
            ("fields[2][label]", s("Churned")),
            ("fields[2][parameter]", s("churned")),
            ("fields[2][type]", s("boolean")),
            ("fields[3][label]", s("")),
            ("fields[3][parameter]", s("")),
            ("fields[3][type]", s("string")),
        ],
    )
    .await;

    assert_eq!(location(&saved), "/p/aurora/automation/crm", "back to the listener page");
    let updated = listener(&app, "crm").await;
    assert_eq!(updated["name"], "CRM sync");
    let labels: Vec<&str> = updated["fields"].as_array().unwrap().iter().map(|f| f["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["Tier", "Churned"]);
    assert_eq!(field_id(&updated, "Tier").to_string(), plan);

    // A blank label on row 1 (row 0 removed, so it is entry 0 of the list) is shown on row 1.
    let refused = post_form(
        &app,
        &action,
        page,
        &[
            ("slug", s("aurora")),
            ("key", s("crm")),
            ("name", s("CRM sync")),
            ("unknown_user", s("reject")),
            ("fields[0][field_id]", plan.clone()),
            ("fields[0][label]", s("Tier")),
            ("fields[0][parameter]", s("tier")),
            ("fields[0][remove]", s("on")),
            ("fields[1][field_id]", field_id(&updated, "Churned").to_string()),
            ("fields[1][label]", s(" ")),
            ("fields[1][parameter]", s("churned")),
        ],
    )
    .await;

    let back = location(&refused);
    assert!(back.starts_with(&app.url(page)) && back.contains("__err"), "back to the form with the error: {back}");
    let shown = fetch_page(app.client.get(&back)).await;
    assert_eq!(shown.status, StatusCode::OK);
    let row_1 = &shown.body[shown.body.find(r#"name="fields[1][label]""#).expect("row 1")..];
    let row_1 = &row_1[..row_1.find("</tr>").unwrap()];
    assert!(row_1.contains("is required and at most 100 characters"), "the error is on row 1: {}", shown.body);
    assert_eq!(listener(&app, "crm").await, updated, "nothing changed");
}

#[tokio::test]
async fn a_project_manager_off_the_team_can_neither_open_nor_post_the_edit() {
    let app = app_with_crm().await;
    let before = listener(&app, "crm").await;
    app.login_as_admin().await;
    let action = form_action(&app.get_page("/p/aurora/automation/crm/edit").await.body, "update_listener");
    app.logout().await;
    app.login_as_project_manager().await;

    let page = app.get_page("/p/aurora/automation/crm/edit").await;
    let posted = app
        .client
        .post(app.url(&action))
        .form(&[
            ("slug", "aurora"),
            ("key", "crm"),
            ("name", "Taken over"),
            ("unknown_user", "reject"),
            ("fields[0][label]", "X"),
            ("fields[0][parameter]", "x"),
            ("fields[0][type]", "string"),
        ])
        .send()
        .await
        .unwrap();

    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("No access to this project"));
    assert!(!page.body.contains(r#"value="Plan""#), "no listener data leaks into the 403 page");
    assert!(!posted.status().is_success());
    assert!(posted.text().await.unwrap().contains("not on this project"), "the server function refuses");
    assert_eq!(listener(&app, "crm").await, before);
}

#[tokio::test]
async fn a_delivery_replayed_from_the_listener_page_shows_up_as_a_replay() {
    let app = app_with_crm().await;
    let rejected = app.post_raw(ENDPOINT, "application/json", r#"{"plan":"pro","seats":"lots"}"#).await;
    assert_eq!(rejected.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let first: Value = app.get("/api/v1/projects/aurora/listeners/crm/deliveries").await.json().await.unwrap();
    let original = first["deliveries"][0]["id"].as_i64().unwrap();
    // The fix: Seats is no longer fed by this listener, so the same payload now fits.
    let plan = field_id(&listener(&app, "crm").await, "Plan");
    assert_eq!(
        patch(&app, json!({"fields": [{"field_id": plan, "label": "Plan", "parameter": "plan"}]})).await.status(),
        StatusCode::OK
    );
    app.login_as_admin().await;
    let page = "/p/aurora/automation/crm";
    let html = app.get_page(page).await.body;
    assert!(html.contains(&format!("Replay delivery #{original}")), "{html}");
    let action = form_action(&html, "replay_delivery");

    let replayed =
        post_form(&app, &action, page, &[("slug", "aurora".into()), ("key", "crm".into()), ("delivery", original.to_string())])
            .await;

    // (server_fn leaves an empty query behind when it strips old error details from the Referer)
    assert_eq!(location(&replayed).trim_end_matches('?'), app.url(page), "back to the listener page");
    let after: Value = app.get("/api/v1/projects/aurora/listeners/crm/deliveries").await.json().await.unwrap();
    let newest = &after["deliveries"][0];
    assert_eq!(
        (newest["replay_of"].as_i64(), newest["outcome"].as_str(), newest["status"].as_u64()),
        (Some(original), Some("accepted"), Some(200))
    );
    assert_eq!(values_of_ada(&app).await, [(plan, FieldValue::String("pro".into()))]);
    let refreshed = app.get_page(page).await;
    assert!(refreshed.body.contains(&format!("replay of #{original}")), "{}", refreshed.body);
}
