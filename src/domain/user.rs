//! Users: the testers of a community, and their membership in projects.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::project::MembershipStatus;
use super::{DisplayName, Email, Username, ValidationError};

/// A community user as seen from one project (with their membership there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectUser {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub display_name: String,
    pub created_at: DateTime<Utc>,
    pub status: MembershipStatus,
    pub joined_at: DateTime<Utc>,
}

/// A user about to be created or updated, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserForCreate {
    pub email: Email,
    pub username: Username,
    pub display_name: DisplayName,
}

impl UserForCreate {
    /// Parses all three fields and reports every problem, not just the first.
    pub fn parse(email: &str, username: &str, display_name: &str) -> Result<Self, Vec<ValidationError>> {
        let email = Email::parse(email);
        let username = Username::parse(username);
        let display_name = DisplayName::parse_as("display_name", display_name);
        match (email, username, display_name) {
            (Ok(email), Ok(username), Ok(display_name)) => Ok(Self { email, username, display_name }),
            (email, username, display_name) => {
                Err([email.err(), username.err(), display_name.err()].into_iter().flatten().collect())
            }
        }
    }
}

/// How a user is named in a URL: an email when it contains `@`, otherwise a username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    Email(Email),
    Username(Username),
}

impl UserRef {
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        if value.contains('@') {
            Email::parse(value).map(UserRef::Email)
        } else {
            Username::parse(value).map(UserRef::Username)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_parse_reports_all_fields() {
        let errors = UserForCreate::parse("nope", "x", "").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "username", "display_name"]);
    }

    #[test]
    fn user_refs_tell_email_from_username() {
        assert!(matches!(UserRef::parse("Ada@Example.com").unwrap(), UserRef::Email(e) if e.as_str() == "ada@example.com"));
        assert!(matches!(UserRef::parse("ada").unwrap(), UserRef::Username(u) if u.as_str() == "ada"));
        assert!(UserRef::parse("a b").is_err());
    }
}

/// Columns a user list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum UserSort {
    #[default]
    Email,
    Username,
    Name,
    Joined,
    Status,
}

impl UserSort {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "email" => Some(Self::Email),
            "username" => Some(Self::Username),
            "name" => Some(Self::Name),
            "joined" => Some(Self::Joined),
            "status" => Some(Self::Status),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Username => "username",
            Self::Name => "name",
            Self::Joined => "joined",
            Self::Status => "status",
        }
    }
}

/// A page of a project's users: optional text search over email, username and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UserListQuery {
    pub search: Option<String>,
    pub sort: UserSort,
    pub descending: bool,
    pub page: super::PageRequest,
}
