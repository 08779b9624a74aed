//! A listener's gate (only users matching its filter are updated) and signing secret, as its
//! page shows and changes them.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::UiError;
use crate::domain::filter::{CriterionRow, Filter, SchemaField};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateView {
    /// The fields a criterion may name: built-in ones, then the project's.
    pub schema: Vec<SchemaField>,
    /// The gate as stored; `None`: every user.
    pub filter: Option<Filter>,
    /// The gate in words, e.g. `Plan is "pro" and Seats ≥ 5`.
    pub description: Option<String>,
    /// Why the gate no longer fits the project's fields (deliveries get 409 until fixed).
    pub broken: Option<String>,
    /// The signing secret in plain text, for staff configuring the sender.
    pub signing_secret: Option<String>,
    /// Whether the installation can seal secrets (INLET_SECRET_KEY is set).
    pub can_sign: bool,
}

#[server(prefix = "/fn")]
pub async fn load_listener_gate(slug: String, key: String) -> Result<GateView, UiError> {
    use crate::domain::listener::project_schema;
    use crate::server::service::{access, listeners, signing};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let listener = listeners::existing_listener(&state.store, &project, &key).await?;
    let schema = project_schema(&state.store.project_fields(project.id).await?);
    let checked = listener.filter.clone().map(|filter| filter.check(&schema));
    let (description, broken) = match checked {
        None => (None, None),
        Some(Ok(gate)) => (Some(gate.describe()), None),
        Some(Err(problems)) => (None, Some(problems.into_iter().map(|p| p.message).collect::<Vec<_>>().join("; "))),
    };
    let signing_secret = signing::reveal_signing_secret(&state.store, state.secret_key.as_ref(), &listener).await?;
    Ok(GateView { schema, filter: listener.filter, description, broken, signing_secret, can_sign: state.secret_key.is_some() })
}

/// Sets the gate from the form's rows (all blank: no gate); errors land on their rows.
#[server(prefix = "/fn")]
pub async fn set_listener_filter(
    slug: String,
    key: String,
    combine: String,
    criteria: Vec<CriterionRow>,
) -> Result<String, UiError> {
    use crate::domain::filter::errors_at_rows;
    use crate::domain::listener::ListenerChanges;
    use crate::server::error::AppError;
    use crate::server::service::{access, listeners};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let built = Filter::from_rows(&combine, &criteria).map_err(UiError::Invalid)?;
    let (filter, origin) = built.map_or((None, Vec::new()), |(filter, origin)| (Some(filter), origin));
    let changes = ListenerChanges { filter: Some(filter), ..Default::default() };
    let listener =
        listeners::update_listener(&state.store, state.secret_key.as_ref(), &project, &key, changes).await.map_err(|error| {
            match error {
                AppError::Invalid(errors) => UiError::Invalid(errors_at_rows(errors, &origin)),
                other => other.into(),
            }
        })?;
    Ok(if listener.filter.is_some() { "Filter saved.".into() } else { "Filter removed: every user is updated.".into() })
}

/// Makes the listener require signatures with a new generated secret, or stop requiring them.
#[server(prefix = "/fn")]
pub async fn set_listener_signing(slug: String, key: String, require: bool) -> Result<bool, UiError> {
    use crate::server::service::{access, listeners, signing};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let listener = listeners::existing_listener(&state.store, &project, &key).await?;
    if require {
        signing::set_signing_secret(&state.store, state.secret_key.as_ref(), &listener, None).await?;
    } else {
        signing::remove_signing_secret(&state.store, &listener).await?;
    }
    Ok(require)
}
