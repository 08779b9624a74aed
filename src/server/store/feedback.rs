//! Feedback types, tickets and their activity. Tickets a listener creates are written by the
//! delivery writer, in the delivery's own transaction (`ingest::feedback`); everything else
//! about feedback is here.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{on_pool, BeginWrite, Error, Result, Store};
use crate::domain::feedback::{
    Activity, ActivityKind, FeedbackMapping, FeedbackType, Submitter, Ticket, TicketForCreate, TicketForUpdate, TicketStatus,
    DEFAULT_TYPES,
};
use crate::domain::fields::same_label;
use crate::domain::{Page, PageRequest};

#[derive(FromRow)]
struct TypeRow {
    id: i64,
    name: String,
    retired: bool,
}

impl From<TypeRow> for FeedbackType {
    fn from(row: TypeRow) -> Self {
        FeedbackType { id: row.id, name: row.name, retired: row.retired }
    }
}

#[derive(FromRow)]
pub(super) struct TicketRow {
    id: i64,
    project_id: i64,
    type_id: i64,
    type_name: String,
    title: String,
    description: String,
    status: String,
    user_id: i64,
    email: String,
    username: String,
    display_name: String,
    delivery_id: Option<i64>,
    comments: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<TicketRow> for Ticket {
    fn from(row: TicketRow) -> Self {
        Ticket {
            id: row.id,
            project_id: row.project_id,
            type_id: row.type_id,
            type_name: row.type_name,
            title: row.title,
            description: row.description,
            // The CHECK constraint keeps the column to known statuses.
            status: TicketStatus::parse(&row.status).unwrap_or_default(),
            submitter: Submitter {
                user_id: row.user_id,
                email: row.email,
                username: row.username,
                display_name: row.display_name,
            },
            delivery_id: row.delivery_id,
            comments: row.comments.max(0) as u32,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

pub(super) const TICKET_SELECT: &str = "SELECT t.id, t.project_id, t.type_id, ft.name AS type_name, t.title, t.description,
        t.status, t.user_id, u.email, u.username, u.display_name, t.delivery_id, t.comments, t.created_at, t.updated_at
     FROM feedback_tickets t JOIN feedback_types ft ON ft.id = t.type_id JOIN users u ON u.id = t.user_id";

#[derive(FromRow)]
struct ActivityRow {
    id: i64,
    kind: String,
    author: Option<String>,
    text: Option<String>,
    old_status: Option<String>,
    new_status: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<ActivityRow> for Activity {
    fn from(row: ActivityRow) -> Self {
        let status = |s: Option<String>| s.as_deref().and_then(TicketStatus::parse).unwrap_or_default();
        let kind = match row.kind.as_str() {
            "status" => ActivityKind::Status { from: status(row.old_status), to: status(row.new_status) },
            _ => ActivityKind::Comment { text: row.text.unwrap_or_default() },
        };
        Activity { id: row.id, author: row.author, at: row.created_at, kind }
    }
}

impl Store {
    /// The project's feedback types in their order, retired ones included.
    pub async fn feedback_types(&self, project_id: i64) -> Result<Vec<FeedbackType>> {
        let rows: Vec<TypeRow> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT id, name, retired FROM feedback_types WHERE project_id = $1 ORDER BY position, id"
        )
        .bind(project_id)
        .fetch_all(pool)
        .await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Gives a project the default types (Bug, Idea, Praise) unless it has types already.
    /// Safe to call from concurrent requests: a name taken meanwhile is left as it is.
    pub async fn seed_feedback_types(&self, project_id: i64) -> Result<()> {
        let now = Utc::now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM feedback_types WHERE project_id = $1")
                .bind(project_id)
                .fetch_one(&mut *tx)
                .await?;
            if existing == 0 {
                for (position, name) in DEFAULT_TYPES.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO feedback_types (project_id, name, retired, position, created_at) VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (project_id, name) DO NOTHING",
                    )
                    .bind(project_id)
                    .bind(*name)
                    .bind(false)
                    .bind(position as i64)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Adds a type after the others. Names are unique per project ignoring case.
    pub async fn create_feedback_type(&self, project_id: i64, name: &str) -> Result<FeedbackType> {
        let now = Utc::now();
        let types = self.feedback_types(project_id).await?;
        if let Some(taken) = types.iter().find(|t| same_label(&t.name, name)) {
            return Err(Error::Conflict(format!("there is already a feedback type '{}'", taken.name)));
        }
        let id: i64 = on_pool!(self, |pool| sqlx::query_scalar(
            "INSERT INTO feedback_types (project_id, name, retired, position, created_at)
             VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), -1) + 1 FROM feedback_types WHERE project_id = $1), $4)
             RETURNING id"
        )
        .bind(project_id)
        .bind(name)
        .bind(false)
        .bind(now)
        .fetch_one(pool)
        .await)
        .map_err(super::conflict_on_unique(format!("there is already a feedback type '{name}'")))?;
        Ok(FeedbackType { id, name: name.to_string(), retired: false })
    }

    /// Renames a type and/or retires it (or brings it back).
    pub async fn update_feedback_type(
        &self,
        project_id: i64,
        type_id: i64,
        name: Option<&str>,
        retired: Option<bool>,
    ) -> Result<FeedbackType> {
        let types = self.feedback_types(project_id).await?;
        let current = types.iter().find(|t| t.id == type_id).ok_or(Error::NotFound)?;
        if let Some(name) = name {
            if let Some(taken) = types.iter().find(|t| t.id != type_id && same_label(&t.name, name)) {
                return Err(Error::Conflict(format!("there is already a feedback type '{}'", taken.name)));
            }
        }
        let name = name.unwrap_or(&current.name).to_string();
        let retired = retired.unwrap_or(current.retired);
        on_pool!(self, |pool| sqlx::query("UPDATE feedback_types SET name = $1, retired = $2 WHERE id = $3 AND project_id = $4")
            .bind(&name)
            .bind(retired)
            .bind(type_id)
            .bind(project_id)
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(super::conflict_on_unique(format!("there is already a feedback type '{name}'")))?;
        self.changed(super::cache::Change::Listeners).await;
        Ok(FeedbackType { id: type_id, name, retired })
    }

    /// Creates a ticket from a user of the project; its id.
    pub async fn create_ticket(&self, project_id: i64, user_id: i64, new: &TicketForCreate) -> Result<i64> {
        let now = Utc::now();
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar(
            "INSERT INTO feedback_tickets (project_id, type_id, user_id, title, description, status, comments, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'new', 0, $6, $6) RETURNING id"
        )
        .bind(project_id)
        .bind(new.type_id)
        .bind(user_id)
        .bind(&new.title)
        .bind(&new.description)
        .bind(now)
        .fetch_one(pool)
        .await
        })?)
    }

    pub async fn ticket(&self, project_id: i64, ticket_id: i64) -> Result<Option<Ticket>> {
        let sql = format!("{TICKET_SELECT} WHERE t.project_id = $1 AND t.id = $2");
        let row: Option<TicketRow> =
            on_pool!(self, |pool| sqlx::query_as(&sql).bind(project_id).bind(ticket_id).fetch_optional(pool).await)?;
        Ok(row.map(Into::into))
    }

    /// These tickets of the project, in the order given (the grid's).
    pub async fn tickets_by_ids(&self, project_id: i64, ids: &[i64]) -> Result<Vec<Ticket>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Ids are integers the database gave: safe to write into the statement.
        let id_list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!("{TICKET_SELECT} WHERE t.project_id = $1 AND t.id IN ({id_list})");
        let rows: Vec<TicketRow> = on_pool!(self, |pool| sqlx::query_as(&sql).bind(project_id).fetch_all(pool).await)?;
        let mut tickets: Vec<Ticket> = rows.into_iter().map(Into::into).collect();
        tickets.sort_by_key(|t| ids.iter().position(|id| *id == t.id));
        Ok(tickets)
    }

    /// A page of the tickets a user sent in the project, newest first.
    pub async fn user_tickets(&self, project_id: i64, user_id: i64, page: PageRequest) -> Result<Page<Ticket>> {
        let sql = format!("{TICKET_SELECT} WHERE t.project_id = $1 AND t.user_id = $2 ORDER BY t.id DESC LIMIT $3 OFFSET $4");
        let (total, rows): (i64, Vec<TicketRow>) = on_pool!(self, |pool| {
            let total = sqlx::query_scalar("SELECT COUNT(*) FROM feedback_tickets WHERE project_id = $1 AND user_id = $2")
                .bind(project_id)
                .bind(user_id)
                .fetch_one(pool)
                .await?;
            let rows = sqlx::query_as(&sql)
                .bind(project_id)
                .bind(user_id)
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(pool)
                .await?;
            (total, rows)
        });
        Ok(Page {
            items: rows.into_iter().map(Into::into).collect(),
            total: total as u64,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Changes a ticket; a change of status is kept in its activity, by `staff_id` when staff
    /// made it. One transaction: the ticket and its activity change together.
    pub async fn update_ticket(
        &self,
        project_id: i64,
        ticket_id: i64,
        update: &TicketForUpdate,
        staff_id: Option<i64>,
    ) -> Result<()> {
        let now = Utc::now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let old: Option<String> = sqlx::query_scalar("SELECT status FROM feedback_tickets WHERE project_id = $1 AND id = $2")
                .bind(project_id)
                .bind(ticket_id)
                .fetch_optional(&mut *tx)
                .await?;
            let old = old.ok_or(Error::NotFound)?;
            sqlx::query(
                "UPDATE feedback_tickets SET type_id = COALESCE($1, type_id), title = COALESCE($2, title),
                    description = COALESCE($3, description), status = COALESCE($4, status), updated_at = $5 WHERE id = $6",
            )
            .bind(update.type_id)
            .bind(update.title.as_deref())
            .bind(update.description.as_deref())
            .bind(update.status.map(|s| s.as_str()))
            .bind(now)
            .bind(ticket_id)
            .execute(&mut *tx)
            .await?;
            if let Some(new) = update.status.filter(|new| new.as_str() != old) {
                sqlx::query(
                    "INSERT INTO feedback_activity (ticket_id, kind, staff_id, old_status, new_status, created_at)
                     VALUES ($1, 'status', $2, $3, $4, $5)",
                )
                .bind(ticket_id)
                .bind(staff_id)
                .bind(&old)
                .bind(new.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Adds a staff comment (`staff_id` `None`: through the API) and counts it on the ticket.
    pub async fn add_ticket_comment(&self, project_id: i64, ticket_id: i64, staff_id: Option<i64>, text: &str) -> Result<i64> {
        let now = Utc::now();
        Ok(on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let updated = sqlx::query(
                "UPDATE feedback_tickets SET comments = comments + 1, updated_at = $1 WHERE project_id = $2 AND id = $3",
            )
            .bind(now)
            .bind(project_id)
            .bind(ticket_id)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Err(Error::NotFound);
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO feedback_activity (ticket_id, kind, staff_id, text, created_at) VALUES ($1, 'comment', $2, $3, $4)
                 RETURNING id",
            )
            .bind(ticket_id)
            .bind(staff_id)
            .bind(text)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            id
        }))
    }

    /// A ticket's activity, oldest first.
    pub async fn ticket_activity(&self, ticket_id: i64) -> Result<Vec<Activity>> {
        let rows: Vec<ActivityRow> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT a.id, a.kind, s.name AS author, a.text, a.old_status, a.new_status, a.created_at
             FROM feedback_activity a LEFT JOIN staff s ON s.id = a.staff_id WHERE a.ticket_id = $1 ORDER BY a.id"
        )
        .bind(ticket_id)
        .fetch_all(pool)
        .await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Replaces a Create feedback listener's ticket mapping; the default type is the
    /// project's of that name (as the service spelled it).
    pub async fn set_feedback_mapping(&self, project_id: i64, listener_id: i64, mapping: &FeedbackMapping) -> Result<()> {
        let updated = on_pool!(self, |pool| sqlx::query(
            "UPDATE feedback_listeners SET title_parameter = $1, description_parameter = $2, type_parameter = $3,
                default_type_id = (SELECT id FROM feedback_types WHERE project_id = $4 AND name = $5)
             WHERE listener_id = $6 AND EXISTS (SELECT 1 FROM feedback_types WHERE project_id = $4 AND name = $5)"
        )
        .bind(&mapping.title)
        .bind(mapping.description.as_deref())
        .bind(mapping.type_parameter.as_deref())
        .bind(project_id)
        .bind(&mapping.default_type)
        .bind(listener_id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        self.changed(super::cache::Change::Listeners).await;
        if updated == 1 {
            Ok(())
        } else {
            Err(Error::NotFound)
        }
    }
}
