//! Data-group fields and their types, and the coercion of what a sender posts into a typed
//! value: the rules of PRODUCT.md §4, in one place, for ingestion, filters and reports.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::fmt;

/// Longest string value kept, in characters.
pub const MAX_STRING_CHARS: usize = 4_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Boolean,
    #[serde(rename = "datetime")]
    DateTime,
    Integer,
    String,
}

impl FieldType {
    pub const ALL: [FieldType; 4] = [Self::Boolean, Self::DateTime, Self::Integer, Self::String];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Boolean => "boolean",
            Self::DateTime => "datetime",
            Self::Integer => "integer",
            Self::String => "string",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Boolean => "Boolean",
            Self::DateTime => "Date and Time",
            Self::Integer => "Integer",
            Self::String => "String",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }
}

/// A stored value, typed by its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum FieldValue {
    Boolean(bool),
    #[serde(rename = "datetime")]
    DateTime(DateTime<Utc>),
    Integer(i64),
    String(String),
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Boolean(b) => write!(f, "{b}"),
            FieldValue::DateTime(at) => write!(f, "{}", at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            FieldValue::Integer(n) => write!(f, "{n}"),
            FieldValue::String(s) => f.write_str(s),
        }
    }
}

/// Why a posted value does not fit its field; the text is shown to the sender.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoercionError {
    #[error("expected true or false (or \"true\"/\"false\", 1/0), got {0}")]
    NotBoolean(String),
    #[error("expected a whole number between -9223372036854775808 and 9223372036854775807, got {0}")]
    NotInteger(String),
    #[error("expected an RFC 3339 date-time, a YYYY-MM-DD date or Unix epoch seconds, got {0}")]
    NotDateTime(String),
    #[error("expected a text, number or boolean, got {0}")]
    NotScalar(String),
    #[error("is longer than {MAX_STRING_CHARS} characters")]
    TooLong,
    #[error("contains a NUL character (\\u0000), which text cannot hold")]
    NulCharacter,
    #[error("expected a date between the years 1 and 9999, got {0}")]
    YearOutOfRange(String),
}

/// A short description of a JSON value for error messages (never the whole payload).
fn describe(value: &Json) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

/// Coerces a posted JSON value to `field_type`. `Ok(None)` means "clear the value" (`null`).
pub fn coerce(field_type: FieldType, value: &Json) -> Result<Option<FieldValue>, CoercionError> {
    if value.is_null() {
        return Ok(None);
    }
    let coerced = match field_type {
        FieldType::Boolean => FieldValue::Boolean(coerce_bool(value)?),
        FieldType::Integer => FieldValue::Integer(coerce_integer(value)?),
        FieldType::DateTime => FieldValue::DateTime(coerce_datetime(value)?),
        FieldType::String => FieldValue::String(coerce_string(value)?),
    };
    Ok(Some(coerced))
}

fn coerce_bool(value: &Json) -> Result<bool, CoercionError> {
    match value {
        Json::Bool(b) => Ok(*b),
        Json::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Json::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        Json::Number(n) if n.as_i64() == Some(1) => Ok(true),
        Json::Number(n) if n.as_i64() == Some(0) => Ok(false),
        other => Err(CoercionError::NotBoolean(describe(other))),
    }
}

fn coerce_integer(value: &Json) -> Result<i64, CoercionError> {
    match value {
        Json::Number(n) => n.as_i64().ok_or_else(|| CoercionError::NotInteger(describe(value))),
        Json::String(s) => s.trim().parse::<i64>().map_err(|_| CoercionError::NotInteger(describe(value))),
        other => Err(CoercionError::NotInteger(describe(other))),
    }
}

/// Years both backends store and read back alike (PostgreSQL's range is wider, RFC 3339's
/// four-digit years are not).
fn coerce_datetime(value: &Json) -> Result<DateTime<Utc>, CoercionError> {
    let at = parse_datetime(value)?;
    if !(1..=9999).contains(&at.year()) {
        return Err(CoercionError::YearOutOfRange(describe(value)));
    }
    Ok(at)
}

fn parse_datetime(value: &Json) -> Result<DateTime<Utc>, CoercionError> {
    let invalid = || CoercionError::NotDateTime(describe(value));
    match value {
        Json::Number(n) => {
            let seconds = n.as_i64().ok_or_else(invalid)?;
            Utc.timestamp_opt(seconds, 0).single().ok_or_else(invalid)
        }
        Json::String(s) => {
            let s = s.trim();
            if let Ok(at) = DateTime::parse_from_rfc3339(s) {
                // Kept to the microsecond, as PostgreSQL keeps times: a value must read back
                // equal to what was stored, on either backend, or a repeat counts as a change.
                let at = at.with_timezone(&Utc);
                return at.with_nanosecond(at.nanosecond() / 1_000 * 1_000).ok_or_else(invalid);
            }
            let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| invalid())?;
            Ok(date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
        }
        _ => Err(invalid()),
    }
}

fn coerce_string(value: &Json) -> Result<String, CoercionError> {
    let text = match value {
        Json::String(s) => s.clone(),
        Json::Number(n) => n.to_string(),
        Json::Bool(b) => b.to_string(),
        other => return Err(CoercionError::NotScalar(describe(other))),
    };
    if text.chars().count() > MAX_STRING_CHARS {
        return Err(CoercionError::TooLong);
    }
    // PostgreSQL's text cannot hold it, and SQLite's C strings end at it: refused on both.
    if text.contains('\0') {
        return Err(CoercionError::NulCharacter);
    }
    Ok(text)
}

/// Whether two data group or field labels name the same one: surrounding spaces and case do
/// not count, in any script ("Équipe" is "équipe"). The one rule for the store's lookups, the
/// listeners' checks and filters' criteria, so that all three find the same field.
pub fn same_label(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Finds a member by a dotted path (`account.plan`) in a JSON object. A member whose own
/// name contains the dot wins over descending, so `{"a.b": 1}` is reachable as `a.b` too.
pub fn lookup<'a>(object: &'a serde_json::Map<String, Json>, path: &str) -> Option<&'a Json> {
    lookup_with_member(object, path).map(|(_, value)| value)
}

/// [`lookup`], with the name of the top-level member the value was found through (so that
/// members which fed no field can be listed as ignored).
pub fn lookup_with_member<'a>(object: &'a serde_json::Map<String, Json>, path: &str) -> Option<(&'a str, &'a Json)> {
    if let Some((name, value)) = object.get_key_value(path) {
        return Some((name, value));
    }
    let (head, rest) = path.split_once('.')?;
    match object.get_key_value(head)? {
        (name, Json::Object(inner)) => lookup(inner, rest).map(|value| (name.as_str(), value)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn booleans_accept_the_documented_spellings() {
        for (input, expected) in
            [(json!(true), true), (json!("false"), false), (json!("TRUE"), true), (json!(1), true), (json!(0), false)]
        {
            assert_eq!(coerce(FieldType::Boolean, &input).unwrap(), Some(FieldValue::Boolean(expected)), "{input}");
        }
        for bad in [json!(2), json!("yes"), json!(1.0), json!([true])] {
            assert!(coerce(FieldType::Boolean, &bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn integers_accept_json_integers_and_integral_strings() {
        assert_eq!(coerce(FieldType::Integer, &json!(42)).unwrap(), Some(FieldValue::Integer(42)));
        assert_eq!(coerce(FieldType::Integer, &json!(" -7 ")).unwrap(), Some(FieldValue::Integer(-7)));
        assert_eq!(coerce(FieldType::Integer, &json!(i64::MIN)).unwrap(), Some(FieldValue::Integer(i64::MIN)));
        for bad in [json!(1.5), json!("1.5"), json!("ten"), json!(u64::MAX), json!(true), json!("9223372036854775808")] {
            assert!(coerce(FieldType::Integer, &bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn datetimes_accept_rfc3339_dates_and_epoch_seconds() {
        let expected = Utc.with_ymd_and_hms(2026, 11, 29, 10, 30, 0).unwrap();
        assert_eq!(
            coerce(FieldType::DateTime, &json!("2026-11-29T11:30:00+01:00")).unwrap(),
            Some(FieldValue::DateTime(expected))
        );
        assert_eq!(coerce(FieldType::DateTime, &json!(expected.timestamp())).unwrap(), Some(FieldValue::DateTime(expected)));
        let midnight = Utc.with_ymd_and_hms(2026, 11, 29, 0, 0, 0).unwrap();
        assert_eq!(coerce(FieldType::DateTime, &json!("2026-11-29")).unwrap(), Some(FieldValue::DateTime(midnight)));
        let to_the_microsecond = expected.with_nanosecond(123_456_000).unwrap();
        assert_eq!(
            coerce(FieldType::DateTime, &json!("2026-11-29T10:30:00.123456789Z")).unwrap(),
            Some(FieldValue::DateTime(to_the_microsecond)),
            "nanoseconds are cut to microseconds, as PostgreSQL stores them"
        );
        for bad in [json!("29/11/2026"), json!("2026-02-30"), json!(1.5), json!(true), json!(i64::MAX)] {
            assert!(coerce(FieldType::DateTime, &bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn strings_take_any_scalar_within_the_bound() {
        assert_eq!(coerce(FieldType::String, &json!(12.5)).unwrap(), Some(FieldValue::String("12.5".into())));
        assert_eq!(coerce(FieldType::String, &json!(false)).unwrap(), Some(FieldValue::String("false".into())));
        assert!(coerce(FieldType::String, &json!({"a": 1})).is_err());
        assert_eq!(coerce(FieldType::String, &json!("x".repeat(MAX_STRING_CHARS + 1))), Err(CoercionError::TooLong));
    }

    #[test]
    fn times_stay_within_the_years_both_backends_store() {
        let first = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
        let last = Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(coerce(FieldType::DateTime, &json!(first.timestamp())), Ok(Some(FieldValue::DateTime(first))));
        assert_eq!(coerce(FieldType::DateTime, &json!(last.timestamp())), Ok(Some(FieldValue::DateTime(last))));
        for bad in [json!(last.timestamp() + 1), json!(first.timestamp() - 1), json!(-300_000_000_000i64), json!("0000-12-31")] {
            assert_eq!(coerce(FieldType::DateTime, &bad), Err(CoercionError::YearOutOfRange(bad.to_string())), "{bad}");
        }
    }

    #[test]
    fn strings_cannot_carry_nul() {
        assert_eq!(coerce(FieldType::String, &json!("a\u{0}b")), Err(CoercionError::NulCharacter));
        assert_eq!(coerce(FieldType::String, &json!("a\u{1}b")), Ok(Some(FieldValue::String("a\u{1}b".into()))));
    }

    #[test]
    fn null_clears_whatever_the_type() {
        for field_type in FieldType::ALL {
            assert_eq!(coerce(field_type, &Json::Null).unwrap(), None);
        }
    }

    #[test]
    fn dotted_paths_reach_into_nested_objects() {
        let body = json!({"account": {"plan": "pro", "seats": {"used": 3}}, "a.b": 1});
        let object = body.as_object().unwrap();
        assert_eq!(lookup(object, "account.plan"), Some(&json!("pro")));
        assert_eq!(lookup(object, "account.seats.used"), Some(&json!(3)));
        assert_eq!(lookup(object, "a.b"), Some(&json!(1)));
        assert_eq!(lookup(object, "account.missing"), None);
        assert_eq!(lookup(object, "account.plan.x"), None);
        assert_eq!(lookup_with_member(object, "account.seats.used"), Some(("account", &json!(3))));
        assert_eq!(lookup_with_member(object, "a.b"), Some(("a.b", &json!(1))));
    }

    #[test]
    fn field_types_round_trip_through_their_names() {
        for field_type in FieldType::ALL {
            assert_eq!(FieldType::parse(field_type.as_str()), Some(field_type));
            let json = serde_json::to_value(field_type).unwrap();
            assert_eq!(json, json!(field_type.as_str()));
        }
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;
        use serde_json::json;

        /// Any JSON value, nested a few levels.
        fn any_json() -> impl Strategy<Value = Json> {
            let leaf = prop_oneof![
                Just(Json::Null),
                any::<bool>().prop_map(Json::from),
                any::<i64>().prop_map(Json::from),
                any::<u64>().prop_map(Json::from),
                any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Json::from),
                ".{0,40}".prop_map(Json::from),
            ];
            leaf.prop_recursive(3, 16, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
                    prop::collection::btree_map("[a-z]{1,6}", inner, 0..4).prop_map(|m| Json::Object(m.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #[test]
            fn coercion_never_panics_and_only_scalars_become_strings(value in any_json()) {
                for field_type in FieldType::ALL {
                    let _ = coerce(field_type, &value);
                }
                if value.is_array() || value.is_object() {
                    prop_assert!(coerce(FieldType::String, &value).is_err());
                }
            }

            #[test]
            fn integers_survive_as_numbers_and_as_text(n in any::<i64>()) {
                prop_assert_eq!(coerce(FieldType::Integer, &json!(n)), Ok(Some(FieldValue::Integer(n))));
                prop_assert_eq!(coerce(FieldType::Integer, &json!(n.to_string())), Ok(Some(FieldValue::Integer(n))));
            }

            #[test]
            fn fractions_are_never_integers(n in any::<i32>(), fraction in 1u32..1000) {
                let value = format!("{n}.{fraction:03}");
                prop_assert!(coerce(FieldType::Integer, &json!(value)).is_err());
                prop_assert!(coerce(FieldType::Integer, &json!(f64::from(n) + f64::from(fraction) / 1000.0)).is_err());
            }

            #[test]
            fn epoch_seconds_and_their_rfc3339_text_agree(seconds in -62_135_596_800i64..253_402_300_799i64) {
                let Ok(Some(FieldValue::DateTime(at))) = coerce(FieldType::DateTime, &json!(seconds)) else {
                    return Err(TestCaseError::fail("epoch seconds in range must coerce"));
                };
                prop_assert_eq!(at.timestamp(), seconds);
                prop_assert_eq!(coerce(FieldType::DateTime, &json!(at.to_rfc3339())), Ok(Some(FieldValue::DateTime(at))));
            }

            #[test]
            fn every_stored_value_reads_back_from_its_own_text(value in prop_oneof![
                any::<bool>().prop_map(FieldValue::Boolean),
                any::<i64>().prop_map(FieldValue::Integer),
                (-62_135_596_800i64..253_402_300_799i64).prop_map(|s| FieldValue::DateTime(Utc.timestamp_opt(s, 0).unwrap())),
                "[^\\x00]{0,200}".prop_map(FieldValue::String),
            ]) {
                let field_type = match &value {
                    FieldValue::Boolean(_) => FieldType::Boolean,
                    FieldValue::Integer(_) => FieldType::Integer,
                    FieldValue::DateTime(_) => FieldType::DateTime,
                    FieldValue::String(_) => FieldType::String,
                };
                prop_assert_eq!(coerce(field_type, &json!(value.to_string())), Ok(Some(value.clone())));
            }

            #[test]
            fn strings_keep_every_character_up_to_the_bound(text in "[^\\x00]{0,300}") {
                prop_assert_eq!(coerce(FieldType::String, &json!(text.clone())), Ok(Some(FieldValue::String(text))));
            }

            #[test]
            fn no_string_with_a_nul_is_kept(before in ".{0,20}", after in ".{0,20}") {
                let text = format!("{before}\u{0}{after}");
                prop_assert_eq!(coerce(FieldType::String, &json!(text)), Err(CoercionError::NulCharacter));
            }
        }
    }
}
