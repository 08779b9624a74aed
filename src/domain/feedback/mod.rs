//! Feedback (PRODUCT.md §8): a project's feedback types, the tickets its users send (through
//! the UI, the API or a "Create feedback" listener), and each ticket's activity (staff
//! comments and status changes). The ticket grid's fields live in [`grid`], the listener's
//! mapping in [`mapping`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

use super::fields::same_label;
use super::identity::{collapse_spaces, has_control_characters, CONTROL_CHARACTERS};
use super::ValidationError;

pub mod grid;
pub mod mapping;
pub mod params;

pub use grid::{ticket_fields, ticket_schema, TICKET};
pub use mapping::FeedbackMapping;

/// The types every new project starts with.
pub const DEFAULT_TYPES: [&str; 3] = ["Bug", "Idea", "Praise"];
pub const MAX_TYPE_CHARS: usize = 60;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
pub const MAX_COMMENT_CHARS: usize = 10_000;

/// A kind of feedback in a project. A retired type keeps its tickets but takes no new ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackType {
    pub id: i64,
    pub name: String,
    pub retired: bool,
}

/// The type `name` names among `types` (ignoring case), for a new or changed ticket: a
/// retired type is refused, and an unknown one is refused listing those that can be used.
pub fn find_type<'a>(types: &'a [FeedbackType], name: &str, at: &str) -> Result<&'a FeedbackType, ValidationError> {
    let name = collapse_spaces(name);
    match types.iter().find(|t| same_label(&t.name, &name)) {
        Some(found) if !found.retired => Ok(found),
        Some(found) => Err(ValidationError::new(at, format!("type '{}' is retired", found.name))),
        None => {
            let open: Vec<&str> = types.iter().filter(|t| !t.retired).map(|t| t.name.as_str()).collect();
            Err(ValidationError::new(at, format!("there is no feedback type '{name}' (use one of: {})", open.join(", "))))
        }
    }
}

/// A type's name: spaces collapsed, 1 to `MAX_TYPE_CHARS` characters.
pub fn parse_type_name(input: &str) -> Result<String, ValidationError> {
    let name = collapse_spaces(input);
    if name.is_empty() || name.chars().count() > MAX_TYPE_CHARS {
        return Err(ValidationError::new("name", format!("is required and at most {MAX_TYPE_CHARS} characters")));
    }
    if has_control_characters(&name) {
        return Err(ValidationError::new("name", CONTROL_CHARACTERS));
    }
    Ok(name)
}

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    #[default]
    New,
    InProgress,
    Closed,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 3] = [Self::New, Self::InProgress, Self::Closed];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::New => "new",
            Self::InProgress => "in_progress",
            Self::Closed => "closed",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::New => "New",
            Self::InProgress => "In progress",
            Self::Closed => "Closed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value.trim())
    }

    /// Reads a status from the API or a form, naming the allowed values when it is none.
    pub fn parse_at(value: &str, at: &str) -> Result<Self, ValidationError> {
        Self::parse(value)
            .ok_or_else(|| ValidationError::new(at, format!("'{value}' is not a status (new, in_progress, closed)")))
    }
}

impl fmt::Display for TicketStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A title: one line, spaces collapsed, 1 to `MAX_TITLE_CHARS` characters.
pub fn parse_title(input: &str) -> Result<String, ValidationError> {
    let title = collapse_spaces(input);
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(ValidationError::new("title", format!("is required and at most {MAX_TITLE_CHARS} characters")));
    }
    Ok(title)
}

/// Plain text of several lines (a description, a comment): line ends made `\n`, trimmed, no
/// control characters but line breaks and tabs, at most `max` characters. Shown as text,
/// never as markup.
pub fn parse_text(input: &str, at: &str, required: bool, max: usize) -> Result<String, ValidationError> {
    let text = input.replace("\r\n", "\n").replace('\r', "\n").trim().to_string();
    if required && text.is_empty() {
        return Err(ValidationError::new(at, "is required"));
    }
    if text.chars().count() > max {
        return Err(ValidationError::new(at, format!("is at most {max} characters")));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(ValidationError::new(at, "may not contain control characters other than line breaks and tabs"));
    }
    Ok(text)
}

/// A ticket about to be created, parsed; the type is resolved against the project's types
/// and the submitter against its users by the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketForCreate {
    pub type_id: i64,
    pub title: String,
    pub description: String,
}

impl TicketForCreate {
    /// Checks every part at once: the type (by name, among `types`), title and description.
    pub fn parse(types: &[FeedbackType], type_name: &str, title: &str, description: &str) -> Result<Self, Vec<ValidationError>> {
        let kind = find_type(types, type_name, "type");
        let title = parse_title(title);
        let description = parse_text(description, "description", false, MAX_DESCRIPTION_CHARS);
        match (kind, title, description) {
            (Ok(kind), Ok(title), Ok(description)) => Ok(Self { type_id: kind.id, title, description }),
            (kind, title, description) => Err([kind.err(), title.err(), description.err()].into_iter().flatten().collect()),
        }
    }
}

/// Changes to a ticket; `None` leaves that part as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketForUpdate {
    pub type_id: Option<i64>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Option<TicketStatus>,
}

impl TicketForUpdate {
    pub fn parse(
        types: &[FeedbackType],
        type_name: Option<&str>,
        title: Option<&str>,
        description: Option<&str>,
        status: Option<&str>,
    ) -> Result<Self, Vec<ValidationError>> {
        fn keep<T>(errors: &mut Vec<ValidationError>, result: Result<T, ValidationError>) -> Option<T> {
            result.map_err(|e| errors.push(e)).ok()
        }
        let mut errors = Vec::new();
        let type_id = type_name.and_then(|name| keep(&mut errors, find_type(types, name, "type").map(|t| t.id)));
        let title = title.and_then(|t| keep(&mut errors, parse_title(t)));
        let description = description.and_then(|d| keep(&mut errors, parse_text(d, "description", false, MAX_DESCRIPTION_CHARS)));
        let status = status.and_then(|s| keep(&mut errors, TicketStatus::parse_at(s, "status")));
        if errors.is_empty() {
            Ok(Self { type_id, title, description, status })
        } else {
            Err(errors)
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Who sent a ticket, as the ticket shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitter {
    pub user_id: i64,
    pub email: String,
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: i64,
    pub project_id: i64,
    pub type_id: i64,
    pub type_name: String,
    pub title: String,
    pub description: String,
    pub status: TicketStatus,
    pub submitter: Submitter,
    /// The listener delivery that created it, if one did.
    pub delivery_id: Option<i64>,
    pub comments: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What happened to a ticket, oldest first on the ticket page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ActivityKind {
    Comment { text: String },
    Status { from: TicketStatus, to: TicketStatus },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: i64,
    /// The staff member's name, when staff did it (not the API).
    pub author: Option<String>,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub kind: ActivityKind,
}

/// The query of the plain ticket list: newest first, optionally one type or status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketListQuery {
    pub type_id: Option<i64>,
    pub status: Option<TicketStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types() -> Vec<FeedbackType> {
        vec![
            FeedbackType { id: 1, name: "Bug".into(), retired: false },
            FeedbackType { id: 2, name: "Idea".into(), retired: false },
            FeedbackType { id: 3, name: "Old".into(), retired: true },
        ]
    }

    #[test]
    fn types_are_found_by_name_in_any_case_and_retired_ones_refused() {
        assert_eq!(find_type(&types(), " bug ", "type").unwrap().id, 1);
        assert!(find_type(&types(), "old", "type").unwrap_err().message.contains("retired"));
        let unknown = find_type(&types(), "Praise", "type").unwrap_err();
        assert_eq!(unknown.field, "type");
        assert!(unknown.message.contains("Bug, Idea") && !unknown.message.contains("Old"), "{}", unknown.message);
    }

    #[test]
    fn type_names_are_short_single_lines() {
        assert_eq!(parse_type_name("  Feature   request ").unwrap(), "Feature request");
        assert!(parse_type_name(" ").is_err());
        assert!(parse_type_name(&"x".repeat(MAX_TYPE_CHARS + 1)).is_err());
        assert!(parse_type_name("Bug\u{7}").is_err());
    }

    #[test]
    fn a_new_ticket_reports_every_problem_at_once() {
        let errors = TicketForCreate::parse(&types(), "Nope", " ", "a\u{0}b").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["type", "title", "description"]);
        let ok = TicketForCreate::parse(&types(), "idea", "  Dark   mode ", "Please.\r\n\tThanks\r\n").unwrap();
        assert_eq!(ok, TicketForCreate { type_id: 2, title: "Dark mode".into(), description: "Please.\n\tThanks".into() });
    }

    #[test]
    fn descriptions_keep_lines_and_are_bounded() {
        assert_eq!(parse_text("", "description", false, 10).unwrap(), "");
        assert_eq!(parse_text(" ", "text", true, 10).unwrap_err().field, "text");
        assert!(parse_text(&"y".repeat(11), "text", false, 10).is_err());
        assert_eq!(parse_text("<b>x</b>\nline", "text", true, 100).unwrap(), "<b>x</b>\nline", "kept as text");
    }

    #[test]
    fn statuses_parse_from_their_wire_names() {
        assert_eq!(TicketStatus::parse("in_progress"), Some(TicketStatus::InProgress));
        assert_eq!(TicketStatus::parse("open"), None);
        assert_eq!(TicketStatus::parse_at("open", "status").unwrap_err().field, "status");
        assert_eq!(serde_json::to_string(&TicketStatus::InProgress).unwrap(), "\"in_progress\"");
    }

    #[test]
    fn an_update_changes_only_what_it_names() {
        let update = TicketForUpdate::parse(&types(), None, None, None, Some("closed")).unwrap();
        assert_eq!(update, TicketForUpdate { status: Some(TicketStatus::Closed), ..Default::default() });
        assert!(TicketForUpdate::parse(&types(), None, None, None, None).unwrap().is_empty());
        let errors = TicketForUpdate::parse(&types(), Some("x"), Some(""), None, Some("done")).unwrap_err();
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["type", "title", "status"]);
    }

    #[test]
    fn activity_has_a_plain_json_shape() {
        let activity = Activity {
            id: 1,
            author: Some("Pat".into()),
            at: DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z").unwrap().with_timezone(&Utc),
            kind: ActivityKind::Status { from: TicketStatus::New, to: TicketStatus::Closed },
        };
        let json = serde_json::to_value(&activity).unwrap();
        assert_eq!(json["kind"], "status");
        assert_eq!(json["to"], "closed");
    }
}
