//! Community API keys: only a prefix (to find the key) and a hash of the secret are stored.

use chrono::{DateTime, Utc};

use super::cache::Change;
use super::{on_pool, Result, Store};

/// A key as listed to staff: never the secret, never its hash.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRecord {
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

pub struct ApiKeyForCreate<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub prefix: &'a str,
    pub secret_hash: &'a str,
    pub created_by: Option<i64>,
}

const KEY_COLUMNS: &str = "k.id, k.name, k.description, k.prefix, s.email AS created_by, k.created_at,
    k.last_used_at, k.request_count, k.revoked_at FROM api_keys k LEFT JOIN staff s ON s.id = k.created_by";

impl Store {
    pub async fn create_api_key(&self, new: &ApiKeyForCreate<'_>) -> Result<i64> {
        let id = on_pool!(self, |pool| sqlx::query_scalar(
            "INSERT INTO api_keys (name, description, prefix, secret_hash, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
        )
        .bind(new.name)
        .bind(new.description)
        .bind(new.prefix)
        .bind(new.secret_hash)
        .bind(new.created_by)
        .bind(Utc::now())
        .fetch_one(pool)
        .await)?;
        Ok(id)
    }

    /// The key with this prefix and its stored hash, if it exists and is not revoked.
    pub(super) async fn load_active_api_key(&self, prefix: &str) -> Result<Option<(i64, String)>> {
        let row = on_pool!(self, |pool| sqlx::query_as(
            "SELECT id, secret_hash FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL"
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

    pub async fn list_api_keys(&self) -> Result<Vec<ApiKeyRecord>> {
        self.flush_key_usage().await?;
        let sql = format!("SELECT {KEY_COLUMNS} ORDER BY k.revoked_at IS NOT NULL, k.created_at DESC");
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, ApiKeyRecord>(&sql).fetch_all(pool).await)?)
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
