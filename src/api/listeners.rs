//! User automation: external listeners of a project, their deliveries, and a user's data.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::UiError;
use crate::domain::fields::FieldType;
use crate::domain::listener::{Delivery, Listener};
use crate::domain::user::ProjectUser;

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListenerPage {
    pub listener: Listener,
    pub endpoint_url: String,
    pub deliveries: Vec<Delivery>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueRow {
    pub label: String,
    pub field_type: FieldType,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupValues {
    pub data_group: String,
    pub values: Vec<ValueRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeRow {
    pub label: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub changed_at: DateTime<Utc>,
    pub delivery_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserSummary {
    pub user: ProjectUser,
    pub groups: Vec<GroupValues>,
    pub history: Vec<ChangeRow>,
}

#[server(prefix = "/fn")]
pub async fn list_listeners(slug: String) -> Result<Vec<Listener>, UiError> {
    use crate::server::service::access;
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    Ok(state.store.list_listeners(project.id).await?)
}

#[server(prefix = "/fn")]
pub async fn create_listener(
    slug: String,
    name: String,
    key: String,
    data_group: String,
    identify_by: String,
    unknown_user: String,
    fields: Vec<FieldRow>,
) -> Result<String, UiError> {
    use crate::domain::listener::FieldMapping;
    use crate::domain::ValidationError;
    use crate::server::service::{access, listeners};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let mut mappings = Vec::new();
    for (index, row) in
        fields.into_iter().enumerate().filter(|(_, r)| !(r.label.trim().is_empty() && r.parameter.trim().is_empty()))
    {
        let field_type = FieldType::parse(&row.field_type)
            .ok_or_else(|| UiError::Invalid(vec![ValidationError::new(&format!("fields[{index}].type"), "choose a type")]))?;
        mappings.push(FieldMapping { label: row.label, parameter: row.parameter, field_type });
    }
    let input = listeners::ListenerInput {
        name: &name,
        key: &key,
        data_group: &data_group,
        identify_by: &identify_by,
        unknown_user: &unknown_user,
        fields: mappings,
        sealed_signing_secret: None,
        filter: None,
    };
    let listener = listeners::create_listener(&state.store, &project, input).await?;
    leptos_axum::redirect(&format!("/p/{}/automation/{}", project.slug, listener.key));
    Ok(listener.key)
}

#[server(prefix = "/fn")]
pub async fn load_listener_page(slug: String, key: String) -> Result<ListenerPage, UiError> {
    use crate::server::service::{access, listeners};
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let listener = listeners::existing_listener(&state.store, &project, &key).await.map_err(|e| {
        let error = UiError::from(e);
        super::context::set_status(&error);
        error
    })?;
    let deliveries = state.store.deliveries(listener.id, 25).await?;
    let endpoint_url = listeners::endpoint_url(&state.base_url, &project, &listener);
    Ok(ListenerPage { listener, endpoint_url, deliveries })
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

#[server(prefix = "/fn")]
pub async fn load_user_summary(slug: String, user: String) -> Result<UserSummary, UiError> {
    use crate::domain::user::UserRef;
    use crate::server::service::access;
    let state = super::context::state();
    let staff = super::context::staff().await?;
    let project = access::project_for(&state.store, &staff, &slug).await?;
    let not_found = || UiError::NotFound(format!("there is no user '{user}' in this project"));
    let user_ref = UserRef::parse(&user).map_err(|_| not_found())?;
    let found = state.store.find_project_user(project.id, &user_ref).await?.ok_or_else(not_found)?;
    let fields = state.store.project_fields(project.id).await?;
    let values = state.store.user_values(found.id).await?;
    let mut groups: Vec<GroupValues> = Vec::new();
    for field in &fields {
        let value = values.iter().find(|(id, _)| *id == field.field_id).map(|(_, v)| v.to_string());
        let row = ValueRow { label: field.label.clone(), field_type: field.field_type, value };
        match groups.last_mut() {
            Some(group) if group.data_group == field.data_group => group.values.push(row),
            _ => groups.push(GroupValues { data_group: field.data_group.clone(), values: vec![row] }),
        }
    }
    let label_of = |id: i64| fields.iter().find(|f| f.field_id == id).map(|f| f.label.clone()).unwrap_or_default();
    let history = state
        .store
        .value_history(found.id)
        .await?
        .into_iter()
        .map(|h| ChangeRow {
            label: label_of(h.field_id),
            old_value: h.old_value.map(|v| v.to_string()),
            new_value: h.new_value.map(|v| v.to_string()),
            changed_at: h.changed_at,
            delivery_id: h.delivery_id,
        })
        .collect();
    Ok(UserSummary { user: found, groups, history })
}
