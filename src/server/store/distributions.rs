//! Distributions, their runs and each run's recipients. A run is claimed by one instance at a
//! time: PostgreSQL picks it `FOR UPDATE SKIP LOCKED`, SQLite in one `UPDATE … RETURNING`
//! (a statement is a transaction holding the write lock); either way the claim sets a lease,
//! and a claimant that dies lets it expire so another takes the run over.

use chrono::{DateTime, Utc};

use super::{on_pool, BeginWrite, Pool, Result, Store};
use crate::domain::schedule::ScheduleSpec;

#[derive(Debug, Clone)]
pub struct DistributionForCreate {
    pub project_id: i64,
    pub report_id: i64,
    /// Slugs of projects whose team receives it.
    pub teams: Vec<String>,
    pub emails: Vec<String>,
    /// Canonical (`Schedule::spec()`).
    pub schedule: ScheduleSpec,
    pub subject: String,
    pub message: String,
    pub created_by: Option<i64>,
    pub next_run_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DistributionRecord {
    pub id: i64,
    pub project_id: i64,
    pub report_id: i64,
    pub teams: Vec<String>,
    pub emails: Vec<String>,
    pub schedule: ScheduleSpec,
    pub subject: String,
    pub message: String,
    pub active: bool,
    /// Why it paused itself; `None` when active or paused by hand.
    pub paused_reason: Option<String>,
    pub next_run_at: Option<DateTime<Utc>>,
    /// When its creator was warned that it would pause itself.
    pub warned_at: Option<DateTime<Utc>>,
    /// When it was last resumed by hand.
    pub resumed_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub(super) struct DistributionRow {
    id: i64,
    project_id: i64,
    report_id: i64,
    teams: String,
    emails: String,
    schedule: String,
    subject: String,
    message: String,
    status: String,
    paused_reason: Option<String>,
    next_run_at: Option<DateTime<Utc>>,
    warned_at: Option<DateTime<Utc>>,
    resumed_at: Option<DateTime<Utc>>,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
}

impl From<DistributionRow> for DistributionRecord {
    fn from(row: DistributionRow) -> Self {
        // Written by this module from typed values; a row that does not read back is empty
        // rather than a failed scheduler loop.
        let list = |text: &str| serde_json::from_str::<Vec<String>>(text).unwrap_or_default();
        DistributionRecord {
            id: row.id,
            project_id: row.project_id,
            report_id: row.report_id,
            teams: list(&row.teams),
            emails: list(&row.emails),
            schedule: serde_json::from_str(&row.schedule).unwrap_or_default(),
            subject: row.subject,
            message: row.message,
            active: row.status == "active",
            paused_reason: row.paused_reason,
            next_run_at: row.next_run_at,
            warned_at: row.warned_at,
            resumed_at: row.resumed_at,
            created_by: row.created_by,
            created_at: row.created_at,
        }
    }
}

pub(super) const DISTRIBUTION_COLUMNS: &str =
    "id, project_id, report_id, teams, emails, schedule, subject, message, status, paused_reason,
    next_run_at, warned_at, resumed_at, created_by, created_at";

/// A run this instance has claimed (its lease runs until `lease_until`).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ClaimedRun {
    pub id: i64,
    pub distribution_id: i64,
    pub scheduled_for: DateTime<Utc>,
    /// Including this one.
    pub attempts: i32,
}

/// A run as its history shows it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RunRecord {
    pub id: i64,
    pub distribution_id: i64,
    pub scheduled_for: DateTime<Utc>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub lease_until: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// How a claimed run ends this attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum RunOutcome {
    Sent { at: DateTime<Utc> },
    Retry { at: DateTime<Utc>, error: String },
    Failed { error: String },
}

/// Lists and the schedule are stored as JSON text on both backends.
pub(super) fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("lists and specs always serialize")
}

impl Store {
    pub async fn create_distribution(&self, new: &DistributionForCreate) -> Result<i64> {
        let id = on_pool!(self, |pool| {
            sqlx::query_scalar(
            "INSERT INTO distributions (project_id, report_id, kind, teams, emails, schedule, subject, message, status, next_run_at,
                                        created_by, created_at)
             VALUES ($1, $2, 'schedule', $3, $4, $5, $6, $7, 'active', $8, $9, $10) RETURNING id"
        )
        .bind(new.project_id)
        .bind(new.report_id)
        .bind(to_json(&new.teams))
        .bind(to_json(&new.emails))
        .bind(to_json(&new.schedule))
        .bind(&new.subject)
        .bind(&new.message)
        .bind(new.next_run_at)
        .bind(new.created_by)
        .bind(Utc::now())
        .fetch_one(pool)
        .await
        })?;
        Ok(id)
    }

    pub async fn distribution(&self, id: i64) -> Result<Option<DistributionRecord>> {
        let sql = format!("SELECT {DISTRIBUTION_COLUMNS} FROM distributions WHERE id = $1");
        let row = on_pool!(self, |pool| sqlx::query_as::<_, DistributionRow>(&sql).bind(id).fetch_optional(pool).await)?;
        Ok(row.map(Into::into))
    }

    /// Active distributions whose next slot is at or before `now`.
    pub async fn due_distributions(&self, now: DateTime<Utc>) -> Result<Vec<DistributionRecord>> {
        let sql = format!(
            "SELECT {DISTRIBUTION_COLUMNS} FROM distributions
             WHERE kind = 'schedule' AND status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= $1
             ORDER BY next_run_at LIMIT 500"
        );
        let rows = on_pool!(self, |pool| sqlx::query_as::<_, DistributionRow>(&sql).bind(now).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Records the run for `slot` (once: a second instance doing the same changes nothing) and
    /// moves the distribution on to `next_run_at`, in one transaction.
    pub async fn enqueue_run(
        &self,
        distribution_id: i64,
        slot: DateTime<Utc>,
        next_run_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO distribution_runs (distribution_id, scheduled_for, status, attempts, next_attempt_at, created_at)
                 VALUES ($1, $2, 'pending', 0, $2, $3) ON CONFLICT (distribution_id, scheduled_for) DO NOTHING",
            )
            .bind(distribution_id)
            .bind(slot)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE distributions SET next_run_at = $2 WHERE id = $1 AND status = 'active'")
                .bind(distribution_id)
                .bind(next_run_at)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Claims one due run (pending and due, or sending with an expired lease) until
    /// `lease_until`, counting the attempt. `None` when nothing is due.
    pub async fn claim_run(&self, now: DateTime<Utc>, lease_until: DateTime<Utc>) -> Result<Option<ClaimedRun>> {
        const CLAIM: &str = "UPDATE distribution_runs SET status = 'sending', lease_until = $2, attempts = attempts + 1
             WHERE id = (SELECT id FROM distribution_runs
                         WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1
                           AND (lease_until IS NULL OR lease_until < $1)
                         ORDER BY next_attempt_at, id LIMIT 1";
        const RETURNING: &str = ") RETURNING id, distribution_id, scheduled_for, attempts";
        let claimed = match &self.pool {
            Pool::Sqlite(pool, _) => {
                sqlx::query_as::<_, ClaimedRun>(&format!("{CLAIM}{RETURNING}"))
                    .bind(now)
                    .bind(lease_until)
                    .fetch_optional(pool)
                    .await?
            }
            // Another instance's claim in progress is skipped, not waited for.
            Pool::Postgres(pool) => {
                sqlx::query_as::<_, ClaimedRun>(&format!("{CLAIM} FOR UPDATE SKIP LOCKED{RETURNING}"))
                    .bind(now)
                    .bind(lease_until)
                    .fetch_optional(pool)
                    .await?
            }
        };
        Ok(claimed)
    }

    /// Recipients already sent for this run: never sent again.
    pub async fn sent_recipients(&self, run_id: i64) -> Result<Vec<String>> {
        Ok(on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT email FROM distribution_run_recipients WHERE run_id = $1 AND status = 'sent' ORDER BY email"
        )
        .bind(run_id)
        .fetch_all(pool)
        .await)?)
    }

    /// One recipient's outcome in a run: `Ok` sent, `Err(reason)` failed (retried with the run).
    pub async fn record_recipient(
        &self,
        run_id: i64,
        email: &str,
        outcome: std::result::Result<(), &str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (status, error) = match outcome {
            Ok(()) => ("sent", None),
            Err(reason) => ("failed", Some(reason)),
        };
        on_pool!(self, |pool| {
            sqlx::query(
            "INSERT INTO distribution_run_recipients (run_id, email, status, error, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (run_id, email) DO UPDATE SET status = excluded.status, error = excluded.error, updated_at = excluded.updated_at
             WHERE distribution_run_recipients.status <> 'sent'"
        )
        .bind(run_id)
        .bind(email)
        .bind(status)
        .bind(error)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ())
        })?;
        Ok(())
    }

    /// Ends this attempt at a claimed run and releases its lease.
    pub async fn finish_run(&self, run_id: i64, outcome: &RunOutcome) -> Result<()> {
        let (status, next_attempt_at, error, sent_at) = match outcome {
            RunOutcome::Sent { at } => ("sent", None, None, Some(*at)),
            RunOutcome::Retry { at, error } => ("pending", Some(*at), Some(error.as_str()), None),
            RunOutcome::Failed { error } => ("failed", None, Some(error.as_str()), None),
        };
        on_pool!(self, |pool| sqlx::query(
            "UPDATE distribution_runs SET status = $2, next_attempt_at = COALESCE($3, next_attempt_at), error = $4,
                    sent_at = $5, lease_until = NULL
             WHERE id = $1"
        )
        .bind(run_id)
        .bind(status)
        .bind(next_attempt_at)
        .bind(error)
        .bind(sent_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// A distribution's runs, newest first.
    pub async fn distribution_runs(&self, distribution_id: i64) -> Result<Vec<RunRecord>> {
        Ok(on_pool!(self, |pool| sqlx::query_as::<_, RunRecord>(
            "SELECT id, distribution_id, scheduled_for, status, attempts, next_attempt_at, lease_until, error, sent_at
             FROM distribution_runs WHERE distribution_id = $1 ORDER BY scheduled_for DESC LIMIT 200"
        )
        .bind(distribution_id)
        .fetch_all(pool)
        .await)?)
    }

    /// The email addresses of the staff on these projects' teams (unknown slugs give none).
    pub async fn team_emails(&self, project_slugs: &[String]) -> Result<Vec<String>> {
        let mut emails = Vec::new();
        for slug in project_slugs {
            let found: Vec<String> = on_pool!(self, |pool| sqlx::query_scalar(
                "SELECT s.email FROM staff s JOIN project_team t ON t.staff_id = s.id JOIN projects p ON p.id = t.project_id
                 WHERE p.slug = $1 ORDER BY s.email"
            )
            .bind(slug)
            .fetch_all(pool)
            .await)?;
            emails.extend(found);
        }
        Ok(emails)
    }

    /// The slug and name of the project a distribution belongs to.
    pub async fn distribution_project(&self, distribution_id: i64) -> Result<Option<(String, String)>> {
        Ok(on_pool!(self, |pool| sqlx::query_as(
            "SELECT p.slug, p.name FROM distributions d JOIN projects p ON p.id = d.project_id WHERE d.id = $1"
        )
        .bind(distribution_id)
        .fetch_optional(pool)
        .await)?)
    }
}
