//! Community users and their membership in projects.

use chrono::{DateTime, Utc};

use super::cache::Change;
use super::{contains_pattern, on_pool, BeginWrite, Error, Result, Store};
use crate::domain::project::MembershipStatus;
use crate::domain::user::{ProjectUser, UserForCreate, UserListQuery, UserRef, UserSort};
use crate::domain::{Email, Page};

#[derive(sqlx::FromRow)]
pub(super) struct ProjectUserRow {
    id: i64,
    email: String,
    username: String,
    display_name: String,
    created_at: DateTime<Utc>,
    status: String,
    joined_at: DateTime<Utc>,
}

impl From<ProjectUserRow> for ProjectUser {
    fn from(row: ProjectUserRow) -> Self {
        ProjectUser {
            id: row.id,
            email: row.email,
            username: row.username,
            display_name: row.display_name,
            created_at: row.created_at,
            // The CHECK constraint keeps the column to known statuses.
            status: row.status.parse().unwrap_or_default(),
            joined_at: row.joined_at,
        }
    }
}

pub(super) const PROJECT_USER_SELECT: &str =
    "SELECT u.id, u.email, u.username, u.display_name, u.created_at, m.status, m.joined_at
     FROM project_members m JOIN users u ON u.id = m.user_id";

fn order_by(sort: UserSort, descending: bool) -> String {
    let column = match sort {
        UserSort::Email => "u.email",
        UserSort::Username => "u.username",
        UserSort::Name => "LOWER(u.display_name)",
        UserSort::Joined => "m.joined_at",
        UserSort::Status => "m.status",
    };
    let direction = if descending { "DESC" } else { "ASC" };
    // The id tie-break keeps pages stable when the sort column has duplicates.
    format!("ORDER BY {column} {direction}, u.id {direction}")
}

/// Inserts a user and evaluates to its id (`sqlx::Result<i64>`). Shared by adding a user and
/// importing them; expands inside `on_pool!` against the open transaction `$tx` of either
/// backend.
macro_rules! insert_user {
    ($tx:ident, $email:expr, $username:expr, $display_name:expr, $now:expr) => {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO users (email, username, display_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind($email)
        .bind($username)
        .bind($display_name)
        .bind($now)
        .fetch_one(&mut *$tx)
        .await
    };
}
pub(super) use insert_user;

impl Store {
    /// Adds a user to a project, creating the community user when the email is new.
    /// An existing email must come with that user's own username.
    pub async fn add_project_user(&self, project_id: i64, new: &UserForCreate) -> Result<ProjectUser> {
        let now = Utc::now();
        let user_id = on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let by_email: Option<(i64, String)> = sqlx::query_as("SELECT id, username FROM users WHERE email = $1")
                .bind(new.email.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let user_id = match by_email {
                Some((_, username)) if username != new.username.as_str() => {
                    return Err(Error::Conflict(format!("email {} already belongs to user '{username}'", new.email)));
                }
                Some((id, _)) => {
                    let members: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM project_members WHERE project_id = $1 AND user_id = $2")
                            .bind(project_id)
                            .bind(id)
                            .fetch_one(&mut *tx)
                            .await?;
                    if members > 0 {
                        return Err(Error::Conflict(format!("{} is already a member of this project", new.email)));
                    }
                    id
                }
                None => {
                    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = $1")
                        .bind(new.username.as_str())
                        .fetch_one(&mut *tx)
                        .await?;
                    if taken > 0 {
                        return Err(Error::Conflict(format!("username '{}' is already taken", new.username)));
                    }
                    insert_user!(tx, new.email.as_str(), new.username.as_str(), new.display_name.as_str(), now)?
                }
            };
            sqlx::query("INSERT INTO project_members (project_id, user_id, status, joined_at) VALUES ($1, $2, $3, $4)")
                .bind(project_id)
                .bind(user_id)
                .bind(MembershipStatus::Active.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            user_id
        });
        self.changed(Change::Users).await;
        self.project_user_by_id(project_id, user_id).await?.ok_or(Error::NotFound)
    }

    async fn project_user_by_id(&self, project_id: i64, user_id: i64) -> Result<Option<ProjectUser>> {
        let sql = format!("{PROJECT_USER_SELECT} WHERE m.project_id = $1 AND u.id = $2");
        let row = on_pool!(self, |pool| sqlx::query_as::<_, ProjectUserRow>(&sql)
            .bind(project_id)
            .bind(user_id)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Into::into))
    }

    /// The community user with this email, as they would be on joining a project now
    /// (active, joined today): for a listener that adds users it does not know in its project.
    pub async fn user_by_email(&self, email: &Email) -> Result<Option<ProjectUser>> {
        let row: Option<(i64, String, String, String, DateTime<Utc>)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT id, email, username, display_name, created_at FROM users WHERE email = $1"
        )
        .bind(email.as_str())
        .fetch_optional(pool)
        .await)?;
        let now = Utc::now();
        Ok(row.map(|(id, email, username, display_name, created_at)| ProjectUser {
            id,
            email,
            username,
            display_name,
            created_at,
            status: MembershipStatus::Active,
            joined_at: now,
        }))
    }

    /// A project member named by email or username.
    pub async fn find_project_user(&self, project_id: i64, user: &UserRef) -> Result<Option<ProjectUser>> {
        let (column, value) = match user {
            UserRef::Email(email) => ("u.email", email.as_str()),
            UserRef::Username(username) => ("u.username", username.as_str()),
        };
        let sql = format!("{PROJECT_USER_SELECT} WHERE m.project_id = $1 AND {column} = $2");
        let row = on_pool!(self, |pool| sqlx::query_as::<_, ProjectUserRow>(&sql)
            .bind(project_id)
            .bind(value)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Into::into))
    }

    pub async fn list_project_users(&self, project_id: i64, query: &UserListQuery) -> Result<Page<ProjectUser>> {
        let pattern = query.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(contains_pattern);
        let matches = "m.project_id = $1 AND ($2 IS NULL
            OR LOWER(u.email) LIKE $2 ESCAPE '\\'
            OR LOWER(u.username) LIKE $2 ESCAPE '\\'
            OR LOWER(u.display_name) LIKE $2 ESCAPE '\\')";
        let count_sql = format!("SELECT COUNT(*) FROM project_members m JOIN users u ON u.id = m.user_id WHERE {matches}");
        let page_sql =
            format!("{PROJECT_USER_SELECT} WHERE {matches} {} LIMIT $3 OFFSET $4", order_by(query.sort, query.descending));
        let (total, rows) = on_pool!(self, |pool| {
            let total: i64 = sqlx::query_scalar(&count_sql).bind(project_id).bind(pattern.as_deref()).fetch_one(pool).await?;
            let rows = sqlx::query_as::<_, ProjectUserRow>(&page_sql)
                .bind(project_id)
                .bind(pattern.as_deref())
                .bind(query.page.limit())
                .bind(query.page.offset())
                .fetch_all(pool)
                .await?;
            (total, rows)
        });
        Ok(Page {
            items: rows.into_iter().map(Into::into).collect(),
            total: total as u64,
            page: query.page.page,
            per_page: query.page.per_page,
        })
    }
}
