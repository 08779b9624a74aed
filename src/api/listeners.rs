//! User automation: external listeners of a project and their deliveries.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::UiError;
use crate::domain::fields::FieldType;
use crate::domain::listener::{Delivery, DeliveryQuery, FieldChange, Listener};

/// One row of the field table in the create form; blank rows are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FieldRow {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub parameter: String,
    #[serde(default, rename = "type")]
    pub field_type: String,
}

/// One row of the field table in the edit form. A row of a mapping the listener has carries
/// its field's id (hidden) and no type (the type cannot change); a ticked Remove box unmaps
/// the row; new rows left blank are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct EditFieldRow {
    #[serde(default)]
    pub field_id: Option<i64>,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub parameter: String,
    #[serde(default, rename = "type")]
    pub field_type: String,
    /// Present when the row's Remove box is ticked.
    #[serde(default)]
    pub remove: Option<String>,
}

/// The rows a listener edit is made of, and for each the form row it came from (so errors,
/// which index the list, can be shown on their row). An unknown type is left out for the
/// edit's own check to report.
pub fn field_changes(rows: Vec<EditFieldRow>) -> (Vec<FieldChange>, Vec<usize>) {
    rows.into_iter()
        .enumerate()
        .filter(|(_, row)| {
            let blank_new = row.field_id.is_none() && row.label.trim().is_empty() && row.parameter.trim().is_empty();
            row.remove.is_none() && !blank_new
        })
        .map(|(index, row)| {
            let field_type = row.field_id.is_none().then(|| FieldType::parse(&row.field_type)).flatten();
            (FieldChange { field_id: row.field_id, label: row.label, parameter: row.parameter, field_type }, index)
        })
        .unzip()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListenerPage {
    pub listener: Listener,
    pub endpoint_url: String,
    /// A page of deliveries, newest first, as the page's query asked.
    pub deliveries: Vec<Delivery>,
    /// The page of deliveries shown: the page's query, or the latest ones when it was bad.
    pub query: DeliveryQuery,
    /// Why the page's query was set aside.
    pub query_problem: Option<String>,
}

/// How many deliveries the listener page shows at a time.
pub const DELIVERIES_PER_PAGE: u32 = 25;

#[server(prefix = "/fn")]
pub async fn list_listeners(slug: String) -> Result<Vec<Listener>, UiError> {
    use crate::server::service::access;
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    Ok(state.store.list_listeners(project.id).await?)
}

// One argument per field of the create form.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn")]
pub async fn create_listener(
    slug: String,
    name: String,
    key: String,
    data_group: String,
    identify_by: String,
    unknown_user: String,
    fields: Vec<FieldRow>,
    #[server(default)] combine: String,
    #[server(default)] criteria: Vec<crate::domain::filter::CriterionRow>,
    #[server(default)] listener_type: String,
    #[server(default)] feedback_title: String,
    #[server(default)] feedback_description: String,
    #[server(default)] feedback_type_parameter: String,
    #[server(default)] feedback_default_type: String,
) -> Result<String, UiError> {
    use crate::domain::filter::{self, Filter};
    use crate::domain::listener::{self, FieldMapping};
    use crate::domain::ValidationError;
    use crate::server::error::AppError;
    use crate::server::service::{access, listeners};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let mut mappings = Vec::new();
    let mut rows = Vec::new();
    for (index, row) in
        fields.into_iter().enumerate().filter(|(_, r)| !(r.label.trim().is_empty() && r.parameter.trim().is_empty()))
    {
        let field_type = FieldType::parse(&row.field_type)
            .ok_or_else(|| UiError::Invalid(vec![ValidationError::new(&format!("fields[{index}].type"), "choose a type")]))?;
        mappings.push(FieldMapping { label: row.label, parameter: row.parameter, field_type });
        rows.push(index);
    }
    let gate = Filter::from_rows(&combine, &criteria).map_err(UiError::Invalid)?;
    let (gate, origin) = gate.map_or((None, Vec::new()), |(gate, origin)| (Some(gate), origin));
    let input = listeners::ListenerInput {
        name: &name,
        key: &key,
        data_group: &data_group,
        identify_by: &identify_by,
        unknown_user: &unknown_user,
        fields: mappings,
        sealed_signing_secret: None,
        filter: gate,
        feedback: (listener_type == "create_feedback").then(|| listeners::FeedbackInput {
            title: &feedback_title,
            description: Some(feedback_description.as_str()),
            type_parameter: Some(feedback_type_parameter.as_str()),
            default_type: &feedback_default_type,
        }),
    };
    // Errors index the submitted lists; show them on the form rows they came from.
    let listener = listeners::create_listener(&state.store, &project, input).await.map_err(|error| match error {
        AppError::Invalid(errors) => UiError::Invalid(filter::errors_at_rows(listener::errors_at_rows(errors, &rows), &origin)),
        other => other.into(),
    })?;
    leptos_axum::redirect(&format!("/p/{}/automation/{}", project.slug, listener.key));
    Ok(listener.key)
}

/// What a filter in the project may name (built-in fields, then the project's).
#[server(prefix = "/fn")]
pub async fn load_filter_schema(slug: String) -> Result<Vec<crate::domain::filter::SchemaField>, UiError> {
    use crate::server::service::access;
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    Ok(crate::domain::listener::project_schema(&state.store.project_fields(project.id).await?))
}

/// Deletes a listener and its deliveries (the data group and stored values stay), then goes
/// back to the project's listeners.
#[server(prefix = "/fn")]
pub async fn delete_listener(slug: String, key: String) -> Result<(), UiError> {
    use crate::server::service::{access, listeners};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let listener = listeners::existing_listener(&state.store, &project, &key).await?;
    state.store.delete_listener(listener.id).await?;
    leptos_axum::redirect(&format!("/p/{}/automation", project.slug));
    Ok(())
}

/// The listener and a page of its deliveries: `outcome` (accepted or rejected) and `before` (a
/// delivery id) come from the page's query string, as the management API takes them.
#[server(prefix = "/fn")]
pub async fn load_listener_page(
    slug: String,
    key: String,
    outcome: Option<String>,
    before: Option<String>,
) -> Result<ListenerPage, UiError> {
    use crate::server::service::{access, listeners};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let listener = listeners::existing_listener(&state.store, &project, &key).await.map_err(|e| {
        let error = UiError::from(e);
        super::context::set_status(&error);
        error
    })?;
    let (query, query_problem) = match DeliveryQuery::parse(outcome.as_deref(), before.as_deref(), None) {
        Ok(query) => (DeliveryQuery { limit: DELIVERIES_PER_PAGE, ..query }, None),
        Err(errors) => {
            let why = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ");
            (DeliveryQuery::latest(DELIVERIES_PER_PAGE), Some(why))
        }
    };
    let deliveries = state.store.deliveries(listener.id, &query).await?;
    let endpoint_url = listeners::endpoint_url(&state.base_url, &project, &listener);
    Ok(ListenerPage { listener, endpoint_url, deliveries, query, query_problem })
}

#[server(prefix = "/fn")]
pub async fn load_listener(slug: String, key: String) -> Result<Listener, UiError> {
    use crate::server::service::{access, listeners};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    listeners::existing_listener(&state.store, &project, &key).await.map_err(|e| {
        let error = UiError::from(e);
        super::context::set_status(&error);
        error
    })
}

#[server(prefix = "/fn")]
pub async fn update_listener(
    slug: String,
    key: String,
    name: String,
    unknown_user: String,
    fields: Vec<EditFieldRow>,
) -> Result<String, UiError> {
    use crate::domain::listener::{errors_at_rows, ListenerChanges};
    use crate::server::error::AppError;
    use crate::server::service::{access, listeners};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let (fields, rows) = field_changes(fields);
    let changes =
        ListenerChanges { name: Some(name), unknown_user: Some(unknown_user), fields: Some(fields), ..Default::default() };
    let listener =
        listeners::update_listener(&state.store, state.secret_key.as_ref(), &project, &key, changes).await.map_err(|error| {
            match error {
                AppError::Invalid(errors) => UiError::Invalid(errors_at_rows(errors, &rows)),
                other => other.into(),
            }
        })?;
    leptos_axum::redirect(&format!("/p/{}/automation/{}", project.slug, listener.key));
    Ok(listener.key)
}

/// Replays a recorded delivery against the listener as it is now; returns the status the
/// replay got (it is recorded as a new delivery).
#[server(prefix = "/fn")]
pub async fn replay_delivery(slug: String, key: String, delivery: i64) -> Result<u16, UiError> {
    use crate::server::service::{access, ingest, listeners};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let listener = listeners::existing_listener(&state.store, &project, &key).await?;
    let response = ingest::replay(&state, &project, &listener, delivery)
        .await?
        .ok_or_else(|| UiError::NotFound(format!("listener '{key}' has no delivery {delivery}")))?;
    Ok(response.status.as_u16())
}

#[server(prefix = "/fn")]
pub async fn set_listener_enabled(slug: String, key: String, enabled: bool) -> Result<(), UiError> {
    use crate::server::service::{access, listeners};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let listener = listeners::existing_listener(&state.store, &project, &key).await?;
    Ok(state.store.set_listener_enabled(listener.id, enabled).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(field_id: Option<i64>, label: &str, parameter: &str, field_type: &str, remove: bool) -> EditFieldRow {
        EditFieldRow {
            field_id,
            label: label.into(),
            parameter: parameter.into(),
            field_type: field_type.into(),
            remove: remove.then(|| "on".into()),
        }
    }

    #[test]
    fn removed_and_blank_new_rows_are_left_out_and_the_rest_remember_their_row() {
        let rows = vec![
            row(Some(1), "Plan", "plan", "", true),
            row(Some(2), "", "", "", false),
            row(None, "", " ", "string", false),
            row(None, "Churned", "churned", "boolean", false),
            row(None, "Odd", "odd", "float", false),
        ];
        let (changes, from_rows) = field_changes(rows);
        assert_eq!(from_rows, [1, 3, 4]);
        assert_eq!(changes[0], FieldChange { field_id: Some(2), label: "".into(), parameter: "".into(), field_type: None });
        assert_eq!(changes[1].field_type, Some(FieldType::Boolean));
        assert_eq!(changes[2].field_type, None, "an unknown type is reported by the edit's own check");
    }
}
