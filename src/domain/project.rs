//! Projects (beta programs), their teams and their members' participation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use super::{ProjectName, Slug, ValidationError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub member_count: i64,
}

#[derive(Debug, Clone)]
pub struct ProjectForCreate {
    pub name: ProjectName,
    pub slug: Slug,
}

impl ProjectForCreate {
    /// Parses a name and an optional slug (suggested from the name when left blank).
    pub fn parse(name: &str, slug: Option<&str>) -> Result<Self, Vec<ValidationError>> {
        let name = ProjectName::parse(name);
        let slug = match slug.map(str::trim).filter(|s| !s.is_empty()) {
            Some(slug) => Slug::parse(slug),
            None => Slug::parse(&Slug::suggest(name.as_ref().map(|n| n.as_str()).unwrap_or(""))),
        };
        match (name, slug) {
            (Ok(name), Ok(slug)) => Ok(Self { name, slug }),
            (name, slug) => Err([name.err(), slug.err()].into_iter().flatten().collect()),
        }
    }
}

/// A user's participation in a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatus {
    #[default]
    Active,
    Invited,
    Inactive,
    Removed,
}

impl MembershipStatus {
    pub const ALL: [MembershipStatus; 4] = [Self::Active, Self::Invited, Self::Inactive, Self::Removed];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Invited => "invited",
            Self::Inactive => "inactive",
            Self::Removed => "removed",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Invited => "Invited",
            Self::Inactive => "Inactive",
            Self::Removed => "Removed",
        }
    }
}

impl fmt::Display for MembershipStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MembershipStatus {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s.trim())
            .ok_or_else(|| ValidationError::new("status", format!("'{s}' is not a status (active, invited, inactive, removed)")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_slug_is_suggested_from_the_name() {
        let project = ProjectForCreate::parse("Aurora Beta", Some(" ")).unwrap();
        assert_eq!(project.slug.as_str(), "aurora-beta");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let errors = ProjectForCreate::parse("", Some("Bad Slug")).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "slug"]);
    }

    #[test]
    fn statuses_round_trip() {
        for status in MembershipStatus::ALL {
            assert_eq!(status.as_str().parse::<MembershipStatus>().unwrap(), status);
        }
        assert!("banned".parse::<MembershipStatus>().is_err());
    }
}
