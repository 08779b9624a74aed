//! Group commit on SQLite, through a connection of the writer's own (rusqlite) with its
//! statements prepared once and kept. sqlx runs every SQLite connection on a worker thread and
//! sends each statement, and each row back, across a channel; at thousands of deliveries a
//! second those hand-offs cost more than the writing. Here a batch is plain calls into SQLite
//! on the delivery writer's thread. Values are encoded as sqlx encodes them (times as RFC 3339
//! text), so the rest of the store reads them unchanged.
//!
//! References are checked once per batch, not by SQLite for every row: the writer's connection
//! has foreign keys off, and each transaction first makes sure every listener, user, API key,
//! field and replayed delivery its batch names exists. The transaction holds SQLite's write
//! lock from its first statement, so none of them can disappear before it commits. Per row,
//! SQLite looked up about 23 parents for every delivery of 4 values; per batch it is one look
//! per distinct parent. Deletes made elsewhere still cascade: the pool's connections keep
//! foreign keys on.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::plan::{as_json, columns, plan_changes, users_to_read, StoredValue};
use super::{DeliveryForRecord, Recorded};
use crate::server::store::{Error, Result};

/// One delivery: a taken idempotency key inserts nothing. No `RETURNING id`: SQLite gathers
/// returned rows in a temporary table first; the new row's id is the connection's last
/// inserted rowid.
const INSERT_DELIVERY: &str = "INSERT INTO deliveries (listener_id, user_ref, user_id, api_key_id, received_at, status,
        outcome, error_code, response, content_type, payload, idempotency_key, replay_of)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (listener_id, idempotency_key) DO NOTHING";

/// The writer's connection to the SQLite file, opened on first use.
#[derive(Debug)]
pub(crate) struct SqliteRecorder {
    path: PathBuf,
    connection: Mutex<Option<Connection>>,
}

impl SqliteRecorder {
    pub fn new(path: PathBuf) -> Self {
        Self { path, connection: Mutex::new(None) }
    }

    /// Records a batch in ONE transaction (see `Store::record_deliveries`), on a blocking
    /// thread. Batches are written one at a time, as SQLite has one writer anyway.
    pub async fn record(self: &Arc<Self>, batch: Arc<[DeliveryForRecord]>) -> Result<Vec<Recorded>> {
        let recorder = self.clone();
        tokio::task::spawn_blocking(move || recorder.record_blocking(&batch)).await.map_err(|_| Error::WriterStopped)?
    }

    /// A checkpointer for the same database file, with a connection of its own.
    pub fn checkpointer(&self) -> Checkpointer {
        Checkpointer { path: self.path.clone(), connection: None }
    }

    /// Records a batch in ONE transaction, on the calling thread (the delivery writer's).
    pub fn record_blocking(&self, batch: &[DeliveryForRecord]) -> Result<Vec<Recorded>> {
        let mut slot = self.connection.lock().unwrap_or_else(PoisonError::into_inner);
        let connection = match &mut *slot {
            Some(connection) => connection,
            None => slot.insert(open(&self.path)?),
        };
        Ok(write(connection, batch, Utc::now())?)
    }
}

/// Copies the write-ahead log back into the database file, from a connection of its own, on
/// a thread other than the writer's (see `DeliveryWriter`). A passive checkpoint waits for
/// nobody: the writer goes on committing meanwhile, so the log is rarely all copied when it
/// ends. The writer still checkpoints once the log reaches `WAL_AUTOCHECKPOINT_PAGES`: little
/// is left to copy by then, and as nothing is written between that checkpoint and the
/// writer's next transaction, that transaction finds the log all copied and starts it again
/// from the beginning, so it stays at that size.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    path: PathBuf,
    connection: Option<Connection>,
}

impl Checkpointer {
    pub fn checkpoint(&mut self) -> Result<()> {
        let connection = match &mut self.connection {
            Some(connection) => connection,
            None => self.connection.insert(open(&self.path)?),
        };
        Ok(connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?)
    }
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(Duration::from_secs(10))?;
    // As the pool's connections have it: an acknowledged delivery is on disk (the WAL is
    // synced at every commit). References are checked by `check_references` instead.
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", false)?;
    connection.pragma_update(None, "wal_autocheckpoint", super::super::WAL_AUTOCHECKPOINT_PAGES)?;
    Ok(connection)
}

/// sqlx's text form of a time in SQLite.
fn time_text(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn parse_time(text: Option<String>) -> Option<DateTime<Utc>> {
    text.and_then(|text| DateTime::parse_from_rfc3339(&text).ok()).map(|at| at.with_timezone(&Utc))
}

fn write(connection: &mut Connection, batch: &[DeliveryForRecord], now: DateTime<Utc>) -> rusqlite::Result<Vec<Recorded>> {
    let now = time_text(&now);
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    check_references(&tx, batch)?;
    let mut delivery_ids = Vec::with_capacity(batch.len());
    let mut insert = tx.prepare_cached(INSERT_DELIVERY)?;
    for d in batch {
        let inserted = insert.execute(params![
            d.listener_id,
            d.user_ref,
            d.user_id,
            d.api_key_id,
            now,
            d.status,
            d.outcome(),
            d.error_code,
            d.response,
            d.content_type,
            d.payload,
            d.idempotency_key,
            d.replay_of
        ])?;
        delivery_ids.push((inserted == 1).then(|| tx.last_insert_rowid()));
    }
    drop(insert);

    let mut stored: Vec<StoredValue> = Vec::new();
    let mut select =
        tx.prepare_cached("SELECT user_id, field_id, v_bool, v_int, v_text, v_time FROM user_values WHERE user_id = $1")?;
    for user_id in users_to_read(batch) {
        let rows = select.query_map([user_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, parse_time(row.get(5)?)))
        })?;
        for row in rows {
            stored.push(row?);
        }
    }
    drop(select);

    let plan = plan_changes(batch, &delivery_ids, stored);
    let mut delete = tx.prepare_cached("DELETE FROM user_values WHERE user_id = $1 AND field_id = $2")?;
    for (user_id, field_id) in &plan.cleared {
        delete.execute([user_id, field_id])?;
    }
    drop(delete);
    let mut upsert = tx.prepare_cached(
        "INSERT INTO user_values (user_id, field_id, v_bool, v_int, v_text, v_time, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id, field_id) DO UPDATE SET v_bool = excluded.v_bool, v_int = excluded.v_int,
            v_text = excluded.v_text, v_time = excluded.v_time, updated_at = excluded.updated_at",
    )?;
    for (user_id, field_id, value) in &plan.set {
        let (v_bool, v_int, v_text, v_time) = columns(value);
        upsert.execute(params![user_id, field_id, v_bool, v_int, v_text, v_time.as_ref().map(time_text), now])?;
    }
    drop(upsert);
    let mut history = tx.prepare_cached(
        "INSERT INTO value_history (user_id, field_id, old_value, new_value, changed_at, delivery_id)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )?;
    for change in &plan.history {
        history.execute(params![
            change.user_id,
            change.field_id,
            change.old.as_ref().map(as_json),
            change.new.as_ref().map(as_json),
            now,
            change.delivery_id
        ])?;
    }
    drop(history);
    let tickets = super::tickets::open_sqlite(&tx, batch, &delivery_ids, &now)?;
    tx.commit()?;
    Ok(super::plan::with_tickets(plan.recorded(&delivery_ids), &tickets))
}

/// Fails, as SQLite's own foreign key check would, when the batch names a listener, user, API
/// key, field, replayed delivery or feedback type that does not exist (see the module's documentation).
fn check_references(tx: &rusqlite::Transaction, batch: &[DeliveryForRecord]) -> rusqlite::Result<()> {
    let values = batch.iter().filter(|d| d.accepted).flat_map(|d| &d.values);
    for (mut ids, sql) in [
        (batch.iter().map(|d| d.listener_id).collect::<Vec<_>>(), "SELECT 1 FROM listeners WHERE id = $1"),
        (batch.iter().filter_map(|d| d.user_id).collect(), "SELECT 1 FROM users WHERE id = $1"),
        (batch.iter().filter_map(|d| d.api_key_id).collect(), "SELECT 1 FROM api_keys WHERE id = $1"),
        (batch.iter().filter_map(|d| d.replay_of).collect(), "SELECT 1 FROM deliveries WHERE id = $1"),
        (values.map(|(field_id, _, _)| *field_id).collect(), "SELECT 1 FROM fields WHERE id = $1"),
        (
            batch.iter().filter_map(|d| d.ticket.as_ref()).map(|t| t.type_id).collect(),
            "SELECT 1 FROM feedback_types WHERE id = $1",
        ),
    ] {
        ids.sort_unstable();
        ids.dedup();
        let mut exists = tx.prepare_cached(sql)?;
        for id in ids {
            if !exists.exists([id])? {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                    Some("FOREIGN KEY constraint failed".into()),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Connection, SqliteRecorder};

    /// What the log holds reaches the database file itself, while the log stays as it is
    /// (the test's connection has its own checkpoints off).
    #[test]
    fn the_checkpointer_copies_the_log_into_the_database_file() {
        let dir = std::env::temp_dir().join(format!("inlet-checkpoint-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("test.db");
        let writer = Connection::open(&path).unwrap();
        writer.pragma_update(None, "journal_mode", "wal").unwrap();
        writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        writer
            .execute_batch(
                "CREATE TABLE t (v BLOB);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
                 INSERT INTO t SELECT zeroblob(4000) FROM n;",
            )
            .unwrap();
        let size = || std::fs::metadata(&path).unwrap().len();
        let before = size();

        SqliteRecorder::new(path.clone()).checkpointer().checkpoint().unwrap();
        assert!(size() >= before + 200 * 4000, "the rows' pages are in the file: {before} -> {}", size());
        let count: i64 = writer.query_row("SELECT count(*) FROM t", [], |row| row.get(0)).unwrap();
        assert_eq!(count, 200);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// `.cargo/config.toml` compiles SQLite without the options that lock a process-wide mutex
    /// on every page fetch and every allocation.
    #[test]
    fn sqlite_is_compiled_without_process_wide_locks_on_the_write_path() {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        let mut statement = connection.prepare("PRAGMA compile_options").unwrap();
        let options: Vec<String> = statement.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect();
        assert!(!options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"), "{options:?}");
        assert!(options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"), "{options:?}");
    }
}
