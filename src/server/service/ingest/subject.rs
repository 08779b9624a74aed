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
    /// A community user (from another project) not in this one yet; the listener adds users.
    /// As they will be on joining, for the gate.
    ToJoin(ProjectUser),
    /// Nobody in the community has this email; the listener creates users. `preview` is the
    /// user as they will be, for the gate.
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
            if let Some(user) = state.store.user_by_email(&email).await? {
                return Ok(Ok(Subject::ToJoin(user)));
            }
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
        Subject::Existing(user) | Subject::ToJoin(user) => (user, state.store.user_values(user.id).await?),
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

/// The subject's user id, adding them to the project first when they are new to it.
pub(super) async fn user_id(state: &AppState, project: &Project, subject: Subject) -> Result<i64, store::Error> {
    match subject {
        Subject::Existing(user) => Ok(user.id),
        Subject::ToJoin(user) => join(state, project, &user).await,
        Subject::ToCreate { email, .. } => create_user(state, project, &email).await,
    }
}

/// Adds a community user to the project as they are.
async fn join(state: &AppState, project: &Project, user: &ProjectUser) -> Result<i64, store::Error> {
    let member = UserForCreate::parse(&user.email, &user.username, &user.display_name)
        .map_err(|_| store::Error::Conflict(format!("user '{}' cannot be added to the project", user.username)))?;
    match state.store.add_project_user(project.id, &member).await {
        Ok(joined) => Ok(joined.id),
        // A concurrent delivery added them first.
        Err(store::Error::Conflict(reason)) => {
            member_id(state, project, &member.email).await?.ok_or(store::Error::Conflict(reason))
        }
        Err(error) => Err(error),
    }
}

/// The id of the project's member with this email, if they are one (after a conflict: a
/// concurrent delivery may have added them).
async fn member_id(state: &AppState, project: &Project, email: &Email) -> Result<Option<i64>, store::Error> {
    Ok(state.store.find_project_user(project.id, &UserRef::Email(email.clone())).await?.map(|user| user.id))
}

fn local_part(email: &Email) -> &str {
    email.as_str().split('@').next().unwrap_or("user")
}

/// A username from an email's local part: letters, digits, '.', '_' and '-'.
fn username_base(email: &Email) -> String {
    let base: String = local_part(email)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .take(52)
        .collect();
    if base.len() < 2 || !base.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        format!("u{base}x")
    } else {
        base
    }
}

/// Adds a user named only by an email: the username comes from the local part, with a
/// number appended when it is taken, and then a random one (local parts such as `info` are
/// common to many domains).
async fn create_user(state: &AppState, project: &Project, email: &Email) -> Result<i64, store::Error> {
    let base = username_base(email);
    for attempt in 0..20u32 {
        let username = match attempt {
            0 => base.clone(),
            1..=4 => format!("{base}-{}", attempt + 1),
            _ => format!("{base}-{:08x}", rand::random::<u32>()),
        };
        let Ok(new) = UserForCreate::parse(email.as_str(), &username, local_part(email)) else { break };
        match state.store.add_project_user(project.id, &new).await {
            Ok(user) => return Ok(user.id),
            Err(store::Error::Conflict(_)) => {
                // The username is taken, or a concurrent delivery added this email first, to
                // this project or to another one.
                if let Some(id) = member_id(state, project, email).await? {
                    return Ok(id);
                }
                if let Some(user) = state.store.user_by_email(email).await? {
                    return join(state, project, &user).await;
                }
            }
            Err(error) => return Err(error),
        }
    }
    Err(store::Error::Conflict(format!("could not choose a free username for {email}")))
}
