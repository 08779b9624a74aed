//! Filters (PRODUCT.md §5): criteria as people and the management API write them, checked
//! against a project's fields into typed tests, and evaluated against one user's values.

use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, TimeDelta, Utc};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value as Json;

use super::fields::{coerce, same_label, FieldType, FieldValue};
use super::user::ProjectUser;
use super::ValidationError;

mod rows;
pub use rows::{errors_at_rows, field_choice, value_texts, CriterionRow, FIELD_SEPARATOR};

pub const MAX_CRITERIA: usize = 50;
/// A century: long enough for any "in the last N days", short enough to never overflow a date.
pub const MAX_DAYS: i64 = 36_500;

pub const USER_ACCOUNT: &str = "User account";
pub const PARTICIPATION: &str = "Participation";

/// A field a filter may name, from a built-in data group or one of the project's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaField {
    pub data_group: String,
    pub field: String,
    pub field_type: FieldType,
}

/// The fields every project has, whatever its listeners feed.
pub fn builtin_fields() -> Vec<SchemaField> {
    let field = |group: &str, name: &str, field_type| SchemaField { data_group: group.into(), field: name.into(), field_type };
    vec![
        field(USER_ACCOUNT, "Email", FieldType::String),
        field(USER_ACCOUNT, "Username", FieldType::String),
        field(USER_ACCOUNT, "Display name", FieldType::String),
        field(USER_ACCOUNT, "Created", FieldType::DateTime),
        field(PARTICIPATION, "Status", FieldType::String),
        field(PARTICIPATION, "Joined", FieldType::DateTime),
    ]
}

/// The built-in data group `label` names, if it names one, compared as a criterion names
/// groups (`same_label`). A criterion finds the built-in groups first, so a project's own
/// group of that name could never be filtered on. `Ticket` is the feedback grid's own group
/// (`domain::feedback::TICKET`), reserved in every project for the same reason.
pub fn builtin_group(label: &str) -> Option<&'static str> {
    [USER_ACCOUNT, PARTICIPATION, "Ticket"].into_iter().find(|group| same_label(group, label))
}

/// A user's value of a built-in field (`None` for any other field).
pub fn builtin_value(user: &ProjectUser, data_group: &str, field: &str) -> Option<FieldValue> {
    let text = |s: &str| Some(FieldValue::String(s.to_string()));
    match (data_group, field) {
        (USER_ACCOUNT, "Email") => text(&user.email),
        (USER_ACCOUNT, "Username") => text(&user.username),
        (USER_ACCOUNT, "Display name") => text(&user.display_name),
        (USER_ACCOUNT, "Created") => Some(FieldValue::DateTime(user.created_at)),
        (PARTICIPATION, "Status") => text(user.status.as_str()),
        (PARTICIPATION, "Joined") => Some(FieldValue::DateTime(user.joined_at)),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    #[default]
    All,
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Is,
    IsNot,
    Contains,
    DoesNotContain,
    StartsWith,
    IsEmpty,
    IsNotEmpty,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Between,
    IsTrue,
    IsFalse,
    Before,
    After,
    On,
    InLastDays,
}

use Qualifier as Q;

impl Qualifier {
    pub fn as_str(&self) -> &'static str {
        self.names().0
    }

    pub fn label(&self) -> &'static str {
        self.names().1
    }

    /// One table for the wire name and the human label, so they cannot drift apart.
    fn names(&self) -> (&'static str, &'static str) {
        match self {
            Q::Is => ("is", "is"),
            Q::IsNot => ("is_not", "is not"),
            Q::Contains => ("contains", "contains"),
            Q::DoesNotContain => ("does_not_contain", "does not contain"),
            Q::StartsWith => ("starts_with", "starts with"),
            Q::IsEmpty => ("is_empty", "is empty"),
            Q::IsNotEmpty => ("is_not_empty", "is not empty"),
            Q::Eq => ("eq", "="),
            Q::Ne => ("ne", "≠"),
            Q::Lt => ("lt", "<"),
            Q::Le => ("le", "≤"),
            Q::Gt => ("gt", ">"),
            Q::Ge => ("ge", "≥"),
            Q::Between => ("between", "between"),
            Q::IsTrue => ("is_true", "is true"),
            Q::IsFalse => ("is_false", "is false"),
            Q::Before => ("before", "before"),
            Q::After => ("after", "after"),
            Q::On => ("on", "on"),
            Q::InLastDays => ("in_last_days", "in the last N days"),
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        serde_json::from_value(Json::from(value)).ok()
    }

    /// The qualifiers a field of this type offers, in the order the UI lists them.
    pub fn for_type(field_type: FieldType) -> &'static [Qualifier] {
        match field_type {
            FieldType::String => &[Q::Is, Q::IsNot, Q::Contains, Q::DoesNotContain, Q::StartsWith, Q::IsEmpty, Q::IsNotEmpty],
            FieldType::Integer => &[Q::Eq, Q::Ne, Q::Lt, Q::Le, Q::Gt, Q::Ge, Q::Between, Q::IsEmpty, Q::IsNotEmpty],
            FieldType::Boolean => &[Q::IsTrue, Q::IsFalse, Q::IsEmpty, Q::IsNotEmpty],
            FieldType::DateTime => &[Q::Before, Q::After, Q::On, Q::Between, Q::InLastDays, Q::IsEmpty, Q::IsNotEmpty],
        }
    }
}

/// A filter as written by people and other systems: the public JSON of the management API.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    #[serde(rename = "match", default)]
    pub combine: Combine,
    #[serde(default)]
    pub criteria: Vec<Criterion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub data_group: String,
    pub field: String,
    pub qualifier: Qualifier,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Json>,
}

/// What a checked criterion asks of a value, with its operand typed. Plain data rather than
/// closures, so the grids can compile the same tests to SQL that `matches` evaluates here.
/// Text operands keep the user's spelling (for showing back); comparisons ignore case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// No value, or an empty text.
    IsEmpty,
    IsNotEmpty,
    TextIs(String),
    TextIsNot(String),
    TextContains(String),
    TextDoesNotContain(String),
    TextStartsWith(String),
    IntEq(i64),
    IntNe(i64),
    IntLt(i64),
    IntLe(i64),
    IntGt(i64),
    IntGe(i64),
    /// Inclusive; `from ≤ to`.
    IntBetween(i64, i64),
    IsTrue,
    IsFalse,
    TimeBefore(DateTime<Utc>),
    TimeAfter(DateTime<Utc>),
    /// The value falls on this UTC calendar day.
    TimeOn(NaiveDate),
    /// Inclusive instants; `from ≤ to`. A bare date is midnight UTC, as everywhere in Inlet.
    TimeBetween(DateTime<Utc>, DateTime<Utc>),
    /// From `now` minus this many days up to `now`, both inclusive; 1 to `MAX_DAYS`.
    TimeInLastDays(i64),
}

/// A criterion that names a real field and whose operand fits the field's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCriterion {
    /// The schema's spelling, whatever case the filter was written in.
    pub data_group: String,
    pub field: String,
    pub field_type: FieldType,
    pub test: Test,
}

/// A filter whose every criterion was checked against a schema; only `Filter::check` makes one.
/// It serializes as the public `Filter` JSON. There is deliberately no `Deserialize`: a stored
/// filter is read as a `Filter` and checked again, since fields may be renamed, retyped or
/// removed after it was saved and a stale typed test would silently mean something else.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckedFilter {
    combine: Combine,
    criteria: Vec<CheckedCriterion>,
}

impl Filter {
    /// Checks every criterion against `schema` (normally `builtin_fields()` followed by the
    /// project's own fields) and reports every problem at once.
    pub fn check(self, schema: &[SchemaField]) -> Result<CheckedFilter, Vec<ValidationError>> {
        let mut errors = Vec::new();
        if self.criteria.len() > MAX_CRITERIA {
            errors.push(ValidationError::new("filter.criteria", format!("at most {MAX_CRITERIA} criteria")));
        }
        let mut criteria = Vec::with_capacity(self.criteria.len());
        for (index, criterion) in self.criteria.iter().enumerate() {
            match criterion.check(schema, &format!("filter.criteria[{index}]")) {
                Ok(checked) => criteria.push(checked),
                Err(error) => errors.push(error),
            }
        }
        if errors.is_empty() {
            Ok(CheckedFilter { combine: self.combine, criteria })
        } else {
            Err(errors)
        }
    }

    /// Follows renamed fields: a criterion naming `data_group` and a field's old label names its
    /// new label after. `renames` are (old, new) pairs of one edit, applied all at once, so two
    /// fields may swap labels. Names match ignoring case and surrounding spaces, as in
    /// `check`. Returns whether any criterion changed.
    pub fn rename_fields(&mut self, data_group: &str, renames: &[(&str, &str)]) -> bool {
        let mut changed = false;
        for criterion in self.criteria.iter_mut().filter(|c| same_label(&c.data_group, data_group)) {
            if let Some((_, new)) = renames.iter().find(|(old, _)| same_label(&criterion.field, old)) {
                criterion.field = new.to_string();
                changed = true;
            }
        }
        changed
    }
}

impl Criterion {
    /// Each step needs the one before (the qualifiers depend on the field's type, the value on
    /// the qualifier), so a criterion reports its first problem only.
    fn check(&self, schema: &[SchemaField], at: &str) -> Result<CheckedCriterion, ValidationError> {
        let error = |part: &str, message: String| ValidationError::new(&format!("{at}.{part}"), message);
        let (group, field) = (self.data_group.trim(), self.field.trim());
        if group.is_empty() {
            return Err(error("data_group", "choose a data group".into()));
        }
        if field.is_empty() {
            return Err(error("field", "choose a field".into()));
        }
        let Some(in_group) = schema.iter().find(|f| same_label(&f.data_group, group)) else {
            return Err(error("data_group", format!("there is no data group '{group}'")));
        };
        let Some(found) = schema.iter().find(|f| same_label(&f.data_group, group) && same_label(&f.field, field)) else {
            return Err(error("field", format!("data group '{}' has no field '{field}'", in_group.data_group.trim())));
        };
        let offered = Qualifier::for_type(found.field_type);
        if !offered.contains(&self.qualifier) {
            let offered = offered.iter().map(Qualifier::label).collect::<Vec<_>>().join(", ");
            let (qualifier, field_type) = (self.qualifier.label(), found.field_type.label());
            return Err(error("qualifier", format!("'{qualifier}' does not apply to {field_type} fields; use one of {offered}")));
        }
        let test = Test::parse(found.field_type, self.qualifier, self.value.as_ref()).map_err(|why| error("value", why))?;
        let (data_group, field) = (found.data_group.trim().to_string(), found.field.trim().to_string());
        Ok(CheckedCriterion { data_group, field, field_type: found.field_type, test })
    }
}

impl Test {
    /// `qualifier` has already been checked to apply to `field_type`.
    fn parse(field_type: FieldType, qualifier: Qualifier, value: Option<&Json>) -> Result<Self, String> {
        let value = value.filter(|v| !v.is_null());
        let no_value = |test: Test| match value {
            Some(_) => Err(format!("'{}' takes no value", qualifier.label())),
            None => Ok(test),
        };
        Ok(match qualifier {
            Q::IsEmpty => no_value(Test::IsEmpty)?,
            Q::IsNotEmpty => no_value(Test::IsNotEmpty)?,
            Q::IsTrue => no_value(Test::IsTrue)?,
            Q::IsFalse => no_value(Test::IsFalse)?,
            Q::Is => Test::TextIs(text(value)?),
            Q::IsNot => Test::TextIsNot(text(value)?),
            Q::Contains => Test::TextContains(text(value)?),
            Q::DoesNotContain => Test::TextDoesNotContain(text(value)?),
            Q::StartsWith => Test::TextStartsWith(text(value)?),
            Q::Eq => Test::IntEq(integer(value)?),
            Q::Ne => Test::IntNe(integer(value)?),
            Q::Lt => Test::IntLt(integer(value)?),
            Q::Le => Test::IntLe(integer(value)?),
            Q::Gt => Test::IntGt(integer(value)?),
            Q::Ge => Test::IntGe(integer(value)?),
            Q::Between if field_type == FieldType::Integer => {
                pair(value, integer).map(|(from, to)| Test::IntBetween(from, to))?
            }
            Q::Between => pair(value, instant).map(|(from, to)| Test::TimeBetween(from, to))?,
            Q::Before => Test::TimeBefore(instant(value)?),
            Q::After => Test::TimeAfter(instant(value)?),
            Q::On => Test::TimeOn(instant(value)?.date_naive()),
            Q::InLastDays => match integer(value) {
                Ok(days) if (1..=MAX_DAYS).contains(&days) => Test::TimeInLastDays(days),
                _ => return Err(format!("needs a whole number of days, 1 to {MAX_DAYS}")),
            },
        })
    }

    pub fn qualifier(&self) -> Qualifier {
        self.parts().0
    }

    /// The qualifier and operand the public JSON writes this test with; `Filter::check` reads
    /// them back to the same test.
    fn parts(&self) -> (Qualifier, Option<Json>) {
        let text = |text: &String| Some(Json::from(text.as_str()));
        let time = |at: &DateTime<Utc>| Json::from(rfc3339(at));
        match self {
            Test::IsEmpty => (Q::IsEmpty, None),
            Test::IsNotEmpty => (Q::IsNotEmpty, None),
            Test::TextIs(t) => (Q::Is, text(t)),
            Test::TextIsNot(t) => (Q::IsNot, text(t)),
            Test::TextContains(t) => (Q::Contains, text(t)),
            Test::TextDoesNotContain(t) => (Q::DoesNotContain, text(t)),
            Test::TextStartsWith(t) => (Q::StartsWith, text(t)),
            Test::IntEq(n) => (Q::Eq, Some(Json::from(*n))),
            Test::IntNe(n) => (Q::Ne, Some(Json::from(*n))),
            Test::IntLt(n) => (Q::Lt, Some(Json::from(*n))),
            Test::IntLe(n) => (Q::Le, Some(Json::from(*n))),
            Test::IntGt(n) => (Q::Gt, Some(Json::from(*n))),
            Test::IntGe(n) => (Q::Ge, Some(Json::from(*n))),
            Test::IntBetween(from, to) => (Q::Between, Some(Json::from(vec![*from, *to]))),
            Test::IsTrue => (Q::IsTrue, None),
            Test::IsFalse => (Q::IsFalse, None),
            Test::TimeBefore(at) => (Q::Before, Some(time(at))),
            Test::TimeAfter(at) => (Q::After, Some(time(at))),
            Test::TimeOn(day) => (Q::On, Some(Json::from(day.to_string()))),
            Test::TimeBetween(from, to) => (Q::Between, Some(Json::from(vec![time(from), time(to)]))),
            Test::TimeInLastDays(days) => (Q::InLastDays, Some(Json::from(*days))),
        }
    }

    /// `value` is `None` when the user has none. A missing value is not equal to anything and
    /// contains nothing, so `is not` and `does not contain` hold for it: "Plan is not 'pro'"
    /// must find the users who never got a plan. Every other test but `is empty` needs a value.
    pub fn holds(&self, value: Option<&FieldValue>, now: DateTime<Utc>) -> bool {
        use FieldValue as V;
        let lower = str::to_lowercase;
        let empty = match value {
            None => true,
            Some(V::String(text)) => text.is_empty(),
            Some(_) => false,
        };
        match (self, value) {
            (Test::IsEmpty, _) => empty,
            (Test::IsNotEmpty, _) => !empty,
            (Test::TextIs(t), Some(V::String(v))) => lower(v) == lower(t),
            (Test::TextIsNot(t), Some(V::String(v))) => lower(v) != lower(t),
            (Test::TextContains(t), Some(V::String(v))) => lower(v).contains(&lower(t)),
            (Test::TextDoesNotContain(t), Some(V::String(v))) => !lower(v).contains(&lower(t)),
            (Test::TextStartsWith(t), Some(V::String(v))) => lower(v).starts_with(&lower(t)),
            (Test::TextIsNot(_) | Test::TextDoesNotContain(_), _) => true,
            (Test::IntEq(n), Some(V::Integer(v))) => v == n,
            (Test::IntNe(n), Some(V::Integer(v))) => v != n,
            (Test::IntLt(n), Some(V::Integer(v))) => v < n,
            (Test::IntLe(n), Some(V::Integer(v))) => v <= n,
            (Test::IntGt(n), Some(V::Integer(v))) => v > n,
            (Test::IntGe(n), Some(V::Integer(v))) => v >= n,
            (Test::IntBetween(from, to), Some(V::Integer(v))) => from <= v && v <= to,
            (Test::IsTrue, Some(V::Boolean(v))) => *v,
            (Test::IsFalse, Some(V::Boolean(v))) => !*v,
            (Test::TimeBefore(at), Some(V::DateTime(v))) => v < at,
            (Test::TimeAfter(at), Some(V::DateTime(v))) => v > at,
            (Test::TimeOn(day), Some(V::DateTime(v))) => v.date_naive() == *day,
            (Test::TimeBetween(from, to), Some(V::DateTime(v))) => from <= v && v <= to,
            (Test::TimeInLastDays(days), Some(V::DateTime(v))) => {
                *v <= now && now.checked_sub_signed(TimeDelta::days(*days)).is_none_or(|since| *v >= since)
            }
            _ => false,
        }
    }

    fn describe(&self) -> String {
        let (qualifier, operand) = self.parts();
        let label = qualifier.label();
        match self {
            Test::IntBetween(from, to) => format!("between {from} and {to}"),
            Test::TimeBetween(from, to) => format!("between {} and {}", readable(from), readable(to)),
            Test::TimeBefore(at) | Test::TimeAfter(at) => format!("{label} {}", readable(at)),
            Test::TimeOn(day) => format!("on {day}"),
            Test::TimeInLastDays(1) => "in the last day".into(),
            Test::TimeInLastDays(days) => format!("in the last {days} days"),
            // Texts show as JSON strings: quoted, with any quote inside escaped.
            _ => operand.map_or(label.to_string(), |operand| format!("{label} {operand}")),
        }
    }
}

fn operand(field_type: FieldType, value: Option<&Json>) -> Result<FieldValue, String> {
    match value.map(|v| coerce(field_type, v)) {
        None | Some(Ok(None)) => Err("needs a value".into()),
        Some(Ok(Some(value))) => Ok(value),
        Some(Err(why)) => Err(why.to_string()),
    }
}

/// An empty text would match everyone (`contains ""`) or only empties, which `is empty` says.
fn text(value: Option<&Json>) -> Result<String, String> {
    match operand(FieldType::String, value)? {
        FieldValue::String(text) if text.is_empty() => Err("needs a text; to find empty values use 'is empty'".into()),
        FieldValue::String(text) => Ok(text),
        other => unreachable!("a string field coerced to {other:?}"),
    }
}

fn integer(value: Option<&Json>) -> Result<i64, String> {
    match operand(FieldType::Integer, value)? {
        FieldValue::Integer(n) => Ok(n),
        other => unreachable!("an integer field coerced to {other:?}"),
    }
}

/// Coercion keeps times within the years 1–9999, which RFC 3339 can spell, so every filter
/// can be shown back.
fn instant(value: Option<&Json>) -> Result<DateTime<Utc>, String> {
    match operand(FieldType::DateTime, value)? {
        FieldValue::DateTime(at) => Ok(at),
        other => unreachable!("a date-time field coerced to {other:?}"),
    }
}

fn pair<T: PartialOrd>(value: Option<&Json>, one: fn(Option<&Json>) -> Result<T, String>) -> Result<(T, T), String> {
    let Some([from, to]) = value.and_then(Json::as_array).map(Vec::as_slice) else {
        return Err("needs two values [from, to]".into());
    };
    let from = one(Some(from)).map_err(|why| format!("from: {why}"))?;
    let to = one(Some(to)).map_err(|why| format!("to: {why}"))?;
    if from > to {
        return Err("needs from ≤ to".into());
    }
    Ok((from, to))
}

fn rfc3339(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Dates picked in the UI arrive as midnight; showing the time too would be noise.
fn readable(at: &DateTime<Utc>) -> String {
    if at.time() == NaiveTime::MIN {
        at.date_naive().to_string()
    } else {
        rfc3339(at)
    }
}

impl CheckedFilter {
    pub fn combine(&self) -> Combine {
        self.combine
    }

    pub fn criteria(&self) -> &[CheckedCriterion] {
        &self.criteria
    }

    /// The (data group, field) pairs whose values `matches` will ask for.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.criteria.iter().map(|c| (c.data_group.as_str(), c.field.as_str()))
    }

    /// Whether a user whose values `value_of(data_group, field)` returns passes the filter.
    /// No criteria means everyone, whether combined with all or any. A value of another type
    /// than its field (the field was retyped since) counts as missing: it answers no test.
    pub fn matches(&self, value_of: impl Fn(&str, &str) -> Option<FieldValue>, now: DateTime<Utc>) -> bool {
        let holds = |c: &CheckedCriterion| {
            let value = value_of(&c.data_group, &c.field).filter(|v| type_of(v) == c.field_type);
            c.test.holds(value.as_ref(), now)
        };
        match self.combine {
            _ if self.criteria.is_empty() => true,
            Combine::All => self.criteria.iter().all(holds),
            Combine::Any => self.criteria.iter().any(holds),
        }
    }

    /// One line for people, e.g. `Plan is "pro" and Seats ≥ 5`. A field name that two of the
    /// criteria's data groups share is followed by its group, so the line stays unambiguous.
    pub fn describe(&self) -> String {
        if self.criteria.is_empty() {
            return "everyone".into();
        }
        let one = |c: &CheckedCriterion| {
            let shared = self.criteria.iter().any(|o| o.field == c.field && o.data_group != c.data_group);
            let name = if shared { format!("{} ({})", c.field, c.data_group) } else { c.field.clone() };
            format!("{name} {}", c.test.describe())
        };
        let joiner = if self.combine == Combine::All { " and " } else { " or " };
        self.criteria.iter().map(one).collect::<Vec<_>>().join(joiner)
    }

    pub fn to_filter(&self) -> Filter {
        let criteria = self
            .criteria
            .iter()
            .map(|c| {
                let (qualifier, value) = c.test.parts();
                Criterion { data_group: c.data_group.clone(), field: c.field.clone(), qualifier, value }
            })
            .collect();
        Filter { combine: self.combine, criteria }
    }
}

fn type_of(value: &FieldValue) -> FieldType {
    match value {
        FieldValue::Boolean(_) => FieldType::Boolean,
        FieldValue::DateTime(_) => FieldType::DateTime,
        FieldValue::Integer(_) => FieldType::Integer,
        FieldValue::String(_) => FieldType::String,
    }
}

impl Serialize for CheckedFilter {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_filter().serialize(serializer)
    }
}

#[cfg(test)]
mod tests;
