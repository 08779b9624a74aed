//! `/api/v1/projects`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::JsonBody;
use super::responses::{Conflict, Invalid, KeyedBodyErrors, KeyedErrors};
use super::schemas;
use crate::domain::project::Project;
use crate::server::auth::ApiCaller;
use crate::server::error::AppResult;
use crate::server::service::projects;
use crate::server::startup::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Aurora beta", "slug": "aurora-beta"})))]
pub struct NewProject {
    /// Display name, e.g. "Aurora beta".
    #[schema(schema_with = schemas::project_name)]
    pub name: String,
    /// URL name: 2–48 of a-z, 0-9 and '-', not at either end. Suggested from the name when
    /// omitted.
    #[serde(default)]
    #[schema(schema_with = schemas::optional_slug, required = false)]
    pub slug: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectBody {
    pub slug: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub member_count: i64,
}

impl From<Project> for ProjectBody {
    fn from(project: Project) -> Self {
        Self { slug: project.slug, name: project.name, created_at: project.created_at, member_count: project.member_count }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectList {
    pub projects: Vec<ProjectBody>,
}

/// Create a project.
#[utoipa::path(post, path = "/api/v1/projects", operation_id = "createProject", request_body = NewProject, tag = "Projects",
    security(("api_key" = [])),
    responses(KeyedBodyErrors, Invalid, Conflict, (status = 201, body = ProjectBody),
        (status = 409, body = super::openapi::ErrorBody, description = "the slug is taken")))]
pub async fn create(
    State(state): State<AppState>,
    _caller: ApiCaller,
    JsonBody(body): JsonBody<NewProject>,
) -> AppResult<(StatusCode, Json<ProjectBody>)> {
    let project = projects::create_project(&state.store, &body.name, body.slug.as_deref(), None).await?;
    Ok((StatusCode::CREATED, Json(project.into())))
}

/// List the community's projects.
#[utoipa::path(get, path = "/api/v1/projects", operation_id = "listProjects", tag = "Projects", security(("api_key" = [])),
    responses(KeyedErrors, (status = 200, body = ProjectList)))]
pub async fn list(State(state): State<AppState>, _caller: ApiCaller) -> AppResult<Json<ProjectList>> {
    let projects = state.store.list_projects(None).await?;
    Ok(Json(ProjectList { projects: projects.into_iter().map(Into::into).collect() }))
}
