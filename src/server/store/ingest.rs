//! Deliveries to listeners and the typed values they store, with a history of every change.

use chrono::{DateTime, Utc};

use super::{on_pool, BeginWrite, Pool, Result, Store};
use crate::domain::fields::{FieldType, FieldValue};
use crate::domain::listener::{Delivery, HistoryEntry};

/// A request to a listener, as it will be recorded, with the values it stores when accepted.
/// Owned, because it travels to the delivery writer.
#[derive(Debug, Clone, Default)]
pub struct DeliveryForRecord {
    pub listener_id: i64,
    pub user_ref: String,
    pub user_id: Option<i64>,
    pub api_key_id: Option<i64>,
    pub status: u16,
    pub accepted: bool,
    pub error_code: Option<String>,
    pub response: String,
    pub content_type: String,
    pub payload: Vec<u8>,
    pub idempotency_key: Option<String>,
    pub replay_of: Option<i64>,
    /// Stored only when `accepted` (and then `user_id` is set).
    pub values: Vec<ValueChange>,
}

/// What recording one delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Recorded, with the number of values that changed.
    Stored { delivery_id: i64, changed: usize },
    /// An earlier delivery to the listener carries the same idempotency key: nothing written.
    DuplicateIdempotencyKey,
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: i64,
    user_ref: String,
    received_at: DateTime<Utc>,
    status: i64,
    outcome: String,
    error_code: Option<String>,
    response: String,
    content_type: String,
    payload: Vec<u8>,
    replay_of: Option<i64>,
}

impl From<DeliveryRow> for Delivery {
    fn from(row: DeliveryRow) -> Self {
        Delivery {
            id: row.id,
            user_ref: row.user_ref,
            received_at: row.received_at,
            status: row.status as u16,
            accepted: row.outcome == "accepted",
            error_code: row.error_code,
            response: row.response,
            content_type: row.content_type,
            payload: String::from_utf8_lossy(&row.payload).into_owned(),
            replay_of: row.replay_of,
        }
    }
}

/// One value to store: the field, its type, and the new value (`None` clears it).
pub type ValueChange = (i64, FieldType, Option<FieldValue>);

const DELIVERY_COLUMNS: &str =
    "id, user_ref, received_at, status, outcome, error_code, response, content_type, payload, replay_of";

impl Store {
    /// Records deliveries, and the values of the accepted ones, in ONE transaction: either all
    /// of it is durable or none of it is. This is the group commit of the delivery writer:
    /// many requests share one commit. Values equal to the current one are not rewritten;
    /// every change gets a history row.
    pub async fn record_deliveries(&self, batch: &[&DeliveryForRecord]) -> Result<Vec<Recorded>> {
        let now = Utc::now();
        // Reading a user's values and writing the changes must not interleave with another
        // transaction doing the same for that user, or two history rows start from one old
        // value. SQLite's write transaction excludes every other writer already; PostgreSQL
        // writers (several per instance, and other instances) lock the user's row, in user
        // order across a batch (the writer sorts it), so they cannot deadlock.
        // The lock comes first: the delivery's foreign key takes a share lock on the user row,
        // which two transactions could not both upgrade afterwards.
        let lock_user = matches!(self.pool, Pool::Postgres(_)).then_some("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE");
        let recorded = on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let mut recorded = Vec::with_capacity(batch.len());
            for delivery in batch {
                if let (Some(lock), Some(user_id), true) = (lock_user, delivery.user_id, delivery.accepted) {
                    sqlx::query(lock).bind(user_id).execute(&mut *tx).await?;
                }
                let delivery_id: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO deliveries (listener_id, user_ref, user_id, api_key_id, received_at, status, outcome, error_code,
                        response, content_type, payload, idempotency_key, replay_of)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                     ON CONFLICT (listener_id, idempotency_key) DO NOTHING RETURNING id",
                )
                .bind(delivery.listener_id)
                .bind(&delivery.user_ref)
                .bind(delivery.user_id)
                .bind(delivery.api_key_id)
                .bind(now)
                .bind(i64::from(delivery.status))
                .bind(if delivery.accepted { "accepted" } else { "rejected" })
                .bind(&delivery.error_code)
                .bind(&delivery.response)
                .bind(&delivery.content_type)
                .bind(&delivery.payload)
                .bind(&delivery.idempotency_key)
                .bind(delivery.replay_of)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(delivery_id) = delivery_id else {
                    recorded.push(Recorded::DuplicateIdempotencyKey);
                    continue;
                };
                let (Some(user_id), true) = (delivery.user_id, delivery.accepted) else {
                    recorded.push(Recorded::Stored { delivery_id, changed: 0 });
                    continue;
                };
                let current: Vec<StoredValue> =
                    sqlx::query_as("SELECT field_id, v_bool, v_int, v_text, v_time FROM user_values WHERE user_id = $1")
                        .bind(user_id)
                        .fetch_all(&mut *tx)
                        .await?;
                let changes = changes(&delivery.values, &current);
                let (cleared, set): (Vec<&Change>, Vec<&Change>) = changes.iter().partition(|c| c.new.is_none());
                for change in &cleared {
                    sqlx::query("DELETE FROM user_values WHERE user_id = $1 AND field_id = $2")
                        .bind(user_id)
                        .bind(change.field_id)
                        .execute(&mut *tx)
                        .await?;
                }
                if !set.is_empty() {
                    let mut upsert = sqlx::QueryBuilder::new(
                        "INSERT INTO user_values (user_id, field_id, v_bool, v_int, v_text, v_time, updated_at, delivery_id) ",
                    );
                    upsert.push_values(&set, |mut row, change| {
                        let (v_bool, v_int, v_text, v_time) = columns(change.new.as_ref().expect("set values have a value"));
                        row.push_bind(user_id)
                            .push_bind(change.field_id)
                            .push_bind(v_bool)
                            .push_bind(v_int)
                            .push_bind(v_text)
                            .push_bind(v_time)
                            .push_bind(now)
                            .push_bind(delivery_id);
                    });
                    upsert.push(
                        " ON CONFLICT (user_id, field_id) DO UPDATE SET v_bool = excluded.v_bool, v_int = excluded.v_int,
                            v_text = excluded.v_text, v_time = excluded.v_time, updated_at = excluded.updated_at,
                            delivery_id = excluded.delivery_id",
                    );
                    upsert.build().execute(&mut *tx).await?;
                }
                if !changes.is_empty() {
                    let mut history = sqlx::QueryBuilder::new(
                        "INSERT INTO value_history (user_id, field_id, old_value, new_value, changed_at, delivery_id) ",
                    );
                    history.push_values(&changes, |mut row, change| {
                        row.push_bind(user_id)
                            .push_bind(change.field_id)
                            .push_bind(change.old.as_ref().map(as_json))
                            .push_bind(change.new.as_ref().map(as_json))
                            .push_bind(now)
                            .push_bind(delivery_id);
                    });
                    history.build().execute(&mut *tx).await?;
                }
                recorded.push(Recorded::Stored { delivery_id, changed: changes.len() });
            }
            tx.commit().await?;
            recorded
        });
        Ok(recorded)
    }

    /// The latest deliveries to a listener, newest first.
    pub async fn deliveries(&self, listener_id: i64, limit: i64) -> Result<Vec<Delivery>> {
        let sql = format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE listener_id = $1 ORDER BY id DESC LIMIT $2");
        let rows =
            on_pool!(self, |pool| sqlx::query_as::<_, DeliveryRow>(&sql).bind(listener_id).bind(limit).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub async fn delivery(&self, listener_id: i64, id: i64) -> Result<Option<Delivery>> {
        let sql = format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE listener_id = $1 AND id = $2");
        let row =
            on_pool!(self, |pool| sqlx::query_as::<_, DeliveryRow>(&sql).bind(listener_id).bind(id).fetch_optional(pool).await)?;
        Ok(row.map(Into::into))
    }

    /// The delivery first made with an idempotency key, if any.
    pub async fn delivery_by_idempotency_key(&self, listener_id: i64, key: &str) -> Result<Option<Delivery>> {
        let sql = format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE listener_id = $1 AND idempotency_key = $2");
        let row =
            on_pool!(self, |pool| sqlx::query_as::<_, DeliveryRow>(&sql).bind(listener_id).bind(key).fetch_optional(pool).await)?;
        Ok(row.map(Into::into))
    }

    /// Every recorded change of a user's values, newest first (at most 500).
    pub async fn value_history(&self, user_id: i64) -> Result<Vec<HistoryEntry>> {
        type HistoryRow = (i64, Option<String>, Option<String>, DateTime<Utc>, Option<i64>);
        let rows: Vec<HistoryRow> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT field_id, old_value, new_value, changed_at, delivery_id FROM value_history
             WHERE user_id = $1 ORDER BY id DESC LIMIT 500"
        )
        .bind(user_id)
        .fetch_all(pool)
        .await)?;
        let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
        Ok(rows
            .into_iter()
            .map(|(field_id, old, new, changed_at, delivery_id)| HistoryEntry {
                field_id,
                old_value: parse(old),
                new_value: parse(new),
                changed_at,
                delivery_id,
            })
            .collect())
    }

    /// A user's current value of each field that has one.
    pub async fn user_values(&self, user_id: i64) -> Result<Vec<(i64, FieldValue)>> {
        type TypedRow = (i64, String, Option<bool>, Option<i64>, Option<String>, Option<DateTime<Utc>>);
        let rows: Vec<TypedRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT v.field_id, f.field_type, v.v_bool, v.v_int, v.v_text, v.v_time
                 FROM user_values v JOIN fields f ON f.id = v.field_id WHERE v.user_id = $1 ORDER BY f.position",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|(field_id, field_type, b, i, t, at)| {
                let field_type = FieldType::parse(&field_type)?;
                typed(field_type, (b, i, t, at)).map(|value| (field_id, value))
            })
            .collect())
    }
}

type Columns = (Option<bool>, Option<i64>, Option<String>, Option<DateTime<Utc>>);

fn typed(field_type: FieldType, (b, i, t, at): Columns) -> Option<FieldValue> {
    match field_type {
        FieldType::Boolean => b.map(FieldValue::Boolean),
        FieldType::Integer => i.map(FieldValue::Integer),
        FieldType::String => t.map(FieldValue::String),
        FieldType::DateTime => at.map(FieldValue::DateTime),
    }
}

fn columns(value: &FieldValue) -> Columns {
    match value {
        FieldValue::Boolean(b) => (Some(*b), None, None, None),
        FieldValue::Integer(i) => (None, Some(*i), None, None),
        FieldValue::String(t) => (None, None, Some(t.clone()), None),
        FieldValue::DateTime(at) => (None, None, None, Some(*at)),
    }
}

/// A stored value: field id and the typed columns.
type StoredValue = (i64, Option<bool>, Option<i64>, Option<String>, Option<DateTime<Utc>>);

/// One value that differs from what is stored.
struct Change {
    field_id: i64,
    old: Option<FieldValue>,
    new: Option<FieldValue>,
}

/// The posted values that differ from the user's current ones (`current` as stored rows).
fn changes(values: &[ValueChange], current: &[StoredValue]) -> Vec<Change> {
    values
        .iter()
        .filter_map(|(field_id, field_type, new)| {
            let old = current
                .iter()
                .find(|row| row.0 == *field_id)
                .and_then(|(_, b, i, t, at)| typed(*field_type, (*b, *i, t.clone(), *at)));
            (old != *new).then(|| Change { field_id: *field_id, old, new: new.clone() })
        })
        .collect()
}

fn as_json(value: &FieldValue) -> String {
    serde_json::to_string(value).expect("values serialise")
}
