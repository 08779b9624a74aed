//! Staff accounts.

use crate::domain::staff::{Password, Role, Staff, StaffForCreate};
use crate::domain::{DisplayName, Email};
use crate::server::auth::password::hash_password;
use crate::server::error::AppResult;
use crate::server::store::Store;

/// Parses, hashes and stores a new staff member; every invalid field is reported together.
pub async fn create_staff(store: &Store, email: &str, name: &str, role: Role, password: &str) -> AppResult<Staff> {
    let email = Email::parse(email);
    let name = DisplayName::parse(name);
    let password = Password::parse(password);
    let new = match (email, name, password) {
        (Ok(email), Ok(name), Ok(password)) => StaffForCreate { email, name, role, password },
        (email, name, password) => {
            return Err([email.err(), name.err(), password.err()].into_iter().flatten().collect::<Vec<_>>().into())
        }
    };
    let hash = hash_password(&new.password).await?;
    Ok(store.create_staff(&new, &hash).await?)
}

/// A readable name from an email's local part ("ada.lovelace@…" → "Ada Lovelace").
pub fn name_from_email(email: &str) -> String {
    let local = email.split('@').next().unwrap_or(email);
    local
        .split(['.', '_', '-', '+'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_derived_from_emails() {
        assert_eq!(name_from_email("ada.lovelace@example.com"), "Ada Lovelace");
        assert_eq!(name_from_email("admin@inlet.test"), "Admin");
    }
}
