//! Typed cells and tables: the one shape in which Inlet hands data out. A grid row, a report
//! element's data and every export (CSV, XLSX, PDF, email) are built from these, so a value
//! reads the same on the page, in the API and in each file.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::fmt;

use super::fields::FieldValue;

/// One value of a table. `Empty` is a missing value (a user without one, an empty group).
/// `Number` holds what only arithmetic makes (a mean); stored values are never fractional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Cell {
    Empty,
    Boolean(bool),
    Integer(i64),
    Number(f64),
    #[serde(rename = "datetime")]
    DateTime(DateTime<Utc>),
    Text(String),
}

/// A time as the API and the CSV files write it: RFC 3339 in UTC with a `Z`
/// (`2026-11-01T10:00:00Z`), fractions of a second only when there are some.
pub fn rfc3339_utc(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

impl Cell {
    /// The public, typed JSON of a value: boolean, number, RFC 3339 UTC text, text, or `null`.
    pub fn to_json(&self) -> Json {
        match self {
            Cell::Empty => Json::Null,
            Cell::Boolean(b) => Json::Bool(*b),
            Cell::Integer(n) => Json::from(*n),
            // A mean is finite; should one ever not be, null says "no value" rather than lie.
            Cell::Number(x) => serde_json::Number::from_f64(*x).map_or(Json::Null, Json::Number),
            Cell::DateTime(at) => Json::String(rfc3339_utc(at)),
            Cell::Text(text) => Json::String(text.clone()),
        }
    }

    /// The text a CSV file holds for this value (empty for `Empty`).
    pub fn to_csv_field(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            other => other.to_string(),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The value as a number, for charts and sums (`None` for text, times and no value).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Integer(n) => Some(*n as f64),
            Cell::Number(x) => Some(*x),
            _ => None,
        }
    }
}

/// Plain text for people and files: `true`/`false`, numbers as written, times in RFC 3339
/// UTC, and `(empty)` for no value (pages and PDFs show that word; CSV writes nothing).
impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Empty => f.write_str("(empty)"),
            Cell::Boolean(b) => write!(f, "{b}"),
            Cell::Integer(n) => write!(f, "{n}"),
            Cell::Number(x) => write!(f, "{}", format_number(*x)),
            Cell::DateTime(at) => f.write_str(&rfc3339_utc(at)),
            Cell::Text(text) => f.write_str(text),
        }
    }
}

/// At most two decimals, without trailing zeros: `2.5`, `3`, `0.33`.
fn format_number(x: f64) -> String {
    let text = format!("{x:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

impl From<FieldValue> for Cell {
    fn from(value: FieldValue) -> Self {
        match value {
            FieldValue::Boolean(b) => Cell::Boolean(b),
            FieldValue::DateTime(at) => Cell::DateTime(at),
            FieldValue::Integer(n) => Cell::Integer(n),
            FieldValue::String(text) => Cell::Text(text),
        }
    }
}

impl From<Option<FieldValue>> for Cell {
    fn from(value: Option<FieldValue>) -> Self {
        value.map_or(Cell::Empty, Cell::from)
    }
}

/// Named columns and rows of cells: every report element's data
/// (`{"columns":[…],"rows":[[…]]}` in the API).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table with these column names and no rows yet.
    pub fn with_columns<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        Self { columns: columns.into_iter().map(Into::into).collect(), rows: Vec::new() }
    }

    /// The cells of column `index`, top to bottom (`Empty` where a row is short).
    pub fn column(&self, index: usize) -> impl Iterator<Item = &Cell> + '_ {
        self.rows.iter().map(move |row| row.get(index).unwrap_or(&Cell::Empty))
    }

    /// The public JSON: column names, and rows of typed JSON values.
    pub fn to_json(&self) -> Json {
        let rows = self.rows.iter().map(|row| Json::Array(row.iter().map(Cell::to_json).collect())).collect();
        serde_json::json!({ "columns": self.columns, "rows": Json::Array(rows) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn cells_become_typed_json() {
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap();
        let row = [
            Cell::Empty,
            Cell::Boolean(false),
            Cell::Integer(-3),
            Cell::Number(2.5),
            Cell::DateTime(at),
            Cell::Text("pro".into()),
        ];
        let json: Vec<Json> = row.iter().map(Cell::to_json).collect();
        assert_eq!(json, vec![json!(null), json!(false), json!(-3), json!(2.5), json!("2026-11-01T10:00:00Z"), json!("pro")]);
        assert_eq!(Cell::Number(f64::NAN).to_json(), Json::Null);
    }

    #[test]
    fn cells_read_as_text_for_people_and_csv() {
        assert_eq!(Cell::Empty.to_string(), "(empty)");
        assert_eq!(Cell::Empty.to_csv_field(), "");
        assert_eq!(Cell::Number(10.0 / 3.0).to_string(), "3.33");
        assert_eq!(Cell::Number(4.0).to_string(), "4");
        assert_eq!(Cell::Number(-0.001).to_string(), "0");
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap() + chrono::TimeDelta::milliseconds(250);
        assert_eq!(Cell::DateTime(at).to_csv_field(), "2026-11-01T10:00:00.250Z");
    }

    #[test]
    fn cells_cross_the_wire_with_their_type() {
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap();
        for cell in [Cell::Empty, Cell::DateTime(at), Cell::Text("2026-11-01T10:00:00Z".into()), Cell::Number(1.5)] {
            let wire = serde_json::to_string(&cell).unwrap();
            assert_eq!(serde_json::from_str::<Cell>(&wire).unwrap(), cell, "{wire}");
        }
    }

    #[test]
    fn stored_values_map_to_cells() {
        assert_eq!(Cell::from(Some(FieldValue::String("x".into()))), Cell::Text("x".into()));
        assert_eq!(Cell::from(None::<FieldValue>), Cell::Empty);
    }

    #[test]
    fn a_table_is_columns_and_rows_in_json() {
        let table = Table { columns: vec!["Plan".into(), "Users".into()], rows: vec![vec![Cell::Empty, Cell::Integer(2)]] };
        assert_eq!(table.to_json(), json!({"columns": ["Plan", "Users"], "rows": [[null, 2]]}));
    }
}
