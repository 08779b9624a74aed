//! Who a delivery is about — the user the URL names, or the one it will create — and whether
//! they pass the listener's gate. A user to be created is checked as they would be, and only
//! created once everything else about the request is accepted, so a refused request leaves no
//! user behind.

use axum::http::StatusCode;
use chrono::Utc;

use super::IngestResponse;
use crate::domain::filter::builtin_value;
use crate::domain::listener::{IdentifyBy, Listener, UnknownUserPolicy};
use crate::domain::project::{MembershipStatus, Project};
use crate::domain::user::{ProjectUser, UserForCreate, UserRef};
use crate::domain::{Email, Username};
use crate::server::startup::AppState;
use crate::server::store::{self, Gate};

pub(super) enum Subject {
    Existing(ProjectUser),
    /// Not in the project yet; the listener creates users. `preview` is the user as they
    /// will be, for the gate.
    ToCreate {
        email: Email,
        preview: ProjectUser,
    },
}

pub(super) async fn resolve(
    state: &AppState,
    project: &Project,
    listener: &Listener,
    value: &str,
) -> Result<Result<Subject, IngestResponse>, store::Error> {
    let not_found = || {
        IngestResponse::error(
            StatusCode::NOT_FOUND,
            "user_not_found",
            format!("project '{}' has no user with {} '{value}'", project.slug, listener.identify_by.as_str()),
        )
    };
    let user_ref = match listener.identify_by {
        IdentifyBy::Email => Email::parse(value).map(UserRef::Email),
        IdentifyBy::Username => Username::parse(value).map(UserRef::Username),
    };
    let Ok(user_ref) = user_ref else { return Ok(Err(not_found())) };
    if let Some(user) = state.store.project_user(project.id, &user_ref).await? {
        return Ok(Ok(Subject::Existing(user)));
    }
    match (listener.unknown_user, user_ref) {
        (UnknownUserPolicy::Create, UserRef::Email(email)) => {
            let now = Utc::now();
            let preview = ProjectUser {
                id: 0,
                email: email.as_str().to_string(),
                username: username_base(&email),
                display_name: local_part(&email).to_string(),
                created_at: now,
                status: MembershipStatus::Active,
                joined_at: now,
            };
            Ok(Ok(Subject::ToCreate { email, preview }))
        }
        _ => Ok(Err(not_found())),
    }
}

/// Whether the subject matches the gate, judged on the values stored before this delivery.
pub(super) async fn passes(state: &AppState, gate: &Gate, subject: &Subject) -> Result<bool, store::Error> {
    let (user, values) = match subject {
        Subject::Existing(user) => (user, state.store.user_values(user.id).await?),
        Subject::ToCreate { preview, .. } => (preview, Vec::new()),
    };
    let value_of = |data_group: &str, field: &str| {
        builtin_value(user, data_group, field).or_else(|| {
            let field = gate.fields.iter().find(|f| f.data_group == data_group && f.label == field)?;
            values.iter().find(|(id, _)| *id == field.field_id).map(|(_, value)| value.clone())
        })
    };
    Ok(gate.filter.matches(value_of, Utc::now()))
}

/// The subject's user id, adding them to the project first when they are new.
pub(super) async fn user_id(state: &AppState, project: &Project, subject: Subject) -> Result<i64, store::Error> {
    match subject {
        Subject::Existing(user) => Ok(user.id),
        Subject::ToCreate { email, .. } => create_user(state, project, &email).await,
    }
}

fn local_part(email: &Email) -> &str {
    email.as_str().split('@').next().unwrap_or("user")
}

/// A username from an email's local part: letters, digits, '.', '_' and '-'.
fn username_base(email: &Email) -> String {
    let base: String = local_part(email)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .take(56)
        .collect();
    if base.len() < 2 || !base.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        format!("u{base}x")
    } else {
        base
    }
}

/// Adds a user named only by an email: the username comes from the local part, with a
/// number appended when it is taken.
async fn create_user(state: &AppState, project: &Project, email: &Email) -> Result<i64, store::Error> {
    let base = username_base(email);
    for attempt in 0..20 {
        let username = if attempt == 0 { base.clone() } else { format!("{base}-{attempt}") };
        let Ok(new) = UserForCreate::parse(email.as_str(), &username, local_part(email)) else { break };
        match state.store.add_project_user(project.id, &new).await {
            Ok(user) => return Ok(user.id),
            Err(store::Error::Conflict(_)) => {
                // Either the username is taken, or the email exists outside this project.
                if let Some(user) = state.store.find_project_user(project.id, &UserRef::Email(email.clone())).await? {
                    return Ok(user.id);
                }
            }
            Err(error) => return Err(error),
        }
    }
    Err(store::Error::Conflict(format!("could not choose a free username for {email}")))
}
