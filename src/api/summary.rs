//! The user summary page's data: every data group with the user's values and a page of the
//! history of changes, with each value and time already written in the viewer's time zone
//! (the server knows it from the `inlet_tz` cookie; see `server::timezone`), so the server's
//! HTML, the hydrated page and a page without JavaScript all read the same.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::UiError;
use crate::domain::fields::FieldType;
use crate::domain::table::Cell;
use crate::domain::user::ProjectUser;
use crate::domain::Page;

/// How many changes the summary shows at a time.
pub const CHANGES_PER_PAGE: u32 = 25;

/// A value and the text people read for it (`yes`/`no`, a number, a time in their zone, `—`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownValue {
    pub cell: Cell,
    pub text: String,
}

/// A time and how it reads in the viewer's zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownTime {
    pub at: DateTime<Utc>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownField {
    pub field: String,
    pub field_type: FieldType,
    pub value: ShownValue,
    pub updated_at: Option<ShownTime>,
    /// Whether changes of this field are recorded (the project's fields; not the built-in ones).
    pub has_history: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownGroup {
    pub data_group: String,
    pub values: Vec<ShownField>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownChange {
    pub data_group: String,
    pub field: String,
    pub old: ShownValue,
    pub new: ShownValue,
    pub changed_at: ShownTime,
    pub delivery_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserSummary {
    pub user: ProjectUser,
    /// The zone times are written in: an IANA name, or `UTC` when the browser has not said.
    pub time_zone: String,
    pub groups: Vec<ShownGroup>,
    /// A page of changes, newest first (of one field when the page asked for one).
    pub history: Page<ShownChange>,
    /// The field the history is limited to: (data group, field).
    pub history_of: Option<(String, String)>,
    /// The feedback the user sent in the project, newest first (the latest ones).
    pub tickets: Vec<super::feedback::TicketLine>,
}

/// The summary of `user` (an email or username) in the project `slug`, with page `page` of
/// the history of all fields, or of one (`group` and `field` name it).
#[server(prefix = "/fn")]
pub async fn load_user_summary(
    slug: String,
    user: String,
    page: Option<u32>,
    group: Option<String>,
    field: Option<String>,
) -> Result<UserSummary, UiError> {
    use crate::domain::PageRequest;
    use crate::server::service::{access, users};
    use crate::server::timezone::{self, ViewerZone};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let found = users::existing_user(&state.store, &project, &user).await.map_err(|e| {
        let error = UiError::from(e);
        super::context::set_status(&error);
        error
    })?;
    let zone = ViewerZone::named(super::context::cookie(timezone::COOKIE).as_deref());
    let value = |cell: Cell| ShownValue { text: zone.cell(&cell), cell };
    let time = |at: DateTime<Utc>| ShownTime { text: zone.time(&at), at };

    let history_of = group.zip(field).filter(|(g, f)| !g.trim().is_empty() && !f.trim().is_empty());
    let one_field = history_of.as_ref().map(|(g, f)| (g.as_str(), f.as_str()));
    let request = PageRequest::new(page, Some(CHANGES_PER_PAGE));
    let changes = users::history(&state.store, &project, &found, one_field, request).await?;
    let groups = shown_groups(users::data_groups(&state.store, &project, &found).await?, &zone);
    let tickets =
        crate::server::service::feedback::user_tickets(&state.store, &project, &found, PageRequest::new(None, Some(50)))
            .await?
            .items
            .into_iter()
            .map(|ticket| super::feedback::TicketLine::new(ticket, &zone))
            .collect();
    let history = Page {
        items: changes
            .items
            .into_iter()
            .map(|c| ShownChange {
                data_group: c.data_group,
                field: c.field,
                old: value(c.old),
                new: value(c.new),
                changed_at: time(c.changed_at),
                delivery_id: c.delivery_id,
            })
            .collect(),
        total: changes.total,
        page: changes.page,
        per_page: changes.per_page,
    };
    Ok(UserSummary { user: found, time_zone: zone.name().to_string(), groups, history, history_of, tickets })
}

/// Data groups and their values as the viewer reads them (the summary, the ticket page).
#[cfg(feature = "ssr")]
pub(crate) fn shown_groups(
    groups: Vec<crate::domain::summary::SummaryGroup>,
    zone: &crate::server::timezone::ViewerZone,
) -> Vec<ShownGroup> {
    groups
        .into_iter()
        .map(|group| {
            let has_history = crate::domain::filter::builtin_group(&group.data_group).is_none();
            ShownGroup {
                values: group
                    .values
                    .into_iter()
                    .map(|v| ShownField {
                        field: v.field,
                        field_type: v.field_type,
                        value: ShownValue { text: zone.cell(&v.value), cell: v.value },
                        updated_at: v.updated_at.map(|at| ShownTime { text: zone.time(&at), at }),
                        has_history,
                    })
                    .collect(),
                data_group: group.data_group,
            }
        })
        .collect()
}
