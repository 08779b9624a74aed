//! Community API keys (PRODUCT.md §2) as staff see them: never the secret, never its hash.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::network::AddressList;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// `inlet_<prefix>_…`: enough to recognise a key, not to use it.
    pub prefix: String,
    /// Where requests with the key may come from; empty means anywhere.
    pub allowed_addresses: AddressList,
    /// The staff member's email, or `None` when created from the command line.
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub request_count: i64,
    pub revoked_at: Option<DateTime<Utc>>,
}
