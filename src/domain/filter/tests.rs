//! The filter's JSON shape, checking against a schema, and evaluation: unit and property tests.

use super::*;
use serde_json::json;

fn schema() -> Vec<SchemaField> {
    let mut schema = builtin_fields();
    let app = [("Plan", FieldType::String), ("Seats", FieldType::Integer), ("Beta", FieldType::Boolean)];
    for (field, field_type) in app.into_iter().chain([("Renewal", FieldType::DateTime), ("Status", FieldType::String)]) {
        schema.push(SchemaField { data_group: "App data".into(), field: field.into(), field_type });
    }
    schema
}

fn check(filter: Json) -> Result<CheckedFilter, Vec<ValidationError>> {
    serde_json::from_value::<Filter>(filter).unwrap().check(&schema())
}

fn on_app_data(field: &str, qualifier: &str, value: Json) -> Json {
    json!({"data_group": "App data", "field": field, "qualifier": qualifier, "value": value})
}

fn now() -> DateTime<Utc> {
    at("2026-11-29T12:00:00Z")
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

/// Whether one "App data" criterion holds for a user whose value of that field is `value`.
fn holds(field: &str, qualifier: &str, operand: Json, value: Option<FieldValue>) -> bool {
    let filter = check(json!({"criteria": [on_app_data(field, qualifier, operand)]})).unwrap();
    filter.matches(|_, _| value.clone(), now())
}

#[test]
fn filters_read_and_write_the_public_json() {
    let text = r#"{"match":"any","criteria":[{"data_group":"App data","field":"Plan","qualifier":"is","value":"pro"},{"data_group":"App data","field":"Beta","qualifier":"is_true"}]}"#;
    let filter: Filter = serde_json::from_str(text).unwrap();
    assert_eq!((filter.combine, filter.criteria[1].value.clone()), (Combine::Any, None));
    assert_eq!(serde_json::to_string(&filter).unwrap(), text);
    assert_eq!(serde_json::to_string(&filter.check(&schema()).unwrap()).unwrap(), text);
    assert_eq!(serde_json::from_str::<Filter>("{}").unwrap(), Filter { combine: Combine::All, criteria: vec![] });
    let on = check(json!({"criteria": [on_app_data("Renewal", "on", json!("2026-11-29T23:30:00-05:00"))]})).unwrap();
    assert_eq!(on.to_filter().criteria[0].value, Some(json!("2026-11-30")), "the UTC day, as a date");
    assert!(
        serde_json::from_str::<Filter>(r#"{"criteria":[{"data_group":"A","field":"B","qualifier":"is","vaule":1}]}"#).is_err()
    );
    assert!(serde_json::from_str::<Filter>(r#"{"criteria":[{"data_group":"A","field":"B","qualifier":"equals"}]}"#).is_err());
}

#[test]
fn each_type_offers_the_qualifiers_of_the_product_under_stable_names() {
    let labels = |field_type| Qualifier::for_type(field_type).iter().map(Qualifier::label).collect::<Vec<_>>().join(", ");
    assert_eq!(labels(FieldType::String), "is, is not, contains, does not contain, starts with, is empty, is not empty");
    assert_eq!(labels(FieldType::Integer), "=, ≠, <, ≤, >, ≥, between, is empty, is not empty");
    assert_eq!(labels(FieldType::Boolean), "is true, is false, is empty, is not empty");
    assert_eq!(labels(FieldType::DateTime), "before, after, on, between, in the last N days, is empty, is not empty");
    for &qualifier in FieldType::ALL.into_iter().flat_map(Qualifier::for_type) {
        assert_eq!(serde_json::to_value(qualifier).unwrap(), json!(qualifier.as_str()));
        assert_eq!(Qualifier::parse(qualifier.as_str()), Some(qualifier));
    }
    assert_eq!(Qualifier::parse("Is"), None);
}

#[test]
fn names_match_ignoring_case_and_spaces_and_keep_the_schemas_spelling() {
    let filter = check(json!({"criteria": [
        {"data_group": " app DATA ", "field": "plan ", "qualifier": "is", "value": "pro"},
        {"data_group": "participation", "field": "JOINED", "qualifier": "in_last_days", "value": 30},
        {"data_group": "User account", "field": "Display name", "qualifier": "is_not_empty"},
    ]}))
    .unwrap();
    assert_eq!(
        filter.fields().collect::<Vec<_>>(),
        [("App data", "Plan"), ("Participation", "Joined"), ("User account", "Display name")]
    );
    assert_eq!(filter.criteria()[1].test, Test::TimeInLastDays(30));
}

#[test]
fn names_match_ignoring_case_in_any_script_as_the_store_does() {
    let schema = [SchemaField { data_group: "Équipe".into(), field: "État".into(), field_type: FieldType::String }];
    let criterion = json!({"criteria": [{"data_group": "équipe", "field": "ÉTAT", "qualifier": "is", "value": "ok"}]});
    let filter = serde_json::from_value::<Filter>(criterion).unwrap().check(&schema).unwrap();
    assert_eq!(filter.fields().collect::<Vec<_>>(), [("Équipe", "État")]);
}

#[test]
fn every_problem_is_reported_at_once_at_its_path() {
    let errors = check(json!({"criteria": [
        {"data_group": "Nope", "field": "Plan", "qualifier": "is", "value": "x"},
        on_app_data("Colour", "is", json!("x")),
        on_app_data("Seats", "contains", json!("3")),
        on_app_data("Plan", "is", json!("pro")),
        {"data_group": " ", "field": "Plan", "qualifier": "is", "value": "x"},
        on_app_data("", "is", json!("x")),
        on_app_data("Seats", "between", json!([9, 5])),
    ]}))
    .unwrap_err();
    let found: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
    assert_eq!(
        found,
        [
            ("filter.criteria[0].data_group", "there is no data group 'Nope'"),
            ("filter.criteria[1].field", "data group 'App data' has no field 'Colour'"),
            (
                "filter.criteria[2].qualifier",
                "'contains' does not apply to Integer fields; use one of =, ≠, <, ≤, >, ≥, between, is empty, is not empty"
            ),
            ("filter.criteria[4].data_group", "choose a data group"),
            ("filter.criteria[5].field", "choose a field"),
            ("filter.criteria[6].value", "needs from ≤ to"),
        ]
    );
    let too_many = vec![on_app_data("Beta", "is_true", Json::Null); MAX_CRITERIA + 1];
    assert_eq!(check(json!({ "criteria": too_many[1..] })).map(|f| f.criteria().len()), Ok(MAX_CRITERIA));
    assert_eq!(check(json!({ "criteria": too_many })).unwrap_err()[0].field, "filter.criteria");
}

#[test]
fn operands_must_fit_the_qualifier() {
    let cases = [
        ("Plan", "is", Json::Null, "needs a value"),
        ("Plan", "starts_with", json!(""), "needs a text; to find empty values use 'is empty'"),
        ("Plan", "contains", json!(["a"]), "expected a text, number or boolean"),
        ("Plan", "is_empty", json!(""), "'is empty' takes no value"),
        ("Beta", "is_true", json!(true), "'is true' takes no value"),
        ("Seats", "eq", json!("ten"), "expected a whole number"),
        ("Seats", "between", json!(5), "needs two values [from, to]"),
        ("Seats", "between", json!([1, 2, 3]), "needs two values [from, to]"),
        ("Seats", "between", json!([1, "x"]), "to: expected a whole number"),
        ("Renewal", "before", json!("tomorrow"), "expected an RFC 3339 date-time"),
        ("Renewal", "on", json!(253_402_300_800i64), "expected a date between the years 1 and 9999"),
        ("Renewal", "between", json!(["2026-02-01", "2026-01-31T23:59:59Z"]), "needs from ≤ to"),
        ("Renewal", "in_last_days", json!(0), "needs a whole number of days, 1 to 36500"),
        ("Renewal", "in_last_days", json!(36_501), "needs a whole number of days, 1 to 36500"),
        ("Renewal", "in_last_days", json!(1.5), "needs a whole number of days, 1 to 36500"),
    ];
    for (field, qualifier, operand, message) in cases {
        let errors = check(json!({"criteria": [on_app_data(field, qualifier, operand.clone())]})).unwrap_err();
        assert_eq!(errors[0].field, "filter.criteria[0].value", "{qualifier} {operand}");
        assert!(errors[0].message.starts_with(message), "{qualifier} {operand}: {}", errors[0].message);
    }
}

#[test]
fn each_qualifier_means_what_its_label_says() {
    let text = |s: &str| Some(FieldValue::String(s.into()));
    let int = |n| Some(FieldValue::Integer(n));
    let time = |s: &str| Some(FieldValue::DateTime(at(s)));
    let january = json!(["2026-01-01", "2026-01-31T00:00:00Z"]);
    let cases = [
        ("Plan", "is", json!("PRO"), text("pro"), true),
        ("Plan", "is", json!("über"), text("ÜBER"), true),
        ("Plan", "is", json!("pro"), text("pro plus"), false),
        ("Plan", "is", json!("pro"), None, false),
        ("Plan", "is_not", json!("pro"), text("Pro"), false),
        ("Plan", "is_not", json!("pro"), None, true),
        ("Plan", "contains", json!("RO"), text("pro"), true),
        ("Plan", "contains", json!("x"), None, false),
        ("Plan", "does_not_contain", json!("x"), text("pro"), true),
        ("Plan", "does_not_contain", json!("x"), None, true),
        ("Plan", "starts_with", json!("PR"), text("pro"), true),
        ("Plan", "starts_with", json!("ro"), text("pro"), false),
        ("Plan", "is_empty", Json::Null, text(""), true),
        ("Plan", "is_empty", Json::Null, None, true),
        ("Plan", "is_empty", Json::Null, text(" "), false),
        ("Plan", "is_not_empty", Json::Null, text(""), false),
        ("Seats", "eq", json!("5"), int(5), true),
        ("Seats", "ne", json!(5), int(5), false),
        ("Seats", "ne", json!(5), None, false),
        ("Seats", "lt", json!(5), int(4), true),
        ("Seats", "lt", json!(5), int(5), false),
        ("Seats", "le", json!(5), int(5), true),
        ("Seats", "gt", json!(5), int(5), false),
        ("Seats", "ge", json!(5), int(5), true),
        ("Seats", "between", json!([5, 9]), int(5), true),
        ("Seats", "between", json!([5, 9]), int(9), true),
        ("Seats", "between", json!([5, 9]), int(10), false),
        ("Seats", "is_empty", Json::Null, int(0), false),
        ("Beta", "is_true", Json::Null, Some(FieldValue::Boolean(true)), true),
        ("Beta", "is_true", Json::Null, None, false),
        ("Beta", "is_false", Json::Null, Some(FieldValue::Boolean(false)), true),
        ("Beta", "is_false", Json::Null, None, false),
        ("Renewal", "before", json!("2026-11-29"), time("2026-11-28T23:59:59Z"), true),
        ("Renewal", "before", json!("2026-11-29"), time("2026-11-29T00:00:00Z"), false),
        ("Renewal", "after", json!("2026-11-29"), time("2026-11-29T00:00:00Z"), false),
        ("Renewal", "after", json!(1_795_910_400), time("2026-11-29T00:00:01Z"), true),
        ("Renewal", "on", json!("2026-11-29"), time("2026-11-29T23:59:59Z"), true),
        ("Renewal", "on", json!("2026-11-29"), time("2026-11-30T00:00:00Z"), false),
        ("Renewal", "on", json!("2026-11-29T23:30:00-05:00"), time("2026-11-30T12:00:00Z"), true),
        ("Renewal", "between", january.clone(), time("2026-01-01T00:00:00Z"), true),
        ("Renewal", "between", january.clone(), time("2026-01-31T00:00:00Z"), true),
        ("Renewal", "between", january, time("2026-01-31T00:00:01Z"), false),
        ("Renewal", "in_last_days", json!(7), time("2026-11-29T12:00:00Z"), true),
        ("Renewal", "in_last_days", json!(7), time("2026-11-22T12:00:00Z"), true),
        ("Renewal", "in_last_days", json!(7), time("2026-11-22T11:59:59Z"), false),
        ("Renewal", "in_last_days", json!("7"), time("2026-11-29T12:00:01Z"), false),
        ("Renewal", "in_last_days", json!(7), None, false),
        ("Renewal", "is_not_empty", Json::Null, time("2026-11-29T12:00:00Z"), true),
    ];
    for (field, qualifier, operand, value, expected) in cases {
        assert_eq!(
            holds(field, qualifier, operand.clone(), value.clone()),
            expected,
            "{field} {qualifier} {operand} on {value:?}"
        );
    }
}

#[test]
fn criteria_combine_and_no_criteria_means_everyone() {
    let pro_or_big = |combine: &str| {
        let criteria = [on_app_data("Plan", "is", json!("pro")), on_app_data("Seats", "ge", json!(5))];
        check(json!({"match": combine, "criteria": criteria})).unwrap()
    };
    let user = |plan: &str, seats: i64| {
        let plan = FieldValue::String(plan.into());
        move |_: &str, field: &str| Some(if field == "Plan" { plan.clone() } else { FieldValue::Integer(seats) })
    };
    assert!(pro_or_big("all").matches(user("pro", 5), now()));
    assert!(!pro_or_big("all").matches(user("pro", 4), now()));
    assert!(pro_or_big("any").matches(user("free", 5), now()));
    assert!(!pro_or_big("any").matches(user("free", 4), now()));
    for combine in ["all", "any"] {
        assert!(check(json!({"match": combine})).unwrap().matches(|_, _| None, now()));
    }
}

#[test]
fn a_value_of_another_type_counts_as_missing() {
    assert!(holds("Seats", "is_empty", Json::Null, Some(FieldValue::String("5".into()))));
    assert!(!holds("Seats", "eq", json!(5), Some(FieldValue::String("5".into()))));
    assert!(holds("Plan", "is_not", json!("5"), Some(FieldValue::Integer(5))));
}

#[test]
fn the_summary_reads_as_one_line() {
    let filter = check(json!({"criteria": [on_app_data("Plan", "is", json!("pro")), on_app_data("Seats", "ge", json!(5))]}));
    assert_eq!(filter.unwrap().describe(), r#"Plan is "pro" and Seats ≥ 5"#);
    let filter = check(json!({"match": "any", "criteria": [
        on_app_data("Renewal", "between", json!(["2026-01-01", "2026-06-30T12:00:00+02:00"])),
        {"data_group": "participation", "field": "status", "qualifier": "is", "value": "say \"hi\""},
        on_app_data("Status", "is_empty", Json::Null),
        on_app_data("Renewal", "in_last_days", json!(1)),
        on_app_data("Beta", "is_false", Json::Null),
    ]}));
    assert_eq!(
        filter.unwrap().describe(),
        r#"Renewal between 2026-01-01 and 2026-06-30T10:00:00Z or Status (Participation) is "say \"hi\"" or Status (App data) is empty or Renewal in the last day or Beta is false"#
    );
    assert_eq!(CheckedFilter::default().describe(), "everyone");
}

mod properties {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn noise() -> impl Strategy<Value = Option<Json>> {
        let scalar = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::from),
            any::<i64>().prop_map(Json::from),
            "[a-zA-ZÀ-ÿ ]{0,6}".prop_map(Json::from),
            (-1_000_000_000i64..300_000_000_000).prop_map(|s| Json::from(Utc.timestamp_opt(s, 0).unwrap().to_rfc3339())),
        ];
        prop_oneof![Just(None), scalar.clone().prop_map(Some), prop::collection::vec(scalar, 0..4).prop_map(|v| Some(json!(v)))]
    }

    /// Mostly real fields, with a qualifier they offer and an operand that fits it, so that
    /// most filters pass the check; some noise, so that some do not.
    fn any_criterion() -> impl Strategy<Value = Criterion> {
        let mut fields = schema();
        fields.push(SchemaField { data_group: "App data".into(), field: "Nope".into(), field_type: FieldType::Boolean });
        let times = [0, 1].map(|_| (0..4_000_000_000i64, 0..1_000_000_000u32, -14..=14i32));
        let (field, pick) = (prop::sample::select(fields), any::<prop::sample::Index>());
        let operands = ("[a-cA-Cß ]{0,4}", (-9i64..9, 1..=MAX_DAYS), times, prop::option::weighted(0.2, noise()));
        (field, pick, operands).prop_map(|(field, pick, (text, (int, days), times, noise))| {
            let [from, to] = times.map(|(seconds, nanos, hours)| {
                let at = Utc.timestamp_opt(seconds, nanos).unwrap();
                at.with_timezone(&chrono::FixedOffset::east_opt(hours * 3600).unwrap()).to_rfc3339()
            });
            let qualifier = *pick.get(Qualifier::for_type(field.field_type));
            let fitting = match qualifier {
                Q::IsEmpty | Q::IsNotEmpty | Q::IsTrue | Q::IsFalse => None,
                Q::Between if field.field_type == FieldType::Integer => Some(json!([int, int + days])),
                Q::Between => Some(json!([from, to])),
                Q::Before | Q::After | Q::On => Some(json!(from)),
                Q::InLastDays => Some(json!(days)),
                Q::Eq | Q::Ne | Q::Lt | Q::Le | Q::Gt | Q::Ge => Some(json!(int)),
                _ => Some(json!(text)),
            };
            let data_group = field.data_group.to_uppercase();
            Criterion { data_group, field: field.field, qualifier, value: noise.unwrap_or(fitting) }
        })
    }

    type User = (Option<String>, Option<i64>, Option<bool>, Option<i64>);

    fn value_of(user: &User) -> impl Fn(&str, &str) -> Option<FieldValue> + '_ {
        move |_, field| match field {
            "Seats" => user.1.map(FieldValue::Integer),
            "Beta" => user.2.map(FieldValue::Boolean),
            "Renewal" | "Created" | "Joined" => user.3.map(|s| FieldValue::DateTime(Utc.timestamp_opt(s, 0).unwrap())),
            _ => user.0.clone().map(FieldValue::String),
        }
    }

    fn any_user() -> impl Strategy<Value = User> {
        let seconds = now().timestamp() - 100_000_000..now().timestamp() + 1_000_000;
        let text = prop::option::of("[a-cA-C ]{0,4}");
        (text, prop::option::of(-10i64..10), prop::option::of(any::<bool>()), prop::option::of(seconds))
    }

    proptest! {
        #[test]
        fn whatever_check_accepts_is_stored_and_read_back_unchanged(
            criteria in prop::collection::vec(any_criterion(), 0..4),
            any in any::<bool>(),
        ) {
            let filter = Filter { combine: if any { Combine::Any } else { Combine::All }, criteria };
            if let Ok(checked) = filter.check(&schema()) {
                let stored = serde_json::to_string(&checked).unwrap();
                let read: Filter = serde_json::from_str(&stored).unwrap();
                prop_assert_eq!(read.check(&schema()), Ok(checked));
            }
        }

        #[test]
        fn all_and_any_agree_with_their_criteria(criteria in prop::collection::vec(any_criterion(), 1..4), user in any_user()) {
            let Ok(checked) = Filter { combine: Combine::All, criteria }.check(&schema()) else { return Ok(()) };
            let each: Vec<bool> = checked.criteria.iter().map(|c| {
                CheckedFilter { combine: Combine::All, criteria: vec![c.clone()] }.matches(value_of(&user), now())
            }).collect();
            prop_assert_eq!(checked.matches(value_of(&user), now()), each.iter().all(|m| *m));
            let any = CheckedFilter { combine: Combine::Any, ..checked };
            prop_assert_eq!(any.matches(value_of(&user), now()), each.iter().any(|m| *m));
        }

        #[test]
        fn negated_qualifiers_are_complements(operand in "[a-cA-C]{1,3}", user in any_user()) {
            let value = value_of(&user)("App data", "Plan");
            for (yes, no) in [("is", "is_not"), ("contains", "does_not_contain"), ("is_empty", "is_not_empty")] {
                let operand = if yes == "is_empty" { Json::Null } else { json!(operand) };
                prop_assert_ne!(holds("Plan", yes, operand.clone(), value.clone()), holds("Plan", no, operand, value.clone()));
            }
        }

        #[test]
        fn integer_comparisons_agree_with_arithmetic(n in -12i64..12, width in 0i64..6, user in any_user()) {
            let value = value_of(&user)("App data", "Seats");
            let seats = user.1;
            let ge = holds("Seats", "ge", json!(n), value.clone());
            let le_top = holds("Seats", "le", json!(n + width), value.clone());
            prop_assert_eq!(holds("Seats", "between", json!([n, n + width]), value.clone()), ge && le_top);
            prop_assert_eq!(holds("Seats", "lt", json!(n), value.clone()), seats.is_some_and(|s| s < n));
            prop_assert_eq!(holds("Seats", "ne", json!(n), value.clone()), seats.is_some_and(|s| s != n));
            prop_assert_eq!(holds("Seats", "eq", json!(n), value), seats == Some(n));
        }

        #[test]
        fn the_last_n_days_are_the_instants_from_n_days_ago_to_now(days in 1..=MAX_DAYS, user in any_user()) {
            let value = value_of(&user)("App data", "Renewal");
            let since = rfc3339(&(now() - TimeDelta::days(days)));
            let between = holds("Renewal", "between", json!([since, rfc3339(&now())]), value.clone());
            prop_assert_eq!(holds("Renewal", "in_last_days", json!(days), value), between);
        }
    }
}

#[test]
fn renames_are_followed_at_once_in_their_data_group_only() {
    let mut filter: Filter = serde_json::from_value(json!({"match": "any", "criteria": [
        on_app_data("plan ", "is", json!("pro")),
        on_app_data("Seats", "gt", json!(3)),
        on_app_data("Beta", "is_true", Json::Null),
        {"data_group": "User account", "field": "Seats", "qualifier": "is_empty"},
    ]}))
    .unwrap();
    assert!(filter.rename_fields(" app DATA", &[("Plan", "Seats"), ("Seats", "Plan")]));
    let fields: Vec<_> = filter.criteria.iter().map(|c| (c.data_group.as_str(), c.field.as_str())).collect();
    assert_eq!(
        fields,
        [("App data", "Seats"), ("App data", "Plan"), ("App data", "Beta"), ("User account", "Seats")],
        "a swap is not undone half-way; another data group's field of the same name stays"
    );
    assert!(!filter.rename_fields("App data", &[("Renewal", "Renews")]), "no criterion names it");
}
