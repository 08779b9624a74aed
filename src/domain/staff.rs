//! Staff: the people who log in to Inlet, and what each role may do.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use super::{DisplayName, Email, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything: projects, staff, API keys, every project's data.
    CommunityManager,
    /// Only the projects whose team they are on.
    ProjectManager,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::CommunityManager => "community_manager",
            Role::ProjectManager => "project_manager",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Role::CommunityManager => "Community manager",
            Role::ProjectManager => "Project manager",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ValidationError;

    /// Accepts the stored form and the CLI form (`community-manager`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().replace('-', "_").as_str() {
            "community_manager" => Ok(Role::CommunityManager),
            "project_manager" => Ok(Role::ProjectManager),
            other => Err(ValidationError::new("role", format!("'{other}' is not a role (community_manager or project_manager)"))),
        }
    }
}

/// A staff member as the rest of the application sees them (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
}

impl Staff {
    pub fn is_community_manager(&self) -> bool {
        self.role == Role::CommunityManager
    }
}

pub const MIN_PASSWORD_LEN: usize = 10;

/// A password that meets the (length-only, per NIST 800-63B) policy. Never serialised.
pub struct Password(String);

impl Password {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let count = input.chars().count();
        if count < MIN_PASSWORD_LEN {
            return Err(ValidationError::new("password", format!("must be at least {MIN_PASSWORD_LEN} characters")));
        }
        if count > 256 {
            return Err(ValidationError::new("password", "must be at most 256 characters"));
        }
        Ok(Self(input.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// A staff member about to be created, already parsed.
#[derive(Debug)]
pub struct StaffForCreate {
    pub email: Email,
    pub name: DisplayName,
    pub role: Role,
    pub password: Password,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_cli_and_storage_forms() {
        assert_eq!("community-manager".parse::<Role>().unwrap(), Role::CommunityManager);
        assert_eq!("project_manager".parse::<Role>().unwrap(), Role::ProjectManager);
        assert!("owner".parse::<Role>().is_err());
        assert_eq!(Role::ProjectManager.to_string().parse::<Role>().unwrap(), Role::ProjectManager);
    }

    #[test]
    fn short_passwords_are_refused_and_never_printed() {
        assert!(Password::parse("short").is_err());
        let password = Password::parse("correct horse battery").unwrap();
        assert_eq!(format!("{password:?}"), "Password(…)");
    }
}
