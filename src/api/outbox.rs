//! The outbox (community managers only): distribution email written to `INLET_OUTBOX_DIR`
//! when no SMTP server is configured, listed and opened for preview.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::UiError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub id: String,
    pub date: Option<DateTime<Utc>>,
    pub to: String,
    pub subject: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxFile {
    pub index: usize,
    pub file_name: String,
    pub content_type: String,
    pub size: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxPreview {
    pub item: OutboxItem,
    pub from: String,
    pub html: Option<String>,
    pub text: Option<String>,
    pub attachments: Vec<OutboxFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxListing {
    /// The folder read, shown so people know where the files are.
    pub folder: String,
    /// Whether new mail goes to SMTP (then the outbox only has older messages).
    pub smtp_configured: bool,
    pub messages: Vec<OutboxItem>,
}

#[server(prefix = "/fn")]
pub async fn list_outbox() -> Result<OutboxListing, UiError> {
    let staff = super::context::staff().await?;
    crate::server::service::access::require_community_manager(&staff)?;
    Ok(crate::server::service::outbox::listing(&super::context::state().mailer).await?)
}

#[server(prefix = "/fn")]
pub async fn open_outbox_message(id: String) -> Result<OutboxPreview, UiError> {
    let staff = super::context::staff().await?;
    crate::server::service::access::require_community_manager(&staff)?;
    Ok(crate::server::service::outbox::preview(&super::context::state().mailer, &id).await?)
}
