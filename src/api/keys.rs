//! Community API keys (community managers only). A new key's secret is returned once.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::UiError;
pub use crate::domain::api_key::ApiKey;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub name: String,
    pub secret: String,
}

#[server(prefix = "/fn")]
pub async fn list_api_keys() -> Result<Vec<ApiKey>, UiError> {
    let staff = super::context::staff().await?;
    crate::server::service::access::require_community_manager(&staff)?;
    Ok(super::context::state().store.list_api_keys().await?)
}

#[server(prefix = "/fn")]
pub async fn create_api_key(name: String, description: String, allowed_addresses: String) -> Result<NewApiKey, UiError> {
    use crate::server::service::{access, api_keys};
    let staff = super::context::staff().await?;
    access::require_community_manager(&staff)?;
    let store = &super::context::state().store;
    let key = api_keys::create_api_key(store, &name, &description, &allowed_addresses, Some(staff.id)).await?;
    if super::context::is_plain_form_post() {
        super::context::set_cookie(&api_keys::new_key_cookie(&key.secret, super::context::state().secure_cookies));
    }
    Ok(NewApiKey { name: name.trim().to_string(), secret: key.secret })
}

/// The key this browser just created with JavaScript off, shown once (see
/// `api_keys::NEW_KEY_COOKIE`); `None` when there is none.
#[server(prefix = "/fn")]
pub async fn take_new_api_key() -> Result<Option<NewApiKey>, UiError> {
    use crate::server::service::{access, api_keys};
    let staff = super::context::staff().await?;
    access::require_community_manager(&staff)?;
    let Some(secret) = super::context::cookie(api_keys::NEW_KEY_COOKIE) else { return Ok(None) };
    let state = super::context::state();
    super::context::set_cookie(&api_keys::shown_new_key_cookie(state.secure_cookies));
    let name = api_keys::new_key_name(&state.store, &secret).await?;
    Ok(name.map(|name| NewApiKey { name, secret }))
}

#[server(prefix = "/fn")]
pub async fn revoke_api_key(id: i64) -> Result<(), UiError> {
    use crate::server::service::{access, api_keys};
    let staff = super::context::staff().await?;
    access::require_community_manager(&staff)?;
    Ok(api_keys::revoke_api_key(&super::context::state().store, id).await?)
}
