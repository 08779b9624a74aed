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

/// Makes the project's team exactly the staff with these addresses; each address must be a
/// staff member's (`staff[i]` names the others). Returns the team as it is now.
pub async fn set_team(store: &Store, project: &Project, emails: &[String]) -> AppResult<Vec<Staff>> {
    let mut errors = Vec::new();
    let mut ids = Vec::new();
    for (index, text) in emails.iter().enumerate() {
        let field = format!("staff[{index}]");
        match crate::domain::Email::parse(text) {
            Err(error) => errors.push(crate::domain::ValidationError::new(&field, error.message)),
            Ok(email) => match store.staff_by_email(email.as_str()).await? {
                Some(staff) if !ids.contains(&staff.id) => ids.push(staff.id),
                Some(_) => {}
                None => errors.push(crate::domain::ValidationError::new(&field, format!("there is no staff member {email}"))),
            },
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    store.set_project_team(project.id, &ids).await?;
    Ok(store.project_team(project.id).await?)
}
