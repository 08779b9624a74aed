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
    /// many requests share one commit, and beyond one insert per delivery the batch shares its
    /// statements too (one read of the users' values, one upsert, one history insert). Values
    /// equal to the current one are not rewritten; every change gets a history row, in
    /// delivery order, so two deliveries for one user in a batch chain like separate ones.
    pub async fn record_deliveries(&self, batch: &[&DeliveryForRecord]) -> Result<Vec<Recorded>> {
        let now = Utc::now();
        // Reading users' values and writing the changes must not interleave with another
        // transaction doing the same for those users, or two history rows start from one old
        // value. SQLite's write transaction excludes every other writer already; PostgreSQL
        // writers (several per instance, and other instances) lock the users' rows first, in
        // ascending id order, so they cannot deadlock on them, and before the deliveries'
        // foreign keys take share locks that could not both be upgraded.
        let lock_user = matches!(self.pool, Pool::Postgres(_)).then_some("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE");
        let mut users: Vec<i64> = batch.iter().filter(|d| d.accepted && !d.values.is_empty()).filter_map(|d| d.user_id).collect();
        users.sort_unstable();
        users.dedup();
        let recorded = on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            if let Some(lock) = lock_user {
                for user_id in &users {
                    sqlx::query(lock).bind(user_id).execute(&mut *tx).await?;
                }
            }
            let mut delivery_ids = Vec::with_capacity(batch.len());
            for delivery in batch {
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
                delivery_ids.push(delivery_id);
            }
            let mut stored = Vec::new();
            if !users.is_empty() {
                let mut select = sqlx::QueryBuilder::new(
                    "SELECT user_id, field_id, v_bool, v_int, v_text, v_time FROM user_values WHERE user_id IN (",
                );
                let mut ids = select.separated(", ");
                for user_id in &users {
                    ids.push_bind(user_id);
                }
                select.push(")");
                stored = select.build_query_as::<StoredValue>().fetch_all(&mut *tx).await?;
            }
            let plan = plan_changes(batch, &delivery_ids, stored);
            for cleared in plan.cleared.chunks(500) {
                let mut delete = sqlx::QueryBuilder::new("DELETE FROM user_values WHERE ");
                let mut pairs = delete.separated(" OR ");
                for (user_id, field_id) in cleared {
                    pairs
                        .push("(user_id = ")
                        .push_bind_unseparated(user_id)
                        .push_unseparated(" AND field_id = ")
                        .push_bind_unseparated(field_id)
                        .push_unseparated(")");
                }
                delete.build().execute(&mut *tx).await?;
            }
            for set in plan.set.chunks(1000) {
                let mut upsert = sqlx::QueryBuilder::new(
                    "INSERT INTO user_values (user_id, field_id, v_bool, v_int, v_text, v_time, updated_at, delivery_id) ",
                );
                upsert.push_values(set, |mut row, (user_id, field_id, value, delivery_id)| {
                    let (v_bool, v_int, v_text, v_time) = columns(value);
                    row.push_bind(*user_id)
                        .push_bind(*field_id)
                        .push_bind(v_bool)
                        .push_bind(v_int)
                        .push_bind(v_text)
                        .push_bind(v_time)
                        .push_bind(now)
                        .push_bind(*delivery_id);
                });
                upsert.push(
                    " ON CONFLICT (user_id, field_id) DO UPDATE SET v_bool = excluded.v_bool, v_int = excluded.v_int,
                        v_text = excluded.v_text, v_time = excluded.v_time, updated_at = excluded.updated_at,
                        delivery_id = excluded.delivery_id",
                );
                upsert.build().execute(&mut *tx).await?;
            }
            for changes in plan.history.chunks(1000) {
                let mut history = sqlx::QueryBuilder::new(
                    "INSERT INTO value_history (user_id, field_id, old_value, new_value, changed_at, delivery_id) ",
                );
                history.push_values(changes, |mut row, change| {
                    row.push_bind(change.user_id)
                        .push_bind(change.field_id)
                        .push_bind(change.old.as_ref().map(as_json))
                        .push_bind(change.new.as_ref().map(as_json))
                        .push_bind(now)
                        .push_bind(change.delivery_id);
                });
                history.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            delivery_ids
                .iter()
                .zip(&plan.changed)
                .map(|(id, changed)| match id {
                    Some(delivery_id) => Recorded::Stored { delivery_id: *delivery_id, changed: *changed },
                    None => Recorded::DuplicateIdempotencyKey,
                })
                .collect::<Vec<_>>()
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

/// A stored value: user, field and the typed columns.
type StoredValue = (i64, i64, Option<bool>, Option<i64>, Option<String>, Option<DateTime<Utc>>);

/// One value that differs from what was stored before it.
struct Change {
    user_id: i64,
    field_id: i64,
    old: Option<FieldValue>,
    new: Option<FieldValue>,
    delivery_id: i64,
}

/// What a batch writes: every change in delivery order (for the history), the last value of
/// each (user, field) it touched (set, or cleared), and how many values each delivery changed.
#[derive(Default)]
struct Plan {
    history: Vec<Change>,
    set: Vec<(i64, i64, FieldValue, i64)>,
    cleared: Vec<(i64, i64)>,
    changed: Vec<usize>,
}

/// Walks the batch's accepted deliveries in order against the users' stored values, each
/// change becoming the "old" of the next one for the same user and field.
fn plan_changes(batch: &[&DeliveryForRecord], delivery_ids: &[Option<i64>], stored: Vec<StoredValue>) -> Plan {
    use std::collections::HashMap;
    let raw: HashMap<(i64, i64), Columns> =
        stored.into_iter().map(|(user, field, b, i, t, at)| ((user, field), (b, i, t, at))).collect();
    let mut latest: HashMap<(i64, i64), (Option<FieldValue>, i64)> = HashMap::new();
    let mut order: Vec<(i64, i64)> = Vec::new();
    let mut plan = Plan::default();
    for (delivery, id) in batch.iter().zip(delivery_ids) {
        let (Some(delivery_id), Some(user_id), true) = (*id, delivery.user_id, delivery.accepted) else {
            plan.changed.push(0);
            continue;
        };
        let mut changed = 0;
        for (field_id, field_type, new) in &delivery.values {
            let key = (user_id, *field_id);
            let old = match latest.get(&key) {
                Some((value, _)) => value.clone(),
                None => raw.get(&key).cloned().and_then(|columns| typed(*field_type, columns)),
            };
            if old == *new {
                continue;
            }
            changed += 1;
            if !latest.contains_key(&key) {
                order.push(key);
            }
            latest.insert(key, (new.clone(), delivery_id));
            plan.history.push(Change { user_id, field_id: *field_id, old, new: new.clone(), delivery_id });
        }
        plan.changed.push(changed);
    }
    for key in order {
        match latest.remove(&key) {
            Some((Some(value), delivery_id)) => plan.set.push((key.0, key.1, value, delivery_id)),
            Some((None, _)) => plan.cleared.push(key),
            None => {}
        }
    }
    plan
}

fn as_json(value: &FieldValue) -> String {
    serde_json::to_string(value).expect("values serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(user_id: i64, values: Vec<ValueChange>) -> DeliveryForRecord {
        DeliveryForRecord { user_id: Some(user_id), accepted: true, values, ..Default::default() }
    }

    fn int(n: i64) -> Option<FieldValue> {
        Some(FieldValue::Integer(n))
    }

    #[test]
    fn a_batch_chains_changes_per_user_and_field_in_delivery_order() {
        let first = accepted(7, vec![(1, FieldType::Integer, int(2)), (2, FieldType::Integer, int(5))]);
        let same = accepted(7, vec![(2, FieldType::Integer, int(5))]);
        let rejected = DeliveryForRecord { user_id: Some(7), ..Default::default() };
        let second = accepted(7, vec![(1, FieldType::Integer, int(3)), (2, FieldType::Integer, None)]);
        let other = accepted(8, vec![(1, FieldType::Integer, int(1))]);
        let batch = [&first, &same, &rejected, &second, &other];
        let stored = vec![(7, 1, None, Some(1), None, None), (8, 1, None, Some(1), None, None)];
        let plan = plan_changes(&batch, &[Some(10), Some(11), Some(12), Some(13), None], stored);

        let history: Vec<_> =
            plan.history.iter().map(|c| (c.user_id, c.field_id, c.old.clone(), c.new.clone(), c.delivery_id)).collect();
        assert_eq!(
            history,
            [(7, 1, int(1), int(2), 10), (7, 2, None, int(5), 10), (7, 1, int(2), int(3), 13), (7, 2, int(5), None, 13)],
            "each change starts where the one before it left; equal values and unrecorded deliveries change nothing"
        );
        assert_eq!(plan.changed, [2, 0, 0, 2, 0]);
        let set: Vec<_> = plan.set.iter().map(|(u, f, v, d)| (*u, *f, v.clone(), *d)).collect();
        assert_eq!(set, [(7, 1, FieldValue::Integer(3), 13)], "only the last value of each field is written");
        assert_eq!(plan.cleared, [(7, 2)]);
    }
}
