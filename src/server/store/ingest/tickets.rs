//! The tickets that accepted deliveries to Create feedback listeners open, written by the
//! delivery writer in the batch's own transaction: a ticket exists exactly when its delivery
//! does, so a repeat whose idempotency key is taken (nothing inserted) opens none, and the
//! recorded answer, which a repeat is given, carries the ticket's id. A batch of External Data
//! deliveries only (nearly all of them) skips all of this after one look at each delivery.

use chrono::{DateTime, Utc};

use super::DeliveryForRecord;

/// A ticket to open with a delivery, already checked (its type resolved in the project).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketForRecord {
    pub project_id: i64,
    pub type_id: i64,
    pub title: String,
    pub description: String,
}

/// The deliveries of a batch that open a ticket: (index in the batch, delivery id, ticket).
pub(super) fn to_open<'a>(
    batch: &'a [DeliveryForRecord],
    delivery_ids: &'a [Option<i64>],
) -> impl Iterator<Item = (usize, i64, i64, &'a TicketForRecord)> + 'a {
    batch.iter().zip(delivery_ids).enumerate().filter_map(|(index, (d, id))| {
        let ticket = d.ticket.as_ref().filter(|_| d.accepted)?;
        Some((index, (*id)?, d.user_id?, ticket))
    })
}

/// The recorded answer with the new ticket's id (`ticket_id`) in it.
pub(super) fn answer_with_ticket(response: &str, ticket_id: i64) -> String {
    match serde_json::from_str::<serde_json::Value>(response) {
        Ok(serde_json::Value::Object(mut answer)) => {
            answer.insert("ticket_id".into(), ticket_id.into());
            serde_json::Value::Object(answer).to_string()
        }
        _ => response.to_string(),
    }
}

/// Opens the batch's tickets on SQLite; the ticket id of each delivery, by batch index.
pub(super) fn open_sqlite(
    tx: &rusqlite::Transaction,
    batch: &[DeliveryForRecord],
    delivery_ids: &[Option<i64>],
    now: &str,
) -> rusqlite::Result<Vec<Option<i64>>> {
    let mut opened = vec![None; batch.len()];
    for (index, delivery_id, user_id, ticket) in to_open(batch, delivery_ids) {
        tx.prepare_cached(
            "INSERT INTO feedback_tickets (project_id, type_id, user_id, title, description, status, comments, delivery_id,
                created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'new', 0, $6, $7, $7)",
        )?
        .execute(rusqlite::params![
            ticket.project_id,
            ticket.type_id,
            user_id,
            ticket.title,
            ticket.description,
            delivery_id,
            now
        ])?;
        let ticket_id = tx.last_insert_rowid();
        tx.prepare_cached("UPDATE deliveries SET response = $1 WHERE id = $2")?
            .execute(rusqlite::params![answer_with_ticket(&batch[index].response, ticket_id), delivery_id])?;
        opened[index] = Some(ticket_id);
    }
    Ok(opened)
}

/// Opens the batch's tickets on PostgreSQL; the ticket id of each delivery, by batch index.
pub(super) async fn open_postgres(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    batch: &[DeliveryForRecord],
    delivery_ids: &[Option<i64>],
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<Option<i64>>> {
    let mut opened = vec![None; batch.len()];
    for (index, delivery_id, user_id, ticket) in to_open(batch, delivery_ids) {
        let ticket_id: i64 = sqlx::query_scalar(
            "INSERT INTO feedback_tickets (project_id, type_id, user_id, title, description, status, comments, delivery_id,
                created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'new', 0, $6, $7, $7) RETURNING id",
        )
        .bind(ticket.project_id)
        .bind(ticket.type_id)
        .bind(user_id)
        .bind(&ticket.title)
        .bind(&ticket.description)
        .bind(delivery_id)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query("UPDATE deliveries SET response = $1 WHERE id = $2")
            .bind(answer_with_ticket(&batch[index].response, ticket_id))
            .bind(delivery_id)
            .execute(&mut **tx)
            .await?;
        opened[index] = Some(ticket_id);
    }
    Ok(opened)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_gains_the_ticket_id() {
        let answer = answer_with_ticket(r#"{"status":"accepted","user":"ada"}"#, 7);
        let json: serde_json::Value = serde_json::from_str(&answer).unwrap();
        assert_eq!((json["ticket_id"].as_i64(), json["status"].as_str()), (Some(7), Some("accepted")));
    }

    #[test]
    fn only_accepted_inserted_deliveries_with_a_ticket_open_one() {
        let ticket = TicketForRecord { project_id: 1, type_id: 2, title: "t".into(), description: String::new() };
        let with =
            |accepted| DeliveryForRecord { accepted, user_id: Some(5), ticket: Some(ticket.clone()), ..Default::default() };
        let batch =
            [with(true), with(false), with(true), DeliveryForRecord { accepted: true, user_id: Some(5), ..Default::default() }];
        let ids = [Some(10), Some(11), None, Some(13)];
        let opened: Vec<(usize, i64)> = to_open(&batch, &ids).map(|(index, delivery, _, _)| (index, delivery)).collect();
        assert_eq!(opened, [(0, 10)]);
    }
}
