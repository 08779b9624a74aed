//! Users of a project: added one by one or imported from CSV.

use crate::domain::import::{parse_users_csv, ImportReport};
use crate::domain::project::Project;
use crate::domain::user::{ProjectUser, UserForCreate};
use crate::server::error::{AppError, AppResult};
use crate::server::store::Store;

pub async fn add_user(store: &Store, project: &Project, email: &str, username: &str, name: &str) -> AppResult<ProjectUser> {
    let new = UserForCreate::parse(email, username, name)?;
    Ok(store.add_project_user(project.id, &new).await?)
}

/// Imports a CSV file (`email,username,name`) into a project. A file that is not such a CSV
/// is refused whole (nothing written); otherwise good rows are written in one transaction
/// and bad rows come back with their line numbers.
pub async fn import_csv(store: &Store, project: &Project, bytes: &[u8], source: &str) -> AppResult<ImportReport> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| AppError::invalid("file", format!("is not UTF-8 text (first bad byte at offset {})", e.valid_up_to())))?;
    let parsed = parse_users_csv(text).map_err(|e| AppError::invalid("file", e.to_string()))?;
    let report = store.import_users(project.id, &parsed, source).await?;
    tracing::info!(
        project = %project.slug,
        created = report.created,
        updated = report.updated,
        rejected = report.rejected.len(),
        "users imported"
    );
    Ok(report)
}
