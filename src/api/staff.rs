//! Staff accounts and project teams (community managers only).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::UiError;
use crate::domain::staff::Staff;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub members: Vec<Staff>,
    /// Staff who could be added.
    pub candidates: Vec<Staff>,
    pub can_manage: bool,
}

#[server(prefix = "/fn")]
pub async fn list_staff() -> Result<Vec<Staff>, UiError> {
    let staff = super::context::staff().await?;
    crate::server::service::access::require_community_manager(&staff)?;
    Ok(super::context::state().store.list_staff().await?)
}

#[server(prefix = "/fn")]
pub async fn create_staff(email: String, name: String, role: String, password: String) -> Result<Staff, UiError> {
    use crate::domain::staff::Role;
    use crate::server::service::{access, accounts};
    let staff = super::context::staff().await?;
    access::require_community_manager(&staff)?;
    let role: Role = role.parse().map_err(|e| UiError::Invalid(vec![e]))?;
    Ok(accounts::create_staff(&super::context::state().store, &email, &name, role, &password).await?)
}

#[server(prefix = "/fn")]
pub async fn project_team(slug: String) -> Result<Team, UiError> {
    use crate::server::service::access;
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let members = state.store.project_team(project.id).await?;
    let can_manage = staff.is_community_manager();
    let candidates = if can_manage {
        state.store.list_staff().await?.into_iter().filter(|s| !members.iter().any(|m| m.id == s.id)).collect()
    } else {
        Vec::new()
    };
    Ok(Team { members, candidates, can_manage })
}

#[server(prefix = "/fn")]
pub async fn add_team_member(slug: String, staff_id: i64) -> Result<Staff, UiError> {
    use crate::server::service::{access, projects};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    access::require_community_manager(&staff)?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    Ok(projects::add_team_member(&state.store, &project, staff_id).await?)
}

#[server(prefix = "/fn")]
pub async fn remove_team_member(slug: String, staff_id: i64) -> Result<(), UiError> {
    use crate::server::service::access;
    let state = super::context::state();
    let staff = super::context::staff().await?;
    access::require_community_manager(&staff)?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    Ok(state.store.remove_from_team(project.id, staff_id).await?)
}
