//! Editing a listener (PRODUCT.md §3: add and rename fields, change its settings): what a form
//! or the API submits, checked as a whole against the listener as it is.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use super::{
    parse_listener_name, project_schema, same_label, validate_mappings, FieldMapping, GroupField, IdentifyBy, Listener,
    ListenerType, UnknownUserPolicy,
};
use crate::domain::fields::FieldType;
use crate::domain::filter::{Filter, SchemaField};
use crate::domain::identity::{self, collapse_spaces, split_list_path};
use crate::domain::ValidationError;

/// One entry of an edited field list, as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field of a mapping the listener has; `None` for a new mapping.
    pub field_id: Option<i64>,
    pub label: String,
    pub parameter: String,
    /// Required for a new mapping; for an existing one it may only repeat the field's type.
    pub field_type: Option<FieldType>,
}

/// An edit of a listener as submitted by the API or the edit form, before it is checked;
/// `None` leaves a setting as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListenerChanges {
    pub name: Option<String>,
    pub unknown_user: Option<String>,
    pub enabled: Option<bool>,
    /// The complete new list of mappings.
    pub fields: Option<Vec<FieldChange>>,
    /// Fixed once the listener exists: senders post to a URL made of the key and name users
    /// the way `identify_by` says, and the fields live in the data group. Accepted only with
    /// the value they already have, so a client that tries to change one is told why not.
    pub key: Option<String>,
    pub identify_by: Option<String>,
    pub data_group: Option<String>,
    /// `Some(None)` removes the gate; checked by the service against the project's fields.
    pub filter: Option<Option<Filter>>,
    /// `Some(None)` stops requiring signatures; sealed by the service.
    pub signing_secret: Option<Option<String>>,
}

/// One mapping of an edited listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldEdit {
    /// A mapping the listener has. Its label is the data group's field label, so a new one
    /// renames the field everywhere it shows (and for every listener feeding it); the
    /// parameter is this listener's own. The field keeps its type: its stored values have it.
    Existing { field_id: i64, label: String, parameter: String },
    /// A new mapping: to the data group's field with this label (any case), which must have
    /// this type, or else to a new field.
    New(FieldMapping),
}

/// An edit of a listener, checked as a whole against the listener as it is; `None` leaves
/// a setting as it is.
///
/// `fields`, when present, is the complete new list. A mapping left out of it is unmapped
/// from this listener only: the data group's field and every value stored in it stay (the
/// user summary still shows them, another listener may still feed the field, and adding a
/// mapping with the same label later picks the field up again). The listener's key,
/// `identify_by` and data group never change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListenerForUpdate {
    pub name: Option<String>,
    pub unknown_user: Option<UnknownUserPolicy>,
    pub enabled: Option<bool>,
    pub fields: Option<Vec<FieldEdit>>,
    /// A checked gate (or `Some(None)` to remove it); filled in by the service.
    pub filter: Option<Option<Filter>>,
    /// A sealed signing secret (or `Some(None)` to remove it); filled in by the service.
    pub sealed_signing_secret: Option<Option<String>>,
}

impl ListenerForUpdate {
    /// What a gate may name once this edit is applied: the built-in fields and the project's,
    /// with this edit's renames and new mappings.
    pub fn gate_schema(&self, current: &Listener, project_fields: &[GroupField]) -> Vec<SchemaField> {
        let edits = self.fields.as_deref().unwrap_or_default();
        let renamed: Vec<GroupField> = project_fields
            .iter()
            .map(|field| {
                let label = edits.iter().find_map(|edit| match edit {
                    FieldEdit::Existing { field_id, label, .. } if *field_id == field.field_id => Some(label.clone()),
                    _ => None,
                });
                GroupField { label: label.unwrap_or_else(|| field.label.clone()), ..field.clone() }
            })
            .collect();
        let mut schema = project_schema(&renamed);
        schema.extend(edits.iter().filter_map(|edit| match edit {
            FieldEdit::New(mapping) => Some(SchemaField {
                data_group: current.data_group.clone(),
                field: mapping.label.clone(),
                field_type: mapping.field_type,
            }),
            FieldEdit::Existing { .. } => None,
        }));
        schema
    }

    /// Checks `changes` against `current` and reports every problem at once, with paths
    /// such as `fields[2].label` (indexes into the submitted list).
    pub fn parse(current: &Listener, changes: ListenerChanges) -> Result<Self, Vec<ValidationError>> {
        let fixed = fixed_settings_unchanged(current, &changes);
        let mut errors = Vec::new();
        let name = changes.name.map(|name| parse_listener_name(&name).map_err(|e| errors.push(e)).unwrap_or_default());
        let unknown_user = changes.unknown_user.and_then(|raw| {
            let policy = UnknownUserPolicy::parse(raw.trim());
            if policy.is_none() {
                errors.push(ValidationError::new("unknown_user", format!("'{}' is not reject or create", raw.trim())));
            }
            policy
        });
        if unknown_user == Some(UnknownUserPolicy::Create) && current.identify_by != IdentifyBy::Email {
            errors.push(ValidationError::new("unknown_user", "users can only be created when they are identified by email"));
        }
        errors.extend(fixed);
        let fields = changes.fields.map(|fields| parse_field_changes(current, fields, &mut errors));
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self { name, unknown_user, enabled: changes.enabled, fields, filter: None, sealed_signing_secret: None })
    }
}

fn fixed_settings_unchanged(current: &Listener, changes: &ListenerChanges) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    if changes.key.as_deref().is_some_and(|key| key.trim() != current.key) {
        errors.push(ValidationError::new(
            "key",
            format!(
                "cannot change: senders post to a URL made of the key '{}'; create a new listener for another key",
                current.key
            ),
        ));
    }
    if changes.identify_by.as_deref().is_some_and(|by| IdentifyBy::parse(by.trim()) != Some(current.identify_by)) {
        errors.push(ValidationError::new(
            "identify_by",
            format!(
                "cannot change: senders name users by {} in the endpoint URL; create a new listener to identify them otherwise",
                current.identify_by.as_str()
            ),
        ));
    }
    let same_group = |group: &str| same_label(&collapse_spaces(group), &current.data_group);
    if changes.data_group.as_deref().is_some_and(|group| !same_group(group)) {
        errors.push(ValidationError::new(
            "data_group",
            format!(
                "cannot change: this listener's fields and their values belong to data group '{}'; create a new listener for another group",
                current.data_group
            ),
        ));
    }
    errors
}

/// Checks the new field list: existing mappings are named by a `field_id` of this listener
/// (once each) and keep their type, new ones need a type, and the whole list passes
/// `validate_mappings`. Errors come in list order.
fn parse_field_changes(current: &Listener, changes: Vec<FieldChange>, errors: &mut Vec<ValidationError>) -> Vec<FieldEdit> {
    let mut field_errors = Vec::new();
    let mut listed = HashSet::new();
    let mut mappings = Vec::with_capacity(changes.len());
    for (index, change) in changes.iter().enumerate() {
        let at = |part: &str| format!("fields[{index}].{part}");
        let field_type = match change.field_id {
            None => {
                if change.field_type.is_none() {
                    field_errors.push(ValidationError::new(
                        &at("type"),
                        "is required for a new field: boolean, datetime, integer or string",
                    ));
                }
                change.field_type
            }
            Some(id) => match current.fields.iter().find(|f| f.field_id == id) {
                None => {
                    field_errors.push(ValidationError::new(
                        &at("field_id"),
                        format!("{id} is not a field of this listener; leave field_id out to add a field"),
                    ));
                    change.field_type
                }
                Some(existing) => {
                    if !listed.insert(id) {
                        field_errors.push(ValidationError::new(&at("field_id"), format!("{id} is listed twice")));
                    }
                    if let Some(wanted) = change.field_type.filter(|t| *t != existing.field_type) {
                        field_errors.push(ValidationError::new(
                            &at("type"),
                            format!(
                                "'{}' is a {} field and keeps its type (its stored values have it); map the parameter to a new field to receive {} values",
                                existing.label,
                                existing.field_type.label(),
                                wanted.label()
                            ),
                        ));
                    }
                    Some(existing.field_type)
                }
            },
        };
        // A missing type is reported above; any type lets the labels and parameters be checked.
        mappings.push(FieldMapping {
            label: change.label.clone(),
            parameter: change.parameter.clone(),
            field_type: field_type.unwrap_or(FieldType::String),
        });
    }
    let mut mapping_errors = validate_mappings(&mappings);
    // A Create feedback listener needs no data fields (its ticket mapping is its purpose).
    if mappings.is_empty() && current.listener_type == ListenerType::CreateFeedback {
        mapping_errors.clear();
    }
    field_errors.extend(mapping_errors);
    field_errors.sort_by_key(|e| field_error_order(&e.field));
    errors.extend(field_errors);
    changes
        .into_iter()
        .zip(mappings)
        .map(|(change, mapping)| {
            let (label, parameter) = (mapping.label.trim().to_string(), mapping.parameter.trim().to_string());
            match change.field_id {
                Some(field_id) => FieldEdit::Existing { field_id, label, parameter },
                None => FieldEdit::New(FieldMapping { label, parameter, field_type: mapping.field_type }),
            }
        })
        .collect()
}

/// `fields[3].label` → `(3, "label")`.
fn split_field_path(path: &str) -> Option<(usize, &str)> {
    split_list_path(path, "fields")
}

/// Sorts field errors as a reader meets them: the list itself, then row by row, each row's
/// members in the order they are written.
fn field_error_order(path: &str) -> (Option<usize>, u8) {
    match split_field_path(path) {
        None => (None, 0),
        Some((index, part)) => {
            let rank = ["field_id", "label", "parameter", "type"].iter().position(|p| *p == part).unwrap_or(4);
            (Some(index), rank as u8)
        }
    }
}

/// Points `fields[i]` errors at the rows of a form that produced the list: `rows[i]` is the
/// row the `i`-th submitted entry came from (blank and removed rows are not submitted).
pub fn errors_at_rows(errors: Vec<ValidationError>, rows: &[usize]) -> Vec<ValidationError> {
    identity::errors_at_rows(errors, "fields", "fields", rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::listener::{ListenerField, ListenerType};
    use chrono::{DateTime, Utc};

    /// A listener of two fields (ids 10 and 11) identifying users by email.
    fn crm() -> Listener {
        let field = |field_id, label: &str, parameter: &str, field_type| ListenerField {
            field_id,
            label: label.into(),
            parameter: parameter.into(),
            field_type,
        };
        Listener {
            id: 1,
            project_id: 1,
            key: "crm".into(),
            name: "CRM".into(),
            listener_type: ListenerType::ExternalData,
            data_group_id: 1,
            data_group: "CRM data".into(),
            identify_by: IdentifyBy::Email,
            unknown_user: UnknownUserPolicy::Reject,
            enabled: true,
            signed: false,
            filter: None,
            fields: vec![field(10, "Plan", "plan", FieldType::String), field(11, "Seats", "seats", FieldType::Integer)],
            feedback: None,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn change(field_id: Option<i64>, label: &str, parameter: &str, field_type: Option<FieldType>) -> FieldChange {
        FieldChange { field_id, label: label.into(), parameter: parameter.into(), field_type }
    }

    fn error_paths(errors: &[ValidationError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn an_empty_edit_changes_nothing() {
        let update = ListenerForUpdate::parse(&crm(), ListenerChanges::default()).unwrap();
        assert_eq!(update, ListenerForUpdate::default());
    }

    #[test]
    fn an_edit_renames_remaps_adds_and_drops_fields() {
        let changes = ListenerChanges {
            name: Some("  CRM   sync ".into()),
            unknown_user: Some("create".into()),
            enabled: Some(false),
            fields: Some(vec![
                change(Some(10), " Tier ", " account.tier ", None),
                change(None, "Churned", "churned", Some(FieldType::Boolean)),
            ]),
            ..Default::default()
        };
        let update = ListenerForUpdate::parse(&crm(), changes).unwrap();
        assert_eq!(update.name.as_deref(), Some("CRM sync"));
        assert_eq!((update.unknown_user, update.enabled), (Some(UnknownUserPolicy::Create), Some(false)));
        assert_eq!(
            update.fields.unwrap(),
            [
                FieldEdit::Existing { field_id: 10, label: "Tier".into(), parameter: "account.tier".into() },
                FieldEdit::New(FieldMapping {
                    label: "Churned".into(),
                    parameter: "churned".into(),
                    field_type: FieldType::Boolean
                }),
            ],
            "Seats (11) is left out, so it is unmapped"
        );
    }

    #[test]
    fn existing_fields_keep_their_type() {
        let same = ListenerChanges {
            fields: Some(vec![change(Some(11), "Seats", "seats", Some(FieldType::Integer))]),
            ..Default::default()
        };
        assert!(ListenerForUpdate::parse(&crm(), same).is_ok(), "repeating the type is fine");
        let other = ListenerChanges {
            fields: Some(vec![change(Some(11), "Seats", "seats", Some(FieldType::String))]),
            ..Default::default()
        };
        let errors = ListenerForUpdate::parse(&crm(), other).unwrap_err();
        assert_eq!(error_paths(&errors), ["fields[0].type"]);
        assert!(errors[0].message.contains("Integer") && errors[0].message.contains("keeps its type"), "{}", errors[0].message);
    }

    #[test]
    fn an_edit_reports_every_problem_at_once_in_list_order() {
        let changes = ListenerChanges {
            name: Some(" ".into()),
            unknown_user: Some("ignore".into()),
            fields: Some(vec![
                change(Some(10), "Plan", "plan", None),
                change(Some(99), "Other", "other", None),
                change(None, "plan", "plan", None),
                change(Some(10), "Plan again", "again", None),
                change(None, "", "has space", Some(FieldType::String)),
            ]),
            ..Default::default()
        };
        let errors = ListenerForUpdate::parse(&crm(), changes).unwrap_err();
        assert_eq!(
            error_paths(&errors),
            [
                "name",
                "unknown_user",
                "fields[1].field_id",
                "fields[2].label",
                "fields[2].parameter",
                "fields[2].type",
                "fields[3].field_id",
                "fields[4].label",
                "fields[4].parameter",
            ]
        );
        let empty = ListenerChanges { fields: Some(vec![]), ..Default::default() };
        assert_eq!(error_paths(&ListenerForUpdate::parse(&crm(), empty).unwrap_err()), ["fields"]);
    }

    #[test]
    fn the_edited_list_may_not_map_a_parameter_inside_another() {
        // A new field reaches inside Plan (10)'s parameter, another inside the one Seats (11)
        // is remapped to: the rule holds for the list as the edit leaves it.
        let changes = ListenerChanges {
            fields: Some(vec![
                change(Some(10), "Plan", "plan", None),
                change(Some(11), "Seats", "churn", None),
                change(None, "Tier", "plan.tier", Some(FieldType::String)),
                change(None, "Churned at", "churn.at", Some(FieldType::DateTime)),
            ]),
            ..Default::default()
        };
        let errors = ListenerForUpdate::parse(&crm(), changes).unwrap_err();
        assert_eq!(error_paths(&errors), ["fields[2].parameter", "fields[3].parameter"]);
        assert!(errors[0].message.contains("'plan.tier' reaches inside 'plan'"), "{}", errors[0].message);
    }

    #[test]
    fn an_edit_refuses_control_characters_in_the_name_and_labels() {
        let changes = ListenerChanges {
            name: Some("CRM\0".into()),
            fields: Some(vec![
                change(Some(10), "Pl\0an", "plan", None),
                change(None, "Churn\u{7}", "churn", Some(FieldType::Boolean)),
            ]),
            ..Default::default()
        };
        let errors = ListenerForUpdate::parse(&crm(), changes).unwrap_err();
        assert_eq!(error_paths(&errors), ["name", "fields[0].label", "fields[1].label"]);
    }

    #[test]
    fn key_identification_and_data_group_stay_fixed() {
        let unchanged = ListenerChanges {
            key: Some("crm".into()),
            identify_by: Some("email".into()),
            data_group: Some(" crm  DATA ".into()),
            ..Default::default()
        };
        assert!(ListenerForUpdate::parse(&crm(), unchanged).is_ok(), "sending the current values is harmless");
        let changed = ListenerChanges {
            key: Some("crm2".into()),
            identify_by: Some("username".into()),
            data_group: Some("Billing".into()),
            ..Default::default()
        };
        let errors = ListenerForUpdate::parse(&crm(), changed).unwrap_err();
        assert_eq!(error_paths(&errors), ["key", "identify_by", "data_group"]);
        assert!(errors.iter().all(|e| e.message.starts_with("cannot change")), "{errors:?}");
        assert!(errors[0].message.contains("URL"));
    }

    #[test]
    fn users_are_created_only_for_listeners_identifying_by_email() {
        let by_username = Listener { identify_by: IdentifyBy::Username, ..crm() };
        let changes = ListenerChanges { unknown_user: Some("create".into()), ..Default::default() };
        assert_eq!(error_paths(&ListenerForUpdate::parse(&by_username, changes).unwrap_err()), ["unknown_user"]);
    }

    #[test]
    fn errors_follow_the_form_rows_they_came_from() {
        let errors = vec![
            ValidationError::new("name", "is required"),
            ValidationError::new("fields", "add at least one field"),
            ValidationError::new("fields[0].label", "is required"),
            ValidationError::new("fields[1].parameter", "is used twice"),
        ];
        let moved = errors_at_rows(errors, &[2, 5]);
        assert_eq!(error_paths(&moved), ["name", "fields", "fields[2].label", "fields[5].parameter"]);
    }
}
