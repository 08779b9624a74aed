//! Creating and revoking community API keys.

use crate::domain::network::AddressList;
use crate::server::auth::api_key::generate;
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
    let description = description.trim();
    if description.chars().count() > 500 {
        return Err(AppError::invalid("description", "is at most 500 characters"));
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
