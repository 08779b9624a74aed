//! `/api/v1/projects/{project}/team`: the staff on a project's team (distributions can be
//! sent to whole teams).

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::JsonBody;
use super::openapi::ErrorBody;
use super::responses::{Invalid, KeyedBodyErrors, KeyedErrors, NotFound};
use super::schemas;
use super::url::Path;
use crate::domain::staff::Staff;
use crate::server::auth::ApiCaller;
use crate::server::error::AppResult;
use crate::server::service::{access, projects};
use crate::server::startup::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamMember {
    pub email: String,
    pub name: String,
    /// community_manager or project_manager.
    pub role: String,
}

impl From<Staff> for TeamMember {
    fn from(staff: Staff) -> Self {
        Self { email: staff.email, name: staff.name, role: staff.role.as_str().to_string() }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamBody {
    /// By name.
    pub team: Vec<TeamMember>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"staff": ["pm@example.com"]})))]
pub struct TeamChange {
    /// The whole team: staff members' addresses (those left out leave the team).
    #[schema(schema_with = schemas::staff_emails)]
    pub staff: Vec<String>,
}

/// Show the project's team.
#[utoipa::path(get, path = "/api/v1/projects/{project}/team", operation_id = "showTeam", tag = "Distributions",
    params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedErrors, NotFound, (status = 200, body = TeamBody)))]
pub async fn show(State(state): State<AppState>, _caller: ApiCaller, Path(slug): Path<String>) -> AppResult<Json<TeamBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let team = state.store.project_team(project.id).await?;
    Ok(Json(TeamBody { team: team.into_iter().map(Into::into).collect() }))
}

/// Set the project's team.
#[utoipa::path(put, path = "/api/v1/projects/{project}/team", operation_id = "setTeam", request_body = TeamChange,
    tag = "Distributions", params(("project" = String, Path, description = "project slug")), security(("api_key" = [])),
    responses(KeyedBodyErrors, NotFound, Invalid, (status = 200, body = TeamBody, description = "the team as it is now"),
        (status = 422, body = ErrorBody, description = "`staff[i]`: an address that is no staff member's")))]
pub async fn set(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<TeamChange>,
) -> AppResult<Json<TeamBody>> {
    let project = access::existing_project(&state.store, &slug).await?;
    let team = projects::set_team(&state.store, &project, &body.staff).await?;
    Ok(Json(TeamBody { team: team.into_iter().map(Into::into).collect() }))
}
