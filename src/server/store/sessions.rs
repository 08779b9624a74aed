//! Staff sessions for tower-sessions, kept in the database so they survive restarts and are
//! shared by every instance on one database.

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

use super::{on_pool, Store};

#[derive(Clone, Debug)]
pub struct SqlSessionStore {
    store: Store,
}

impl SqlSessionStore {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

fn backend(error: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

#[async_trait]
impl SessionStore for SqlSessionStore {
    /// Inserts a new session; on the (astronomically rare) clash of ids it draws another,
    /// so one person's new session can never overwrite another's.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let data = rmp_serde::to_vec(&*record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
            let expires_at = record.expiry_date.unix_timestamp();
            let inserted = on_pool!(self.store, |pool| sqlx::query(
                "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING"
            )
            .bind(record.id.to_string())
            .bind(data)
            .bind(expires_at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
            .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = rmp_serde::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let expires_at = record.expiry_date.unix_timestamp();
        on_pool!(self.store, |pool| sqlx::query(
            "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at"
        )
        .bind(record.id.to_string())
        .bind(data)
        .bind(expires_at)
        .execute(pool)
        .await
        .map(|_| ()))
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let data: Option<Vec<u8>> =
            on_pool!(self.store, |pool| sqlx::query_scalar("SELECT data FROM sessions WHERE id = $1 AND expires_at > $2")
                .bind(id.to_string())
                .bind(now)
                .fetch_optional(pool)
                .await)
            .map_err(backend)?;
        data.map(|bytes| rmp_serde::from_slice(&bytes).map_err(|e| session_store::Error::Decode(e.to_string()))).transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        on_pool!(self.store, |pool| sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for SqlSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        on_pool!(self.store, |pool| sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(backend)?;
        Ok(())
    }
}
