//! Users of a project: adding one, importing many. (The list is the grid: `api::grid`.)

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::UiError;
use crate::domain::import::ImportReport;
use crate::domain::user::ProjectUser;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportEntry {
    pub at: DateTime<Utc>,
    pub source: String,
    pub report: ImportReport,
}

#[server(prefix = "/fn")]
pub async fn add_user(slug: String, email: String, username: String, display_name: String) -> Result<ProjectUser, UiError> {
    use crate::server::service::{access, users};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    Ok(users::add_user(&state.store, &project, &email, &username, &display_name).await?)
}

#[server(prefix = "/fn")]
pub async fn recent_imports(slug: String) -> Result<Vec<ImportEntry>, UiError> {
    use crate::server::service::access;
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let imports = state.store.recent_imports(project.id, 10).await?;
    Ok(imports.into_iter().map(|(at, source, report)| ImportEntry { at, source, report }).collect())
}
