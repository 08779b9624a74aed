//! Views, headers, grid requests; and the filter engine's answer for every qualifier of every
//! type on empty values and at its boundaries, which the grid relies on.

use super::*;
use crate::domain::fields::FieldValue;
use crate::domain::filter::builtin_fields;
use chrono::{DateTime, Utc};
use serde_json::json;

fn schema() -> Vec<SchemaField> {
    let mut schema = builtin_fields();
    for (group, field, field_type) in [
        ("CRM", "Plan", FieldType::String),
        ("CRM", "Seats", FieldType::Integer),
        ("CRM", "Beta", FieldType::Boolean),
        ("CRM", "Renewal", FieldType::DateTime),
        ("App", "Plan", FieldType::String),
        ("Équipe", "Rôle", FieldType::String),
    ] {
        schema.push(SchemaField { data_group: group.into(), field: field.into(), field_type });
    }
    schema
}

fn view(columns: &[(&str, &str)]) -> View {
    View { columns: columns.iter().map(|(g, f)| ViewColumn::new(g, f)).collect() }
}

#[test]
fn the_default_view_shows_the_account_and_participation() {
    let columns = View::default_view().resolve(&schema(), "view.columns").unwrap();
    let names: Vec<_> = columns.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(names, ["Email", "Username", "Display name", "Status", "Joined"]);
    assert_eq!(columns[4].field_type, FieldType::DateTime);
}

#[test]
fn columns_resolve_to_the_schemas_spelling_in_any_case() {
    let columns =
        view(&[(" crm ", "SEATS"), ("équipe", "RÔLE"), ("user account", "email")]).resolve(&schema(), "columns").unwrap();
    let named: Vec<_> = columns.iter().map(|c| (c.data_group.as_str(), c.field.as_str(), c.field_type)).collect();
    assert_eq!(
        named,
        [
            ("CRM", "Seats", FieldType::Integer),
            ("Équipe", "Rôle", FieldType::String),
            ("User account", "Email", FieldType::String)
        ]
    );
}

#[test]
fn every_bad_column_is_reported_at_its_index() {
    let bad = view(&[("CRM", "Plan"), ("Nope", "Plan"), ("CRM", "Nope"), ("", "Plan"), ("crm", "plan"), ("CRM", " ")]);
    let errors = bad.resolve(&schema(), "columns").unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["columns[1].data_group", "columns[2].field", "columns[3].data_group", "columns[4].field", "columns[5].field"]
    );
    assert_eq!(errors[1].message, "data group 'CRM' has no field 'Nope'");
    assert_eq!(View::default().resolve(&schema(), "columns").unwrap_err()[0].message, "choose at least one column");
    let too_many = View { columns: vec![ViewColumn::new("CRM", "Plan"); MAX_COLUMNS + 1] };
    assert!(too_many.resolve(&schema(), "columns").unwrap_err().iter().any(|e| e.field == "columns"));
}

#[test]
fn headers_name_the_group_only_where_labels_are_shared() {
    let columns = view(&[("CRM", "Plan"), ("CRM", "Seats"), ("App", "plan"), ("User account", "Email")])
        .resolve(&schema(), "columns")
        .unwrap();
    assert_eq!(header_labels(&columns), ["CRM: Plan", "Seats", "App: Plan", "Email"]);
    let columns = GridColumn::for_columns(&columns);
    assert_eq!((columns[1].label.as_str(), columns[1].field_type), ("Seats", FieldType::Integer));
}

#[test]
fn views_follow_renamed_fields_in_their_group_only() {
    let mut renamed = view(&[("CRM", "Plan"), ("App", "Plan"), ("crm", "seats")]);
    assert!(renamed.rename_fields("CRM", &[("plan", "Tier"), ("Seats", "Plan")]));
    assert_eq!(renamed, view(&[("CRM", "Tier"), ("App", "Plan"), ("crm", "Plan")]));
    assert!(!renamed.rename_fields("Other", &[("Tier", "X")]));
}

#[test]
fn data_groups_list_builtin_groups_first() {
    let groups = data_groups(&schema());
    let names: Vec<_> = groups.iter().map(|(g, fields)| (g.as_str(), fields.len())).collect();
    assert_eq!(names, [("User account", 4), ("Participation", 2), ("CRM", 4), ("App", 1), ("Équipe", 1)]);
    assert!(is_builtin(&groups[1].1[0]) && !is_builtin(&groups[2].1[0]));
}

#[test]
fn saved_names_are_required_bounded_and_printable() {
    assert_eq!(saved::parse_name("  Pro   testers ").unwrap(), "Pro testers");
    assert!(saved::parse_name(" ").is_err());
    assert!(saved::parse_name(&"x".repeat(MAX_NAME_CHARS + 1)).is_err());
    assert!(saved::parse_name("a\u{0}b").is_err());
}

#[test]
fn a_saved_filter_reports_every_problem_under_its_own_names() {
    let filter: Filter = serde_json::from_value(json!({"criteria": [
        {"data_group": "crm", "field": "seats", "qualifier": "gt", "value": "5"},
        {"data_group": "CRM", "field": "Seats", "qualifier": "gt", "value": "many"},
    ]}))
    .unwrap();
    let errors = FilterForCreate::parse("", filter.clone(), &schema()).unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "criteria[1].value"]);
    let mut fixed = filter;
    fixed.criteria.pop();
    let saved = FilterForCreate::parse("Big", fixed, &schema()).unwrap();
    assert_eq!(saved.filter.criteria[0].field, "Seats", "stored in the schema's spelling");
    assert_eq!(saved.filter.criteria[0].value, Some(json!(5)), "operands stored in their canonical JSON");
}

#[test]
fn a_saved_view_keeps_the_schemas_spelling() {
    let saved = ViewForCreate::parse("Mine", &view(&[("crm", "plan")]), &schema()).unwrap();
    assert_eq!(saved.columns, [ViewColumn::new("CRM", "Plan")]);
    let errors = ViewForCreate::parse(" ", &view(&[("crm", "x")]), &schema()).unwrap_err();
    assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["name", "columns[0].field"]);
}

#[test]
fn choices_read_ids_objects_and_null() {
    assert_eq!(Choice::<View>::from_json(None, "view").unwrap(), None);
    assert_eq!(Choice::<View>::from_json(Some(json!(null)), "view").unwrap(), None);
    assert_eq!(Choice::<View>::from_json(Some(json!(7)), "view").unwrap(), Some(Choice::Saved(7)));
    let inline = Choice::<View>::from_json(Some(json!({"columns": [{"data_group": "CRM", "field": "Plan"}]})), "view").unwrap();
    assert_eq!(inline, Some(Choice::Inline(view(&[("CRM", "Plan")]))));
    for bad in [json!("7"), json!(1.5), json!({"colums": []}), json!([1])] {
        assert_eq!(Choice::<View>::from_json(Some(bad.clone()), "view").unwrap_err().field, "view", "{bad}");
    }
}

#[test]
fn paging_and_sort_are_checked_against_the_view() {
    let request = |page, per_page, sort: Vec<SortKey>| GridRequest { page, per_page, sort, ..Default::default() };
    let key = |column| SortKey { column, order: SortOrder::Desc };
    let fields = |errors: Vec<ValidationError>| errors.into_iter().map(|e| e.field).collect::<Vec<_>>();
    assert!(request(1, 200, vec![key(4)]).check_page().is_empty());
    assert!(request(1, 200, vec![key(4)]).check_sort(5).is_empty());
    assert_eq!(fields(request(0, 201, vec![]).check_page()), ["page", "per_page"]);
    assert_eq!(fields(request(1, 1, vec![key(5), key(1), key(1)]).check_sort(5)), ["sort[0].column", "sort[2].column"]);
    assert_eq!(fields(request(1, 0, vec![]).check_page()), ["per_page"]);
    let page = GridPage { total: 101, page: 1, per_page: 50, columns: vec![], rows: vec![] };
    assert_eq!(page.pages(), 3);
}

fn now() -> DateTime<Utc> {
    "2026-11-29T12:00:00Z".parse().unwrap()
}

/// Whether one CRM criterion holds for a user whose value is `value` (`None`: no value).
fn holds(field: &str, qualifier: &str, operand: serde_json::Value, value: Option<FieldValue>) -> bool {
    let filter: Filter = serde_json::from_value(
        json!({"criteria": [{"data_group": "CRM", "field": field, "qualifier": qualifier, "value": operand}]}),
    )
    .unwrap();
    let checked = filter.check(&schema()).unwrap_or_else(|e| panic!("{field} {qualifier}: {e:?}"));
    checked.matches(|_, _| value.clone(), now())
}

/// Every qualifier of every type, on no value and at its boundaries (the filter's own tests
/// cover the common cases; these are the edges a grid query must agree with).
#[test]
fn every_qualifier_answers_empty_values_and_boundaries() {
    let text = |s: &str| Some(FieldValue::String(s.into()));
    let int = |n| Some(FieldValue::Integer(n));
    let boolean = |b| Some(FieldValue::Boolean(b));
    let time = |s: &str| Some(FieldValue::DateTime(s.parse().unwrap()));
    let null = serde_json::Value::Null;
    let cases = [
        // String: an empty text is empty; only the negated tests hold for no value.
        ("Plan", "is", json!("pro"), text(""), false),
        ("Plan", "is_not", json!("pro"), text(""), true),
        ("Plan", "contains", json!("p"), text(""), false),
        ("Plan", "does_not_contain", json!("p"), text(""), true),
        ("Plan", "starts_with", json!("p"), None, false),
        ("Plan", "starts_with", json!("PRO"), text("pro"), true),
        ("Plan", "starts_with", json!("prox"), text("pro"), false),
        ("Plan", "contains", json!("pro"), text("pro"), true),
        ("Plan", "is_not_empty", null.clone(), None, false),
        ("Plan", "is_not_empty", null.clone(), text("x"), true),
        ("Plan", "is", json!("σ"), text("Σ"), true),
        ("Plan", "contains", json!("straße"), text("STRASSE"), false),
        // Integer: no value answers no comparison; bounds are inclusive where they say so.
        ("Seats", "eq", json!(0), None, false),
        ("Seats", "lt", json!(0), None, false),
        ("Seats", "le", json!(0), None, false),
        ("Seats", "gt", json!(0), None, false),
        ("Seats", "ge", json!(0), None, false),
        ("Seats", "between", json!([0, 0]), None, false),
        ("Seats", "between", json!([0, 0]), int(0), true),
        ("Seats", "between", json!([5, 9]), int(4), false),
        ("Seats", "le", json!(i64::MAX), int(i64::MAX), true),
        ("Seats", "ge", json!(i64::MIN), int(i64::MIN), true),
        ("Seats", "lt", json!(i64::MIN), int(i64::MIN), false),
        ("Seats", "gt", json!(-1), int(0), true),
        ("Seats", "eq", json!(0), int(0), true),
        ("Seats", "is_empty", null.clone(), None, true),
        ("Seats", "is_not_empty", null.clone(), int(0), true),
        ("Seats", "is_not_empty", null.clone(), None, false),
        // Boolean: no value is neither true nor false.
        ("Beta", "is_true", null.clone(), boolean(false), false),
        ("Beta", "is_false", null.clone(), boolean(true), false),
        ("Beta", "is_empty", null.clone(), None, true),
        ("Beta", "is_empty", null.clone(), boolean(false), false),
        ("Beta", "is_not_empty", null.clone(), boolean(false), true),
        ("Beta", "is_not_empty", null.clone(), None, false),
        // Date and time: no value is before, after and on nothing.
        ("Renewal", "before", json!("2026-01-01"), None, false),
        ("Renewal", "after", json!("2026-01-01"), None, false),
        ("Renewal", "on", json!("2026-01-01"), None, false),
        ("Renewal", "between", json!(["2026-01-01", "2026-12-31"]), None, false),
        ("Renewal", "before", json!("2026-01-01T00:00:00Z"), time("2025-12-31T23:59:59.999999Z"), true),
        ("Renewal", "after", json!("2026-01-01T00:00:00Z"), time("2026-01-01T00:00:00.000001Z"), true),
        ("Renewal", "on", json!("2026-01-01"), time("2025-12-31T23:59:59.999999Z"), false),
        ("Renewal", "on", json!("2026-01-01"), time("2026-01-01T00:00:00Z"), true),
        ("Renewal", "on", json!("9999-12-31"), time("9999-12-31T23:59:59Z"), true),
        ("Renewal", "between", json!(["2026-01-01", "2026-01-01"]), time("2026-01-01T00:00:00Z"), true),
        ("Renewal", "between", json!(["2026-01-01", "2026-01-01"]), time("2026-01-01T00:00:01Z"), false),
        ("Renewal", "in_last_days", json!(1), time("2026-11-28T12:00:00Z"), true),
        ("Renewal", "in_last_days", json!(1), time("2026-11-28T11:59:59Z"), false),
        ("Renewal", "in_last_days", json!(36_500), time("0001-01-01T00:00:00Z"), false),
        ("Renewal", "is_empty", null.clone(), None, true),
        ("Renewal", "is_empty", null.clone(), time("2026-01-01T00:00:00Z"), false),
        ("Renewal", "is_not_empty", null, None, false),
    ];
    for (field, qualifier, operand, value, expected) in cases {
        assert_eq!(
            holds(field, qualifier, operand.clone(), value.clone()),
            expected,
            "{field} {qualifier} {operand} on {value:?}"
        );
    }
}
