//! Deliveries to listeners and the typed values they store, with a history of every change.

use chrono::{DateTime, Utc};

use super::{on_pool, BeginWrite, Error, Result, Store};
use crate::domain::fields::{FieldType, FieldValue};
use crate::domain::listener::{Delivery, HistoryEntry};

/// A request to a listener, as it will be recorded.
#[derive(Debug, Clone)]
pub struct DeliveryForRecord<'a> {
    pub listener_id: i64,
    pub user_ref: &'a str,
    pub user_id: Option<i64>,
    pub api_key_id: Option<i64>,
    pub status: u16,
    pub accepted: bool,
    pub error_code: Option<&'a str>,
    pub response: &'a str,
    pub content_type: &'a str,
    pub payload: &'a [u8],
    pub idempotency_key: Option<&'a str>,
    pub replay_of: Option<i64>,
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

macro_rules! insert_delivery {
    ($executor:expr, $d:expr, $now:expr) => {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO deliveries (listener_id, user_ref, user_id, api_key_id, received_at, status, outcome, error_code,
                response, content_type, payload, idempotency_key, replay_of)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind($d.listener_id)
        .bind($d.user_ref)
        .bind($d.user_id)
        .bind($d.api_key_id)
        .bind($now)
        .bind(i64::from($d.status))
        .bind(if $d.accepted { "accepted" } else { "rejected" })
        .bind($d.error_code)
        .bind($d.response)
        .bind($d.content_type)
        .bind($d.payload)
        .bind($d.idempotency_key)
        .bind($d.replay_of)
        .fetch_one($executor)
    };
}

fn idempotency_conflict(error: sqlx::Error) -> Error {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => Error::Conflict("idempotency key already used".into()),
        _ => Error::Database(error),
    }
}

impl Store {
    /// Records a delivery that stored nothing (a rejected request).
    pub async fn record_delivery(&self, delivery: &DeliveryForRecord<'_>) -> Result<i64> {
        let now = Utc::now();
        Ok(on_pool!(self, |pool| insert_delivery!(pool, delivery, now).await).map_err(idempotency_conflict)?)
    }

    /// Stores a user's values and records the accepted delivery in one transaction: either
    /// all of it is durable or none of it is. Values equal to the current one are not
    /// rewritten; every change gets a history row. Returns the delivery id and the number
    /// of values that changed.
    pub async fn store_values(
        &self,
        user_id: i64,
        values: &[ValueChange],
        delivery: &DeliveryForRecord<'_>,
    ) -> Result<(i64, usize)> {
        let now = Utc::now();
        let mut changed = 0;
        let delivery_id = on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let delivery_id = insert_delivery!(&mut *tx, delivery, now).await.map_err(idempotency_conflict)?;
            for (field_id, field_type, new_value) in values {
                let current: Option<(Option<bool>, Option<i64>, Option<String>, Option<DateTime<Utc>>)> =
                    sqlx::query_as("SELECT v_bool, v_int, v_text, v_time FROM user_values WHERE user_id = $1 AND field_id = $2")
                        .bind(user_id)
                        .bind(field_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                let old_value = current.and_then(|columns| typed(*field_type, columns));
                if old_value == *new_value {
                    continue;
                }
                changed += 1;
                match new_value {
                    None => {
                        sqlx::query("DELETE FROM user_values WHERE user_id = $1 AND field_id = $2")
                            .bind(user_id)
                            .bind(field_id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    Some(value) => {
                        let (v_bool, v_int, v_text, v_time) = columns(value);
                        sqlx::query(
                            "INSERT INTO user_values (user_id, field_id, v_bool, v_int, v_text, v_time, updated_at, delivery_id)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                             ON CONFLICT (user_id, field_id) DO UPDATE SET v_bool = excluded.v_bool, v_int = excluded.v_int,
                                v_text = excluded.v_text, v_time = excluded.v_time, updated_at = excluded.updated_at,
                                delivery_id = excluded.delivery_id",
                        )
                        .bind(user_id)
                        .bind(field_id)
                        .bind(v_bool)
                        .bind(v_int)
                        .bind(v_text)
                        .bind(v_time)
                        .bind(now)
                        .bind(delivery_id)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                sqlx::query(
                    "INSERT INTO value_history (user_id, field_id, old_value, new_value, changed_at, delivery_id)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(user_id)
                .bind(field_id)
                .bind(old_value.as_ref().map(|v| serde_json::to_string(v).expect("values serialise")))
                .bind(new_value.as_ref().map(|v| serde_json::to_string(v).expect("values serialise")))
                .bind(now)
                .bind(delivery_id)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            delivery_id
        });
        Ok((delivery_id, changed))
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
        let rows: Vec<(i64, Option<String>, Option<String>, DateTime<Utc>, Option<i64>)> =
            on_pool!(self, |pool| sqlx::query_as(
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
        let rows: Vec<(i64, String, Option<bool>, Option<i64>, Option<String>, Option<DateTime<Utc>>)> =
            on_pool!(self, |pool| sqlx::query_as(
                "SELECT v.field_id, f.field_type, v.v_bool, v.v_int, v.v_text, v.v_time
                 FROM user_values v JOIN fields f ON f.id = v.field_id WHERE v.user_id = $1 ORDER BY f.position"
            )
            .bind(user_id)
            .fetch_all(pool)
            .await)?;
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
