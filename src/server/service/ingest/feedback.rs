//! What a request to a Create feedback listener asks of the ticket it opens: read through the
//! listener's mapping and checked here, then written by the delivery writer with the delivery.

use serde_json::{Map, Value as Json};

use crate::domain::feedback::{find_type, FeedbackMapping};
use crate::domain::project::Project;
use crate::server::startup::AppState;
use crate::server::store::{self, TicketForRecord};

/// Problems, each as (parameter, reason), in the shape of the values' problems.
type Problems = Vec<(String, String)>;

/// The ticket the request asks for, with the top-level members that fed it; or every reason
/// it cannot be opened (no title, a type the project has not, or has retired).
pub(super) async fn read_ticket(
    state: &AppState,
    project: &Project,
    mapping: &FeedbackMapping,
    object: &Map<String, Json>,
) -> Result<Result<(TicketForRecord, Vec<String>), Problems>, store::Error> {
    let requested = match mapping.read(object) {
        Ok(requested) => requested,
        Err(problems) => return Ok(Err(problems)),
    };
    let types = state.store.feedback_types(project.id).await?;
    let at = mapping.type_parameter.as_deref().unwrap_or("type");
    match find_type(&types, &requested.type_name, at) {
        Ok(kind) => Ok(Ok((
            TicketForRecord {
                project_id: project.id,
                type_id: kind.id,
                title: requested.title,
                description: requested.description,
            },
            requested.used,
        ))),
        Err(error) => Ok(Err(vec![(at.to_string(), error.message)])),
    }
}
