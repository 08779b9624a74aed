//! Users of a project: added one by one or imported from CSV, and each one's summary (every
//! data group's values and the history of changes).

use crate::domain::fields::same_label;
use crate::domain::import::{parse_users_csv, ImportReport};
use crate::domain::project::Project;
use crate::domain::summary::{summary_groups, SummaryChange, SummaryGroup};
use crate::domain::user::{ProjectUser, UserForCreate, UserRef};
use crate::domain::{Page, PageRequest};
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

/// The project member `user` names (an email or a username), or 404.
pub async fn existing_user(store: &Store, project: &Project, user: &str) -> AppResult<ProjectUser> {
    let not_found = || AppError::NotFound(format!("there is no user '{user}' in project '{}'", project.slug));
    let user_ref = UserRef::parse(user).map_err(|_| not_found())?;
    store.find_project_user(project.id, &user_ref).await?.ok_or_else(not_found)
}

/// Every data group of the project (the built-in ones first) with the user's current values.
pub async fn data_groups(store: &Store, project: &Project, user: &ProjectUser) -> AppResult<Vec<SummaryGroup>> {
    let fields = store.project_fields(project.id).await?;
    let values = store.current_values(project.id, user.id).await?;
    Ok(summary_groups(user, &fields, &values))
}

/// A page of the changes to the user's values in this project, newest first; only those of
/// one field when `field` names one (`(data group, field)`, as labels), or 404 when it names
/// none of the project's fields.
pub async fn history(
    store: &Store,
    project: &Project,
    user: &ProjectUser,
    field: Option<(&str, &str)>,
    page: PageRequest,
) -> AppResult<Page<SummaryChange>> {
    let field_id = match field {
        None => None,
        Some((group, label)) => {
            let fields = store.project_fields(project.id).await?;
            let found = fields.iter().find(|f| same_label(&f.data_group, group) && same_label(&f.label, label));
            Some(found.ok_or_else(|| AppError::NotFound(format!("data group '{group}' has no field '{label}'")))?.field_id)
        }
    };
    Ok(store.user_history(project.id, user.id, field_id, page).await?)
}
