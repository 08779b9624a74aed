//! CSV imports of users into a project: one transaction per file, with its report kept.

use chrono::{DateTime, Utc};

use super::cache::Change;
use super::{on_pool, BeginWrite, Result, Store};
use crate::domain::import::{ImportReport, ParsedImport, RejectedRow};
use crate::domain::project::MembershipStatus;

impl Store {
    /// Writes the good rows of a parsed file: a known email updates that user (username and
    /// name), a new one creates the user; either way the user ends up in the project. A row
    /// whose username belongs to someone else is rejected, not written. All rows commit
    /// together with the import's report, or none do.
    pub async fn import_users(&self, project_id: i64, parsed: &ParsedImport, source: &str) -> Result<ImportReport> {
        let now = Utc::now();
        let mut rejected: Vec<RejectedRow> = parsed.rejected.clone();
        let (mut created, mut updated) = (0u64, 0u64);
        let id: i64 = on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            for (line, user) in &parsed.rows {
                let by_email: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                    .bind(user.email.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                let by_username: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                    .bind(user.username.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                if by_username.is_some() && by_username != by_email {
                    rejected.push(RejectedRow {
                        line: *line,
                        reason: format!("username '{}' is already taken by another user", user.username),
                    });
                    continue;
                }
                let user_id: i64 = match by_email {
                    Some(id) => {
                        sqlx::query("UPDATE users SET username = $1, display_name = $2, updated_at = $3 WHERE id = $4")
                            .bind(user.username.as_str())
                            .bind(user.display_name.as_str())
                            .bind(now)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        updated += 1;
                        id
                    }
                    None => {
                        created += 1;
                        super::users::insert_user!(
                            tx,
                            user.email.as_str(),
                            user.username.as_str(),
                            user.display_name.as_str(),
                            now
                        )?
                    }
                };
                // A member keeps their status; an import never re-admits someone removed.
                sqlx::query(
                    "INSERT INTO project_members (project_id, user_id, status, joined_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (project_id, user_id) DO NOTHING",
                )
                .bind(project_id)
                .bind(user_id)
                .bind(MembershipStatus::Active.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            rejected.sort_by_key(|row| row.line);
            let rejected_json = serde_json::to_string(&rejected).expect("rejected rows serialise");
            let total_rows = (parsed.rows.len() + parsed.rejected.len()) as i64;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO user_imports (project_id, source, total_rows, created_count, updated_count, rejected_count, rejected, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(project_id)
            .bind(source)
            .bind(total_rows)
            .bind(created as i64)
            .bind(updated as i64)
            .bind(rejected.len() as i64)
            .bind(rejected_json)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            id
        });
        self.changed(Change::Users).await;
        Ok(ImportReport { id, total_rows: (parsed.rows.len() + parsed.rejected.len()) as u64, created, updated, rejected })
    }

    /// The latest imports into a project, newest first.
    pub async fn recent_imports(&self, project_id: i64, limit: i64) -> Result<Vec<(DateTime<Utc>, String, ImportReport)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            source: String,
            total_rows: i64,
            created_count: i64,
            updated_count: i64,
            rejected: String,
            created_at: DateTime<Utc>,
        }
        let rows = on_pool!(self, |pool| sqlx::query_as::<_, Row>(
            "SELECT id, source, total_rows, created_count, updated_count, rejected, created_at
             FROM user_imports WHERE project_id = $1 ORDER BY id DESC LIMIT $2"
        )
        .bind(project_id)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let report = ImportReport {
                    id: row.id,
                    total_rows: row.total_rows as u64,
                    created: row.created_count as u64,
                    updated: row.updated_count as u64,
                    rejected: serde_json::from_str(&row.rejected).unwrap_or_default(),
                };
                (row.created_at, row.source, report)
            })
            .collect())
    }
}
