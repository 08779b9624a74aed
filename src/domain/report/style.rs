//! Which element styles fit which data: the one rule behind the builder's style choices, the
//! API's 422 and the data each style is computed into.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::domain::fields::FieldType;

/// How an element shows its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// One headline figure: the users matching the element's filter (or a project figure).
    Number,
    /// Counts by value (one field) or a cross-tab (two fields).
    Table,
    /// Horizontal bars; grouped bars for two fields.
    Bar,
    /// Vertical columns; stacked columns for two fields.
    Column,
    Pie,
    Donut,
    /// Users over time, by day, week or month of a date-and-time field.
    Line,
    /// Count, minimum, maximum, mean and median of an integer or date-and-time field.
    Distribution,
    /// One row per user: the email and the fields' values.
    List,
}

impl Style {
    pub const ALL: [Style; 9] = [
        Style::Number,
        Style::Table,
        Style::Bar,
        Style::Column,
        Style::Pie,
        Style::Donut,
        Style::Line,
        Style::Distribution,
        Style::List,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Style::Number => "number",
            Style::Table => "table",
            Style::Bar => "bar",
            Style::Column => "column",
            Style::Pie => "pie",
            Style::Donut => "donut",
            Style::Line => "line",
            Style::Distribution => "distribution",
            Style::List => "list",
        }
    }

    /// What the builder's style choice reads.
    pub fn label(&self) -> &'static str {
        match self {
            Style::Number => "Number",
            Style::Table => "Table",
            Style::Bar => "Bar chart",
            Style::Column => "Column chart",
            Style::Pie => "Pie chart",
            Style::Donut => "Donut chart",
            Style::Line => "Line over time",
            Style::Distribution => "Distribution",
            Style::List => "List of users",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|style| style.as_str() == value)
    }

    /// Whether the element is drawn as a chart (and so gets an SVG, a PDF drawing and an
    /// Excel chart), rather than shown as its table or figure alone.
    pub fn is_chart(&self) -> bool {
        matches!(self, Style::Bar | Style::Column | Style::Pie | Style::Donut | Style::Line)
    }
}

impl fmt::Display for Style {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an element's users come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The project's users (matching the element's filter, if any).
    #[default]
    Users,
    /// A figure about the project as a whole (one number, no fields).
    Project,
    /// The project's feedback tickets (matching the element's filter over the tickets' fields
    /// and their submitters'): the same styles as users, counting tickets.
    Feedback,
}

impl Source {
    pub fn as_str(&self) -> &'static str {
        match self {
            Source::Users => "users",
            Source::Project => "project",
            Source::Feedback => "feedback",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Source::Users, Source::Project, Source::Feedback].into_iter().find(|source| source.as_str() == value)
    }

    /// What a count column names the rows counted: users, or tickets for feedback.
    pub fn counted(&self) -> &'static str {
        match self {
            Source::Feedback => super::TICKETS,
            Source::Users | Source::Project => super::USERS,
        }
    }
}

/// The period a line element counts users by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    #[default]
    Day,
    /// Weeks start on Monday.
    Week,
    Month,
}

impl Bucket {
    pub fn as_str(&self) -> &'static str {
        match self {
            Bucket::Day => "day",
            Bucket::Week => "week",
            Bucket::Month => "month",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Bucket::Day, Bucket::Week, Bucket::Month].into_iter().find(|bucket| bucket.as_str() == value)
    }
}

/// The most fields one element shows.
pub const MAX_FIELDS: usize = 2;

/// The styles that fit `fields` from `source`, in the order the builder offers them.
pub fn fitting_styles(source: Source, fields: &[FieldType]) -> Vec<Style> {
    if source == Source::Project {
        return if fields.is_empty() { vec![Style::Number] } else { Vec::new() };
    }
    match fields {
        [] => vec![Style::Number, Style::List],
        [one] => {
            let mut styles = vec![Style::Table, Style::Bar, Style::Column, Style::Pie, Style::Donut];
            if *one == FieldType::DateTime {
                styles.push(Style::Line);
            }
            if matches!(one, FieldType::Integer | FieldType::DateTime) {
                styles.push(Style::Distribution);
            }
            styles.push(Style::List);
            styles
        }
        [_, _] => vec![Style::Table, Style::Bar, Style::Column, Style::List],
        _ => Vec::new(),
    }
}

/// Why an element's style cannot show its data. The text is the 422's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StyleError {
    #[error("an element shows at most {MAX_FIELDS} fields, got {0}")]
    TooManyFields(usize),
    #[error("a project figure takes no fields; choose the source \"users\" to show fields")]
    ProjectTakesNoFields,
    #[error("the style \"{style}\" does not fit {data}; styles that fit: {}", list(.fitting))]
    DoesNotFit { style: Style, data: String, fitting: Vec<Style> },
}

impl StyleError {
    /// The styles that would fit the data (empty when the data itself is the problem).
    pub fn fitting(&self) -> &[Style] {
        match self {
            StyleError::DoesNotFit { fitting, .. } => fitting,
            _ => &[],
        }
    }
}

fn list(styles: &[Style]) -> String {
    styles.iter().map(Style::as_str).collect::<Vec<_>>().join(", ")
}

/// Checks that `style` fits `fields` from `source`.
pub fn check_style(style: Style, source: Source, fields: &[FieldType]) -> Result<(), StyleError> {
    if fields.len() > MAX_FIELDS {
        return Err(StyleError::TooManyFields(fields.len()));
    }
    if source == Source::Project && !fields.is_empty() {
        return Err(StyleError::ProjectTakesNoFields);
    }
    let fitting = fitting_styles(source, fields);
    if fitting.contains(&style) {
        Ok(())
    } else {
        Err(StyleError::DoesNotFit { style, data: describe(source, fields), fitting })
    }
}

/// "no field", "one Integer field", "a String and a Boolean field".
fn describe(source: Source, fields: &[FieldType]) -> String {
    match (source, fields) {
        (Source::Project, _) => "a project figure".into(),
        (_, []) => "no field".into(),
        (_, [one]) => format!("one {} field", one.label()),
        (_, [first, second]) => format!("a {} and a {} field", first.label(), second.label()),
        (_, more) => format!("{} fields", more.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FieldType::*;

    #[test]
    fn one_field_of_each_type_fits_its_styles() {
        let common = [Style::Table, Style::Bar, Style::Column, Style::Pie, Style::Donut];
        for field in FieldType::ALL {
            let styles = fitting_styles(Source::Users, &[field]);
            for style in common {
                assert!(styles.contains(&style), "{style} for {field:?}");
            }
            assert!(styles.contains(&Style::List));
            assert!(!styles.contains(&Style::Number));
            assert_eq!(styles.contains(&Style::Line), field == DateTime, "line for {field:?}");
            assert_eq!(styles.contains(&Style::Distribution), matches!(field, Integer | DateTime), "distribution for {field:?}");
        }
    }

    #[test]
    fn two_fields_fit_tables_bars_columns_and_lists() {
        assert_eq!(fitting_styles(Source::Users, &[String, Boolean]), vec![Style::Table, Style::Bar, Style::Column, Style::List]);
        assert!(check_style(Style::Pie, Source::Users, &[String, Boolean]).is_err());
        assert!(check_style(Style::Line, Source::Users, &[DateTime, DateTime]).is_err());
    }

    #[test]
    fn a_number_has_no_field() {
        assert_eq!(check_style(Style::Number, Source::Users, &[]), Ok(()));
        assert_eq!(check_style(Style::Number, Source::Project, &[]), Ok(()));
        assert_eq!(check_style(Style::List, Source::Users, &[]), Ok(()));
        assert!(check_style(Style::Number, Source::Users, &[Integer]).is_err());
        assert_eq!(check_style(Style::Bar, Source::Project, &[]).unwrap_err().fitting(), &[Style::Number]);
        assert_eq!(check_style(Style::Number, Source::Project, &[Integer]), Err(StyleError::ProjectTakesNoFields));
    }

    #[test]
    fn a_mismatch_names_the_styles_that_would_fit() {
        let error = check_style(Style::Line, Source::Users, &[Integer]).unwrap_err();
        assert_eq!(
            error.fitting(),
            &[Style::Table, Style::Bar, Style::Column, Style::Pie, Style::Donut, Style::Distribution, Style::List]
        );
        assert_eq!(
            error.to_string(),
            "the style \"line\" does not fit one Integer field; styles that fit: table, bar, column, pie, donut, distribution, list"
        );
        let error = check_style(Style::Distribution, Source::Users, &[String]).unwrap_err();
        assert!(error.to_string().contains("one String field"), "{error}");
    }

    #[test]
    fn feedback_fits_what_users_fit_and_reads_back() {
        for fields in [&[][..], &[DateTime][..], &[String, String][..]] {
            assert_eq!(fitting_styles(Source::Feedback, fields), fitting_styles(Source::Users, fields));
        }
        assert_eq!(Source::parse("feedback"), Some(Source::Feedback));
        assert_eq!(serde_json::to_value(Source::Feedback).unwrap(), serde_json::json!("feedback"));
        assert_eq!(Source::Feedback.counted(), "Tickets");
    }

    #[test]
    fn more_than_two_fields_fit_nothing() {
        assert_eq!(check_style(Style::List, Source::Users, &[String, String, String]), Err(StyleError::TooManyFields(3)));
    }

    #[test]
    fn styles_and_buckets_read_back_from_their_names() {
        for style in Style::ALL {
            assert_eq!(Style::parse(style.as_str()), Some(style));
            assert_eq!(serde_json::to_value(style).unwrap(), serde_json::json!(style.as_str()));
        }
        assert_eq!(Style::parse("Pie"), None);
        assert_eq!(Bucket::parse("week"), Some(Bucket::Week));
        assert_eq!(Bucket::parse("year"), None);
    }
}
