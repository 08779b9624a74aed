//! Staff accounts and their password hashes.

use chrono::{DateTime, Utc};

use super::{conflict_on_unique, on_pool, Result, Store};
use crate::domain::staff::{Role, Staff, StaffForCreate};

#[derive(sqlx::FromRow)]
pub(super) struct StaffRow {
    id: i64,
    email: String,
    name: String,
    role: String,
}

impl From<StaffRow> for Staff {
    fn from(row: StaffRow) -> Self {
        Staff {
            id: row.id,
            email: row.email,
            name: row.name,
            // The CHECK constraint guarantees one of the two roles.
            role: row.role.parse().unwrap_or(Role::ProjectManager),
        }
    }
}

/// What a login needs: the staff member and the stored argon2 hash.
pub struct StaffCredentials {
    pub staff: Staff,
    pub password_hash: String,
}

impl Store {
    /// Creates a staff member; `password_hash` must already be an argon2 PHC string.
    pub async fn create_staff(&self, new: &StaffForCreate, password_hash: &str) -> Result<Staff> {
        let now: DateTime<Utc> = Utc::now();
        let row = on_pool!(self, |pool| sqlx::query_as::<_, StaffRow>(
            "INSERT INTO staff (email, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)
             RETURNING id, email, name, role"
        )
        .bind(new.email.as_str())
        .bind(new.name.as_str())
        .bind(new.role.as_str())
        .bind(password_hash)
        .bind(now)
        .fetch_one(pool)
        .await)
        .map_err(conflict_on_unique(format!("a staff member with email {} already exists", new.email)))?;
        Ok(row.into())
    }

    pub async fn set_staff_password(&self, staff_id: i64, password_hash: &str) -> Result<()> {
        on_pool!(self, |pool| sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(staff_id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn staff_credentials(&self, email: &str) -> Result<Option<StaffCredentials>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            staff: StaffRow,
            password_hash: String,
        }
        let row = on_pool!(self, |pool| sqlx::query_as::<_, Row>(
            "SELECT id, email, name, role, password_hash FROM staff WHERE email = $1"
        )
        .bind(email)
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(|row| StaffCredentials { staff: row.staff.into(), password_hash: row.password_hash }))
    }

    pub async fn staff_by_id(&self, id: i64) -> Result<Option<Staff>> {
        let row = on_pool!(self, |pool| sqlx::query_as::<_, StaffRow>("SELECT id, email, name, role FROM staff WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Into::into))
    }

    pub async fn staff_by_email(&self, email: &str) -> Result<Option<Staff>> {
        Ok(self.staff_credentials(email).await?.map(|c| c.staff))
    }

    pub async fn list_staff(&self) -> Result<Vec<Staff>> {
        let rows =
            on_pool!(self, |pool| sqlx::query_as::<_, StaffRow>("SELECT id, email, name, role FROM staff ORDER BY name, email")
                .fetch_all(pool)
                .await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}
