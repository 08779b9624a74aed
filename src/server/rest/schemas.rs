//! Request-schema pieces that state the server's rules, for `#[schema(schema_with = …)]` on a
//! body's members: a client that fits them is refused only by the state (404, 409). Each is
//! written once here, beside the rule it mirrors, and used by every body that has the member.
//! Patterns are ECMA-262 and Python-compatible (the contract run generates from them).

use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::fields::FieldType;
use crate::domain::filter::Qualifier;

/// Text that people read: no control characters (NUL, tabs, line breaks) and at least one
/// character that is not a space.
pub const PRINTABLE: &str = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";
/// `Slug::parse`: 2–48 of a-z, 0-9 and '-', not at either end, not a reserved word.
pub const SLUG: &str = r"^(?!(?:new|api|admin|login|logout|pkg|static)$)[a-z0-9][a-z0-9-]{0,46}[a-z0-9]$";
/// `parse_listener_key`: 2–40 of a-z, 0-9, '-' and '_', starting with a letter or digit; not `new`.
pub const LISTENER_KEY: &str = r"^(?!new$)[a-z0-9][a-z0-9_-]{1,39}$";
/// `Username::parse` (case-insensitive: stored lower-case).
pub const USERNAME: &str = r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$";
/// `validate_mappings`: a JSON member name or a dotted path, without spaces or control characters.
pub const PARAMETER: &str = r"^[^\s\x00-\x1f\x7f-\x9f.]+(?:\.[^\s\x00-\x1f\x7f-\x9f.]+)*$";

fn text(pattern: &str, min: usize, max: usize) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).min_length(Some(min)).max_length(Some(max))
}

/// The same text, or null.
pub fn nullable(builder: ObjectBuilder) -> ObjectBuilder {
    builder.schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

/// A name or label people read, at most `max` characters.
pub fn printable(max: usize) -> ObjectBuilder {
    text(PRINTABLE, 1, max)
}

pub fn slug() -> ObjectBuilder {
    text(SLUG, 2, 48).examples(["aurora-beta"])
}

pub fn optional_slug() -> ObjectBuilder {
    nullable(slug()).description(Some("URL name; suggested from the name when omitted or null."))
}

pub fn listener_key() -> ObjectBuilder {
    text(LISTENER_KEY, 2, 40).examples(["appdata"])
}

pub fn optional_listener_key() -> ObjectBuilder {
    nullable(listener_key())
}

pub fn email() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::Custom("email".into())))
        .max_length(Some(254))
        .examples(["ada@example.com"])
}

pub fn username() -> ObjectBuilder {
    text(USERNAME, 2, 64).examples(["ada"])
}

pub fn project_name() -> ObjectBuilder {
    printable(120).examples(["Aurora beta"])
}

pub fn display_name() -> ObjectBuilder {
    printable(200).examples(["Ada Lovelace"])
}

pub fn listener_name() -> ObjectBuilder {
    printable(120).examples(["Mobile app"])
}

pub fn optional_listener_name() -> ObjectBuilder {
    nullable(listener_name())
}

pub fn field_label() -> ObjectBuilder {
    printable(100).examples(["Plan"])
}

pub fn data_group() -> ObjectBuilder {
    printable(100)
        .description(Some("The data group's label; an existing group of the project is reused. Not a built-in group (User account, Participation)."))
        .examples(["App data"])
}

pub fn optional_data_group() -> ObjectBuilder {
    nullable(data_group())
}

pub fn parameter() -> ObjectBuilder {
    text(PARAMETER, 1, 200)
        .description(Some("The member of the posted JSON: a name, or a dotted path such as `account.plan`."))
        .examples(["account.plan"])
}

/// One of `values`, e.g. `identify_by`.
pub fn one_of(values: &[&str]) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values.iter().copied()))
}

pub fn optional_one_of(values: &[&str]) -> ObjectBuilder {
    let mut with_null: Vec<serde_json::Value> = values.iter().map(|v| serde_json::Value::from(*v)).collect();
    with_null.push(serde_json::Value::Null);
    ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null])).enum_values(Some(with_null))
}

pub fn field_type() -> ObjectBuilder {
    one_of(&FieldType::ALL.map(|t| t.as_str()))
}

pub fn optional_field_type() -> ObjectBuilder {
    optional_one_of(&FieldType::ALL.map(|t| t.as_str()))
}

pub fn identify_by() -> ObjectBuilder {
    one_of(&["email", "username"]).description(Some("How the endpoint URL names a user.")).default(Some("email".into()))
}

pub fn optional_identify_by() -> ObjectBuilder {
    optional_one_of(&["email", "username"])
}

pub fn unknown_user() -> ObjectBuilder {
    one_of(&["reject", "create"])
        .description(Some("reject (404 for unknown users) or create (add them; needs identify_by email)."))
        .default(Some("reject".into()))
}

pub fn optional_unknown_user() -> ObjectBuilder {
    optional_one_of(&["reject", "create"])
        .description(Some("reject (404 for unknown users) or create (add them; needs identify_by email)."))
}

/// A signing secret: 16 to 200 visible ASCII characters.
pub fn signing_secret() -> ObjectBuilder {
    nullable(text(r"^[!-~]{16,200}$", 16, 200))
}

/// Every qualifier a criterion may use (which ones fit depends on the field's type).
fn qualifiers() -> Vec<&'static str> {
    let mut names: Vec<&str> = Vec::new();
    for qualifier in FieldType::ALL.iter().flat_map(|t| Qualifier::for_type(*t)) {
        if !names.contains(&qualifier.as_str()) {
            names.push(qualifier.as_str());
        }
    }
    names
}

/// One criterion of a filter: `{"data_group", "field", "qualifier", "value"}`.
fn criterion() -> ObjectBuilder {
    ObjectBuilder::new()
        .property("data_group", printable(100).examples(["User account"]))
        .required("data_group")
        .property("field", printable(100).examples(["Email"]))
        .required("field")
        .property("qualifier", one_of(&qualifiers()).examples(["contains"]))
        .required("qualifier")
        .property(
            "value",
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Number, Type::Boolean, Type::Array, Type::Null]))
                .description(Some(
                    "The operand: text, a number, an RFC 3339 time, [low, high] for between, days for in_last_days; \
                 none for is_empty, is_not_empty, is_true, is_false.",
                ))
                .examples(["@example.com"]),
        )
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

fn criteria(criterion: ObjectBuilder) -> ArrayBuilder {
    ArrayBuilder::new().items(criterion).max_items(Some(crate::domain::filter::MAX_CRITERIA))
}

/// A saved filter's criteria (none: everyone), or null to keep them (PATCH).
pub fn optional_criteria() -> ArrayBuilder {
    criteria(criterion()).schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
}

/// `all` or `any` (default all), or null.
pub fn optional_match() -> ObjectBuilder {
    optional_one_of(&["all", "any"]).description(Some("all (the default) or any."))
}

/// A saved filter's or view's name (`parse_name`).
pub fn saved_name() -> ObjectBuilder {
    printable(crate::domain::grid::MAX_NAME_CHARS).examples(["Pro testers quiet for 14 days"])
}

pub fn optional_saved_name() -> ObjectBuilder {
    nullable(saved_name())
}

/// A view's columns, in order, each field once: `[{"data_group", "field"}]`.
pub fn columns() -> ArrayBuilder {
    let column = ObjectBuilder::new()
        .property("data_group", printable(100).examples(["User account"]))
        .required("data_group")
        .property("field", printable(100).examples(["Email"]))
        .required("field")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    ArrayBuilder::new().items(column).min_items(Some(1)).max_items(Some(crate::domain::grid::MAX_COLUMNS)).unique_items(true)
}

pub fn optional_columns() -> ArrayBuilder {
    columns().schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
}

/// A saved item's id: a whole number from 1.
fn saved_id() -> ObjectBuilder {
    bounded(1, i64::MAX)
}

/// The grid's `filter`: a saved filter's id, a `Filter` written out, or null (everyone).
pub fn grid_filter() -> Schema {
    Schema::OneOf(
        utoipa::openapi::schema::OneOfBuilder::new()
            .item(saved_id())
            .item(RefOr::Ref(Ref::from_schema_name("Filter")))
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .build(),
    )
}

/// The grid's `view`: a saved view's id, `{"columns": [...]}`, or null (the default view).
pub fn grid_view() -> Schema {
    let inline = ObjectBuilder::new()
        .property("columns", columns())
        .required("columns")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    Schema::OneOf(
        utoipa::openapi::schema::OneOfBuilder::new()
            .item(saved_id())
            .item(inline)
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .build(),
    )
}

/// The grid's `sort`: `[{"column": <index into the view's columns>, "order": "asc"|"desc"}]`.
pub fn grid_sort() -> ArrayBuilder {
    let key = ObjectBuilder::new()
        .property("column", bounded(0, crate::domain::grid::MAX_COLUMNS as i64 - 1))
        .required("column")
        .property("order", one_of(&["asc", "desc"]).default(Some("asc".into())))
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    ArrayBuilder::new()
        .items(key)
        .max_items(Some(crate::domain::grid::MAX_COLUMNS))
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
}

/// The grid's `page`: from 1, or null (1).
pub fn grid_page() -> ObjectBuilder {
    bounded(1, u32::MAX.into()).schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
}

/// The grid's `per_page`: 1 to 200, or null (50).
pub fn grid_per_page() -> ObjectBuilder {
    bounded(1, crate::domain::grid::MAX_PER_PAGE.into()).schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
}

/// The schema of `crate::domain::filter::Filter` (the domain compiles for the browser too, so
/// it derives no OpenAPI schema of its own): `{"match", "criteria"}`.
pub struct FilterSchema;

impl PartialSchema for FilterSchema {
    fn schema() -> RefOr<Schema> {
        let criterion = criterion();
        ObjectBuilder::new()
            .description(Some(
                "Users matching all (or any) criteria. A criterion names a data group and one of its fields: the \
                 built-in ones (User account: Email, Username, Display name, Created; Participation: Status, \
                 Joined) or the project's; its qualifier must fit the field's type.",
            ))
            .property("match", one_of(&["all", "any"]).default(Some("all".into())))
            .property("criteria", criteria(criterion))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .examples([serde_json::json!({
                "match": "all",
                "criteria": [{"data_group": "User account", "field": "Email", "qualifier": "contains", "value": "@example.com"}]
            })])
            .into()
    }
}

impl ToSchema for FilterSchema {
    fn name() -> std::borrow::Cow<'static, str> {
        "Filter".into()
    }
}

/// A reference to `Filter`, or null.
pub fn optional_filter() -> Schema {
    let reference = RefOr::Ref(Ref::from_schema_name("Filter"));
    Schema::OneOf(
        utoipa::openapi::schema::OneOfBuilder::new().item(reference).item(ObjectBuilder::new().schema_type(Type::Null)).build(),
    )
}

/// A time of day, `HH:MM` (24-hour).
pub const TIME_OF_DAY: &str = r"^([01][0-9]|2[0-3]):[0-5][0-9]$";
/// A distribution's message: any text without control characters but line breaks and tabs.
pub const MESSAGE: &str = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$";

/// Project slugs whose team receives a distribution (existing projects).
pub fn teams() -> ArrayBuilder {
    ArrayBuilder::new().items(slug()).max_items(Some(crate::domain::distribution::MAX_TEAMS))
}

/// Addresses, at most `MAX_EMAILS`.
pub fn emails() -> ArrayBuilder {
    ArrayBuilder::new().items(email()).max_items(Some(crate::domain::distribution::MAX_EMAILS))
}

/// Staff members' addresses (a project's whole team).
pub fn staff_emails() -> ArrayBuilder {
    ArrayBuilder::new().items(email().examples(["pm@example.com"])).max_items(Some(200))
}

pub fn optional_teams() -> ArrayBuilder {
    teams().schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
}

pub fn optional_emails() -> ArrayBuilder {
    emails().schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
}

/// The addresses of a send: one at least.
pub fn send_to() -> ArrayBuilder {
    emails().min_items(Some(1))
}

pub fn frequency() -> ObjectBuilder {
    one_of(&["daily", "weekly", "monthly"]).examples(["weekly"])
}

pub fn optional_frequency() -> ObjectBuilder {
    optional_one_of(&["daily", "weekly", "monthly"])
}

/// Weekdays of a weekly schedule (needed, and one at least, when weekly).
pub fn weekdays() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(one_of(&["mon", "tue", "wed", "thu", "fri", "sat", "sun"]))
        .min_items(Some(1))
        .max_items(Some(7))
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .description(Some("For a weekly schedule: the weekdays it runs on."))
}

/// Day of a monthly schedule: 1–31 (past a short month's end: its last day) or "last".
pub fn day_of_month() -> Schema {
    Schema::OneOf(
        utoipa::openapi::schema::OneOfBuilder::new()
            .item(bounded(1, 31))
            .item(one_of(&["last"]))
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .description(Some("For a monthly schedule: 1–31 (the 31st runs on 30 April) or \"last\"."))
            .build(),
    )
}

pub fn time_of_day() -> ObjectBuilder {
    text(TIME_OF_DAY, 5, 5).description(Some("Wall-clock time in the time zone, HH:MM.")).examples(["08:00"])
}

pub fn optional_time_of_day() -> ObjectBuilder {
    nullable(time_of_day())
}

/// A date, `YYYY-MM-DD`.
pub fn date() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .examples(["2026-12-07"])
}

pub fn optional_date() -> ObjectBuilder {
    nullable(date())
}

/// An IANA time zone name (the shared `TimeZone` schema lists them).
pub fn time_zone() -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name("TimeZone"))
}

/// An IANA time zone name, or null (keep the one it has).
pub fn optional_known_time_zone() -> Schema {
    Schema::OneOf(
        utoipa::openapi::schema::OneOfBuilder::new().item(time_zone()).item(ObjectBuilder::new().schema_type(Type::Null)).build(),
    )
}

/// Every IANA time zone name the server knows (the tz database, as chrono-tz carries it).
pub struct TimeZoneSchema;

impl PartialSchema for TimeZoneSchema {
    fn schema() -> RefOr<Schema> {
        one_of(&chrono_tz::TZ_VARIANTS.iter().map(|zone| zone.name()).collect::<Vec<_>>())
            .description(Some("An IANA time zone name; DST is followed (08:00 Europe/Berlin is 08:00 local all year)."))
            .examples(["Europe/Berlin"])
            .into()
    }
}

impl ToSchema for TimeZoneSchema {
    fn name() -> std::borrow::Cow<'static, str> {
        "TimeZone".into()
    }
}

pub fn subject() -> ObjectBuilder {
    printable(crate::domain::distribution::MAX_SUBJECT_CHARS).examples(["Aurora weekly numbers"])
}

pub fn optional_subject() -> ObjectBuilder {
    nullable(subject()).description(Some("The report's name when omitted."))
}

pub fn message() -> ObjectBuilder {
    text(MESSAGE, 0, crate::domain::distribution::MAX_MESSAGE_CHARS)
        .description(Some("Shown above the report summary; line breaks are kept."))
        .examples(["Here are this week's numbers."])
}

pub fn optional_message() -> ObjectBuilder {
    nullable(message())
}

/// `active` or `paused`.
pub fn optional_status() -> ObjectBuilder {
    optional_one_of(&["active", "paused"]).description(Some("paused stops its runs; active resumes it from now."))
}

/// What a saved filter or view is over.
pub fn saved_subject() -> ObjectBuilder {
    optional_one_of(&["users", "feedback"]).description(Some(
        "users (the default): for the user grid and reports over users; feedback: for the feedback grid and reports \
         over feedback, and may also name the tickets' own fields (data group Ticket: Type, Title, Status, Created, \
         Updated, Comments). A users' filter or view serves the feedback grid too (over the submitters); a feedback \
         one is refused (422) where users are counted. Set when created; it does not change.",
    ))
}

/// A report element's source.
pub fn element_source() -> ObjectBuilder {
    optional_one_of(&["users", "project", "feedback"]).description(Some(
        "users (the default): the project's users; project: a headline figure about the project; \
         feedback: the project's feedback tickets, over the Ticket data group (Type, Title, Status, Created, \
         Updated, Comments) and every data group of the submitter, counted as \"Tickets\"; a list shows \
         Title and Submitter first. A community report takes users and project only (422).",
    ))
}

/// A report element's fields: none (a number or a plain list), one or two.
pub fn element_data() -> ArrayBuilder {
    let column = ObjectBuilder::new()
        .property("data_group", printable(100).examples(["Participation"]))
        .required("data_group")
        .property("field", printable(100).examples(["Status"]))
        .required("field")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    ArrayBuilder::new()
        .items(column)
        .max_items(Some(crate::domain::report::MAX_FIELDS))
        .unique_items(true)
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
}

fn styles() -> Vec<&'static str> {
    crate::domain::report::Style::ALL.iter().map(|style| style.as_str()).collect()
}

/// A report element's style; which fit depends on the data (422 names them).
pub fn element_style() -> ObjectBuilder {
    one_of(&styles())
}

pub fn optional_element_style() -> ObjectBuilder {
    optional_one_of(&styles())
}

/// A line's period.
pub fn element_bucket() -> ObjectBuilder {
    optional_one_of(&["day", "week", "month"])
}

/// A project figure.
pub fn element_figure() -> ObjectBuilder {
    let figures: Vec<&str> = crate::domain::report::ProjectFigure::ALL.iter().map(|figure| figure.as_str()).collect();
    optional_one_of(&figures)
}

/// Where an element goes in its report (0 is first), or null.
pub fn element_position() -> ObjectBuilder {
    bounded(0, crate::domain::report::MAX_ELEMENTS as i64 - 1).schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
}

/// An integer query value with its bounds (out of range: 422).
pub fn bounded(min: i64, max: i64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
        .maximum(Some(max))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::identity::{Email, Slug, Username};
    use crate::domain::listener::parse_listener_key;

    fn matches(pattern: &str, text: &str) -> bool {
        // The patterns use only what `regex` and ECMA-262 share, except the look-aheads, which
        // these tests strip (the words they exclude are tested against the parser instead).
        let plain = pattern.replace("(?!(?:new|api|admin|login|logout|pkg|static)$)", "").replace("(?!new$)", "");
        regex_lite(&plain, text)
    }

    fn regex_lite(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern).expect(pattern).is_match(text)
    }

    #[test]
    fn patterns_agree_with_the_parsers() {
        for slug in ["ab", "aurora-beta", "a1", "x-y-z", "-ab", "ab-", "a", "Ab", "a_b", &"a".repeat(49)] {
            assert_eq!(matches(SLUG, slug), Slug::parse(slug).is_ok(), "slug {slug}");
        }
        for key in ["appdata", "a_b", "a-b", "_ab", "A", "ab", &"k".repeat(41), "a b"] {
            assert_eq!(matches(LISTENER_KEY, key), parse_listener_key(key).is_ok(), "key {key}");
        }
        for name in ["ada", "Ada.L", "_ada", "a", "ada lovelace", "ada+1"] {
            assert_eq!(matches(USERNAME, name), Username::parse(name).is_ok(), "username {name}");
        }
        assert!(Slug::parse("new").is_err() && Slug::parse("static").is_err() && parse_listener_key("new").is_err());
        assert!(Email::parse("ada@example.com").is_ok());
    }

    #[test]
    fn printable_text_needs_a_visible_character_and_no_control_ones() {
        assert!(matches(PRINTABLE, "Aurora beta"));
        assert!(!matches(PRINTABLE, "   "));
        assert!(!matches(PRINTABLE, "a\tb"));
        assert!(!matches(PRINTABLE, "a\u{0}"));
        assert!(matches(PARAMETER, "account.plan") && !matches(PARAMETER, "account..plan") && !matches(PARAMETER, "a b"));
    }

    #[test]
    fn distribution_schemas_agree_with_the_checks() {
        use crate::domain::distribution::{check_message, check_subject};
        use crate::domain::schedule::{Schedule, ScheduleSpec};
        let schedule = |time: &str, zone: &str| {
            let spec = ScheduleSpec {
                frequency: Some("daily".into()),
                time: Some(time.into()),
                time_zone: Some(zone.into()),
                start_date: Some("2027-01-04".into()),
                ..ScheduleSpec::default()
            };
            Schedule::parse(&spec).is_ok()
        };
        for time in ["00:00", "08:30", "23:59", "24:00", "8:30", "08:60", "0830"] {
            assert!(
                !regex_lite(TIME_OF_DAY, time) || schedule(time, "UTC"),
                "the pattern takes no time the server refuses: {time}"
            );
        }
        assert!(chrono_tz::TZ_VARIANTS.iter().all(|zone| schedule("08:00", zone.name())), "every listed zone parses");
        for message in ["", "Hello,\nteam\t!", "bell\u{7}", "nul\u{0}", "c1\u{85}x"] {
            assert_eq!(regex_lite(MESSAGE, message), check_message(message).is_ok(), "message {message:?}");
        }
        for subject in ["Weekly numbers", "   ", "a\tb"] {
            assert_eq!(regex_lite(PRINTABLE, subject), check_subject(subject).is_ok(), "subject {subject:?}");
        }
    }

    #[test]
    fn enums_list_what_the_parsers_take() {
        let qualifiers = qualifiers();
        assert!(qualifiers.iter().all(|q| Qualifier::parse(q).is_some()));
        assert!(qualifiers.contains(&"in_last_days") && qualifiers.contains(&"is_true"));
        let json = serde_json::to_value(field_type().build()).unwrap();
        let types: Vec<_> = json["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        assert!(types.iter().all(|t| FieldType::parse(t).is_some()) && types.len() == FieldType::ALL.len());
    }
}
