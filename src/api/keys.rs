//! Community API keys (community managers only). A new key's secret is returned once.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::UiError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub prefix: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub request_count: i64,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub name: String,
    pub secret: String,
}

#[server(prefix = "/fn")]
pub async fn list_api_keys() -> Result<Vec<ApiKeyView>, UiError> {
    let staff = super::context::staff().await?;
    crate::server::service::access::require_community_manager(&staff)?;
    let keys = super::context::state().store.list_api_keys().await?;
    Ok(keys
        .into_iter()
        .map(|k| ApiKeyView {
            id: k.id,
            name: k.name,
            description: k.description,
            prefix: k.prefix,
            created_by: k.created_by,
            created_at: k.created_at,
            last_used_at: k.last_used_at,
            request_count: k.request_count,
            revoked_at: k.revoked_at,
        })
        .collect())
}

#[server(prefix = "/fn")]
pub async fn create_api_key(name: String, description: String) -> Result<NewApiKey, UiError> {
    use crate::server::service::{access, api_keys};
    let staff = super::context::staff().await?;
    access::require_community_manager(&staff)?;
    let key = api_keys::create_api_key(&super::context::state().store, &name, &description, Some(staff.id)).await?;
    Ok(NewApiKey { name: name.trim().to_string(), secret: key.secret })
}

#[server(prefix = "/fn")]
pub async fn revoke_api_key(id: i64) -> Result<(), UiError> {
    use crate::server::service::{access, api_keys};
    let staff = super::context::staff().await?;
    access::require_community_manager(&staff)?;
    Ok(api_keys::revoke_api_key(&super::context::state().store, id).await?)
}
