//! The user grid (PRODUCT.md §5): views (ordered columns from any data group), the request
//! that runs a filter and a view, and the page it answers with. Saved filters and views live
//! in [`saved`]; the typed sort order in [`sort`].

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::fields::{same_label, FieldType};
use super::filter::{builtin_group, Filter, SchemaField, PARTICIPATION, USER_ACCOUNT};
use super::table::Cell;
use super::ValidationError;

pub mod saved;
pub mod sort;

pub use saved::{FilterForCreate, SavedFilter, SavedSubject, SavedView, ViewForCreate, MAX_NAME_CHARS};
pub use sort::{compare_cells, compare_rows, SortKey, SortOrder};

/// More columns than anyone reads; keeps a request's joins bounded.
pub const MAX_COLUMNS: usize = 60;
/// The page sizes the UI offers; the API takes any size from 1 to `MAX_PER_PAGE`.
pub const PAGE_SIZES: [u32; 4] = [25, 50, 100, 200];
pub const MAX_PER_PAGE: u32 = 200;
pub const DEFAULT_PER_PAGE: u32 = 50;

/// One column of a view: a field of a data group, named as people write it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewColumn {
    pub data_group: String,
    pub field: String,
}

impl ViewColumn {
    pub fn new(data_group: &str, field: &str) -> Self {
        Self { data_group: data_group.into(), field: field.into() }
    }
}

/// An ordered list of columns: the public JSON `{"columns": [{"data_group", "field"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    #[serde(default)]
    pub columns: Vec<ViewColumn>,
}

impl View {
    /// What the grid shows when no view is chosen.
    pub fn default_view() -> Self {
        let columns = [
            (USER_ACCOUNT, "Email"),
            (USER_ACCOUNT, "Username"),
            (USER_ACCOUNT, "Display name"),
            (PARTICIPATION, "Status"),
            (PARTICIPATION, "Joined"),
        ];
        Self { columns: columns.into_iter().map(|(group, field)| ViewColumn::new(group, field)).collect() }
    }

    /// The columns as fields of `schema` (normally `project_schema`), spelled as the schema
    /// spells them, with every problem reported at once under `at` (`columns[2].field`).
    /// Names match as filters match them (`same_label`); a column may appear once.
    pub fn resolve(&self, schema: &[SchemaField], at: &str) -> Result<Vec<SchemaField>, Vec<ValidationError>> {
        let mut errors = Vec::new();
        if self.columns.is_empty() {
            errors.push(ValidationError::new(at, "choose at least one column"));
        }
        if self.columns.len() > MAX_COLUMNS {
            errors.push(ValidationError::new(at, format!("at most {MAX_COLUMNS} columns")));
        }
        let mut resolved: Vec<SchemaField> = Vec::with_capacity(self.columns.len());
        for (index, column) in self.columns.iter().enumerate() {
            let error = |part: &str, message: String| ValidationError::new(&format!("{at}[{index}].{part}"), message);
            let (group, field) = (column.data_group.trim(), column.field.trim());
            if group.is_empty() {
                errors.push(error("data_group", "choose a data group".into()));
                continue;
            }
            if field.is_empty() {
                errors.push(error("field", "choose a field".into()));
                continue;
            }
            let Some(in_group) = schema.iter().find(|f| same_label(&f.data_group, group)) else {
                errors.push(error("data_group", format!("there is no data group '{group}'")));
                continue;
            };
            let Some(found) = schema.iter().find(|f| same_label(&f.data_group, group) && same_label(&f.field, field)) else {
                errors.push(error("field", format!("data group '{}' has no field '{field}'", in_group.data_group)));
                continue;
            };
            if resolved.iter().any(|r| r.data_group == found.data_group && r.field == found.field) {
                errors.push(error("field", format!("'{}: {}' is already a column of this view", found.data_group, found.field)));
                continue;
            }
            resolved.push(found.clone());
        }
        if errors.is_empty() {
            Ok(resolved)
        } else {
            Err(errors)
        }
    }

    /// Follows renamed fields as `Filter::rename_fields` does; returns whether a column changed.
    pub fn rename_fields(&mut self, data_group: &str, renames: &[(&str, &str)]) -> bool {
        let mut changed = false;
        for column in self.columns.iter_mut().filter(|c| same_label(&c.data_group, data_group)) {
            if let Some((_, new)) = renames.iter().find(|(old, _)| same_label(&column.field, old)) {
                column.field = new.to_string();
                changed = true;
            }
        }
        changed
    }
}

/// The data groups a builder offers, in order: the built-in ones, then the project's own,
/// each with its fields (taken from a schema such as `project_schema`).
pub fn data_groups(schema: &[SchemaField]) -> Vec<(String, Vec<SchemaField>)> {
    let mut groups: Vec<(String, Vec<SchemaField>)> = Vec::new();
    for field in schema {
        match groups.iter_mut().find(|(group, _)| *group == field.data_group) {
            Some((_, fields)) => fields.push(field.clone()),
            None => groups.push((field.data_group.clone(), vec![field.clone()])),
        }
    }
    groups
}

/// The header of each column: its field's label, prefixed `Data group: ` only where two
/// columns share a label (ignoring case), so a header is short unless it would be ambiguous.
pub fn header_labels(columns: &[SchemaField]) -> Vec<String> {
    columns
        .iter()
        .map(|column| {
            let shared =
                columns.iter().any(|other| same_label(&other.field, &column.field) && other.data_group != column.data_group);
            if shared {
                format!("{}: {}", column.data_group, column.field)
            } else {
                column.field.clone()
            }
        })
        .collect()
}

/// Whether a schema field is one every project has (User account, Participation).
pub fn is_builtin(field: &SchemaField) -> bool {
    builtin_group(&field.data_group).is_some()
}

/// A JSON number that is a whole number, however it is written (`3`, `3.0`, `3e0`): JSON
/// Schema's `integer` takes all three, so the API does too.
pub fn whole_number(n: &serde_json::Number) -> Option<i64> {
    n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
}

/// A filter or a view a request names: a saved one by id, or one written out in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice<T> {
    Saved(i64),
    Inline(T),
}

impl<T: serde::de::DeserializeOwned> Choice<T> {
    /// Reads the API's spelling: a number is a saved id, an object is written out, `null`
    /// (or no member) is none. Problems are reported at `at`.
    pub fn from_json(value: Option<Json>, at: &str) -> Result<Option<Self>, ValidationError> {
        match value {
            None | Some(Json::Null) => Ok(None),
            Some(Json::Number(n)) => match whole_number(&n) {
                Some(id) => Ok(Some(Choice::Saved(id))),
                None => Err(ValidationError::new(at, format!("{n} is not an id"))),
            },
            Some(object @ Json::Object(_)) => serde_json::from_value(object)
                .map(|inline| Some(Choice::Inline(inline)))
                .map_err(|e| ValidationError::new(at, e.to_string())),
            Some(other) => Err(ValidationError::new(at, format!("expected an id, an object or null, got {other}"))),
        }
    }
}

/// What the grid runs: a filter (none: everyone), a view (none: the default view), the sort
/// (by column index of the view) and the page. Exports ignore the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridRequest {
    pub filter: Option<Choice<Filter>>,
    pub view: Option<Choice<View>>,
    pub sort: Vec<SortKey>,
    pub page: u32,
    pub per_page: u32,
}

impl Default for GridRequest {
    fn default() -> Self {
        Self { filter: None, view: None, sort: Vec::new(), page: 1, per_page: DEFAULT_PER_PAGE }
    }
}

impl GridRequest {
    /// Checks the page number and size.
    pub fn check_page(&self) -> Vec<ValidationError> {
        let mut errors = Vec::new();
        if self.page < 1 {
            errors.push(ValidationError::new("page", "pages start at 1"));
        }
        if !(1..=MAX_PER_PAGE).contains(&self.per_page) {
            errors.push(ValidationError::new("per_page", format!("must be 1 to {MAX_PER_PAGE}")));
        }
        errors
    }

    /// Each sort key names a column of the view, at most once.
    pub fn check_sort(&self, columns: usize) -> Vec<ValidationError> {
        let mut errors = Vec::new();
        for (index, key) in self.sort.iter().enumerate() {
            if key.column >= columns {
                let message = format!("the view has {columns} columns (0 to {})", columns.saturating_sub(1));
                errors.push(ValidationError::new(&format!("sort[{index}].column"), message));
            } else if self.sort[..index].iter().any(|earlier| earlier.column == key.column) {
                errors.push(ValidationError::new(&format!("sort[{index}].column"), "already sorted by this column"));
            }
        }
        errors
    }
}

/// A column of a grid page: the field, its type, and its header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridColumn {
    pub data_group: String,
    pub field: String,
    pub field_type: FieldType,
    pub label: String,
}

impl GridColumn {
    pub fn for_columns(columns: &[SchemaField]) -> Vec<GridColumn> {
        columns
            .iter()
            .zip(header_labels(columns))
            .map(|(c, label)| GridColumn {
                data_group: c.data_group.clone(),
                field: c.field.clone(),
                field_type: c.field_type,
                label,
            })
            .collect()
    }
}

/// One user's row: their id (for the summary link), email, and one cell per column. In the
/// feedback grid, one ticket's row: its id, and its submitter's id and email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridRow {
    pub user_id: i64,
    pub user: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<i64>,
    pub values: Vec<Cell>,
}

/// One page of the grid and the total number of users the filter lets through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridPage {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub columns: Vec<GridColumn>,
    pub rows: Vec<GridRow>,
}

impl GridPage {
    pub fn pages(&self) -> u32 {
        (self.total.div_ceil(u64::from(self.per_page.max(1)))).max(1) as u32
    }
}

#[cfg(test)]
mod tests;
