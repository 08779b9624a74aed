//! Projects and their teams.

use crate::domain::project::{Project, ProjectForCreate};
use crate::domain::staff::Staff;
use crate::server::error::{AppError, AppResult};
use crate::server::store::Store;

pub async fn create_project(store: &Store, name: &str, slug: Option<&str>, created_by: Option<&Staff>) -> AppResult<Project> {
    let new = ProjectForCreate::parse(name, slug)?;
    let project = store.create_project(&new, created_by.map(|s| s.id)).await?;
    // Whoever creates a project is on its team, so it shows in their project switcher.
    if let Some(staff) = created_by {
        store.add_to_team(project.id, staff.id).await?;
    }
    Ok(project)
}

/// Puts a staff member on a project's team. Only project managers need team membership to
/// see a project, but community managers may be listed too (distributions target the team).
pub async fn add_team_member(store: &Store, project: &Project, staff_id: i64) -> AppResult<Staff> {
    let staff = store.staff_by_id(staff_id).await?.ok_or_else(|| AppError::NotFound("there is no such staff member".into()))?;
    store.add_to_team(project.id, staff.id).await?;
    Ok(staff)
}
