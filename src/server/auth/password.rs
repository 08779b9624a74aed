//! Argon2id password hashing, run off the async threads (it is deliberately slow).

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::domain::staff::Password;

pub async fn hash_password(password: &Password) -> anyhow::Result<String> {
    let plain = password.expose().to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(plain.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| anyhow::anyhow!("failed to hash password: {e}"))
    })
    .await?
}

/// Checks a password against a stored PHC string. With no stored hash (unknown email) it
/// still spends the same time on a dummy hash, so timing does not tell which part was wrong.
pub async fn verify_password(plain: &str, stored: Option<String>) -> bool {
    let plain = plain.to_string();
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_string());
        let Ok(parsed) = PasswordHash::new(&stored) else { return false };
        Argon2::default().verify_password(plain.as_bytes(), &parsed).is_ok() && stored != DUMMY_HASH
    })
    .await
    .unwrap_or(false)
}

/// Argon2id hash of a random string nobody knows, with the default parameters.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Lk4jG9fZ8kpl3ZrXU8X3VqX1oHrj0l0uNv0cDzGg2Ko";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_password() {
        let password = Password::parse("correct horse battery").unwrap();
        let hash = hash_password(&password).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(hash.clone())).await);
        assert!(!verify_password("wrong horse battery", Some(hash)).await);
        assert!(!verify_password("anything", None).await);
    }
}
