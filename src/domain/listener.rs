//! External listeners (PRODUCT.md §3): a project's endpoint that maps JSON members to typed
//! fields of a data group, for users named by email or username.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use super::fields::{FieldType, FieldValue};
use super::filter::{builtin_fields, Filter, SchemaField};
use super::ValidationError;

/// How the `{VALUE}` in the endpoint URL names a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum IdentifyBy {
    #[default]
    Email,
    Username,
}

impl IdentifyBy {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Username => "username",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "email" => Some(Self::Email),
            "username" => Some(Self::Username),
            _ => None,
        }
    }
}

/// What happens when the named user is not in the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum UnknownUserPolicy {
    /// 404: nothing is stored (the delivery is still recorded).
    #[default]
    Reject,
    /// Create the user (only when identified by email) and add them to the project.
    Create,
}

impl UnknownUserPolicy {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Reject => "reject",
            Self::Create => "create",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "reject" => Some(Self::Reject),
            "create" => Some(Self::Create),
            _ => None,
        }
    }
}

/// The kinds of listener; only External Data exists so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ListenerType {
    #[default]
    ExternalData,
}

impl ListenerType {
    pub fn as_str(&self) -> &'static str {
        "external_data"
    }

    pub fn label(&self) -> &'static str {
        "External Data"
    }
}

/// One mapping: the sender's parameter (a dotted path into the body) feeds a labelled field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMapping {
    pub label: String,
    pub parameter: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
}

/// A listener key: the short slug in the endpoint URL (`appdata`), unique per project.
pub fn parse_listener_key(input: &str) -> Result<String, ValidationError> {
    let key = input.trim();
    let ok_chars = key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if key == "new" {
        return Err(ValidationError::new("key", "'new' is reserved"));
    }
    if !(2..=40).contains(&key.len()) || !ok_chars || !key.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(ValidationError::new(
            "key",
            format!("'{key}' must be 2 to 40 characters of a-z, 0-9, '-' and '_', starting with a letter or digit"),
        ));
    }
    Ok(key.to_string())
}

/// A listener's internal name: spaces collapsed, 1 to 120 characters.
fn parse_listener_name(input: &str) -> Result<String, ValidationError> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 120 {
        return Err(ValidationError::new("name", "is required and at most 120 characters"));
    }
    Ok(name)
}

pub const MAX_FIELDS: usize = 100;

/// Checks a set of mappings: each has a label and a parameter, labels and parameters are
/// unique (ignoring case for labels), and a parameter is a JSON member name or a dotted path.
pub fn validate_mappings(mappings: &[FieldMapping]) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    if mappings.is_empty() {
        errors.push(ValidationError::new("fields", "add at least one field"));
    }
    if mappings.len() > MAX_FIELDS {
        errors.push(ValidationError::new("fields", format!("at most {MAX_FIELDS} fields")));
    }
    let mut labels = HashSet::new();
    let mut parameters = HashSet::new();
    for (index, mapping) in mappings.iter().enumerate() {
        let at = format!("fields[{index}]");
        let label = mapping.label.trim();
        let parameter = mapping.parameter.trim();
        if label.is_empty() || label.chars().count() > 100 {
            errors.push(ValidationError::new(&format!("{at}.label"), "is required and at most 100 characters"));
        } else if !labels.insert(label.to_lowercase()) {
            errors.push(ValidationError::new(&format!("{at}.label"), format!("'{label}' is used twice")));
        }
        let segments_ok = parameter.split('.').all(|s| !s.is_empty() && !s.chars().any(|c| c.is_control() || c.is_whitespace()));
        if parameter.is_empty() || parameter.len() > 200 || !segments_ok {
            errors.push(ValidationError::new(
                &format!("{at}.parameter"),
                "is required: a member name or a dotted path such as account.plan, without spaces",
            ));
        } else if !parameters.insert(parameter.to_string()) {
            errors.push(ValidationError::new(&format!("{at}.parameter"), format!("'{parameter}' is used twice")));
        }
    }
    errors
}

/// A field as a listener feeds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListenerField {
    pub field_id: i64,
    pub label: String,
    pub parameter: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listener {
    pub id: i64,
    pub project_id: i64,
    pub key: String,
    pub name: String,
    pub listener_type: ListenerType,
    pub data_group_id: i64,
    pub data_group: String,
    pub identify_by: IdentifyBy,
    pub unknown_user: UnknownUserPolicy,
    pub enabled: bool,
    /// Whether requests must be signed with the listener's secret (the secret itself never
    /// leaves the server in this type).
    pub signed: bool,
    /// The gate: only users matching it are updated (`None`: everyone).
    pub filter: Option<Filter>,
    pub fields: Vec<ListenerField>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Listener {
    /// The endpoint path, with `VALUE` where the user's email or username goes.
    pub fn endpoint_path(&self, project_slug: &str) -> String {
        format!("/api/v1/projects/{project_slug}/listeners/{}/users/VALUE", self.key)
    }
}

/// A field of one of a project's data groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupField {
    pub data_group: String,
    pub field_id: i64,
    pub label: String,
    pub field_type: FieldType,
}

/// What a filter in a project may name: the built-in fields, then the project's own.
pub fn project_schema(project_fields: &[GroupField]) -> Vec<SchemaField> {
    let mut schema = builtin_fields();
    schema.extend(project_fields.iter().map(|f| SchemaField {
        data_group: f.data_group.clone(),
        field: f.label.clone(),
        field_type: f.field_type,
    }));
    schema
}

/// A listener about to be created, already checked as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerForCreate {
    pub name: String,
    pub key: String,
    pub data_group: String,
    pub identify_by: IdentifyBy,
    pub unknown_user: UnknownUserPolicy,
    pub fields: Vec<FieldMapping>,
    /// The gate, once checked against the project's fields (see [`ListenerForCreate::gate_schema`]).
    pub filter: Option<Filter>,
}

impl ListenerForCreate {
    /// What a gate on this listener may name: the built-in fields, the project's fields, and
    /// the fields this listener is about to add to its data group.
    pub fn gate_schema(&self, project_fields: &[GroupField]) -> Vec<SchemaField> {
        let mut schema = project_schema(project_fields);
        schema.extend(self.fields.iter().map(|f| SchemaField {
            data_group: self.data_group.clone(),
            field: f.label.clone(),
            field_type: f.field_type,
        }));
        schema
    }

    pub fn parse(
        name: &str,
        key: &str,
        data_group: &str,
        identify_by: IdentifyBy,
        unknown_user: UnknownUserPolicy,
        fields: Vec<FieldMapping>,
    ) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let name = parse_listener_name(name).map_err(|e| errors.push(e)).unwrap_or_default();
        let key = parse_listener_key(key).map_err(|e| errors.push(e)).unwrap_or_default();
        let data_group = data_group.split_whitespace().collect::<Vec<_>>().join(" ");
        if data_group.is_empty() || data_group.chars().count() > 100 {
            errors.push(ValidationError::new("data_group", "is required and at most 100 characters"));
        }
        if unknown_user == UnknownUserPolicy::Create && identify_by != IdentifyBy::Email {
            errors.push(ValidationError::new("unknown_user", "users can only be created when they are identified by email"));
        }
        errors.extend(validate_mappings(&fields));
        if !errors.is_empty() {
            return Err(errors);
        }
        let fields = fields
            .into_iter()
            .map(|f| FieldMapping { label: f.label.trim().to_string(), parameter: f.parameter.trim().to_string(), ..f })
            .collect();
        Ok(Self { name, key, data_group, identify_by, unknown_user, fields, filter: None })
    }
}

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerForUpdate {
    pub name: Option<String>,
    pub unknown_user: Option<UnknownUserPolicy>,
    pub enabled: Option<bool>,
    pub fields: Option<Vec<FieldEdit>>,
}

impl ListenerForUpdate {
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
        Ok(Self { name, unknown_user, enabled: changes.enabled, fields })
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
    let same_group =
        |group: &str| group.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase() == current.data_group.to_lowercase();
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
    field_errors.extend(validate_mappings(&mappings));
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
    let (index, part) = path.strip_prefix("fields[")?.split_once("].")?;
    Some((index.parse().ok()?, part))
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
    errors
        .into_iter()
        .map(|error| match split_field_path(&error.field).and_then(|(i, part)| Some((*rows.get(i)?, part))) {
            Some((row, part)) => ValidationError::new(&format!("fields[{row}].{part}"), error.message),
            None => error,
        })
        .collect()
}

/// A recorded delivery, as shown on the listener page and by the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: i64,
    pub user_ref: String,
    pub received_at: DateTime<Utc>,
    pub status: u16,
    pub accepted: bool,
    pub error_code: Option<String>,
    pub response: String,
    pub content_type: String,
    pub payload: String,
    pub replay_of: Option<i64>,
}

/// One change of one value, newest first when listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub field_id: i64,
    pub old_value: Option<FieldValue>,
    pub new_value: Option<FieldValue>,
    pub changed_at: DateTime<Utc>,
    pub delivery_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(label: &str, parameter: &str) -> FieldMapping {
        FieldMapping { label: label.into(), parameter: parameter.into(), field_type: FieldType::String }
    }

    #[test]
    fn keys_are_short_slugs() {
        assert_eq!(parse_listener_key(" appdata ").unwrap(), "appdata");
        assert_eq!(parse_listener_key("crm_sync-2").unwrap(), "crm_sync-2");
        for bad in ["a", "App", "app data", "-app", "new", &"a".repeat(41)] {
            assert!(parse_listener_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mappings_need_unique_labels_and_parameters() {
        assert!(validate_mappings(&[mapping("Plan", "account.plan"), mapping("Seats", "seats")]).is_empty());
        let errors = validate_mappings(&[mapping("Plan", "plan"), mapping("plan", "plan")]);
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["fields[1].label", "fields[1].parameter"]);
        assert_eq!(validate_mappings(&[])[0].field, "fields");
        assert_eq!(validate_mappings(&[mapping("A", "a..b")])[0].field, "fields[0].parameter");
        assert_eq!(validate_mappings(&[mapping("A", "has space")])[0].field, "fields[0].parameter");
    }

    #[test]
    fn creating_users_needs_emails() {
        let errors = ListenerForCreate::parse(
            "App",
            "appdata",
            "App data",
            IdentifyBy::Username,
            UnknownUserPolicy::Create,
            vec![mapping("A", "a")],
        )
        .unwrap_err();
        assert_eq!(errors[0].field, "unknown_user");
    }

    #[test]
    fn a_listener_reports_every_problem_at_once() {
        let errors = ListenerForCreate::parse(" ", "A B", "", IdentifyBy::Email, UnknownUserPolicy::Reject, vec![]).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "key", "data_group", "fields"]);
        let ok = ListenerForCreate::parse(
            " App  sync ",
            "appdata",
            " App data ",
            IdentifyBy::Email,
            UnknownUserPolicy::Create,
            vec![mapping(" Plan ", " account.plan ")],
        )
        .unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.data_group.as_str(), ok.fields[0].parameter.as_str()),
            ("App sync", "App data", "account.plan")
        );
    }

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
        assert_eq!(update, ListenerForUpdate { name: None, unknown_user: None, enabled: None, fields: None });
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

    #[test]
    fn policies_and_identifiers_parse() {
        assert_eq!(IdentifyBy::parse("username"), Some(IdentifyBy::Username));
        assert_eq!(UnknownUserPolicy::parse("create"), Some(UnknownUserPolicy::Create));
        assert_eq!(IdentifyBy::parse("id"), None);
        let json =
            serde_json::to_string(&FieldMapping { label: "A".into(), parameter: "a".into(), field_type: FieldType::DateTime })
                .unwrap();
        assert_eq!(json, r#"{"label":"A","parameter":"a","type":"datetime"}"#);
    }
}
