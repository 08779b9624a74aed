//! A filter as a form submits it: one row per criterion, the field chosen as
//! `<data group>␟<field>`, the qualifier by name, one or two values as typed. Blank rows are
//! skipped; errors point at the row they came from (`criteria[row].value`).

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::{Combine, Criterion, Filter, Qualifier};
use crate::domain::ValidationError;

/// Separates the data group from the field in a row's `field` choice.
pub const FIELD_SEPARATOR: char = '\u{1f}';

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionRow {
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub qualifier: String,
    #[serde(default)]
    pub value: String,
    /// The end of a `between`.
    #[serde(default)]
    pub value2: String,
}

/// The value a row chooses for a field: `<data group>␟<field>`.
pub fn field_choice(data_group: &str, field: &str) -> String {
    format!("{data_group}{FIELD_SEPARATOR}{field}")
}

impl Filter {
    /// Builds the filter a form describes (unchecked: `check` follows). `None` when every row
    /// is blank: no gate. Returns also which row each criterion came from, so the check's
    /// errors can be put back on their rows with [`errors_at_rows`].
    pub fn from_rows(combine: &str, rows: &[CriterionRow]) -> Result<Option<(Filter, Vec<usize>)>, Vec<ValidationError>> {
        let combine = match combine {
            "any" => Combine::Any,
            _ => Combine::All,
        };
        let mut criteria = Vec::new();
        let mut origin = Vec::new();
        let mut errors = Vec::new();
        for (row, input) in rows.iter().enumerate() {
            if input.field.trim().is_empty() {
                continue;
            }
            let Some((data_group, field)) = input.field.split_once(FIELD_SEPARATOR) else {
                errors.push(ValidationError::new(&format!("criteria[{row}].field"), "choose a field"));
                continue;
            };
            let Some(qualifier) = Qualifier::parse(&input.qualifier) else {
                errors.push(ValidationError::new(&format!("criteria[{row}].qualifier"), "choose how to compare"));
                continue;
            };
            let text = |s: &str| Json::String(s.trim().to_string());
            let value = match qualifier {
                Qualifier::IsEmpty | Qualifier::IsNotEmpty | Qualifier::IsTrue | Qualifier::IsFalse => None,
                Qualifier::Between => Some(Json::Array(vec![text(&input.value), text(&input.value2)])),
                _ => Some(text(&input.value)),
            };
            criteria.push(Criterion { data_group: data_group.to_string(), field: field.to_string(), qualifier, value });
            origin.push(row);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok((!criteria.is_empty()).then_some((Filter { combine, criteria }, origin)))
    }
}

impl CriterionRow {
    /// The row a form shows for a stored criterion: what `Filter::from_rows` reads back as it.
    pub fn of(criterion: &Criterion) -> Self {
        let (value, value2) = value_texts(&criterion.value);
        CriterionRow {
            field: field_choice(&criterion.data_group, &criterion.field),
            qualifier: criterion.qualifier.as_str().to_string(),
            value,
            value2,
        }
    }
}

/// A criterion's value as a form's one or two text inputs (a `between` has two).
pub fn value_texts(value: &Option<Json>) -> (String, String) {
    let text = |v: &Json| match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    match value {
        Some(Json::Array(pair)) if pair.len() == 2 => (text(&pair[0]), text(&pair[1])),
        Some(value) => (text(value), String::new()),
        None => (String::new(), String::new()),
    }
}

/// Points `filter.criteria[i]` errors (from `Filter::check`) at the form rows they came from.
pub fn errors_at_rows(errors: Vec<ValidationError>, origin: &[usize]) -> Vec<ValidationError> {
    crate::domain::identity::errors_at_rows(errors, "filter.criteria", "criteria", origin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fields::FieldType;
    use crate::domain::filter::{builtin_fields, SchemaField};

    fn row(field: &str, qualifier: &str, value: &str, value2: &str) -> CriterionRow {
        CriterionRow { field: field.into(), qualifier: qualifier.into(), value: value.into(), value2: value2.into() }
    }

    #[test]
    fn a_stored_criterion_reads_back_as_the_row_that_makes_it() {
        let rows = [
            row(&field_choice("App", "Seats"), "between", "5", "10"),
            row(&field_choice("App", "Beta"), "is_true", "", ""),
            row(&field_choice("CRM", "Plan"), "is", "Pro", ""),
        ];
        let (filter, _) = Filter::from_rows("all", &rows).unwrap().unwrap();
        let back: Vec<CriterionRow> = filter.criteria.iter().map(CriterionRow::of).collect();
        assert_eq!(back, rows);
    }

    #[test]
    fn rows_become_criteria_and_blank_rows_are_skipped() {
        let rows = [
            row(&field_choice("App", "Seats"), "between", " 5 ", "10"),
            row("", "is", "", ""),
            row(&field_choice("App", "Beta"), "is_true", "ignored", ""),
            row(&field_choice("User account", "Email"), "contains", "@acme.com", ""),
        ];
        let (filter, origin) = Filter::from_rows("any", &rows).unwrap().unwrap();
        assert_eq!(filter.combine, Combine::Any);
        assert_eq!(origin, [0, 2, 3]);
        assert_eq!(filter.criteria[0].value, Some(serde_json::json!(["5", "10"])));
        assert_eq!(filter.criteria[1].value, None);
        assert_eq!(filter.criteria[2].data_group, "User account");
        assert_eq!(Filter::from_rows("all", &[row("", "", "", "")]).unwrap(), None, "no rows: no gate");
    }

    #[test]
    fn check_errors_land_on_their_rows() {
        let mut schema = builtin_fields();
        schema.push(SchemaField { data_group: "App".into(), field: "Seats".into(), field_type: FieldType::Integer });
        let rows = [row("", "", "", ""), row(&field_choice("App", "Seats"), "gt", "many", "")];
        let (filter, origin) = Filter::from_rows("all", &rows).unwrap().unwrap();
        let errors = errors_at_rows(filter.check(&schema).unwrap_err(), &origin);
        assert_eq!(errors[0].field, "criteria[1].value");
        let bad = Filter::from_rows("all", &[row("no separator", "is", "x", "")]).unwrap_err();
        assert_eq!(bad[0].field, "criteria[0].field");
    }
}
