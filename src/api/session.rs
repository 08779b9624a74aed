//! What the application frame needs: who is logged in, the community, their projects.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::UiError;
use crate::domain::staff::Staff;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectLink {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameData {
    pub community_name: String,
    pub staff: Staff,
    pub projects: Vec<ProjectLink>,
}

#[server(prefix = "/fn")]
pub async fn frame() -> Result<FrameData, UiError> {
    use super::context;
    use crate::server::service::access;
    let state = context::state();
    let staff = context::staff().await?;
    let projects = access::visible_projects(&state.store, &staff).await?;
    Ok(FrameData {
        community_name: state.community_name.to_string(),
        projects: projects.into_iter().map(|p| ProjectLink { slug: p.slug, name: p.name }).collect(),
        staff,
    })
}
