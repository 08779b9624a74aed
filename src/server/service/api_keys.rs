//! Creating and revoking community API keys, and showing a new key's secret once.

use crate::domain::identity::{has_control_characters, CONTROL_CHARACTERS};
use crate::domain::network::AddressList;
use crate::server::auth::api_key::{generate, identify};
use crate::server::error::{AppError, AppResult};
use crate::server::store::{ApiKeyForCreate, Store};

/// A new key; `secret` is the only copy there will ever be.
pub struct CreatedKey {
    pub id: i64,
    pub prefix: String,
    pub secret: String,
}

/// Creates a key; `allowed_addresses` (addresses and CIDR ranges, separated by commas, spaces
/// or new lines; empty for anywhere) limits where it may be used from.
pub async fn create_api_key(
    store: &Store,
    name: &str,
    description: &str,
    allowed_addresses: &str,
    created_by: Option<i64>,
) -> AppResult<CreatedKey> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid("name", "is required and at most 100 characters"));
    }
    if has_control_characters(name) {
        return Err(AppError::invalid("name", CONTROL_CHARACTERS));
    }
    let description = description.trim();
    if description.chars().count() > 500 {
        return Err(AppError::invalid("description", "is at most 500 characters"));
    }
    if has_control_characters(description) {
        return Err(AppError::invalid("description", CONTROL_CHARACTERS));
    }
    let allowed_addresses = AddressList::parse(allowed_addresses, "allowed_addresses")?;
    let key = generate();
    let new = ApiKeyForCreate {
        name,
        description,
        allowed_addresses: &allowed_addresses,
        prefix: &key.prefix,
        secret_hash: &key.hash,
        created_by,
    };
    let id = store.create_api_key(&new).await?;
    Ok(CreatedKey { id, prefix: key.prefix, secret: key.secret })
}

pub async fn revoke_api_key(store: &Store, id: i64) -> AppResult<()> {
    if store.revoke_api_key(id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound("there is no active API key with that id".into()))
    }
}

/// With JavaScript off, a key created on the API keys page reaches that page again in a
/// cookie: the form's answer is a redirect back, and the secret may be kept nowhere on the
/// server. Only the creating browser holds it, for two minutes or until the page shows it.
pub const NEW_KEY_COOKIE: &str = "inlet_new_key";

/// The `Set-Cookie` value carrying a new key's secret to the API keys page.
pub fn new_key_cookie(secret: &str, secure: bool) -> String {
    format!("{NEW_KEY_COOKIE}={secret}; Path=/api-keys; Max-Age=120; HttpOnly; SameSite=Strict{}", secure_flag(secure))
}

/// The `Set-Cookie` value that forgets it, once shown.
pub fn shown_new_key_cookie(secure: bool) -> String {
    format!("{NEW_KEY_COOKIE}=; Path=/api-keys; Max-Age=0; HttpOnly; SameSite=Strict{}", secure_flag(secure))
}

fn secure_flag(secure: bool) -> &'static str {
    if secure {
        "; Secure"
    } else {
        ""
    }
}

/// The name of the active key a new-key cookie carries, or `None` for anything else (a key
/// revoked meanwhile, or a cookie Inlet did not set).
pub async fn new_key_name(store: &Store, secret: &str) -> AppResult<Option<String>> {
    let Some(active) = identify(store, secret).await? else { return Ok(None) };
    Ok(store.list_api_keys().await?.into_iter().find(|key| key.id == active.id).map(|key| key.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_key_cookie_is_scoped_to_the_page_and_short_lived() {
        let cookie = new_key_cookie("inlet_abcdefgh_secret", true);
        assert_eq!(cookie, "inlet_new_key=inlet_abcdefgh_secret; Path=/api-keys; Max-Age=120; HttpOnly; SameSite=Strict; Secure");
        assert!(shown_new_key_cookie(false).starts_with("inlet_new_key=; Path=/api-keys; Max-Age=0;"));
        assert!(!shown_new_key_cookie(false).contains("Secure"));
    }
}
