//! Saved filters and views: named, per project, checked against the project's fields before
//! they are stored (names spelled as the schema spells them), and checked again when used,
//! since fields may be renamed or removed since.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{View, ViewColumn};
use crate::domain::filter::{Filter, SchemaField};
use crate::domain::identity::{collapse_spaces, has_control_characters, CONTROL_CHARACTERS};
use crate::domain::ValidationError;

pub const MAX_NAME_CHARS: usize = 120;

/// What a saved filter or view is over: the project's users (the user grid, reports over
/// users), or its feedback tickets (the feedback grid: it may also name the `Ticket` group).
/// Names are unique per project across both, so a filter's name says which one it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SavedSubject {
    #[default]
    Users,
    Feedback,
}

impl SavedSubject {
    pub const ALL: [SavedSubject; 2] = [SavedSubject::Users, SavedSubject::Feedback];

    pub fn as_str(&self) -> &'static str {
        match self {
            SavedSubject::Users => "users",
            SavedSubject::Feedback => "feedback",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|subject| subject.as_str() == value)
    }

    /// The grid page of a project that shows rows of this subject (`/p/<slug>/<this>`), under
    /// which its filters' and views' builders live.
    pub fn page(&self) -> &'static str {
        self.as_str()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFilter {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub subject: SavedSubject,
    pub filter: Filter,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub subject: SavedSubject,
    pub columns: Vec<ViewColumn>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SavedView {
    pub fn view(&self) -> View {
        View { columns: self.columns.clone() }
    }
}

/// A filter about to be saved: a valid name and criteria that fit the project's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterForCreate {
    pub name: String,
    /// As checked: names in the schema's spelling, operands in their canonical JSON.
    pub filter: Filter,
}

/// A view about to be saved: a valid name and columns the project has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewForCreate {
    pub name: String,
    pub columns: Vec<ViewColumn>,
}

/// Filter and view names: 1 to `MAX_NAME_CHARS` characters, inner spaces collapsed, no
/// control characters.
pub fn parse_name(input: &str) -> Result<String, ValidationError> {
    let name = collapse_spaces(input);
    if name.is_empty() {
        return Err(ValidationError::new("name", "is required"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(ValidationError::new("name", format!("is longer than {MAX_NAME_CHARS} characters")));
    }
    if has_control_characters(input) {
        return Err(ValidationError::new("name", CONTROL_CHARACTERS));
    }
    Ok(name)
}

impl FilterForCreate {
    /// Checks the name and every criterion, reporting all problems at once. Criteria errors
    /// are named as the saved filter's JSON names them (`criteria[0].value`).
    pub fn parse(name: &str, filter: Filter, schema: &[SchemaField]) -> Result<Self, Vec<ValidationError>> {
        let name = parse_name(name);
        let checked = filter.check(schema).map_err(|errors| {
            errors
                .into_iter()
                .map(|e| ValidationError::new(e.field.strip_prefix("filter.").unwrap_or(&e.field), e.message))
                .collect::<Vec<_>>()
        });
        match (name, checked) {
            (Ok(name), Ok(checked)) => Ok(Self { name, filter: checked.to_filter() }),
            (name, checked) => Err(name.err().into_iter().chain(checked.err().unwrap_or_default()).collect()),
        }
    }
}

impl ViewForCreate {
    /// Checks the name and every column, reporting all problems at once (`columns[1].field`).
    pub fn parse(name: &str, view: &View, schema: &[SchemaField]) -> Result<Self, Vec<ValidationError>> {
        let name = parse_name(name);
        let columns = view.resolve(schema, "columns");
        match (name, columns) {
            (Ok(name), Ok(columns)) => Ok(Self {
                name,
                columns: columns.into_iter().map(|c| ViewColumn { data_group: c.data_group, field: c.field }).collect(),
            }),
            (name, columns) => Err(name.err().into_iter().chain(columns.err().unwrap_or_default()).collect()),
        }
    }
}
