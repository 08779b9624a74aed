//! Management › Feedback: the feedback grid, a ticket on a user's behalf, the ticket page and
//! its comment and status controls. Each function finds the caller's project and calls
//! `service::feedback` (or `service::grid` for the grid); times come written in the viewer's
//! zone, as on the user summary.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::grid::FilterChoice;
use super::summary::{ShownGroup, ShownTime};
use super::UiError;
use crate::domain::feedback::params::FeedbackParams;
use crate::domain::feedback::{ActivityKind, FeedbackType, TicketStatus};
use crate::domain::grid::{GridPage, SavedView};
use crate::domain::user::ProjectUser;

/// What the feedback page's entries and drop-downs offer: the project's feedback filters and
/// views, and its users' ones, which pick tickets by their submitters (a users' view shows
/// after the ticket's Type, Title and Status).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackChoices {
    pub types: Vec<FeedbackType>,
    pub filters: Vec<FilterChoice>,
    pub views: Vec<SavedView>,
    pub user_filters: Vec<FilterChoice>,
    pub user_views: Vec<SavedView>,
}

impl FeedbackChoices {
    /// The saved filter with this id, of either subject.
    pub fn filter(&self, id: i64) -> Option<&FilterChoice> {
        self.filters.iter().chain(&self.user_filters).find(|f| f.saved.id == id)
    }

    /// The saved view with this id, of either subject.
    pub fn view(&self, id: i64) -> Option<&SavedView> {
        self.views.iter().chain(&self.user_views).find(|v| v.id == id)
    }
}

/// A ticket in a list (the user summary).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketLine {
    pub id: i64,
    pub type_name: String,
    pub title: String,
    pub status: TicketStatus,
    pub created_at: ShownTime,
}

#[cfg(feature = "ssr")]
impl TicketLine {
    pub(crate) fn new(ticket: crate::domain::feedback::Ticket, zone: &crate::server::timezone::ViewerZone) -> Self {
        Self {
            id: ticket.id,
            type_name: ticket.type_name,
            title: ticket.title,
            status: ticket.status,
            created_at: ShownTime { text: zone.time(&ticket.created_at), at: ticket.created_at },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownActivity {
    pub id: i64,
    pub author: Option<String>,
    pub at: ShownTime,
    pub kind: ActivityKind,
}

/// Everything the ticket page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketView {
    pub id: i64,
    pub type_name: String,
    pub title: String,
    /// Plain text, shown as text.
    pub description: String,
    pub status: TicketStatus,
    pub delivery_id: Option<i64>,
    pub created_at: ShownTime,
    pub updated_at: ShownTime,
    pub activity: Vec<ShownActivity>,
    /// The submitter's account and participation, and every data group's current values;
    /// `None` when they are no longer a user of the project.
    pub submitter: Option<(ProjectUser, Vec<ShownGroup>)>,
    /// The submitter as the ticket names them (always there).
    pub submitter_email: String,
    pub time_zone: String,
}

#[cfg(feature = "ssr")]
async fn project(slug: &str) -> Result<(crate::domain::project::Project, crate::domain::staff::Staff), UiError> {
    let state = super::context::state();
    let staff = super::context::staff().await?;
    Ok((crate::server::service::access::project_for(&state.store, &staff, slug).await?, staff))
}

#[server(prefix = "/fn")]
pub async fn load_feedback_choices(slug: String) -> Result<FeedbackChoices, UiError> {
    use super::grid::filter_choices;
    use crate::domain::grid::SavedSubject;
    use crate::server::service::{feedback, saved};
    let store = &super::context::state().store;
    let (project, _) = project(&slug).await?;
    let schema = feedback::schema(store, &project).await?;
    Ok(FeedbackChoices {
        types: feedback::types(store, &project).await?,
        filters: filter_choices(saved::list_filters(store, &project, SavedSubject::Feedback).await?, &schema),
        views: saved::list_views(store, &project, SavedSubject::Feedback).await?,
        user_filters: filter_choices(saved::list_filters(store, &project, SavedSubject::Users).await?, &schema),
        user_views: saved::list_views(store, &project, SavedSubject::Users).await?,
    })
}

/// One page of the feedback grid, as the page's URL describes it.
#[server(prefix = "/fn")]
pub async fn feedback_grid(slug: String, params: FeedbackParams) -> Result<GridPage, UiError> {
    let store = &super::context::state().store;
    let (project, _) = project(&slug).await?;
    let page = async {
        let subject = crate::server::service::feedback::grid_subject(store, &project, &params).await?;
        crate::server::service::grid::grid_for(store, &project, subject, &params.grid.request()).await
    }
    .await
    .map_err(UiError::from);
    if let Err(error) = &page {
        super::context::set_status(error);
    }
    page
}

/// Creates a ticket on a user's behalf, then opens it.
#[server(prefix = "/fn")]
pub async fn create_ticket(
    slug: String,
    submitter: String,
    type_name: String,
    title: String,
    #[server(default)] description: String,
) -> Result<i64, UiError> {
    let store = &super::context::state().store;
    let (project, _) = project(&slug).await?;
    let ticket =
        crate::server::service::feedback::create_ticket(store, &project, &submitter, &type_name, &title, &description).await?;
    leptos_axum::redirect(&format!("/p/{}/feedback/{}", project.slug, ticket.id));
    Ok(ticket.id)
}

#[server(prefix = "/fn")]
pub async fn load_ticket(slug: String, id: i64) -> Result<TicketView, UiError> {
    use crate::server::service::feedback;
    use crate::server::timezone::{self, ViewerZone};
    let store = &super::context::state().store;
    let (project, _) = project(&slug).await?;
    let ticket = feedback::ticket(store, &project, id).await.map_err(|e| {
        let error = UiError::from(e);
        super::context::set_status(&error);
        error
    })?;
    let zone = ViewerZone::named(super::context::cookie(timezone::COOKIE).as_deref());
    let time = |at: chrono::DateTime<chrono::Utc>| ShownTime { text: zone.time(&at), at };
    let activity = feedback::activity(store, &ticket)
        .await?
        .into_iter()
        .map(|a| ShownActivity { id: a.id, author: a.author, at: time(a.at), kind: a.kind })
        .collect();
    let submitter = feedback::submitter_panel(store, &project, &ticket)
        .await?
        .map(|(user, groups)| (user, super::summary::shown_groups(groups, &zone)));
    Ok(TicketView {
        id: ticket.id,
        type_name: ticket.type_name,
        title: ticket.title,
        description: ticket.description,
        status: ticket.status,
        delivery_id: ticket.delivery_id,
        created_at: time(ticket.created_at),
        updated_at: time(ticket.updated_at),
        activity,
        submitter,
        submitter_email: ticket.submitter.email,
        time_zone: zone.name().to_string(),
    })
}

/// Adds a staff comment to a ticket, then shows the ticket again.
#[server(prefix = "/fn")]
pub async fn comment_on_ticket(slug: String, id: i64, text: String) -> Result<i64, UiError> {
    let store = &super::context::state().store;
    let (project, staff) = project(&slug).await?;
    let activity = crate::server::service::feedback::comment(store, &project, id, Some(staff.id), &text).await?;
    if super::context::is_plain_form_post() {
        leptos_axum::redirect(&format!("/p/{}/feedback/{id}", project.slug));
    }
    Ok(activity.id)
}

/// Changes a ticket's status (kept in its activity), then shows the ticket again.
#[server(prefix = "/fn")]
pub async fn set_ticket_status(slug: String, id: i64, status: String) -> Result<TicketStatus, UiError> {
    let store = &super::context::state().store;
    let (project, staff) = project(&slug).await?;
    let ticket =
        crate::server::service::feedback::update_ticket(store, &project, id, None, None, None, Some(&status), Some(staff.id))
            .await?;
    if super::context::is_plain_form_post() {
        leptos_axum::redirect(&format!("/p/{}/feedback/{id}", project.slug));
    }
    Ok(ticket.status)
}
