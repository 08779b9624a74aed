//! Group commit on PostgreSQL: a batch of deliveries in one transaction through the pool, in
//! a handful of statements that take the whole batch as arrays.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::collections::HashSet;

use super::plan::{as_json, columns, plan_changes, users_to_read, StoredValue};
use super::{DeliveryForRecord, Recorded};
use crate::domain::fields::FieldValue;
use crate::server::store::Result;

/// Records a batch in ONE transaction (see `Store::record_deliveries`) with a fixed number of
/// statements whatever its size: each statement takes the batch as arrays (`UNNEST`), so its
/// text never changes and stays prepared.
pub(super) async fn record(pool: &PgPool, batch: &[DeliveryForRecord]) -> Result<Vec<Recorded>> {
    let now = Utc::now();
    let users = users_to_read(batch);
    let mut tx = pool.begin().await?;
    // Reading users' values and writing the changes must not interleave with another writer
    // (several per instance, and other instances) doing the same for those users, or two
    // history rows start from one old value. So the users' rows are locked first, in
    // ascending id order, so writers cannot deadlock on them, and before the deliveries'
    // foreign keys take share locks that could not both be upgraded.
    //
    // Both reads look each user up by index, one by one, in the array's (ascending) order: a
    // subquery that locks rows is never merged into the join, and `OFFSET 0` keeps the second
    // one from being merged. Written as `= ANY($1)`, a small table (1,000 users in
    // `bench-ingest`) was scanned whole, every row compared with every id of the batch: a tenth
    // of PostgreSQL's CPU per delivery, and a plan made afresh at each execution.
    if !users.is_empty() {
        sqlx::query(
            "SELECT u.id FROM UNNEST($1::bigint[]) AS x (id),
                LATERAL (SELECT id FROM users WHERE users.id = x.id FOR NO KEY UPDATE) AS u",
        )
        .bind(&users)
        .execute(&mut *tx)
        .await?;
    }
    let delivery_ids = insert_deliveries(&mut tx, batch, now).await?;
    let mut stored = Vec::new();
    if !users.is_empty() {
        stored = sqlx::query_as::<_, StoredValue>(
            "SELECT v.user_id, v.field_id, v.v_bool, v.v_int, v.v_text, v.v_time FROM UNNEST($1::bigint[]) AS x (id),
                LATERAL (SELECT user_id, field_id, v_bool, v_int, v_text, v_time FROM user_values
                         WHERE user_values.user_id = x.id OFFSET 0) AS v",
        )
        .bind(&users)
        .fetch_all(&mut *tx)
        .await?;
    }
    let plan = plan_changes(batch, &delivery_ids, stored);
    if !plan.cleared.is_empty() {
        let (users, fields): (Vec<i64>, Vec<i64>) = plan.cleared.iter().copied().unzip();
        sqlx::query("DELETE FROM user_values WHERE (user_id, field_id) IN (SELECT * FROM UNNEST($1::bigint[], $2::bigint[]))")
            .bind(users)
            .bind(fields)
            .execute(&mut *tx)
            .await?;
    }
    if !plan.set.is_empty() {
        let mut columns = ValueColumns::default();
        for (user_id, field_id, value) in &plan.set {
            columns.push(*user_id, *field_id, value);
        }
        sqlx::query(
            "INSERT INTO user_values (user_id, field_id, v_bool, v_int, v_text, v_time, updated_at)
             SELECT user_id, field_id, v_bool, v_int, v_text, v_time, $7
             FROM UNNEST($1::bigint[], $2::bigint[], $3::boolean[], $4::bigint[], $5::text[], $6::timestamptz[])
                AS v (user_id, field_id, v_bool, v_int, v_text, v_time)
             ON CONFLICT (user_id, field_id) DO UPDATE SET v_bool = excluded.v_bool, v_int = excluded.v_int,
                v_text = excluded.v_text, v_time = excluded.v_time, updated_at = excluded.updated_at",
        )
        .bind(columns.users)
        .bind(columns.fields)
        .bind(columns.bools)
        .bind(columns.ints)
        .bind(columns.texts)
        .bind(columns.times)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    if !plan.history.is_empty() {
        let history = &plan.history;
        // Inserted in the plan's order, so a user's changes to one field get ascending ids.
        sqlx::query(
            "INSERT INTO value_history (user_id, field_id, old_value, new_value, changed_at, delivery_id)
             SELECT user_id, field_id, old_value, new_value, $5, delivery_id
             FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], $6::bigint[]) WITH ORDINALITY
                AS h (user_id, field_id, old_value, new_value, delivery_id, position)
             ORDER BY position",
        )
        .bind(history.iter().map(|c| c.user_id).collect::<Vec<_>>())
        .bind(history.iter().map(|c| c.field_id).collect::<Vec<_>>())
        .bind(history.iter().map(|c| c.old.as_ref().map(as_json)).collect::<Vec<_>>())
        .bind(history.iter().map(|c| c.new.as_ref().map(as_json)).collect::<Vec<_>>())
        .bind(now)
        .bind(history.iter().map(|c| c.delivery_id).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
    }
    let tickets = super::tickets::open_postgres(&mut tx, batch, &delivery_ids, now).await?;
    tx.commit().await?;
    Ok(super::plan::with_tickets(plan.recorded(&delivery_ids), &tickets))
}

/// Inserts the batch's deliveries in one statement. Their ids are drawn first, so each
/// delivery knows its own; one whose idempotency key is taken is not inserted (`None`).
async fn insert_deliveries(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    batch: &[DeliveryForRecord],
    now: DateTime<Utc>,
) -> Result<Vec<Option<i64>>> {
    let mut ids: Vec<i64> =
        sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('deliveries', 'id')) FROM generate_series(1, $1)")
            .bind(batch.len() as i64)
            .fetch_all(&mut **tx)
            .await?;
    ids.sort_unstable();
    let inserted: HashSet<i64> = sqlx::query_scalar(
        "INSERT INTO deliveries (id, listener_id, user_ref, user_id, api_key_id, received_at, status, outcome, error_code,
            response, content_type, payload, idempotency_key, replay_of)
         SELECT id, listener_id, user_ref, user_id, api_key_id, $2, status, outcome, error_code,
            response, content_type, payload, idempotency_key, replay_of
         FROM UNNEST($1::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::text[], $9::text[],
            $10::text[], $11::text[], $12::bytea[], $13::text[], $14::bigint[])
            AS d (id, listener_id, user_ref, user_id, api_key_id, status, outcome, error_code,
                response, content_type, payload, idempotency_key, replay_of)
         ORDER BY id
         ON CONFLICT (listener_id, idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(&ids)
    .bind(now)
    .bind(batch.iter().map(|d| d.listener_id).collect::<Vec<_>>())
    .bind(batch.iter().map(|d| d.user_ref.as_str()).collect::<Vec<_>>())
    .bind(batch.iter().map(|d| d.user_id).collect::<Vec<_>>())
    .bind(batch.iter().map(|d| d.api_key_id).collect::<Vec<_>>())
    .bind(batch.iter().map(|d| i64::from(d.status)).collect::<Vec<_>>())
    .bind(batch.iter().map(|d| d.outcome()).collect::<Vec<_>>())
    .bind(batch.iter().map(|d| d.error_code.as_deref()).collect::<Vec<_>>())
    .bind(batch.iter().map(|d| d.response.as_str()).collect::<Vec<_>>())
    .bind(batch.iter().map(|d| d.content_type.as_str()).collect::<Vec<_>>())
    .bind(batch.iter().map(|d| d.payload.as_slice()).collect::<Vec<_>>())
    .bind(batch.iter().map(|d| d.idempotency_key.as_deref()).collect::<Vec<_>>())
    .bind(batch.iter().map(|d| d.replay_of).collect::<Vec<_>>())
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .collect();
    Ok(ids.into_iter().map(|id| inserted.contains(&id).then_some(id)).collect())
}

/// The set values as one array per column.
#[derive(Default)]
struct ValueColumns {
    users: Vec<i64>,
    fields: Vec<i64>,
    bools: Vec<Option<bool>>,
    ints: Vec<Option<i64>>,
    texts: Vec<Option<String>>,
    times: Vec<Option<DateTime<Utc>>>,
}

impl ValueColumns {
    fn push(&mut self, user_id: i64, field_id: i64, value: &FieldValue) {
        let (v_bool, v_int, v_text, v_time) = columns(value);
        self.users.push(user_id);
        self.fields.push(field_id);
        self.bools.push(v_bool);
        self.ints.push(v_int);
        self.texts.push(v_text);
        self.times.push(v_time);
    }
}
