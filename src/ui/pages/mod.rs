//! One module per area of the navigation.

mod automation;
mod community;
mod listener_edit;
mod listener_gate;
mod login;
mod outbox;
mod project_users;
mod projects;
mod team;
mod user_summary;

pub use automation::{ListenerDetailPage, NewListenerPage, UserAutomationPage};
pub use community::{ApiKeysPage, CommunityReportsPage, StaffPage};
pub use listener_edit::EditListenerPage;
pub use login::{LoginPage, NotFoundPage};
pub use outbox::{OutboxMessagePage, OutboxPage};
pub use project_users::{AddUserPage, ImportUsersPage, ProjectUsersPage};
pub use projects::{CustomReportsPage, ProjectHome, ProjectsPage};
pub use team::ProjectTeamPage;
pub use user_summary::UserSummaryPage;
