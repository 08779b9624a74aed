//! External listeners of a project.

use crate::domain::feedback::{find_type, FeedbackMapping};
use crate::domain::filter::Filter;
use crate::domain::listener::{
    schema_with_new_fields, FieldMapping, IdentifyBy, Listener, ListenerChanges, ListenerForCreate, ListenerForUpdate,
    ListenerType, UnknownUserPolicy,
};
use crate::domain::project::Project;
use crate::domain::ValidationError;
use crate::server::error::{AppError, AppResult};
use crate::server::secrets::SecretKey;
use crate::server::service::signing;
use crate::server::store::Store;

/// A listener as submitted by a form or the API, before parsing.
pub struct ListenerInput<'a> {
    pub name: &'a str,
    pub key: &'a str,
    pub data_group: &'a str,
    pub identify_by: &'a str,
    pub unknown_user: &'a str,
    pub fields: Vec<FieldMapping>,
    /// A signing secret chosen by the sender, sealed with the installation's key.
    pub sealed_signing_secret: Option<String>,
    /// The gate: only users matching it are updated.
    pub filter: Option<Filter>,
    /// What a Create feedback listener reads for the ticket; `None` makes an External Data one.
    pub feedback: Option<FeedbackInput<'a>>,
}

/// A Create feedback listener's ticket mapping as submitted: the parameters of the title
/// (required), description and type, and the type of tickets whose request names none.
#[derive(Default)]
pub struct FeedbackInput<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub type_parameter: Option<&'a str>,
    pub default_type: &'a str,
}

pub async fn create_listener(store: &Store, project: &Project, input: ListenerInput<'_>) -> AppResult<Listener> {
    let identify_by = IdentifyBy::parse(input.identify_by)
        .ok_or_else(|| AppError::invalid("identify_by", format!("'{}' is not email or username", input.identify_by)))?;
    let unknown_user = UnknownUserPolicy::parse(input.unknown_user)
        .ok_or_else(|| AppError::invalid("unknown_user", format!("'{}' is not reject or create", input.unknown_user)))?;
    // The gate is checked even when the rest is refused, so every problem is reported at once.
    let schema = match &input.filter {
        Some(_) => schema_with_new_fields(&store.project_fields(project.id).await?, input.data_group, &input.fields),
        None => Vec::new(),
    };
    let parsed = match &input.feedback {
        None => ListenerForCreate::parse(input.name, input.key, input.data_group, identify_by, unknown_user, input.fields),
        Some(feedback) => {
            let mapping = feedback_mapping(store, project, feedback, &input.fields).await?;
            ListenerForCreate::parse_feedback(
                input.name,
                input.key,
                input.data_group,
                identify_by,
                unknown_user,
                input.fields,
                mapping,
            )
        }
    };
    let gate = input.filter.map(|filter| filter.check(&schema));
    let new = match (parsed, gate) {
        (Ok(new), None) => new,
        (Ok(mut new), Some(Ok(gate))) => {
            new.filter = Some(gate.to_filter());
            new
        }
        (Ok(_), Some(Err(problems))) => return Err(problems.into()),
        (Err(mut problems), gate) => {
            problems.extend(gate.and_then(Result::err).unwrap_or_default());
            return Err(problems.into());
        }
    };
    let listener = store.create_listener(project.id, &new, input.sealed_signing_secret.as_deref()).await?;
    tracing::info!(project = %project.slug, listener = %listener.key, fields = listener.fields.len(), "listener created");
    Ok(listener)
}

/// Edits the listener with this key: 404 when there is none, 422 with every problem, 409
/// when a label is taken in the data group or a reused field has another type.
/// Applies an edit; a new gate is checked against the project's fields as the edit leaves
/// them, a new signing secret sealed with `secret_key`.
pub async fn update_listener(
    store: &Store,
    secret_key: Option<&SecretKey>,
    project: &Project,
    key: &str,
    changes: ListenerChanges,
) -> AppResult<Listener> {
    let current = existing_listener(store, project, key).await?;
    let (filter, secret) = (changes.filter.clone(), changes.signing_secret.clone());
    let mut update = ListenerForUpdate::parse(&current, changes)?;
    update.filter = match filter {
        None => None,
        Some(None) => Some(None),
        Some(Some(filter)) => {
            let schema = update.gate_schema(&current, &store.project_fields(project.id).await?);
            Some(Some(filter.check(&schema)?.to_filter()))
        }
    };
    update.sealed_signing_secret = match secret.as_ref().map(|s| s.as_deref()) {
        None => None,
        Some(None) => Some(None),
        Some(Some(secret)) => Some(Some(signing::seal(secret_key, &signing::parse_signing_secret(secret)?)?)),
    };
    let listener = store.update_listener(current.id, &update).await?;
    tracing::info!(project = %project.slug, listener = %listener.key, fields = listener.fields.len(), "listener updated");
    Ok(listener)
}

/// Parses a ticket mapping, with its default type spelled as the project spells it (a type
/// the project has and has not retired).
async fn feedback_mapping(
    store: &Store,
    project: &Project,
    input: &FeedbackInput<'_>,
    fields: &[FieldMapping],
) -> AppResult<Result<FeedbackMapping, Vec<ValidationError>>> {
    let taken: Vec<&str> = fields.iter().map(|f| f.parameter.trim()).collect();
    let parsed = FeedbackMapping::parse(input.title, input.description, input.type_parameter, input.default_type, &taken);
    let types = super::feedback::types(store, project).await?;
    let default_type = find_type(&types, input.default_type, "feedback.default_type");
    Ok(match (parsed, default_type) {
        (Ok(mapping), Ok(kind)) => Ok(FeedbackMapping { default_type: kind.name.clone(), ..mapping }),
        (Ok(_), Err(error)) => Err(vec![error]),
        (Err(mut errors), Err(error)) => {
            if !errors.iter().any(|e| e.field == error.field) {
                errors.push(error);
            }
            Err(errors)
        }
        (Err(errors), Ok(_)) => Err(errors),
    })
}

/// A new ticket mapping for an existing Create feedback listener, checked (422 for an
/// External Data listener); `parameters` are its data fields' parameters after the edit.
pub async fn checked_feedback_mapping(
    store: &Store,
    project: &Project,
    listener: &Listener,
    input: &FeedbackInput<'_>,
    parameters: &[String],
) -> AppResult<FeedbackMapping> {
    if listener.listener_type != ListenerType::CreateFeedback {
        return Err(AppError::invalid("feedback", "is for create_feedback listeners only"));
    }
    let fields: Vec<FieldMapping> = parameters
        .iter()
        .map(|p| FieldMapping {
            label: String::new(),
            parameter: p.clone(),
            field_type: crate::domain::fields::FieldType::String,
        })
        .collect();
    Ok(feedback_mapping(store, project, input, &fields).await??)
}

/// Stores a checked ticket mapping (see [`checked_feedback_mapping`]); the listener as it is now.
pub async fn set_feedback_mapping(
    store: &Store,
    project: &Project,
    listener: &Listener,
    mapping: &FeedbackMapping,
) -> AppResult<Listener> {
    store.set_feedback_mapping(project.id, listener.id, mapping).await?;
    tracing::info!(project = %project.slug, listener = %listener.key, "feedback mapping changed");
    existing_listener(store, project, &listener.key).await
}

pub async fn existing_listener(store: &Store, project: &Project, key: &str) -> AppResult<Listener> {
    let not_found = || AppError::NotFound(format!("project '{}' has no listener '{}'", project.slug, key.escape_debug()));
    // No key has a control character, and PostgreSQL's text cannot even hold a NUL.
    if crate::domain::identity::has_control_characters(key) {
        return Err(not_found());
    }
    store.listener(project.id, key).await?.ok_or_else(not_found)
}

/// The project a slug names and its listener with this key: 404 naming whichever is missing.
pub async fn existing_project_listener(store: &Store, slug: &str, key: &str) -> AppResult<(Project, Listener)> {
    let project = super::access::existing_project(store, slug).await?;
    let listener = existing_listener(store, &project, key).await?;
    Ok((project, listener))
}

/// The endpoint URL a sender posts to, with `VALUE` where the user goes.
pub fn endpoint_url(base_url: &str, project: &Project, listener: &Listener) -> String {
    format!("{base_url}{}", listener.endpoint_path(&project.slug))
}
