//! Deliveries to listeners and the typed values they store, with a history of every change.

use chrono::{DateTime, Utc};
use std::sync::Arc;

use super::{on_pool, Pool, Result, Store};
use crate::domain::fields::{FieldType, FieldValue};
use crate::domain::listener::{outcome_name, Delivery, DeliveryQuery, HistoryEntry};
use crate::domain::summary::{CurrentValue, SummaryChange};
use crate::domain::table::Cell;
use crate::domain::{Page, PageRequest};

pub(super) mod plan;
mod postgres;
mod sqlite;
mod tickets;
pub(crate) use sqlite::SqliteRecorder;
pub use tickets::TicketForRecord;

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
    /// The feedback ticket an accepted delivery to a Create feedback listener opens.
    pub ticket: Option<TicketForRecord>,
}

impl DeliveryForRecord {
    fn outcome(&self) -> &'static str {
        outcome_name(self.accepted)
    }
}

/// What recording one delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Recorded, with the number of values that changed and the ticket it opened, if any.
    Stored { delivery_id: i64, changed: usize, ticket_id: Option<i64> },
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
            accepted: row.outcome == outcome_name(true),
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
    /// every change gets a history row, in delivery order, so two deliveries for one user in
    /// a batch chain like separate ones.
    pub async fn record_deliveries(&self, batch: Arc<[DeliveryForRecord]>) -> Result<Vec<Recorded>> {
        match &self.pool {
            Pool::Sqlite(_, recorder) => recorder.record(batch).await,
            Pool::Postgres(pool) => postgres::record(pool, &batch).await,
        }
    }

    /// The SQLite writer connection, when the store is SQLite: the delivery writer commits on
    /// it from a thread of its own.
    pub(crate) fn sqlite_recorder(&self) -> Option<Arc<SqliteRecorder>> {
        match &self.pool {
            Pool::Sqlite(_, recorder) => Some(recorder.clone()),
            Pool::Postgres(_) => None,
        }
    }

    /// A page of a listener's deliveries, newest first. Each condition is written only when
    /// asked for, so that `before` bounds the index scan; the outcome is written as a literal,
    /// which lets both databases use the index of rejected deliveries (a bound parameter
    /// cannot be proved to match its condition).
    pub async fn deliveries(&self, listener_id: i64, query: &DeliveryQuery) -> Result<Vec<Delivery>> {
        let mut sql = format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE listener_id = $1");
        if let Some(outcome) = query.outcome() {
            sql += &format!(" AND outcome = '{outcome}'");
        }
        sql += if query.before.is_some() { " AND id < $2 ORDER BY id DESC LIMIT $3" } else { " ORDER BY id DESC LIMIT $2" };
        let rows = on_pool!(self, |pool| {
            let mut select = sqlx::query_as::<_, DeliveryRow>(&sql).bind(listener_id);
            if let Some(before) = query.before {
                select = select.bind(before);
            }
            select.bind(i64::from(query.limit)).fetch_all(pool).await
        })?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// A delivery, with the exact bytes it carried (its `payload` is for showing: invalid
    /// UTF-8 there is replaced, and a replay must send what the sender sent).
    pub async fn delivery(&self, listener_id: i64, id: i64) -> Result<Option<(Delivery, Vec<u8>)>> {
        let sql = format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE listener_id = $1 AND id = $2");
        let row =
            on_pool!(self, |pool| sqlx::query_as::<_, DeliveryRow>(&sql).bind(listener_id).bind(id).fetch_optional(pool).await)?;
        Ok(row.map(|row| {
            let payload = row.payload.clone();
            (row.into(), payload)
        }))
    }

    /// The delivery first made with an idempotency key, if any.
    pub async fn delivery_by_idempotency_key(&self, listener_id: i64, key: &str) -> Result<Option<Delivery>> {
        let sql = format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE listener_id = $1 AND idempotency_key = $2");
        let row =
            on_pool!(self, |pool| sqlx::query_as::<_, DeliveryRow>(&sql).bind(listener_id).bind(key).fetch_optional(pool).await)?;
        Ok(row.map(Into::into))
    }

    /// The latest changes of a user's values in every project, newest first (at most 500; pages
    /// read `user_history`).
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

    /// A page of the changes to a user's values of `project_id`'s fields (or of one of them,
    /// `field_id`), newest first, with the total. The history of one user is read through its
    /// `(user_id, id)` index; joining the fields keeps other projects' changes out.
    pub async fn user_history(
        &self,
        project_id: i64,
        user_id: i64,
        field_id: Option<i64>,
        page: PageRequest,
    ) -> Result<Page<SummaryChange>> {
        type ChangeRow = (String, String, Option<String>, Option<String>, DateTime<Utc>, Option<i64>);
        let from = "FROM value_history h JOIN fields f ON f.id = h.field_id JOIN data_groups g ON g.id = f.data_group_id
             WHERE h.user_id = $1 AND g.project_id = $2 AND ($3 IS NULL OR h.field_id = $3)";
        let count_sql = format!("SELECT COUNT(*) {from}");
        let page_sql = format!(
            "SELECT g.label, f.label, h.old_value, h.new_value, h.changed_at, h.delivery_id {from} ORDER BY h.id DESC LIMIT $4 OFFSET $5"
        );
        let (total, rows) = on_pool!(self, |pool| {
            let total: i64 = sqlx::query_scalar(&count_sql).bind(user_id).bind(project_id).bind(field_id).fetch_one(pool).await?;
            let rows: Vec<ChangeRow> = sqlx::query_as(&page_sql)
                .bind(user_id)
                .bind(project_id)
                .bind(field_id)
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(pool)
                .await?;
            (total, rows)
        });
        let cell = |text: Option<String>| Cell::from(text.and_then(|t| serde_json::from_str::<FieldValue>(&t).ok()));
        Ok(Page {
            items: rows
                .into_iter()
                .map(|(data_group, field, old, new, changed_at, delivery_id)| SummaryChange {
                    data_group,
                    field,
                    old: cell(old),
                    new: cell(new),
                    changed_at,
                    delivery_id,
                })
                .collect(),
            total: total as u64,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// A user's current values of `project_id`'s fields, with when each was stored.
    pub async fn current_values(&self, project_id: i64, user_id: i64) -> Result<Vec<CurrentValue>> {
        type TypedRow = (i64, String, Option<bool>, Option<i64>, Option<String>, Option<DateTime<Utc>>, DateTime<Utc>);
        let rows: Vec<TypedRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT v.field_id, f.field_type, v.v_bool, v.v_int, v.v_text, v.v_time, v.updated_at
                 FROM user_values v JOIN fields f ON f.id = v.field_id JOIN data_groups g ON g.id = f.data_group_id
                 WHERE v.user_id = $1 AND g.project_id = $2",
            )
            .bind(user_id)
            .bind(project_id)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|(field_id, field_type, b, i, t, at, updated_at)| {
                let value = plan::typed(FieldType::parse(&field_type)?, (b, i, t, at))?;
                Some(CurrentValue { field_id, value, updated_at })
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
                plan::typed(field_type, (b, i, t, at)).map(|value| (field_id, value))
            })
            .collect())
    }
}
