//! One module per area of the navigation.

mod automation;
mod community;
mod distribution_form;
mod distributions;
mod feedback;
mod listener_edit;
mod listener_gate;
mod login;
mod outbox;
mod project_users;
mod projects;
mod report_builder;
mod reports;
mod saved_choices;
mod team;
mod ticket;
mod user_summary;
mod users_grid;

pub use automation::{ListenerDetailPage, NewListenerPage, UserAutomationPage};
pub use community::{ApiKeysPage, StaffPage};
pub use distribution_form::ReportDistributionsPage;
pub use distributions::{DistributionPage, DistributionsPage};
pub use feedback::{FeedbackPage, NewFeedbackPage};
pub use listener_edit::EditListenerPage;
pub use login::{LoginPage, NotFoundPage};
pub use outbox::{OutboxMessagePage, OutboxPage};
pub use project_users::{AddUserPage, ImportUsersPage};
pub use projects::{ProjectHome, ProjectsPage};
pub use report_builder::ReportBuilderPage;
pub use reports::{ReportPage, ReportsPage};
pub use saved_choices::{FeedbackFilterPage, FeedbackViewPage, FilterPage, ViewPage};
pub use team::ProjectTeamPage;
pub use ticket::TicketPage;
pub use user_summary::UserSummaryPage;
pub use users_grid::ProjectUsersPage;
