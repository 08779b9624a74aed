//! Group commit on SQLite, through a connection of the writer's own (rusqlite) with its
//! statements prepared once and kept. sqlx runs every SQLite connection on a worker thread and
//! sends each statement, and each row back, across a channel; at thousands of deliveries a
//! second those hand-offs cost more than the writing. Here a batch costs one hand-off to a
//! blocking thread, and its rows are plain calls into SQLite. Values are encoded as sqlx
//! encodes them (times as RFC 3339 text), so the rest of the store reads them unchanged.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::plan::{as_json, columns, plan_changes, users_to_read, StoredValue};
use super::{DeliveryForRecord, Recorded};
use crate::server::store::{Error, Result};

/// One delivery: a taken idempotency key inserts nothing and returns no id.
const INSERT_DELIVERY: &str = "INSERT INTO deliveries (listener_id, user_ref, user_id, api_key_id, received_at, status,
        outcome, error_code, response, content_type, payload, idempotency_key, replay_of)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (listener_id, idempotency_key) DO NOTHING RETURNING id";

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
        tokio::task::spawn_blocking(move || recorder.record_now(&batch)).await.map_err(|_| Error::WriterStopped)?
    }

    fn record_now(&self, batch: &[DeliveryForRecord]) -> Result<Vec<Recorded>> {
        let mut slot = self.connection.lock().unwrap_or_else(PoisonError::into_inner);
        let connection = match &mut *slot {
            Some(connection) => connection,
            None => slot.insert(open(&self.path)?),
        };
        Ok(write(connection, batch, Utc::now())?)
    }
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(Duration::from_secs(10))?;
    // Both as the pool's connections have them: an acknowledged delivery is on disk (the WAL
    // is synced at every commit), and references are checked.
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", true)?;
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
    let mut delivery_ids = Vec::with_capacity(batch.len());
    let mut insert = tx.prepare_cached(INSERT_DELIVERY)?;
    for d in batch {
        let id = insert
            .query_row(
                params![
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
                ],
                |row| row.get::<_, i64>(0),
            )
            .optional()?;
        delivery_ids.push(id);
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
    tx.commit()?;
    Ok(plan.recorded(&delivery_ids))
}
