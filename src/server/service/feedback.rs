//! Feedback (PRODUCT.md §8), once for the API, the pages and listeners: a project's types,
//! tickets created on a user's behalf, their changes and comments, and the ticket list and
//! grid, which run the grid's one filter engine over tickets and their submitters' data.

use crate::domain::feedback::{
    parse_text, parse_type_name, Activity, FeedbackType, Ticket, TicketForCreate, TicketForUpdate, MAX_COMMENT_CHARS,
};
use crate::domain::filter::SchemaField;
use crate::domain::grid::GridRequest;
use crate::domain::project::Project;
use crate::domain::summary::SummaryGroup;
use crate::domain::user::{ProjectUser, UserRef};
use crate::domain::{Email, Page};
use crate::server::error::{AppError, AppResult};
use crate::server::store::{GridSubject, Store};

use super::grid::resolve_for;

/// The project's feedback types in their order (retired ones too). A project that has none
/// yet is given the defaults (Bug, Idea, Praise) here, on first use, so every way a project
/// comes to be (the UI, the API, the demo) has them without each remembering to.
pub async fn types(store: &Store, project: &Project) -> AppResult<Vec<FeedbackType>> {
    let types = store.feedback_types(project.id).await?;
    if !types.is_empty() {
        return Ok(types);
    }
    store.seed_feedback_types(project.id).await?;
    Ok(store.feedback_types(project.id).await?)
}

pub async fn create_type(store: &Store, project: &Project, name: &str) -> AppResult<FeedbackType> {
    types(store, project).await?;
    let name = parse_type_name(name)?;
    Ok(store.create_feedback_type(project.id, &name).await?)
}

/// Renames a type and/or retires it (a retired type keeps its tickets and takes no new ones).
pub async fn update_type(
    store: &Store,
    project: &Project,
    type_id: i64,
    name: Option<&str>,
    retired: Option<bool>,
) -> AppResult<FeedbackType> {
    let name = name.map(parse_type_name).transpose()?;
    store.update_feedback_type(project.id, type_id, name.as_deref(), retired).await.map_err(|e| match e {
        crate::server::store::Error::NotFound => no_type(project, type_id),
        other => other.into(),
    })
}

fn no_type(project: &Project, type_id: i64) -> AppError {
    AppError::NotFound(format!("project '{}' has no feedback type {type_id}", project.slug))
}

fn no_ticket(project: &Project, ticket_id: i64) -> AppError {
    AppError::NotFound(format!("project '{}' has no feedback ticket {ticket_id}", project.slug))
}

/// The project member `submitter` names (an email or a username), as a 422 on `at` when it
/// names nobody in the project: the submitter is a value of the request, not its address.
pub async fn submitter(store: &Store, project: &Project, submitter: &str, at: &str) -> AppResult<ProjectUser> {
    let reference = UserRef::parse(submitter.trim())
        .map_err(|_| AppError::invalid(at, "is the email or username of one of the project's users"))?;
    store
        .find_project_user(project.id, &reference)
        .await?
        .ok_or_else(|| AppError::invalid(at, format!("'{}' is not a user of project '{}'", submitter.trim(), project.slug)))
}

/// Creates a ticket on behalf of a user of the project (the UI's form and the API), checking
/// every part at once.
pub async fn create_ticket(
    store: &Store,
    project: &Project,
    submitter_ref: &str,
    type_name: &str,
    title: &str,
    description: &str,
) -> AppResult<Ticket> {
    let types = types(store, project).await?;
    let parsed = TicketForCreate::parse(&types, type_name, title, description);
    let user = submitter(store, project, submitter_ref, "submitter").await;
    // Every problem at once: the ticket's, then the submitter's.
    let (parsed, user) = match (parsed, user) {
        (Ok(parsed), Ok(user)) => (parsed, user),
        (_, Err(error)) if !matches!(error, AppError::Invalid(_)) => return Err(error),
        (parsed, user) => {
            let mut errors = parsed.err().unwrap_or_default();
            if let Err(AppError::Invalid(more)) = user {
                errors.extend(more);
            }
            return Err(AppError::Invalid(errors));
        }
    };
    let id = store.create_ticket(project.id, user.id, &parsed).await?;
    tracing::info!(project = %project.slug, ticket = id, "feedback ticket created");
    ticket(store, project, id).await
}

pub async fn ticket(store: &Store, project: &Project, ticket_id: i64) -> AppResult<Ticket> {
    store.ticket(project.id, ticket_id).await?.ok_or_else(|| no_ticket(project, ticket_id))
}

/// Changes a ticket (type, title, description, status); a status change is kept in its
/// activity, by `staff_id` when staff made it.
#[allow(clippy::too_many_arguments)]
pub async fn update_ticket(
    store: &Store,
    project: &Project,
    ticket_id: i64,
    type_name: Option<&str>,
    title: Option<&str>,
    description: Option<&str>,
    status: Option<&str>,
    staff_id: Option<i64>,
) -> AppResult<Ticket> {
    let types = types(store, project).await?;
    let update = TicketForUpdate::parse(&types, type_name, title, description, status)?;
    ticket(store, project, ticket_id).await?;
    if !update.is_empty() {
        store.update_ticket(project.id, ticket_id, &update, staff_id).await.map_err(|e| match e {
            crate::server::store::Error::NotFound => no_ticket(project, ticket_id),
            other => other.into(),
        })?;
    }
    ticket(store, project, ticket_id).await
}

/// Adds a staff comment (`staff_id` `None` when it came through the API); the new activity.
pub async fn comment(store: &Store, project: &Project, ticket_id: i64, staff_id: Option<i64>, text: &str) -> AppResult<Activity> {
    let text = parse_text(text, "text", true, MAX_COMMENT_CHARS)?;
    let id = store.add_ticket_comment(project.id, ticket_id, staff_id, &text).await.map_err(|e| match e {
        crate::server::store::Error::NotFound => no_ticket(project, ticket_id),
        other => other.into(),
    })?;
    let activity = store.ticket_activity(ticket_id).await?;
    activity.into_iter().find(|a| a.id == id).ok_or_else(|| no_ticket(project, ticket_id))
}

pub async fn activity(store: &Store, ticket: &Ticket) -> AppResult<Vec<Activity>> {
    Ok(store.ticket_activity(ticket.id).await?)
}

/// A ticket's submitter as a member of the project, and every data group's current values
/// (the ticket page's side panel); `None` when the user has left the community.
pub async fn submitter_panel(
    store: &Store,
    project: &Project,
    ticket: &Ticket,
) -> AppResult<Option<(ProjectUser, Vec<SummaryGroup>)>> {
    let Ok(email) = Email::parse(&ticket.submitter.email) else { return Ok(None) };
    let Some(user) = store.find_project_user(project.id, &UserRef::Email(email)).await? else { return Ok(None) };
    let groups = super::users::data_groups(store, project, &user).await?;
    Ok(Some((user, groups)))
}

/// A page of the tickets a user sent in the project, newest first (the user summary).
pub async fn user_tickets(
    store: &Store,
    project: &Project,
    user: &ProjectUser,
    page: crate::domain::PageRequest,
) -> AppResult<Page<Ticket>> {
    Ok(store.user_tickets(project.id, user.id, page).await?)
}

/// The ticket list of the API: the tickets a filter (saved or written out, over the tickets'
/// own fields and their submitters') lets through, of one type or all, in the grid's order
/// (sorted by `request.sort` over the default ticket view's columns; newest first by
/// default), a page at a time.
pub async fn list(store: &Store, project: &Project, type_id: Option<i64>, request: &GridRequest) -> AppResult<Page<Ticket>> {
    let resolved = resolve_for(store, project, GridSubject::Tickets { type_id, status: None }, request, true).await?;
    let query = resolved.query(project);
    let offset = u64::from(request.page - 1) * u64::from(request.per_page);
    let (total, ids) = store.grid_page(&query, u64::from(request.per_page), offset).await?;
    let items = store.tickets_by_ids(project.id, &ids).await?;
    Ok(Page { items, total, page: request.page, per_page: request.per_page })
}

/// The type of the feedback grid's menu entry `type_name` (`None`: All), or 404.
pub async fn type_named(store: &Store, project: &Project, type_name: &str) -> AppResult<FeedbackType> {
    let types = types(store, project).await?;
    types
        .into_iter()
        .find(|t| crate::domain::fields::same_label(&t.name, type_name))
        .ok_or_else(|| AppError::NotFound(format!("project '{}' has no feedback type '{type_name}'", project.slug)))
}

/// The fields a feedback filter or view may name (the builders' choices).
pub async fn schema(store: &Store, project: &Project) -> AppResult<Vec<SchemaField>> {
    Ok(crate::domain::feedback::ticket_schema(&store.project_fields(project.id).await?))
}

/// The rows a feedback page's URL asks for: its type entry (404 for a type the project does
/// not have) and status.
pub async fn grid_subject(
    store: &Store,
    project: &Project,
    params: &crate::domain::feedback::params::FeedbackParams,
) -> AppResult<GridSubject> {
    let type_id = match params.type_name.as_deref() {
        Some(name) => Some(type_named(store, project, name).await?.id),
        None => None,
    };
    Ok(GridSubject::Tickets { type_id, status: params.status })
}
