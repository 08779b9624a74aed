//! The store: every SQL statement Inlet runs lives under this module.
//!
//! One `Store` serves SQLite (the embedded default) and PostgreSQL. Each operation is written
//! once: `on_pool!` expands the same body for both pool types, so the Rust around a query is
//! never copied between backends, and SQL is shared wherever the two dialects agree (`$1`
//! placeholders work in both). Schemas differ by type names only and live in
//! `migrations/sqlite` and `migrations/postgres`. Queries are runtime-checked, so neither
//! database is needed to build.

mod api_keys;
mod bench;
mod cache;
mod distribution_changes;
mod distributions;
mod feedback;
mod grid;
mod imports;
mod ingest;
mod listeners;
mod projects;
pub(crate) mod reports;
mod saved;
mod sessions;
mod staff;
mod users;

pub use api_keys::ApiKeyForCreate;
pub use cache::{ActiveKey, Gate, Route, RouteLookup};
pub use distribution_changes::{DistributionForUpdate, PauseCandidate, SendForCreate};
pub use distributions::{ClaimedRun, DistributionForCreate, DistributionRecord, RunOutcome, RunRecord};
pub use grid::{grid_now, GridQuery, GridSubject, ROWS_PER_BATCH};
pub(crate) use ingest::SqliteRecorder;
pub use ingest::{DeliveryForRecord, Recorded, TicketForRecord, ValueChange};
pub use sessions::SqlSessionStore;
pub use staff::StaffCredentials;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A uniqueness rule would be broken; the message names what is already taken.
    #[error("{0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    #[error("unsupported database URL '{0}': use sqlite://… or postgres://…")]
    UnsupportedUrl(String),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// From the delivery writer's own SQLite connection.
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
    #[error("an in-memory SQLite database cannot be used: the delivery writer opens the database file a second time")]
    InMemorySqlite,
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The delivery writer has stopped (the application is shutting down).
    #[error("the delivery writer has stopped")]
    WriterStopped,
}

pub type Result<T> = std::result::Result<T, Error>;

/// How long SQLite's write-ahead log may grow (in 4 KiB pages) before a commit copies it back
/// into the database file. SQLite's default, 1,000, checkpoints every few hundred deliveries,
/// writing the same hot pages (current values, the history index) to the file again and again;
/// at 10,000 (40 MiB) each is written once per checkpoint. Timed on the writer alone (4 values
/// and 4 history rows per delivery, batches of 14), a delivery went from about 80 to 57 µs.
/// While deliveries arrive, a checkpointer thread copies the log far more often than this
/// (see `DeliveryWriter`); the writer's own checkpoint, when the log reaches this size, then
/// has little left to copy, and lets the log start again from the beginning.
pub(crate) const WAL_AUTOCHECKPOINT_PAGES: u32 = 10_000;

#[derive(Clone, Debug)]
pub(crate) enum Pool {
    /// The pool, and the delivery writer's own connection (see `ingest::SqliteRecorder`).
    Sqlite(SqlitePool, std::sync::Arc<ingest::SqliteRecorder>),
    Postgres(PgPool),
}

/// The one door to the database. Cheap to clone (it holds a connection pool and shares its
/// caches).
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: Pool,
    caches: std::sync::Arc<cache::Caches>,
}

/// Runs the same body against whichever pool the store holds; `$pool` is bound to it.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::server::store::Pool::Sqlite($pool, _) => $body,
            $crate::server::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

impl Store {
    /// Connects to `sqlite://path` (file and folder created when missing, WAL mode) or
    /// `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES.to_string());
            if url.contains(":memory:") || url.contains("mode=memory") {
                return Err(Error::InMemorySqlite);
            }
            let file = options.get_filename().to_path_buf();
            if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| Error::Database(sqlx::Error::Io(e)))?;
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .after_connect(|connection, _| Box::pin(grid::register_fold(connection)))
                .connect_with(options)
                .await?;
            Pool::Sqlite(pool, std::sync::Arc::new(ingest::SqliteRecorder::new(file)))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            Pool::Postgres(
                PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect_with(options).await?,
            )
        } else {
            return Err(Error::UnsupportedUrl(redact_url(url)));
        };
        Ok(Self { pool, caches: Default::default() })
    }

    pub fn backend_name(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(..) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(pool, _) => {
                // SQLite changes a table's CHECK by rebuilding the table, and dropping the old
                // one with foreign keys on would delete every row referring to it. Its
                // documented procedure turns them off first, which a PRAGMA inside the
                // transaction each migration runs in cannot do: so migrations run on one
                // connection that has them off, turned on again before it returns to the pool.
                let mut connection = pool.acquire().await?;
                sqlx::query("PRAGMA foreign_keys = OFF").execute(&mut *connection).await?;
                let migrated = sqlx::migrate!("migrations/sqlite").run(&mut *connection).await;
                sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *connection).await?;
                migrated?
            }
            Pool::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        on_pool!(self, |pool| sqlx::query("SELECT 1").execute(pool).await.map(|_| ())).is_ok()
    }

    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await)
    }
}

/// Opens a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so concurrent writers queue on the busy timeout instead of failing
/// when a read transaction tries to upgrade.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, Self::Db>>;
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.begin().await
    }
}

/// Removes a password from a database URL so it can be shown in errors and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Maps a unique-constraint violation to `Error::Conflict` with a readable message.
pub(crate) fn conflict_on_unique(message: impl Into<String>) -> impl FnOnce(sqlx::Error) -> Error {
    let message = message.into();
    move |error| match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => Error::Conflict(message),
        _ => Error::Database(error),
    }
}

/// A `LIKE` pattern matching `needle` anywhere, with `%`, `_` and `\` taken literally
/// (used with `ESCAPE '\'`).
pub(crate) fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::from("%");
    for c in needle.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(redact_url("postgres://inlet:s3cret@db:5432/inlet"), "postgres://inlet:***@db:5432/inlet");
        assert_eq!(redact_url("postgres://postgres@127.0.0.1/test"), "postgres://postgres@127.0.0.1/test");
        assert_eq!(redact_url("sqlite://data/inlet.db"), "sqlite://data/inlet.db");
    }

    #[tokio::test]
    async fn in_memory_sqlite_is_refused_with_the_reason() {
        for url in ["sqlite::memory:", "sqlite://inlet.db?mode=memory"] {
            let error = Store::connect(url).await.expect_err(url);
            assert!(matches!(error, Error::InMemorySqlite), "{url}: {error}");
        }
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern(" Ada_1% "), "%ada\\_1\\%%");
    }
}
