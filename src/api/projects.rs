//! Projects: list, create, open one.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::UiError;
use crate::domain::project::Project;

/// A project as opened by the viewer, with what they may do there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectAccess {
    pub project: Project,
    pub can_manage_team: bool,
}

#[server(prefix = "/fn")]
pub async fn list_projects() -> Result<Vec<Project>, UiError> {
    use crate::server::service::access;
    let staff = super::context::staff().await?;
    Ok(access::visible_projects(&super::context::state().store, &staff).await?)
}

#[server(prefix = "/fn")]
pub async fn create_project(name: String, slug: String) -> Result<Project, UiError> {
    use crate::server::service::{access, projects};
    let staff = super::context::staff().await?;
    access::require_community_manager(&staff)?;
    let slug = Some(slug.as_str()).filter(|s| !s.trim().is_empty());
    Ok(projects::create_project(&super::context::state().store, &name, slug, Some(&staff)).await?)
}

/// Opens a project for the viewer; a refusal also sets the page's HTTP status (403/404).
#[server(prefix = "/fn")]
pub async fn open_project(slug: String) -> Result<ProjectAccess, UiError> {
    use crate::server::service::access;
    let staff = super::context::staff().await?;
    let opened = access::project_for(&super::context::state().store, &staff, &slug).await.map_err(UiError::from);
    match opened {
        Ok(project) => Ok(ProjectAccess { project, can_manage_team: staff.is_community_manager() }),
        Err(error) => {
            super::context::set_status(&error);
            Err(error)
        }
    }
}
