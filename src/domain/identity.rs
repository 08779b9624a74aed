//! Identifiers and names typed by people or other systems: each is parsed once, at the edge.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a piece of input was refused; the message is safe to show to whoever sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: String,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.to_string(), message: message.into() }
    }
}

/// `{list}[i].member` → `(i, "member")`: the entry of a submitted list an error is about.
pub fn split_list_path<'a>(path: &'a str, list: &str) -> Option<(usize, &'a str)> {
    let (index, member) = path.strip_prefix(list)?.strip_prefix('[')?.split_once("].")?;
    Some((index.parse().ok()?, member))
}

/// Points errors about the `i`-th entry of a submitted list (`{from}[i].member`) at the form
/// row it came from (`{to}[rows[i]].member`): a form leaves blank and removed rows out of the
/// list, so list positions and rows differ. Other errors stay as they are.
pub fn errors_at_rows(errors: Vec<ValidationError>, from: &str, to: &str, rows: &[usize]) -> Vec<ValidationError> {
    errors
        .into_iter()
        .map(|error| match split_list_path(&error.field, from).and_then(|(i, member)| Some((*rows.get(i)?, member))) {
            Some((row, member)) => ValidationError::new(&format!("{to}[{row}].{member}"), error.message),
            None => error,
        })
        .collect()
}

/// Whether text holds a control character. Names and labels are read by people, in lists,
/// filters and exports, where a control character shows as nothing or breaks the line; and
/// PostgreSQL's text cannot store NUL at all. (Names whose spaces are collapsed first keep a
/// tab or line break as a space.)
pub fn has_control_characters(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// What a name or label with a control character is told.
pub const CONTROL_CHARACTERS: &str = "may not contain control characters such as NUL, tabs or line breaks";

/// Trims text and collapses every inner run of whitespace to one space (names and labels).
pub fn collapse_spaces(input: &str) -> String {
    input.split_whitespace().collect::<Vec<_>>().join(" ")
}

macro_rules! text_newtype {
    ($name:ident) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_newtype!(Email);
text_newtype!(Username);
text_newtype!(DisplayName);
text_newtype!(Slug);
text_newtype!(ProjectName);

const MAX_EMAIL: usize = 254;

impl Email {
    /// Accepts `local@domain.tld` (trimmed, lower-cased); the check is deliberately simple:
    /// the only real proof of an address is mail reaching it.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = input.trim().to_lowercase();
        let invalid = |why: &str| Err(ValidationError::new("email", why.to_string()));
        if value.is_empty() {
            return invalid("is required");
        }
        if value.len() > MAX_EMAIL {
            return invalid("is longer than 254 characters");
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"')) {
            return invalid(&format!("'{}' is not a valid email address", input.trim()));
        }
        let Some((local, domain)) = value.split_once('@') else {
            return invalid(&format!("'{}' is not a valid email address", input.trim()));
        };
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && domain.split('.').all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return invalid(&format!("'{}' is not a valid email address", input.trim()));
        }
        Ok(Self(value))
    }
}

impl Username {
    /// 2–64 characters of `a-z 0-9 . _ -`, starting with a letter or digit; case-insensitive
    /// (stored lower-case) so `Ada` and `ada` cannot be two people.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = input.trim().to_lowercase();
        let invalid = |why: String| Err(ValidationError::new("username", why));
        if value.is_empty() {
            return invalid("is required".into());
        }
        if !(2..=64).contains(&value.chars().count()) {
            return invalid("must be 2 to 64 characters long".into());
        }
        if !value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
            return invalid(format!("'{}' may only contain letters, digits, '.', '_' and '-'", input.trim()));
        }
        if !value.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return invalid("must start with a letter or a digit".into());
        }
        Ok(Self(value))
    }
}

impl DisplayName {
    /// Any printable text up to 200 characters; inner runs of whitespace collapse to one space.
    /// Errors name the field `name` (a staff member's); see [`DisplayName::parse_as`].
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        Self::parse_as("name", input)
    }

    /// The same, with errors naming `field`: a user's is `display_name`, as bodies and forms
    /// call it.
    pub fn parse_as(field: &str, input: &str) -> Result<Self, ValidationError> {
        let value = collapse_spaces(input);
        if value.is_empty() {
            return Err(ValidationError::new(field, "is required"));
        }
        if value.chars().count() > 200 {
            return Err(ValidationError::new(field, "is longer than 200 characters"));
        }
        if value.chars().any(char::is_control) {
            return Err(ValidationError::new(field, "contains control characters"));
        }
        Ok(Self(value))
    }
}

impl ProjectName {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = collapse_spaces(input);
        if value.is_empty() {
            return Err(ValidationError::new("name", "is required"));
        }
        if value.chars().count() > 120 {
            return Err(ValidationError::new("name", "is longer than 120 characters"));
        }
        Ok(Self(value))
    }
}

/// Slugs that would collide with the application's own routes.
const RESERVED_SLUGS: &[&str] = &["new", "api", "admin", "login", "logout", "pkg", "static"];

impl Slug {
    /// 2–48 characters of `a-z 0-9 -`, not starting or ending with `-`. Used in URLs, so it
    /// is strict rather than forgiving.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = input.trim();
        let invalid = |why: String| Err(ValidationError::new("slug", why));
        if value.is_empty() {
            return invalid("is required".into());
        }
        if !(2..=48).contains(&value.len()) {
            return invalid("must be 2 to 48 characters long".into());
        }
        if !value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return invalid(format!("'{value}' may only contain lower-case letters, digits and '-'"));
        }
        if value.starts_with('-') || value.ends_with('-') {
            return invalid("must not start or end with '-'".into());
        }
        if RESERVED_SLUGS.contains(&value) {
            return invalid(format!("'{value}' is reserved"));
        }
        Ok(Self(value.to_string()))
    }

    /// A valid slug derived from a project name ("Aurora Beta 2" → "aurora-beta-2"), so that
    /// any name can make a project without a slug of its own: a name with too few letters or
    /// digits, or one that spells a reserved word, gets "-project" added ("Ω" → "project").
    pub fn suggest(name: &str) -> String {
        let mut slug = String::new();
        for c in name.trim().to_lowercase().chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.ends_with('-') && !slug.is_empty() {
                slug.push('-');
            }
        }
        let slug: String = slug.chars().take(48).collect::<String>().trim_end_matches('-').to_string();
        if slug.is_empty() {
            "project".into()
        } else if slug.len() < 2 || RESERVED_SLUGS.contains(&slug.as_str()) {
            format!("{slug}-project")
        } else {
            slug
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("  Ada@Example.COM ").unwrap().as_str(), "ada@example.com");
    }

    #[test]
    fn malformed_emails_are_refused_with_the_field_named() {
        for bad in ["", "ada", "ada@", "@example.com", "ada@example", "a b@example.com", "ada@@example.com", "ada@-x.com"] {
            let err = Email::parse(bad).unwrap_err();
            assert_eq!(err.field, "email", "{bad}");
        }
    }

    #[test]
    fn usernames_are_case_insensitive_and_restricted() {
        assert_eq!(Username::parse("Ada.L").unwrap().as_str(), "ada.l");
        assert!(Username::parse("a").is_err());
        assert!(Username::parse("ada lovelace").is_err());
        assert!(Username::parse("-ada").is_err());
        assert!(Username::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn display_names_collapse_whitespace() {
        assert_eq!(DisplayName::parse("  Ada \t Lovelace ").unwrap().as_str(), "Ada Lovelace");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(201)).is_err());
    }

    #[test]
    fn slugs_are_strict_and_reserved_words_refused() {
        assert_eq!(Slug::parse("aurora-2").unwrap().as_str(), "aurora-2");
        for bad in ["Aurora", "a", "aurora_2", "-aurora", "aurora-", "new", "api"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slug_suggestions_follow_the_name() {
        assert_eq!(Slug::suggest("Aurora Beta 2!"), "aurora-beta-2");
        assert_eq!(Slug::suggest("  Ünïcode -- test "), "n-code-test");
        assert!(Slug::parse(&Slug::suggest("Borealis beta")).is_ok());
        for name in ["Ω", "a", "New", "!!!", "API", &format!("{}-x", "a".repeat(47))] {
            assert!(Slug::parse(&Slug::suggest(name)).is_ok(), "{name} → {}", Slug::suggest(name));
        }
        assert_eq!((Slug::suggest("Ω").as_str(), Slug::suggest("New").as_str()), ("project", "new-project"));
    }
}
