//! What a report and its elements are as stored: the element's choices (source, fields,
//! filter, style), checked against the fields of the report's scope before they are kept, and
//! checked again when computed, since fields may be renamed or removed since.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::style::{Bucket, Source, Style};
use super::ElementSpec;
use crate::domain::filter::{Filter, SchemaField};
use crate::domain::grid::saved::parse_name;
use crate::domain::grid::{Choice, View, ViewColumn};
use crate::domain::ValidationError;

/// The most elements one report holds.
pub const MAX_ELEMENTS: usize = 40;

/// A headline figure about the project as a whole (source `project`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectFigure {
    /// The members matching the element's filter (everyone without one).
    #[default]
    Users,
    /// The active members matching the element's filter.
    ActiveUsers,
    /// Deliveries the project's listeners accepted in the last seven days.
    #[serde(rename = "values_last_7_days")]
    ValuesLast7Days,
}

impl ProjectFigure {
    pub const ALL: [ProjectFigure; 3] = [ProjectFigure::Users, ProjectFigure::ActiveUsers, ProjectFigure::ValuesLast7Days];

    pub fn as_str(&self) -> &'static str {
        match self {
            ProjectFigure::Users => "users",
            ProjectFigure::ActiveUsers => "active_users",
            ProjectFigure::ValuesLast7Days => "values_last_7_days",
        }
    }

    /// What the builder's choice and the number's second column read.
    pub fn label(&self) -> &'static str {
        match self {
            ProjectFigure::Users => "Users",
            ProjectFigure::ActiveUsers => "Active users",
            ProjectFigure::ValuesLast7Days => "Values received in the last 7 days",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|figure| figure.as_str() == value)
    }
}

/// An element's choices, as the API and the builder state them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementDefinition {
    pub name: String,
    pub source: Source,
    /// The fields shown, in order (none for a number).
    pub data: Vec<ViewColumn>,
    /// `None`: every user of the scope. Spelled as the API spells it: a saved filter's id, the
    /// filter written out, or null.
    #[serde(default, with = "api_choice")]
    pub filter: Option<Choice<Filter>>,
    pub style: Style,
    /// For a line (day when not given).
    #[serde(default)]
    pub bucket: Bucket,
    /// For a project figure (users when not given).
    #[serde(default)]
    pub figure: ProjectFigure,
}

impl ElementDefinition {
    /// Checks the name, the fields against `schema` and the style against the fields,
    /// reporting every problem at once (`data[1].field`, `style`). Returns the definition
    /// spelled as the schema spells its names, and the spec its table is computed from.
    pub fn check(&self, schema: &[SchemaField]) -> Result<(ElementDefinition, ElementSpec), Vec<ValidationError>> {
        let mut errors = Vec::new();
        let name = parse_name(&self.name).map_err(|e| errors.push(e)).ok();
        // A number or a plain list shows no field; the view's rule of at least one column is not
        // the element's.
        let fields = if self.data.is_empty() {
            Some(Vec::new())
        } else {
            View { columns: self.data.clone() }.resolve(schema, "data").map_err(|e| errors.extend(e)).ok()
        };
        if let Some(fields) = &fields {
            let spec = self.spec(String::new(), fields.clone());
            if let Err(problem) = spec.check() {
                errors.push(ValidationError::new("style", problem.to_string()));
            }
        }
        match (name, fields) {
            (Some(name), Some(fields)) if errors.is_empty() => {
                let data = fields.iter().map(|f| ViewColumn::new(&f.data_group, &f.field)).collect();
                let checked = ElementDefinition { name: name.clone(), data, ..self.clone() };
                Ok((checked, self.spec(name, fields)))
            }
            _ => Err(errors),
        }
    }

    fn spec(&self, name: String, fields: Vec<SchemaField>) -> ElementSpec {
        ElementSpec { name, source: self.source, style: self.style, fields, bucket: self.bucket }
    }

    /// Renames fields of `data_group` in the element's data and inline filter (a field renamed
    /// in a listener). Whether anything changed.
    pub fn rename_fields(&mut self, data_group: &str, renames: &[(&str, &str)]) -> bool {
        let mut view = View { columns: std::mem::take(&mut self.data) };
        let mut changed = view.rename_fields(data_group, renames);
        self.data = view.columns;
        if let Some(Choice::Inline(filter)) = &mut self.filter {
            changed |= filter.rename_fields(data_group, renames);
        }
        changed
    }
}

/// An element's filter in the API's spelling (`3`, `{"match", "criteria"}` or `null`), so
/// that a stored definition reads like the body that made it.
mod api_choice {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::domain::filter::Filter;
    use crate::domain::grid::Choice;

    pub fn serialize<S: Serializer>(choice: &Option<Choice<Filter>>, serializer: S) -> Result<S::Ok, S::Error> {
        match choice {
            None => serializer.serialize_none(),
            Some(Choice::Saved(id)) => serializer.serialize_i64(*id),
            Some(Choice::Inline(filter)) => filter.serialize(serializer),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Choice<Filter>>, D::Error> {
        let value = Option::<serde_json::Value>::deserialize(deserializer)?;
        Choice::from_json(value, "filter").map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// A stored report, without its elements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub id: i64,
    /// `None` for a community report (over every project's users).
    pub project_id: Option<i64>,
    pub name: String,
    /// An IANA name; lines and date ranges count days in it.
    pub time_zone: String,
    /// The last time someone opened the report (its page or its API document): a schedule
    /// whose report nobody reads pauses itself.
    pub last_opened_at: DateTime<Utc>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A stored element of a report, in the report's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredElement {
    pub id: i64,
    pub report_id: i64,
    pub position: i64,
    pub definition: ElementDefinition,
}

/// A report's name and time zone, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportForCreate {
    pub name: String,
    pub time_zone: String,
}

impl ReportForCreate {
    pub fn parse(name: &str, time_zone: Option<&str>) -> Result<Self, Vec<ValidationError>> {
        let name = parse_name(name);
        let zone = match time_zone.map(str::trim) {
            None | Some("") => Ok(chrono_tz::UTC),
            Some(zone) => super::parse_time_zone(zone).ok_or_else(|| {
                ValidationError::new("time_zone", format!("'{zone}' is not an IANA time zone such as Europe/Berlin"))
            }),
        };
        match (name, zone) {
            (Ok(name), Ok(zone)) => Ok(Self { name, time_zone: zone.name().to_string() }),
            (name, zone) => Err(name.err().into_iter().chain(zone.err()).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fields::FieldType;
    use crate::domain::filter::builtin_fields;

    fn schema() -> Vec<SchemaField> {
        let mut schema = builtin_fields();
        schema.push(SchemaField { data_group: "CRM".into(), field: "Plan".into(), field_type: FieldType::String });
        schema.push(SchemaField { data_group: "CRM".into(), field: "Seats".into(), field_type: FieldType::Integer });
        schema
    }

    fn definition(style: Style, data: &[(&str, &str)]) -> ElementDefinition {
        ElementDefinition {
            name: "  Plan   mix ".into(),
            source: Source::Users,
            data: data.iter().map(|(g, f)| ViewColumn::new(g, f)).collect(),
            filter: None,
            style,
            bucket: Bucket::Day,
            figure: ProjectFigure::Users,
        }
    }

    #[test]
    fn a_checked_element_is_spelled_as_the_schema_spells_it() {
        let (checked, spec) = definition(Style::Pie, &[("crm", "plan")]).check(&schema()).unwrap();
        assert_eq!(checked.name, "Plan mix");
        assert_eq!(checked.data, vec![ViewColumn::new("CRM", "Plan")]);
        assert_eq!(spec.fields[0].field_type, FieldType::String);
    }

    #[test]
    fn a_style_that_does_not_fit_names_the_styles_that_would() {
        let errors = definition(Style::Line, &[("CRM", "Plan")]).check(&schema()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "style");
        assert!(errors[0].message.contains("pie"), "{}", errors[0].message);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut element = definition(Style::Pie, &[("CRM", "Nope")]);
        element.name = " ".into();
        let fields: Vec<_> = element.check(&schema()).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["name", "data[0].field"]);
    }

    #[test]
    fn renames_reach_the_data_and_an_inline_filter() {
        let mut element = definition(Style::Pie, &[("CRM", "Plan")]);
        element.filter = Some(Choice::Inline(
            serde_json::from_value(serde_json::json!({"match": "all", "criteria": [
                {"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "pro"}]}))
            .unwrap(),
        ));
        assert!(element.rename_fields("CRM", &[("Plan", "Tier")]));
        assert_eq!(element.data, vec![ViewColumn::new("CRM", "Tier")]);
        let Some(Choice::Inline(filter)) = &element.filter else { panic!() };
        assert_eq!(filter.criteria[0].field, "Tier");
    }

    #[test]
    fn a_definition_spells_its_filter_as_the_api_does() {
        let json = serde_json::json!({"name": "Pro", "source": "users", "data": [], "style": "number",
            "filter": {"match": "any", "criteria": [{"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "pro"}]}});
        let definition: ElementDefinition = serde_json::from_value(json.clone()).unwrap();
        assert!(matches!(&definition.filter, Some(Choice::Inline(f)) if f.criteria.len() == 1));
        assert_eq!(serde_json::to_value(&definition).unwrap()["filter"], json["filter"]);
        let saved: ElementDefinition = serde_json::from_value(serde_json::json!({"name": "Pro", "source": "users",
            "data": [], "style": "number", "filter": 7})).unwrap();
        assert_eq!(saved.filter, Some(Choice::Saved(7)));
        assert_eq!(serde_json::to_value(&saved).unwrap()["filter"], 7);
        let none: ElementDefinition =
            serde_json::from_value(serde_json::json!({"name": "All", "source": "users", "data": [], "style": "number"})).unwrap();
        assert_eq!(none.filter, None);
    }

    #[test]
    fn report_time_zones_are_iana_names() {
        assert_eq!(ReportForCreate::parse("Weekly", None).unwrap().time_zone, "UTC");
        assert_eq!(ReportForCreate::parse("Weekly", Some("Europe/Berlin")).unwrap().time_zone, "Europe/Berlin");
        let errors = ReportForCreate::parse("", Some("Mars/Base")).unwrap_err();
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), vec!["name", "time_zone"]);
    }
}
