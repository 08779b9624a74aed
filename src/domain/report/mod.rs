//! Custom reports (PRODUCT.md §6): element styles and which data they fit, and the typed table
//! each element's data is computed into. The page, the API and every export (PDF, XLSX, CSV,
//! email) show that one table; charts are drawn from it.
//!
//! The store hands in the users' values (one `Vec<Cell>` per user, in the columns
//! [`ElementSpec::input_columns`] names); nothing here reads a database.

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::filter::SchemaField;
use super::table::{Cell, Table};

mod definition;
mod grouping;
mod slots;
mod statistics;
mod style;
mod timeline;

pub use definition::{ElementDefinition, ProjectFigure, Report, ReportForCreate, StoredElement, MAX_ELEMENTS};
pub use grouping::{counts, cross_tab, MAX_DISTINCT_INTEGERS, MAX_RANGES, TICKETS, TOTAL, USERS};
pub use statistics::{distribution, STATISTIC};
pub use style::{check_style, fitting_styles, Bucket, Source, Style, StyleError, MAX_FIELDS};
pub use timeline::{line, MAX_POINTS};

/// The first column of a list element.
pub const EMAIL: &str = "Email";
/// The first columns of a feedback list element: the ticket's title and its submitter's email
/// (a ticket has no other name a reader would know it by).
pub const TITLE: &str = "Title";
pub const SUBMITTER: &str = "Submitter";
/// How many rows of a list a page shows (exports show all).
pub const LIST_PAGE_ROWS: usize = 100;

/// What an element shows, as far as computing its table goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementSpec {
    pub name: String,
    pub source: Source,
    pub style: Style,
    /// The fields shown, in order (none for a number).
    pub fields: Vec<SchemaField>,
    /// For a line: the period users are counted by.
    pub bucket: Bucket,
}

impl ElementSpec {
    /// The values each user's row must hold, in this order: the email then the fields for a
    /// list (for feedback: each ticket's title and submitter's email, then the fields), the
    /// fields otherwise (nothing for a number: only the rows are counted).
    pub fn input_columns(&self) -> Vec<String> {
        let fields = self.fields.iter().map(|field| field.field.clone());
        match self.style {
            Style::List if self.source == Source::Feedback => {
                [TITLE, SUBMITTER].into_iter().map(String::from).chain(fields).collect()
            }
            Style::List => std::iter::once(EMAIL.to_string()).chain(fields).collect(),
            Style::Number => Vec::new(),
            _ => fields.collect(),
        }
    }

    /// Checks the style against the fields (the API's 422).
    pub fn check(&self) -> Result<(), StyleError> {
        let types: Vec<_> = self.fields.iter().map(|field| field.field_type).collect();
        check_style(self.style, self.source, &types)
    }
}

/// A report with every element's table computed: what the page shows and every export writes.
/// Exports take this and nothing else (no store), so a download and an email attachment made
/// from the same report are the same bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComputedReport {
    pub name: String,
    /// The project's name (or the community's, for a community report).
    pub project: String,
    /// When the tables were computed.
    pub computed_at: chrono::DateTime<chrono::Utc>,
    /// The report's time zone: dates in the files are shown in it.
    pub time_zone: Tz,
    pub elements: Vec<ComputedElement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComputedElement {
    pub name: String,
    pub style: Style,
    pub table: Table,
}

impl ComputedReport {
    /// The same report with only its `index`th element (a one-element export), or `None`.
    pub fn only(&self, index: usize) -> Option<ComputedReport> {
        let element = self.elements.get(index)?.clone();
        Some(ComputedReport { elements: vec![element], ..self.clone() })
    }

    /// "2 December 2026, 09:45 Europe/Paris": when the data was computed, as the report's
    /// readers' clocks showed it.
    pub fn computed_at_label(&self) -> String {
        let local = self.computed_at.with_timezone(&self.time_zone);
        format!("{} {}", local.format("%-d %B %Y, %H:%M"), self.time_zone.name())
    }
}

/// A report's time zone: lines and datetime ranges count days in it. UTC unless set.
pub fn parse_time_zone(name: &str) -> Option<Tz> {
    name.trim().parse().ok()
}

/// A number element's table: `[[<element name>, n]]`.
pub fn number_table(name: &str, n: i64) -> Table {
    Table { columns: vec![name.to_string(), USERS.to_string()], rows: vec![vec![Cell::Text(name.into()), Cell::Integer(n)]] }
}

/// Computes an element's table from the matching rows' values (`rows`, one per user, or per
/// ticket for feedback, in the element's [`ElementSpec::input_columns`]). The style must fit
/// the data ([`ElementSpec::check`]); a row shorter than the columns reads as empty values.
/// Feedback counts tickets with the users' grouping: only the count column's name differs.
pub fn compute(element: &ElementSpec, rows: &[Vec<Cell>], zone: Tz) -> Table {
    let rows: Vec<&[Cell]> = rows.iter().map(Vec::as_slice).collect();
    compute_rows(element, &rows, zone)
}

/// The same table from each distinct combination of values and how many rows hold it (what a
/// database's `GROUP BY` answers), for every style but a list, whose rows are the users
/// themselves. Each combination stands for its rows by reference: nothing is copied.
pub fn compute_grouped(element: &ElementSpec, groups: &[(Vec<Cell>, i64)], zone: Tz) -> Table {
    debug_assert!(element.style != Style::List, "a list shows rows, not groups");
    let rows: Vec<&[Cell]> =
        groups.iter().flat_map(|(values, n)| std::iter::repeat_n(values.as_slice(), (*n).max(0) as usize)).collect();
    compute_rows(element, &rows, zone)
}

fn compute_rows(element: &ElementSpec, rows: &[&[Cell]], zone: Tz) -> Table {
    let mut table = count_rows(element, rows, zone);
    // The count is the last column of a count, a line or a number (a cross-tab ends in Total,
    // and a value that happens to read "Users" is left alone).
    if let (Source::Feedback, false, Some(last)) = (element.source, element.style == Style::List, table.columns.last_mut()) {
        if last == USERS {
            *last = TICKETS.to_string();
        }
    }
    table
}

fn count_rows(element: &ElementSpec, rows: &[&[Cell]], zone: Tz) -> Table {
    match (element.style, element.fields.as_slice()) {
        (Style::Number, _) => number_table(&element.name, rows.len() as i64),
        (Style::List, _) => {
            let mut table = Table::with_columns(element.input_columns());
            let width = table.columns.len();
            table.rows =
                rows.iter().map(|row| (0..width).map(|i| row.get(i).cloned().unwrap_or(Cell::Empty)).collect()).collect();
            table
        }
        (Style::Line, [field, ..]) => line(&field.field, rows.iter().map(|row| first(row)), element.bucket, zone),
        (Style::Distribution, [field, ..]) => distribution(&field.field, field.field_type, rows.iter().map(|row| first(row))),
        (_, [first_field, second_field, ..]) => {
            let pairs: Vec<(&Cell, &Cell)> = rows.iter().map(|row| (first(row), row.get(1).unwrap_or(&EMPTY))).collect();
            cross_tab(
                [(&first_field.field, first_field.field_type), (&second_field.field, second_field.field_type)],
                &pairs,
                zone,
            )
        }
        (_, [field]) => {
            let values: Vec<&Cell> = rows.iter().map(|row| first(row)).collect();
            counts(&field.field, field.field_type, &values, zone)
        }
        (_, []) => number_table(&element.name, rows.len() as i64),
    }
}

static EMPTY: Cell = Cell::Empty;

fn first(row: &[Cell]) -> &Cell {
    row.first().unwrap_or(&EMPTY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fields::FieldType;
    use chrono_tz::UTC;

    fn field(name: &str, field_type: FieldType) -> SchemaField {
        SchemaField { data_group: "Account".into(), field: name.into(), field_type }
    }

    fn element(style: Style, fields: Vec<SchemaField>) -> ElementSpec {
        ElementSpec { name: "Plan mix".into(), source: Source::Users, style, fields, bucket: Bucket::Day }
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn a_number_counts_the_users() {
        let table = compute(&element(Style::Number, vec![]), &[vec![], vec![]], UTC);
        assert_eq!(table.to_json(), serde_json::json!({"columns": ["Plan mix", "Users"], "rows": [["Plan mix", 2]]}));
    }

    #[test]
    fn one_field_styles_share_the_counts_table() {
        let rows = vec![vec![text("pro")], vec![text("basic")], vec![text("pro")], vec![]];
        for style in [Style::Table, Style::Bar, Style::Column, Style::Pie, Style::Donut] {
            let table = compute(&element(style, vec![field("Plan", FieldType::String)]), &rows, UTC);
            assert_eq!(
                table.to_json(),
                serde_json::json!({"columns": ["Plan", "Users"], "rows": [["pro", 2], ["basic", 1], [null, 1]]}),
                "{style}"
            );
        }
    }

    #[test]
    fn two_fields_make_a_cross_tab() {
        let rows = vec![vec![text("pro"), Cell::Boolean(true)], vec![text("basic"), Cell::Boolean(false)]];
        let spec = element(Style::Column, vec![field("Plan", FieldType::String), field("Beta", FieldType::Boolean)]);
        assert_eq!(compute(&spec, &rows, UTC).columns, vec!["Plan", "false", "true", "Total"]);
    }

    #[test]
    fn feedback_counts_tickets_with_the_users_grouping() {
        let mut spec = element(Style::Table, vec![field("Type", FieldType::String)]);
        spec.source = Source::Feedback;
        let table = compute(&spec, &[vec![text("Bug")], vec![text("Bug")], vec![text("Idea")]], UTC);
        assert_eq!(table.to_json(), serde_json::json!({"columns": ["Type", "Tickets"], "rows": [["Bug", 2], ["Idea", 1]]}));
        spec.style = Style::List;
        assert_eq!(spec.input_columns(), vec!["Title", "Submitter", "Type"]);
    }

    #[test]
    fn a_list_is_one_row_per_user_with_the_email_first() {
        let spec = element(Style::List, vec![field("Plan", FieldType::String), field("Seats", FieldType::Integer)]);
        assert_eq!(spec.input_columns(), vec!["Email", "Plan", "Seats"]);
        let rows = vec![vec![text("a@example.com"), text("pro"), Cell::Integer(3)], vec![text("b@example.com")]];
        let table = compute(&spec, &rows, UTC);
        assert_eq!(table.columns, vec!["Email", "Plan", "Seats"]);
        assert_eq!(table.rows[1], vec![text("b@example.com"), Cell::Empty, Cell::Empty]);
    }

    #[test]
    fn lines_and_distributions_read_the_first_field() {
        let at = Cell::DateTime(chrono::DateTime::from_timestamp(1_793_000_000, 0).unwrap());
        let rows = vec![vec![at.clone()], vec![Cell::Empty]];
        let spec = element(Style::Line, vec![field("Signed in", FieldType::DateTime)]);
        assert_eq!(compute(&spec, &rows, UTC).rows.len(), 1);
        let spec = element(Style::Distribution, vec![field("Signed in", FieldType::DateTime)]);
        let table = compute(&spec, &rows, UTC);
        assert_eq!(table.rows[0][1], Cell::Integer(1));
        assert_eq!(table.rows[1][1], at);
    }

    #[test]
    fn counted_groups_make_the_same_tables_as_the_rows_they_stand_for() {
        let rows: Vec<Vec<Cell>> = (0..40)
            .map(|i| vec![if i % 7 == 0 { Cell::Empty } else { text(["pro", "basic", "Pro"][i % 3]) }, Cell::Integer((i % 25) as i64)])
            .collect();
        let mut groups: Vec<(Vec<Cell>, i64)> = Vec::new();
        for row in &rows {
            match groups.iter_mut().find(|(values, _)| values == row) {
                Some((_, n)) => *n += 1,
                None => groups.push((row.clone(), 1)),
            }
        }
        groups.reverse();
        let (plan, seats) = (field("Plan", FieldType::String), field("Seats", FieldType::Integer));
        let seats_only: Vec<Vec<Cell>> = rows.iter().map(|row| vec![row[1].clone()]).collect();
        let seats_groups: Vec<(Vec<Cell>, i64)> = seats_only.iter().map(|row| (row.clone(), 1)).collect();
        for spec in [
            element(Style::Number, vec![]),
            element(Style::Pie, vec![plan.clone()]),
            element(Style::Table, vec![plan.clone(), seats.clone()]),
        ] {
            assert_eq!(compute_grouped(&spec, &groups, UTC), compute(&spec, &rows, UTC), "{}", spec.style);
        }
        for style in [Style::Bar, Style::Distribution] {
            let spec = element(style, vec![seats.clone()]);
            assert_eq!(compute_grouped(&spec, &seats_groups, UTC), compute(&spec, &seats_only, UTC), "{style}");
        }
    }

    #[test]
    fn an_element_checks_its_style_and_zones_parse() {
        assert!(element(Style::Line, vec![field("Plan", FieldType::String)]).check().is_err());
        assert_eq!(parse_time_zone("Europe/Paris"), Some(chrono_tz::Europe::Paris));
        assert_eq!(parse_time_zone("Mars/Olympus"), None);
    }
}
