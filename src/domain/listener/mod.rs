//! External listeners (PRODUCT.md §3): a project's endpoint that maps JSON members to typed
//! fields of a data group, for users named by email or username.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

use super::feedback::FeedbackMapping;
pub use super::fields::same_label;
use super::fields::{FieldType, FieldValue};
use super::filter::{builtin_fields, builtin_group, Filter, SchemaField};
use super::identity::{collapse_spaces, has_control_characters, CONTROL_CHARACTERS};
use super::ValidationError;

mod deliveries;
mod update;
pub use deliveries::{outcome_name, DeliveryQuery, MAX_DELIVERY_PAGE};
pub use update::{errors_at_rows, FieldChange, FieldEdit, ListenerChanges, ListenerForUpdate};

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

/// The kinds of listener: External Data stores typed values on the user; Create feedback
/// also opens a feedback ticket from the user (PRODUCT.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ListenerType {
    #[default]
    ExternalData,
    CreateFeedback,
}

impl ListenerType {
    pub const ALL: [ListenerType; 2] = [Self::ExternalData, Self::CreateFeedback];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::ExternalData => "external_data",
            Self::CreateFeedback => "create_feedback",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::ExternalData => "External Data",
            Self::CreateFeedback => "Create feedback",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
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
    let name = collapse_spaces(input);
    if name.is_empty() || name.chars().count() > 120 {
        return Err(ValidationError::new("name", "is required and at most 120 characters"));
    }
    if has_control_characters(&name) {
        return Err(ValidationError::new("name", CONTROL_CHARACTERS));
    }
    Ok(name)
}

pub const MAX_FIELDS: usize = 100;

/// Checks a set of mappings: each has a label and a parameter, labels and parameters are
/// unique (ignoring case for labels), a parameter is a JSON member name or a dotted path, and
/// no parameter reaches inside another: with `account` and `account.plan` both mapped, the
/// first needs a plain value where the second needs an object, so every payload is refused.
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
    // Every proper prefix of the parameters so far (`account` for `account.plan`), with the
    // first parameter that has it, so a later outer parameter is caught without a rescan.
    let mut prefixes: HashMap<&str, &str> = HashMap::new();
    for (index, mapping) in mappings.iter().enumerate() {
        let at = format!("fields[{index}]");
        let label = mapping.label.trim();
        let parameter = mapping.parameter.trim();
        if label.is_empty() || label.chars().count() > 100 {
            errors.push(ValidationError::new(&format!("{at}.label"), "is required and at most 100 characters"));
        } else if has_control_characters(label) {
            errors.push(ValidationError::new(&format!("{at}.label"), CONTROL_CHARACTERS));
        } else if !labels.insert(label.to_lowercase()) {
            errors.push(ValidationError::new(&format!("{at}.label"), format!("'{label}' is used twice")));
        }
        let segments_ok = parameter.split('.').all(|s| !s.is_empty() && !s.chars().any(|c| c.is_control() || c.is_whitespace()));
        if parameter.is_empty() || parameter.chars().count() > 200 || !segments_ok {
            errors.push(ValidationError::new(
                &format!("{at}.parameter"),
                "is required: a member name or a dotted path such as account.plan, without spaces",
            ));
        } else if !parameters.insert(parameter) {
            errors.push(ValidationError::new(&format!("{at}.parameter"), format!("'{parameter}' is used twice")));
        } else if let Some(outer) = path_prefixes(parameter).find(|prefix| parameters.contains(prefix)) {
            errors.push(ValidationError::new(
                &format!("{at}.parameter"),
                format!("'{parameter}' reaches inside '{outer}', which is a field of its own"),
            ));
        } else if let Some(inner) = prefixes.get(parameter) {
            errors.push(ValidationError::new(
                &format!("{at}.parameter"),
                format!("'{parameter}' holds '{inner}', which is a field of its own"),
            ));
        }
        if parameters.contains(parameter) {
            for prefix in path_prefixes(parameter) {
                prefixes.entry(prefix).or_insert(parameter);
            }
        }
    }
    errors
}

/// The members a dotted path passes through: `a.b.c` → `a`, `a.b`.
fn path_prefixes(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('.').map(|(at, _)| &path[..at])
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
    /// What a Create feedback listener reads for the ticket (`None` for External Data).
    #[serde(default)]
    pub feedback: Option<FeedbackMapping>,
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

/// What a new listener's gate may name: the project's fields, and the fields the listener is
/// about to add to its data group (as submitted: the gate is checked even when they are not
/// valid yet, so every problem is reported at once).
pub fn schema_with_new_fields(project_fields: &[GroupField], data_group: &str, fields: &[FieldMapping]) -> Vec<SchemaField> {
    let mut schema = project_schema(project_fields);
    let data_group = collapse_spaces(data_group);
    schema.extend(fields.iter().map(|f| SchemaField {
        data_group: data_group.clone(),
        field: f.label.trim().to_string(),
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
    /// The gate, once checked against the project's fields (see [`schema_with_new_fields`]).
    pub filter: Option<Filter>,
    pub listener_type: ListenerType,
    /// A Create feedback listener's ticket mapping (its default type resolved by the store).
    pub feedback: Option<FeedbackMapping>,
}

impl ListenerForCreate {
    pub fn parse(
        name: &str,
        key: &str,
        data_group: &str,
        identify_by: IdentifyBy,
        unknown_user: UnknownUserPolicy,
        fields: Vec<FieldMapping>,
    ) -> Result<Self, Vec<ValidationError>> {
        Self::parse_checked(name, key, data_group, identify_by, unknown_user, fields, true)
    }

    fn parse_checked(
        name: &str,
        key: &str,
        data_group: &str,
        identify_by: IdentifyBy,
        unknown_user: UnknownUserPolicy,
        fields: Vec<FieldMapping>,
        fields_required: bool,
    ) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let name = parse_listener_name(name).map_err(|e| errors.push(e)).unwrap_or_default();
        let key = parse_listener_key(key).map_err(|e| errors.push(e)).unwrap_or_default();
        let data_group = collapse_spaces(data_group);
        if data_group.is_empty() || data_group.chars().count() > 100 {
            errors.push(ValidationError::new("data_group", "is required and at most 100 characters"));
        } else if has_control_characters(&data_group) {
            errors.push(ValidationError::new("data_group", CONTROL_CHARACTERS));
        } else if let Some(builtin) = builtin_group(&data_group) {
            errors.push(ValidationError::new(
                "data_group",
                format!("'{builtin}' is a built-in data group of every project; choose another label"),
            ));
        }
        if unknown_user == UnknownUserPolicy::Create && identify_by != IdentifyBy::Email {
            errors.push(ValidationError::new("unknown_user", "users can only be created when they are identified by email"));
        }
        let mut mapping_errors = validate_mappings(&fields);
        if !fields_required && fields.is_empty() {
            mapping_errors.clear();
        }
        errors.extend(mapping_errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let fields = fields
            .into_iter()
            .map(|f| FieldMapping { label: f.label.trim().to_string(), parameter: f.parameter.trim().to_string(), ..f })
            .collect();
        Ok(Self {
            name,
            key,
            data_group,
            identify_by,
            unknown_user,
            fields,
            filter: None,
            listener_type: ListenerType::ExternalData,
            feedback: None,
        })
    }

    /// A Create feedback listener: as [`parse`](Self::parse), but its data fields are
    /// optional (a ticket may come with no data about its sender), and the ticket mapping is
    /// checked beside them (`mapping`, already parsed, or its problems).
    #[allow(clippy::too_many_arguments)]
    pub fn parse_feedback(
        name: &str,
        key: &str,
        data_group: &str,
        identify_by: IdentifyBy,
        unknown_user: UnknownUserPolicy,
        fields: Vec<FieldMapping>,
        mapping: Result<FeedbackMapping, Vec<ValidationError>>,
    ) -> Result<Self, Vec<ValidationError>> {
        let parsed = Self::parse_checked(name, key, data_group, identify_by, unknown_user, fields, false);
        match (parsed, mapping) {
            (Ok(parsed), Ok(mapping)) => {
                Ok(Self { listener_type: ListenerType::CreateFeedback, feedback: Some(mapping), ..parsed })
            }
            (parsed, mapping) => Err(parsed.err().into_iter().flatten().chain(mapping.err().into_iter().flatten()).collect()),
        }
    }
}

/// A recorded delivery, as shown on the listener page and by the API.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
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

    fn error_paths(errors: &[ValidationError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
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
    fn a_parameter_may_not_reach_inside_another() {
        let inner_later = validate_mappings(&[mapping("Account", "account"), mapping("Plan", "account.plan")]);
        assert_eq!(error_paths(&inner_later), ["fields[1].parameter"]);
        assert_eq!(inner_later[0].message, "'account.plan' reaches inside 'account', which is a field of its own");
        let outer_later = validate_mappings(&[mapping("Tier", "account.plan.tier"), mapping("Account", "account")]);
        assert_eq!(error_paths(&outer_later), ["fields[1].parameter"]);
        assert_eq!(outer_later[0].message, "'account' holds 'account.plan.tier', which is a field of its own");
        let siblings = [mapping("Plan", "account.plan"), mapping("Seats", "account.seats"), mapping("Accounts", "accounts")];
        assert!(validate_mappings(&siblings).is_empty(), "members side by side, and names that merely start alike");
    }

    #[test]
    fn a_data_group_may_not_take_a_built_in_name() {
        let create = |data_group: &str| {
            ListenerForCreate::parse(
                "App",
                "appdata",
                data_group,
                IdentifyBy::Email,
                UnknownUserPolicy::Reject,
                vec![mapping("A", "a")],
            )
        };
        for builtin in ["User account", " user  ACCOUNT ", "participation"] {
            let errors = create(builtin).unwrap_err();
            assert_eq!(error_paths(&errors), ["data_group"], "{builtin}");
            assert!(errors[0].message.contains("built-in"), "{}", errors[0].message);
        }
        assert!(create("User accounts").is_ok() && create("Participation data").is_ok());
    }

    #[test]
    fn names_and_labels_refuse_control_characters() {
        let create = |name: &str, data_group: &str, label: &str| {
            ListenerForCreate::parse(
                name,
                "appdata",
                data_group,
                IdentifyBy::Email,
                UnknownUserPolicy::Reject,
                vec![mapping(label, "a")],
            )
        };
        let errors = create("App\0", "App\u{1b}data", "Pl\0an").unwrap_err();
        assert_eq!(error_paths(&errors), ["name", "data_group", "fields[0].label"]);
        assert!(errors.iter().all(|e| e.message.contains("control characters")), "{errors:?}");
        assert_eq!(error_paths(&create("App", "App data", "Plan\ttier").unwrap_err()), ["fields[0].label"]);
        let spaced = create("App\n sync", "App\tdata", "Plan").unwrap();
        assert_eq!((spaced.name.as_str(), spaced.data_group.as_str()), ("App sync", "App data"), "collapsed, as before");
        assert!(create("Café ☕", "Équipe", "Ünïcode").is_ok());
    }

    #[test]
    fn labels_match_in_any_case_of_any_script() {
        assert!(same_label("Équipe", "équipe") && same_label("ÆRØ", "ærø") && same_label("Plan", "PLAN"));
        assert!(!same_label("Equipe", "Équipe"), "accents count");
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

    #[test]
    fn a_feedback_listener_may_have_no_data_fields_but_needs_its_mapping() {
        let mapping = |title: &str| FeedbackMapping::parse(title, None, None, "Bug", &[]);
        let ok = ListenerForCreate::parse_feedback(
            "Feedback form",
            "feedback",
            "App data",
            IdentifyBy::Email,
            UnknownUserPolicy::Reject,
            vec![],
            mapping("title"),
        )
        .unwrap();
        assert_eq!((ok.listener_type, ok.feedback.unwrap().title.as_str()), (ListenerType::CreateFeedback, "title"));
        let errors = ListenerForCreate::parse_feedback(
            "",
            "feedback",
            "App data",
            IdentifyBy::Email,
            UnknownUserPolicy::Reject,
            vec![],
            mapping(""),
        )
        .unwrap_err();
        assert_eq!(error_paths(&errors), ["name", "feedback.title"]);
        assert_eq!(ListenerType::parse("create_feedback"), Some(ListenerType::CreateFeedback));
        assert_eq!(ListenerType::CreateFeedback.label(), "Create feedback");
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
