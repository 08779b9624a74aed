//! Community API keys: only a prefix (to find the key) and a hash of the secret are stored.

use chrono::{DateTime, Utc};

use super::cache::Change;
use super::{on_pool, Result, Store};
use crate::domain::api_key::ApiKey;
use crate::domain::network::AddressList;

#[derive(sqlx::FromRow)]
struct ApiKeyRow {
    id: i64,
    name: String,
    description: String,
    prefix: String,
    allowed_addresses: String,
    created_by: Option<String>,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    request_count: i64,
    revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKeyRow> for ApiKey {
    fn from(row: ApiKeyRow) -> Self {
        ApiKey {
            id: row.id,
            name: row.name,
            description: row.description,
            prefix: row.prefix,
            // Written only from a parsed list, so it parses back.
            allowed_addresses: AddressList::parse(&row.allowed_addresses, "allowed_addresses").unwrap_or_default(),
            created_by: row.created_by,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            request_count: row.request_count,
            revoked_at: row.revoked_at,
        }
    }
}

pub struct ApiKeyForCreate<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub allowed_addresses: &'a AddressList,
    pub prefix: &'a str,
    pub secret_hash: &'a str,
    pub created_by: Option<i64>,
}

const KEY_COLUMNS: &str = "k.id, k.name, k.description, k.prefix, k.allowed_addresses, s.email AS created_by, k.created_at,
    k.last_used_at, k.request_count, k.revoked_at FROM api_keys k LEFT JOIN staff s ON s.id = k.created_by";

impl Store {
    pub async fn create_api_key(&self, new: &ApiKeyForCreate<'_>) -> Result<i64> {
        let id = on_pool!(self, |pool| sqlx::query_scalar(
            "INSERT INTO api_keys (name, description, allowed_addresses, prefix, secret_hash, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
        )
        .bind(new.name)
        .bind(new.description)
        .bind(new.allowed_addresses.to_string())
        .bind(new.prefix)
        .bind(new.secret_hash)
        .bind(new.created_by)
        .bind(Utc::now())
        .fetch_one(pool)
        .await)?;
        Ok(id)
    }

    /// The key with this prefix, its stored hash and allowed addresses, if it exists and is
    /// not revoked.
    pub(super) async fn load_active_api_key(&self, prefix: &str) -> Result<Option<(i64, String, String)>> {
        let row = on_pool!(self, |pool| sqlx::query_as(
            "SELECT id, secret_hash, allowed_addresses FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL"
        )
        .bind(prefix)
        .fetch_optional(pool)
        .await)?;
        Ok(row)
    }

    /// Adds counted requests to keys: `(key id, (requests, latest use))`.
    pub(super) async fn add_api_key_usage(&self, usage: &[(i64, (i64, DateTime<Utc>))]) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for (id, (count, last_used)) in usage {
                sqlx::query(
                    "UPDATE api_keys SET request_count = request_count + $1,
                        last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < $2 THEN $2 ELSE last_used_at END
                     WHERE id = $3",
                )
                .bind(count)
                .bind(last_used)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn list_api_keys(&self) -> Result<Vec<ApiKey>> {
        self.flush_key_usage().await?;
        let sql = format!("SELECT {KEY_COLUMNS} ORDER BY k.revoked_at IS NOT NULL, k.created_at DESC");
        let rows = on_pool!(self, |pool| sqlx::query_as::<_, ApiKeyRow>(&sql).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Revokes a key; returns false when there was no such active key.
    pub async fn revoke_api_key(&self, id: i64) -> Result<bool> {
        let result =
            on_pool!(self, |pool| sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(Utc::now())
                .bind(id)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()))?;
        self.changed(Change::ApiKeys).await;
        Ok(result > 0)
    }
}
