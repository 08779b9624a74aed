//! Who may see what: community managers see every project, project managers only the
//! projects whose team they are on.

use crate::domain::identity::has_control_characters;
use crate::domain::project::Project;
use crate::domain::staff::Staff;
use crate::server::error::{AppError, AppResult};
use crate::server::store::Store;

/// The project with this slug, if `staff` may work on it.
pub async fn project_for(store: &Store, staff: &Staff, slug: &str) -> AppResult<Project> {
    let project = existing_project(store, slug).await?;
    if staff.is_community_manager() || store.is_on_team(project.id, staff.id).await? {
        Ok(project)
    } else {
        Err(AppError::Forbidden("you are not on this project's team".into()))
    }
}

/// The project with this slug, for callers that may see every project (API keys).
pub async fn existing_project(store: &Store, slug: &str) -> AppResult<Project> {
    let not_found = || AppError::NotFound(format!("there is no project '{}'", slug.escape_debug()));
    // No slug has a control character, and PostgreSQL's text cannot even hold a NUL.
    if has_control_characters(slug) {
        return Err(not_found());
    }
    store.project_by_slug(slug).await?.ok_or_else(not_found)
}

pub fn require_community_manager(staff: &Staff) -> AppResult<()> {
    if staff.is_community_manager() {
        Ok(())
    } else {
        Err(AppError::Forbidden("only community managers may do this".into()))
    }
}

/// The projects `staff` may open.
pub async fn visible_projects(store: &Store, staff: &Staff) -> AppResult<Vec<Project>> {
    let team_member = (!staff.is_community_manager()).then_some(staff.id);
    Ok(store.list_projects(team_member).await?)
}
