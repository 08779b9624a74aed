//! One module per area of the navigation.

mod community;
mod login;
mod project_users;
mod projects;
mod team;

pub use community::{ApiKeysPage, CommunityReportsPage, StaffPage};
pub use login::{LoginPage, NotFoundPage};
pub use project_users::{AddUserPage, ImportUsersPage, ProjectUsersPage};
pub use projects::{CustomReportsPage, ProjectHome, ProjectsPage, UserAutomationPage};
pub use team::ProjectTeamPage;
