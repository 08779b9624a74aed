//! Projects and project teams.

use chrono::{DateTime, Utc};

use super::staff::StaffRow;
use super::{conflict_on_unique, on_pool, BeginWrite, Error, Result, Store};
use crate::domain::project::{Project, ProjectForCreate};
use crate::domain::staff::Staff;

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: i64,
    slug: String,
    name: String,
    created_at: DateTime<Utc>,
    member_count: i64,
}

impl From<ProjectRow> for Project {
    fn from(row: ProjectRow) -> Self {
        Project { id: row.id, slug: row.slug, name: row.name, created_at: row.created_at, member_count: row.member_count }
    }
}

const PROJECT_COLUMNS: &str = "p.id, p.slug, p.name, p.created_at,
    (SELECT COUNT(*) FROM project_members m WHERE m.project_id = p.id) AS member_count";

impl Store {
    pub async fn create_project(&self, new: &ProjectForCreate, created_by: Option<i64>) -> Result<Project> {
        let now = Utc::now();
        let id: i64 = on_pool!(self, |pool| sqlx::query_scalar(
            "INSERT INTO projects (slug, name, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id"
        )
        .bind(new.slug.as_str())
        .bind(new.name.as_str())
        .bind(created_by)
        .bind(now)
        .fetch_one(pool)
        .await)
        .map_err(conflict_on_unique(format!("a project with slug '{}' already exists", new.slug)))?;
        Ok(Project { id, slug: new.slug.to_string(), name: new.name.to_string(), created_at: now, member_count: 0 })
    }

    pub async fn project_by_slug(&self, slug: &str) -> Result<Option<Project>> {
        let sql = format!("SELECT {PROJECT_COLUMNS} FROM projects p WHERE p.slug = $1");
        let row = on_pool!(self, |pool| sqlx::query_as::<_, ProjectRow>(&sql).bind(slug).fetch_optional(pool).await)?;
        Ok(row.map(Into::into))
    }

    pub async fn project_by_id(&self, id: i64) -> Result<Option<Project>> {
        let sql = format!("SELECT {PROJECT_COLUMNS} FROM projects p WHERE p.id = $1");
        let row = on_pool!(self, |pool| sqlx::query_as::<_, ProjectRow>(&sql).bind(id).fetch_optional(pool).await)?;
        Ok(row.map(Into::into))
    }

    /// Every project, or with `team_member` only those whose team includes that staff member.
    pub async fn list_projects(&self, team_member: Option<i64>) -> Result<Vec<Project>> {
        let sql = format!(
            "SELECT {PROJECT_COLUMNS} FROM projects p
             WHERE $1 IS NULL OR EXISTS (SELECT 1 FROM project_team t WHERE t.project_id = p.id AND t.staff_id = $1)
             ORDER BY p.name, p.slug"
        );
        let rows = on_pool!(self, |pool| sqlx::query_as::<_, ProjectRow>(&sql).bind(team_member).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub async fn is_on_team(&self, project_id: i64, staff_id: i64) -> Result<bool> {
        let count: i64 = on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM project_team WHERE project_id = $1 AND staff_id = $2"
        )
        .bind(project_id)
        .bind(staff_id)
        .fetch_one(pool)
        .await)?;
        Ok(count > 0)
    }

    pub async fn project_team(&self, project_id: i64) -> Result<Vec<Staff>> {
        let rows = on_pool!(self, |pool| sqlx::query_as::<_, StaffRow>(
            "SELECT s.id, s.email, s.name, s.role FROM project_team t JOIN staff s ON s.id = t.staff_id
             WHERE t.project_id = $1 ORDER BY s.name, s.email"
        )
        .bind(project_id)
        .fetch_all(pool)
        .await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Adds a staff member to a project's team; adding someone already there changes nothing.
    pub async fn add_to_team(&self, project_id: i64, staff_id: i64) -> Result<()> {
        let now = Utc::now();
        on_pool!(self, |pool| sqlx::query(
            "INSERT INTO project_team (project_id, staff_id, added_at) VALUES ($1, $2, $3)
             ON CONFLICT (project_id, staff_id) DO NOTHING"
        )
        .bind(project_id)
        .bind(staff_id)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => Error::NotFound,
            _ => Error::Database(e),
        })?;
        Ok(())
    }

    pub async fn remove_from_team(&self, project_id: i64, staff_id: i64) -> Result<()> {
        on_pool!(self, |pool| sqlx::query("DELETE FROM project_team WHERE project_id = $1 AND staff_id = $2")
            .bind(project_id)
            .bind(staff_id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Makes the team exactly these staff members, in one transaction (members kept keep
    /// the date they were added).
    pub async fn set_project_team(&self, project_id: i64, staff_ids: &[i64]) -> Result<()> {
        let now = Utc::now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let current: Vec<i64> = sqlx::query_scalar("SELECT staff_id FROM project_team WHERE project_id = $1")
                .bind(project_id)
                .fetch_all(&mut *tx)
                .await?;
            for gone in current.iter().filter(|id| !staff_ids.contains(id)) {
                sqlx::query("DELETE FROM project_team WHERE project_id = $1 AND staff_id = $2")
                    .bind(project_id)
                    .bind(gone)
                    .execute(&mut *tx)
                    .await?;
            }
            for added in staff_ids.iter().filter(|id| !current.contains(id)) {
                sqlx::query("INSERT INTO project_team (project_id, staff_id, added_at) VALUES ($1, $2, $3)")
                    .bind(project_id)
                    .bind(added)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }
}
