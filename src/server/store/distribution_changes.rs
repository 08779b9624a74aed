//! Distributions as people manage them: listed per project or report, changed, paused,
//! deleted; sends ("Email this report": a one-off distribution with one run, which the
//! scheduler sends like any run); and what the 60-day auto-pause reads and writes.

use chrono::{DateTime, Utc};

use super::distributions::{to_json, DistributionRow, DISTRIBUTION_COLUMNS};
use super::{on_pool, BeginWrite, DistributionRecord, Result, RunRecord, Store};
use crate::domain::schedule::ScheduleSpec;

/// Everything a change may set; the service merges the caller's members into the stored ones.
#[derive(Debug, Clone)]
pub struct DistributionForUpdate {
    pub teams: Vec<String>,
    pub emails: Vec<String>,
    pub schedule: ScheduleSpec,
    pub subject: String,
    pub message: String,
    pub active: bool,
    pub next_run_at: Option<DateTime<Utc>>,
    /// Set when this change resumes it (it was paused).
    pub resumed_at: Option<DateTime<Utc>>,
}

/// A send to create: its one run is due at `at`.
#[derive(Debug, Clone)]
pub struct SendForCreate {
    pub project_id: i64,
    pub report_id: i64,
    pub emails: Vec<String>,
    pub subject: String,
    pub message: String,
    pub created_by: Option<i64>,
    pub at: DateTime<Utc>,
}

/// A distribution the auto-pause looks at: its report was last opened at `report_opened_at`.
#[derive(Debug, Clone)]
pub struct PauseCandidate {
    pub distribution: DistributionRecord,
    pub report_name: String,
    pub report_opened_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct CandidateRow {
    #[sqlx(flatten)]
    distribution: DistributionRow,
    report_name: String,
    report_opened_at: DateTime<Utc>,
}

const RUN_COLUMNS: &str =
    "r.id, r.distribution_id, r.scheduled_for, r.status, r.attempts, r.next_attempt_at, r.lease_until, r.error, r.sent_at";

impl Store {
    /// The project's scheduled distributions (not sends), of one report or all, oldest first.
    pub async fn project_distributions(&self, project_id: i64, report_id: Option<i64>) -> Result<Vec<DistributionRecord>> {
        let sql = format!(
            "SELECT {DISTRIBUTION_COLUMNS} FROM distributions
             WHERE project_id = $1 AND kind = 'schedule' AND ($2 IS NULL OR report_id = $2) ORDER BY id LIMIT 1000"
        );
        let rows = on_pool!(self, |pool| sqlx::query_as::<_, DistributionRow>(&sql)
            .bind(project_id)
            .bind(report_id)
            .fetch_all(pool)
            .await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// A scheduled distribution of the project (a send's id or another project's is `None`).
    pub async fn project_distribution(&self, project_id: i64, id: i64) -> Result<Option<DistributionRecord>> {
        let sql =
            format!("SELECT {DISTRIBUTION_COLUMNS} FROM distributions WHERE id = $1 AND project_id = $2 AND kind = 'schedule'");
        let row = on_pool!(self, |pool| sqlx::query_as::<_, DistributionRow>(&sql)
            .bind(id)
            .bind(project_id)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Into::into))
    }

    /// Writes every member of `change`; a change clears the reason it paused itself and, when
    /// it resumes it, the warning (the next one is for the next 45 quiet days).
    pub async fn update_distribution(&self, id: i64, change: &DistributionForUpdate) -> Result<()> {
        on_pool!(self, |pool| sqlx::query(
            "UPDATE distributions SET teams = $2, emails = $3, schedule = $4, subject = $5, message = $6, status = $7,
                    next_run_at = $8, paused_reason = NULL,
                    resumed_at = COALESCE($9, resumed_at),
                    warned_at = CASE WHEN $9 IS NULL THEN warned_at ELSE NULL END
             WHERE id = $1 AND kind = 'schedule'"
        )
        .bind(id)
        .bind(to_json(&change.teams))
        .bind(to_json(&change.emails))
        .bind(to_json(&change.schedule))
        .bind(&change.subject)
        .bind(&change.message)
        .bind(if change.active { "active" } else { "paused" })
        .bind(change.next_run_at)
        .bind(change.resumed_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Deletes a scheduled distribution of the project with its history; `false` when there
    /// was none.
    pub async fn delete_distribution(&self, project_id: i64, id: i64) -> Result<bool> {
        let deleted = on_pool!(self, |pool| sqlx::query(
            "DELETE FROM distributions WHERE id = $1 AND project_id = $2 AND kind = 'schedule'"
        )
        .bind(id)
        .bind(project_id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(deleted > 0)
    }

    /// A run of a distribution at `at`, outside its schedule ("send now").
    pub async fn enqueue_extra_run(&self, distribution_id: i64, at: DateTime<Utc>) -> Result<()> {
        on_pool!(self, |pool| sqlx::query(
            "INSERT INTO distribution_runs (distribution_id, scheduled_for, status, attempts, next_attempt_at, created_at)
             VALUES ($1, $2, 'pending', 0, $2, $2) ON CONFLICT (distribution_id, scheduled_for) DO NOTHING"
        )
        .bind(distribution_id)
        .bind(at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Records a send and its one run, due at once, in one transaction; returns the run's id
    /// (the send's id in the API).
    pub async fn create_send(&self, new: &SendForCreate) -> Result<i64> {
        let run_id = on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let distribution_id: i64 = sqlx::query_scalar(
                "INSERT INTO distributions (project_id, report_id, kind, teams, emails, schedule, subject, message, status,
                                            next_run_at, created_by, created_at)
                 VALUES ($1, $2, 'send', '[]', $3, '{}', $4, $5, 'active', NULL, $6, $7) RETURNING id",
            )
            .bind(new.project_id)
            .bind(new.report_id)
            .bind(to_json(&new.emails))
            .bind(&new.subject)
            .bind(&new.message)
            .bind(new.created_by)
            .bind(new.at)
            .fetch_one(&mut *tx)
            .await?;
            let run_id: i64 = sqlx::query_scalar(
                "INSERT INTO distribution_runs (distribution_id, scheduled_for, status, attempts, next_attempt_at, created_at)
                 VALUES ($1, $2, 'pending', 0, $2, $2) RETURNING id",
            )
            .bind(distribution_id)
            .bind(new.at)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            run_id
        });
        Ok(run_id)
    }

    /// A send of the project by its id, with its one-off distribution.
    pub async fn project_send(&self, project_id: i64, run_id: i64) -> Result<Option<(RunRecord, DistributionRecord)>> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM distribution_runs r JOIN distributions d ON d.id = r.distribution_id
             WHERE r.id = $1 AND d.project_id = $2 AND d.kind = 'send'"
        );
        let run =
            on_pool!(self, |pool| sqlx::query_as::<_, RunRecord>(&sql).bind(run_id).bind(project_id).fetch_optional(pool).await)?;
        let Some(run) = run else { return Ok(None) };
        Ok(self.distribution(run.distribution_id).await?.map(|distribution| (run, distribution)))
    }

    /// The recent sends of a report (newest first), each with its distribution.
    pub async fn report_sends(&self, project_id: i64, report_id: i64) -> Result<Vec<(RunRecord, DistributionRecord)>> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM distribution_runs r JOIN distributions d ON d.id = r.distribution_id
             WHERE d.project_id = $1 AND d.report_id = $2 AND d.kind = 'send' ORDER BY r.id DESC LIMIT 20"
        );
        let runs =
            on_pool!(self, |pool| sqlx::query_as::<_, RunRecord>(&sql).bind(project_id).bind(report_id).fetch_all(pool).await)?;
        let mut sends = Vec::with_capacity(runs.len());
        for run in runs {
            if let Some(distribution) = self.distribution(run.distribution_id).await? {
                sends.push((run, distribution));
            }
        }
        Ok(sends)
    }

    /// The addresses each run of a distribution was sent to: `(run id, email)`.
    pub async fn distribution_recipients_sent(&self, distribution_id: i64) -> Result<Vec<(i64, String)>> {
        Ok(on_pool!(self, |pool| sqlx::query_as(
            "SELECT c.run_id, c.email FROM distribution_run_recipients c JOIN distribution_runs r ON r.id = c.run_id
             WHERE r.distribution_id = $1 AND c.status = 'sent' ORDER BY c.run_id, c.email"
        )
        .bind(distribution_id)
        .fetch_all(pool)
        .await)?)
    }

    /// Active scheduled distributions whose report nobody opened since `opened_before`.
    pub async fn pause_candidates(&self, opened_before: DateTime<Utc>) -> Result<Vec<PauseCandidate>> {
        let columns: String = DISTRIBUTION_COLUMNS.split(',').map(|c| format!("d.{}", c.trim())).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {columns}, r.name AS report_name, r.last_opened_at AS report_opened_at
             FROM distributions d JOIN reports r ON r.id = d.report_id
             WHERE d.kind = 'schedule' AND d.status = 'active' AND r.last_opened_at < $1 ORDER BY d.id LIMIT 1000"
        );
        let rows = on_pool!(self, |pool| sqlx::query_as::<_, CandidateRow>(&sql).bind(opened_before).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(|row| PauseCandidate {
                distribution: row.distribution.into(),
                report_name: row.report_name,
                report_opened_at: row.report_opened_at,
            })
            .collect())
    }

    /// Marks the creator warned at `now`, unless another instance already did since
    /// `attention_at`: `true` for the one caller that should send the warning.
    pub async fn claim_pause_warning(&self, id: i64, attention_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<bool> {
        let claimed = on_pool!(self, |pool| sqlx::query(
            "UPDATE distributions SET warned_at = $3
             WHERE id = $1 AND status = 'active' AND (warned_at IS NULL OR warned_at < $2)"
        )
        .bind(id)
        .bind(attention_at)
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(claimed > 0)
    }

    /// Pauses an active distribution, saying why; `true` when this call paused it.
    pub async fn pause_itself(&self, id: i64, reason: &str) -> Result<bool> {
        let paused = on_pool!(self, |pool| sqlx::query(
            "UPDATE distributions SET status = 'paused', paused_reason = $2 WHERE id = $1 AND status = 'active'"
        )
        .bind(id)
        .bind(reason)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(paused > 0)
    }
}
