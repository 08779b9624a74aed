//! The report builder's form: its inputs as plain text (so the same form posts without
//! JavaScript and feeds the live preview), read as the element they describe.

use serde::{Deserialize, Serialize};

use crate::domain::filter::{errors_at_rows, Combine, CriterionRow, Filter, SchemaField, FIELD_SEPARATOR};
use crate::domain::grid::{Choice, ViewColumn};
use crate::domain::report::{Bucket, ElementDefinition, ProjectFigure, Source, Style};
use crate::domain::ValidationError;

/// The builder's inputs as the form sends them: plain text, so the same form posts without
/// JavaScript and feeds the live preview with it. Fields are `<group>␟<field>`; the filter
/// is a saved filter's id, `own` (the criteria written on the form, `combine` and
/// `criteria` as the criteria editor names them) or empty; the destination a report's id or
/// `new`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ElementForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub figure: String,
    #[serde(default)]
    pub field1: String,
    #[serde(default)]
    pub field2: String,
    #[serde(default)]
    pub filter: String,
    #[serde(default)]
    pub style: String,
    #[serde(default)]
    pub bucket: String,
    /// `all` or `any`, for the criteria written here. Left out when empty: the builder's
    /// save posts the criteria editor's inputs beside the form (as every form with criteria
    /// does), and a key sent twice is refused.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub combine: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<CriterionRow>,
}

/// What the preview calls an element not named yet.
pub const UNTITLED: &str = "Untitled element";

/// The destination choice for a report made on the spot.
pub const NEW_REPORT: &str = "new";

/// The filter choice of criteria written on the builder itself (an inline filter).
pub const OWN_CRITERIA: &str = "own";

impl ElementForm {
    /// The form's inputs for an existing element.
    pub fn of(definition: &ElementDefinition) -> Self {
        let field = |i: usize| {
            definition.data.get(i).map(|c| format!("{}{FIELD_SEPARATOR}{}", c.data_group, c.field)).unwrap_or_default()
        };
        let (combine, criteria) = match &definition.filter {
            Some(Choice::Inline(filter)) => (filter.combine, filter.criteria.iter().map(CriterionRow::of).collect()),
            _ => (Combine::All, Vec::new()),
        };
        ElementForm {
            name: definition.name.clone(),
            source: source_name(definition.source).into(),
            figure: definition.figure.as_str().into(),
            field1: field(0),
            field2: field(1),
            filter: match &definition.filter {
                Some(Choice::Saved(id)) => id.to_string(),
                Some(Choice::Inline(_)) => OWN_CRITERIA.into(),
                None => String::new(),
            },
            style: definition.style.as_str().into(),
            bucket: definition.bucket.as_str().into(),
            combine: if combine == Combine::Any { "any" } else { "all" }.into(),
            criteria,
        }
    }

    /// A new element's inputs: a headline count of every user.
    pub fn starting() -> Self {
        ElementForm { source: "users".into(), style: Style::Number.as_str().into(), ..Default::default() }
    }

    pub fn source(&self) -> Source {
        Source::parse(&self.source).unwrap_or_default()
    }

    /// The fields chosen, in order (a blank first choice leaves the second first).
    pub fn columns(&self) -> Vec<ViewColumn> {
        if self.source() == Source::Project {
            return Vec::new();
        }
        [&self.field1, &self.field2]
            .into_iter()
            .filter(|choice| !choice.is_empty())
            .map(|choice| {
                let (group, field) = choice.split_once(FIELD_SEPARATOR).unwrap_or(("", choice));
                ViewColumn::new(group, field)
            })
            .collect()
    }

    /// The styles that fit the chosen fields of `schema` (domain `fitting_styles`).
    pub fn fitting_styles(&self, schema: &[SchemaField]) -> Vec<Style> {
        let types: Vec<_> = self
            .columns()
            .iter()
            .map(|c| schema.iter().find(|f| f.data_group == c.data_group && f.field == c.field).map(|f| f.field_type))
            .collect::<Option<_>>()
            .unwrap_or_default();
        crate::domain::report::fitting_styles(self.source(), &types)
    }

    /// The element these inputs describe. Problems are named after the form's inputs.
    pub fn definition(&self) -> Result<ElementDefinition, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let style = Style::parse(&self.style);
        if style.is_none() {
            errors.push(ValidationError::new("style", "choose a style"));
        }
        let figure = if self.figure.is_empty() { Some(ProjectFigure::Users) } else { ProjectFigure::parse(&self.figure) };
        if figure.is_none() {
            errors.push(ValidationError::new("figure", "choose a figure"));
        }
        let filter = match self.filter.trim() {
            "" => None,
            // Every row left blank: no criteria, so no filter.
            OWN_CRITERIA => match Filter::from_rows(&self.combine, &self.criteria) {
                Ok(built) => built.map(|(filter, _)| Choice::Inline(filter)),
                Err(problems) => {
                    errors.extend(problems);
                    None
                }
            },
            id => match id.parse::<i64>() {
                Ok(id) => Some(Choice::Saved(id)),
                Err(_) => {
                    errors.push(ValidationError::new("filter", "choose a saved filter, criteria written here, or none"));
                    None
                }
            },
        };
        let (Some(style), Some(figure), true) = (style, figure, errors.is_empty()) else {
            return Err(errors);
        };
        Ok(ElementDefinition {
            name: self.name.clone(),
            source: self.source(),
            data: self.columns(),
            filter: if self.source() == Source::Project && figure == ProjectFigure::ValuesLast7Days { None } else { filter },
            style,
            bucket: Bucket::parse(&self.bucket).unwrap_or_default(),
            figure,
        })
    }
}

fn source_name(source: Source) -> &'static str {
    source.as_str()
}

impl ElementForm {
    /// The service's problems with the element, named as the form's inputs are: a criterion's
    /// at the row of the criteria editor it came from (blank rows are left out of the filter).
    pub fn at_inputs(&self, errors: Vec<ValidationError>) -> Vec<ValidationError> {
        let origin = match self.filter.trim() {
            OWN_CRITERIA => Filter::from_rows(&self.combine, &self.criteria).ok().flatten().map(|(_, origin)| origin),
            _ => None,
        };
        errors_at_rows(errors, &origin.unwrap_or_default())
            .into_iter()
            .map(|e| ValidationError { field: form_field(&e.field).to_string(), ..e })
            .collect()
    }
}

/// The service's names for an element's problems, as the form's inputs are named.
pub fn form_field(field: &str) -> &str {
    match field {
        "data" | "data[0].field" | "data[0].data_group" | "data[0]" => "field1",
        "data[1].field" | "data[1].data_group" | "data[1]" => "field2",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fields::FieldType;

    fn schema() -> Vec<SchemaField> {
        let field = |field: &str, field_type| SchemaField { data_group: "CRM".into(), field: field.into(), field_type };
        vec![field("Plan", FieldType::String), field("Renewal", FieldType::DateTime)]
    }

    fn form(field1: &str, style: &str) -> ElementForm {
        let field1 = if field1.is_empty() { String::new() } else { format!("CRM{FIELD_SEPARATOR}{field1}") };
        ElementForm { name: "Plan mix".into(), source: "users".into(), field1, style: style.into(), ..Default::default() }
    }

    #[test]
    fn the_form_reads_as_the_element_it_describes_and_back() {
        let mut form = form("Plan", "pie");
        form.filter = "7".into();
        let definition = form.definition().unwrap();
        assert_eq!(definition.data, vec![ViewColumn::new("CRM", "Plan")]);
        assert_eq!(definition.filter, Some(Choice::Saved(7)));
        assert_eq!((definition.style, definition.bucket, definition.figure), (Style::Pie, Bucket::Day, ProjectFigure::Users));
        let back = ElementForm::of(&definition);
        assert_eq!((back.field1.as_str(), back.field2.as_str(), back.filter.as_str()), (form.field1.as_str(), "", "7"));
    }

    #[test]
    fn the_styles_offered_follow_the_fields_chosen() {
        assert_eq!(ElementForm::starting().fitting_styles(&schema()), vec![Style::Number, Style::List]);
        assert!(form("Renewal", "line").fitting_styles(&schema()).contains(&Style::Line));
        assert!(!form("Plan", "line").fitting_styles(&schema()).contains(&Style::Line));
        let mut project = form("Plan", "number");
        project.source = "project".into();
        assert!(project.columns().is_empty(), "a project figure ignores the field choices");
        assert_eq!(project.fitting_styles(&schema()), vec![Style::Number]);
    }

    #[test]
    fn unreadable_choices_are_named_after_their_inputs() {
        let mut bad = form("Plan", "sparkline");
        bad.filter = "my filter".into();
        let fields: Vec<_> = bad.definition().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["style", "filter"]);
        assert_eq!(form_field("data[1].field"), "field2");
        assert_eq!(form_field("name"), "name");
    }

    #[test]
    fn criteria_written_here_read_as_the_element_s_own_filter_and_back() {
        let mut definition = form("Plan", "pie").definition().unwrap();
        let inline: Filter = serde_json::from_value(serde_json::json!({
            "match": "any",
            "criteria": [{"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "Pro"}]
        }))
        .unwrap();
        definition.filter = Some(Choice::Inline(inline.clone()));
        let form = ElementForm::of(&definition);
        assert_eq!((form.filter.as_str(), form.combine.as_str(), form.criteria.len()), (OWN_CRITERIA, "any", 1));
        assert_eq!(form.definition().unwrap().filter, Some(Choice::Inline(inline)));
    }

    #[test]
    fn blank_criteria_are_no_filter_and_a_refused_one_is_named_at_its_row() {
        let mut own = form("Plan", "pie");
        own.filter = OWN_CRITERIA.into();
        own.criteria = vec![CriterionRow::default()];
        assert_eq!(own.definition().unwrap().filter, None);
        own.criteria.push(CriterionRow {
            field: format!("CRM{FIELD_SEPARATOR}Seats"),
            qualifier: "gt".into(),
            value: "many".into(),
            value2: String::new(),
        });
        let refused = vec![ValidationError::new("filter.criteria[0].value", "not a number"), ValidationError::new("data[0]", "x")];
        let fields: Vec<_> = own.at_inputs(refused).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["criteria[1].value", "field1"]);
    }

    #[test]
    fn the_values_figure_takes_no_filter() {
        let mut values = form("", "number");
        values.source = "project".into();
        values.figure = "values_last_7_days".into();
        values.filter = "3".into();
        assert_eq!(values.definition().unwrap().filter, None);
    }
}
