//! External listeners, the data groups and fields they feed.

use chrono::{DateTime, Utc};

use super::cache::Change;
use super::reports::follow_renames_in_reports;
use super::saved::follow_renames_in_saved;
use super::{conflict_on_unique, on_pool, BeginWrite, Error, Result, Store};
use crate::domain::feedback::FeedbackMapping;
use crate::domain::fields::FieldType;
use crate::domain::filter::{Criterion, Filter, Qualifier};
use crate::domain::listener::{
    same_label, FieldEdit, FieldMapping, GroupField, IdentifyBy, Listener, ListenerField, ListenerForCreate, ListenerForUpdate,
    ListenerType, UnknownUserPolicy,
};

#[derive(sqlx::FromRow)]
struct ListenerRow {
    id: i64,
    project_id: i64,
    key: String,
    name: String,
    data_group_id: i64,
    data_group: String,
    identify_by: String,
    unknown_user: String,
    enabled: bool,
    signed: bool,
    filter: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    listener_type: String,
    title_parameter: Option<String>,
    description_parameter: Option<String>,
    type_parameter: Option<String>,
    default_type: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ListenerFieldRow {
    listener_id: i64,
    field_id: i64,
    label: String,
    parameter: String,
    field_type: String,
}

impl ListenerRow {
    fn into_listener(self, fields: &[ListenerFieldRow]) -> Listener {
        Listener {
            id: self.id,
            project_id: self.project_id,
            key: self.key,
            name: self.name,
            // The CHECK constraint keeps the column to known types.
            listener_type: ListenerType::parse(&self.listener_type).unwrap_or_default(),
            data_group_id: self.data_group_id,
            data_group: self.data_group,
            // CHECK constraints keep these columns to known values.
            identify_by: IdentifyBy::parse(&self.identify_by).unwrap_or_default(),
            unknown_user: UnknownUserPolicy::parse(&self.unknown_user).unwrap_or_default(),
            enabled: self.enabled,
            signed: self.signed,
            filter: self.filter.as_deref().map(stored_filter),
            fields: fields
                .iter()
                .filter(|f| f.listener_id == self.id)
                .map(|f| ListenerField {
                    field_id: f.field_id,
                    label: f.label.clone(),
                    parameter: f.parameter.clone(),
                    field_type: FieldType::parse(&f.field_type).unwrap_or(FieldType::String),
                })
                .collect(),
            feedback: self.title_parameter.map(|title| FeedbackMapping {
                title,
                description: self.description_parameter,
                type_parameter: self.type_parameter,
                default_type: self.default_type.unwrap_or_default(),
            }),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// A stored gate. It was written from a checked filter, so it reads back; if it ever did not,
/// the gate names a group that cannot exist, so it fails its check and the listener refuses
/// deliveries (closed) instead of letting everyone through (open).
fn stored_filter(json: &str) -> Filter {
    serde_json::from_str(json).unwrap_or_else(|error| {
        tracing::error!(%error, "a listener's stored filter cannot be read");
        Filter {
            combine: Default::default(),
            criteria: vec![Criterion {
                data_group: "(unreadable filter)".into(),
                field: "(unreadable filter)".into(),
                qualifier: Qualifier::IsEmpty,
                value: None,
            }],
        }
    })
}

const LISTENER_SELECT: &str = "SELECT l.id, l.project_id, l.key, l.name, l.data_group_id, g.label AS data_group,
    l.identify_by, l.unknown_user, l.enabled, l.signing_secret IS NOT NULL AS signed, l.filter, l.created_at, l.updated_at,
    l.listener_type, fl.title_parameter, fl.description_parameter, fl.type_parameter, dt.name AS default_type
    FROM listeners l JOIN data_groups g ON g.id = l.data_group_id
    LEFT JOIN feedback_listeners fl ON fl.listener_id = l.id LEFT JOIN feedback_types dt ON dt.id = fl.default_type_id";

const FIELD_SELECT: &str = "SELECT lf.listener_id, f.id AS field_id, f.label, lf.parameter, f.field_type
    FROM listener_fields lf JOIN fields f ON f.id = lf.field_id JOIN listeners l ON l.id = lf.listener_id";

/// The id of the field labelled `$mapping.label` (any case, see [`same_label`]) in data group
/// `$group_id`, created at the end of the group when missing. An existing field must have the
/// mapping's type: its stored values have it. Shared by create and update; expands inside
/// `on_pool!` against the open transaction `$tx` of either backend, to a `Result<i64>`.
macro_rules! find_or_create_field {
    ($tx:ident, $group_id:expr, $group_label:expr, $mapping:expr, $now:expr) => {
        async {
            let mapping: &FieldMapping = $mapping;
            let group_fields: Vec<(i64, String, String)> =
                sqlx::query_as("SELECT id, label, field_type FROM fields WHERE data_group_id = $1")
                    .bind($group_id)
                    .fetch_all(&mut *$tx)
                    .await?;
            let existing = group_fields
                .iter()
                .find(|(_, label, _)| same_label(label, &mapping.label))
                .map(|(id, _, field_type)| (*id, field_type.as_str()));
            match existing {
                Some((_, field_type)) if field_type != mapping.field_type.as_str() => {
                    let existing_type = FieldType::parse(field_type).map_or("another type", |t| t.label());
                    Err(Error::Conflict(format!(
                        "field '{}' already exists in data group '{}' as {existing_type}",
                        mapping.label, $group_label
                    )))
                }
                Some((id, _)) => Ok(id),
                None => {
                    let next_position = group_fields.len() as i64;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO fields (data_group_id, label, field_type, position, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind($group_id)
                    .bind(&mapping.label)
                    .bind(mapping.field_type.as_str())
                    .bind(next_position)
                    .bind($now)
                    .fetch_one(&mut *$tx)
                    .await?;
                    Ok::<i64, Error>(id)
                }
            }
        }
        .await
    };
}

impl Store {
    /// Creates a listener, its data group when new, and the fields it feeds when new. A group
    /// or a field that already exists (same label, any case) is reused; a field must keep its
    /// type. Labels are compared in Rust ([`same_label`]), not with SQL `LOWER()`: SQLite's
    /// folds only ASCII, PostgreSQL's depends on the database's locale, and the domain's own
    /// checks fold all of Unicode, so "Équipe" and "équipe" are one group on either backend.
    pub async fn create_listener(
        &self,
        project_id: i64,
        new: &ListenerForCreate,
        sealed_signing_secret: Option<&str>,
    ) -> Result<Listener> {
        let now = Utc::now();
        let listener_id: i64 = on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let groups: Vec<(i64, String)> = sqlx::query_as("SELECT id, label FROM data_groups WHERE project_id = $1")
                .bind(project_id)
                .fetch_all(&mut *tx)
                .await?;
            let existing_group = groups.iter().find(|(_, label)| same_label(label, &new.data_group)).map(|(id, _)| *id);
            let group_id: i64 = match existing_group {
                Some(id) => id,
                None => {
                    sqlx::query_scalar("INSERT INTO data_groups (project_id, label, created_at) VALUES ($1, $2, $3) RETURNING id")
                        .bind(project_id)
                        .bind(&new.data_group)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?
                }
            };
            let listener_id: i64 = sqlx::query_scalar(
                "INSERT INTO listeners (project_id, key, name, listener_type, data_group_id, identify_by, unknown_user, enabled,
                    signing_secret, filter, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            )
            .bind(project_id)
            .bind(&new.key)
            .bind(&new.name)
            .bind(new.listener_type.as_str())
            .bind(group_id)
            .bind(new.identify_by.as_str())
            .bind(new.unknown_user.as_str())
            .bind(true)
            .bind(sealed_signing_secret)
            .bind(new.filter.as_ref().map(|f| serde_json::to_string(f).expect("filters serialise")))
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(conflict_on_unique(format!("a listener with key '{}' already exists in this project", new.key)))?;
            for (position, mapping) in new.fields.iter().enumerate() {
                let field_id = find_or_create_field!(tx, group_id, &new.data_group, mapping, now)?;
                sqlx::query("INSERT INTO listener_fields (listener_id, field_id, parameter, position) VALUES ($1, $2, $3, $4)")
                    .bind(listener_id)
                    .bind(field_id)
                    .bind(&mapping.parameter)
                    .bind(position as i64)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(feedback) = &new.feedback {
                // The service spelled the default type as the project does.
                let inserted = sqlx::query(
                    "INSERT INTO feedback_listeners (listener_id, title_parameter, description_parameter, type_parameter,
                        default_type_id)
                     SELECT $1, $2, $3, $4, id FROM feedback_types WHERE project_id = $5 AND name = $6",
                )
                .bind(listener_id)
                .bind(&feedback.title)
                .bind(feedback.description.as_deref())
                .bind(feedback.type_parameter.as_deref())
                .bind(project_id)
                .bind(&feedback.default_type)
                .execute(&mut *tx)
                .await?;
                if inserted.rows_affected() != 1 {
                    return Err(Error::Conflict(format!("there is no feedback type '{}'", feedback.default_type)));
                }
            }
            tx.commit().await?;
            listener_id
        });
        self.listener_by_id(listener_id).await?.ok_or(Error::NotFound)
    }

    async fn listener_by_id(&self, id: i64) -> Result<Option<Listener>> {
        self.load_listeners("l.id = $1", id).await.map(|mut found| found.pop())
    }

    /// The listener with this key in a project.
    pub async fn listener(&self, project_id: i64, key: &str) -> Result<Option<Listener>> {
        let id: Option<i64> =
            on_pool!(self, |pool| sqlx::query_scalar("SELECT id FROM listeners WHERE project_id = $1 AND key = $2")
                .bind(project_id)
                .bind(key)
                .fetch_optional(pool)
                .await)?;
        match id {
            Some(id) => self.listener_by_id(id).await,
            None => Ok(None),
        }
    }

    pub async fn list_listeners(&self, project_id: i64) -> Result<Vec<Listener>> {
        self.load_listeners("l.project_id = $1", project_id).await
    }

    async fn load_listeners(&self, condition: &str, value: i64) -> Result<Vec<Listener>> {
        let listener_sql = format!("{LISTENER_SELECT} WHERE {condition} ORDER BY l.name, l.key");
        let field_sql = format!("{FIELD_SELECT} WHERE {condition} ORDER BY lf.position");
        let (listeners, fields) = on_pool!(self, |pool| {
            let listeners = sqlx::query_as::<_, ListenerRow>(&listener_sql).bind(value).fetch_all(pool).await?;
            let fields = sqlx::query_as::<_, ListenerFieldRow>(&field_sql).bind(value).fetch_all(pool).await?;
            (listeners, fields)
        });
        Ok(listeners.into_iter().map(|row| row.into_listener(&fields)).collect())
    }

    /// Every field of every data group of a project, in group order then field order.
    pub async fn project_fields(&self, project_id: i64) -> Result<Vec<GroupField>> {
        let rows: Vec<(String, i64, String, String)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT g.label, f.id, f.label, f.field_type FROM fields f JOIN data_groups g ON g.id = f.data_group_id
             WHERE g.project_id = $1 ORDER BY g.label, f.position"
        )
        .bind(project_id)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .filter_map(|(data_group, field_id, label, field_type)| {
                Some(GroupField { data_group, field_id, label, field_type: FieldType::parse(&field_type)? })
            })
            .collect())
    }

    pub async fn set_listener_enabled(&self, listener_id: i64, enabled: bool) -> Result<()> {
        on_pool!(self, |pool| sqlx::query("UPDATE listeners SET enabled = $1, updated_at = $2 WHERE id = $3")
            .bind(enabled)
            .bind(Utc::now())
            .bind(listener_id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        self.changed(Change::Listeners).await;
        Ok(())
    }

    /// A listener's sealed signing secret, if it has one.
    pub async fn listener_signing_secret(&self, listener_id: i64) -> Result<Option<String>> {
        let sealed: Option<Option<String>> =
            on_pool!(self, |pool| sqlx::query_scalar("SELECT signing_secret FROM listeners WHERE id = $1")
                .bind(listener_id)
                .fetch_optional(pool)
                .await)?;
        Ok(sealed.flatten())
    }

    /// Applies a checked edit in one transaction, bumping `updated_at`: the settings, the
    /// fields, then the gate. Renamed fields keep every label of the data group unique,
    /// ignoring case (else `Conflict`, and nothing is written), and every gate of the project
    /// that names one follows the rename; new mappings reuse the group's field of the same
    /// label, as `create_listener` does; the new list replaces the old one. A field left out
    /// is only unmapped: it and its stored values stay in the data group.
    pub async fn update_listener(&self, listener_id: i64, update: &ListenerForUpdate) -> Result<Listener> {
        let now = Utc::now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let (group_id, group_label): (i64, String) = sqlx::query_as(
                "SELECT g.id, g.label FROM listeners l JOIN data_groups g ON g.id = l.data_group_id WHERE l.id = $1",
            )
            .bind(listener_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(Error::NotFound)?;
            sqlx::query(
                "UPDATE listeners SET name = COALESCE($1, name), unknown_user = COALESCE($2, unknown_user),
                    enabled = COALESCE($3, enabled), updated_at = $4 WHERE id = $5",
            )
            .bind(update.name.as_deref())
            .bind(update.unknown_user.map(|policy| policy.as_str()))
            .bind(update.enabled)
            .bind(now)
            .bind(listener_id)
            .execute(&mut *tx)
            .await?;
            if let Some(sealed) = &update.sealed_signing_secret {
                sqlx::query("UPDATE listeners SET signing_secret = $1 WHERE id = $2")
                    .bind(sealed)
                    .bind(listener_id)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(edits) = &update.fields {
                let group_fields: Vec<(i64, String)> = sqlx::query_as("SELECT id, label FROM fields WHERE data_group_id = $1")
                    .bind(group_id)
                    .fetch_all(&mut *tx)
                    .await?;
                let renames = renamed_fields(&group_fields, edits, &group_label)?;
                // Two steps, so that two fields may swap labels without the unique index
                // seeing a duplicate half-way. The interim label holds a control character,
                // which no submitted label may.
                for (field_id, _) in &renames {
                    sqlx::query("UPDATE fields SET label = $1 WHERE id = $2")
                        .bind(format!("\u{1}renaming {field_id}"))
                        .bind(field_id)
                        .execute(&mut *tx)
                        .await?;
                }
                for (field_id, label) in &renames {
                    sqlx::query("UPDATE fields SET label = $1 WHERE id = $2")
                        .bind(label)
                        .bind(field_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(conflict_on_unique(format!("data group '{group_label}' already has a field '{label}'")))?;
                }
                // Every gate, saved filter and saved view of the project that names a renamed
                // field follows it, in this transaction.
                if !renames.is_empty() {
                    let renames: Vec<(&str, &str)> = renames
                        .iter()
                        .filter_map(|(id, new)| {
                            group_fields.iter().find(|(field, _)| field == id).map(|(_, old)| (old.as_str(), *new))
                        })
                        .collect();
                    let gates: Vec<(i64, String)> = sqlx::query_as(
                        "SELECT id, filter FROM listeners
                         WHERE project_id = (SELECT project_id FROM data_groups WHERE id = $1) AND filter IS NOT NULL",
                    )
                    .bind(group_id)
                    .fetch_all(&mut *tx)
                    .await?;
                    for (gated, json) in gates {
                        let mut gate = stored_filter(&json);
                        if gate.rename_fields(&group_label, &renames) {
                            sqlx::query("UPDATE listeners SET filter = $1 WHERE id = $2")
                                .bind(serde_json::to_string(&gate).expect("filters serialise"))
                                .bind(gated)
                                .execute(&mut *tx)
                                .await?;
                        }
                    }
                    follow_renames_in_saved!(tx, group_id, &group_label, &renames)?;
                    follow_renames_in_reports!(tx, group_id, &group_label, &renames)?;
                }
                sqlx::query("DELETE FROM listener_fields WHERE listener_id = $1").bind(listener_id).execute(&mut *tx).await?;
                for (position, edit) in edits.iter().enumerate() {
                    let (field_id, parameter) = match edit {
                        FieldEdit::Existing { field_id, parameter, .. } => (*field_id, parameter),
                        FieldEdit::New(mapping) => {
                            (find_or_create_field!(tx, group_id, &group_label, mapping, now)?, &mapping.parameter)
                        }
                    };
                    sqlx::query(
                        "INSERT INTO listener_fields (listener_id, field_id, parameter, position) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(listener_id)
                    .bind(field_id)
                    .bind(parameter)
                    .bind(position as i64)
                    .execute(&mut *tx)
                    .await
                    .map_err(conflict_on_unique("a field or parameter is mapped twice; reload the listener and try again"))?;
                }
            }
            // A new gate of this listener names the fields as this edit leaves them.
            if let Some(filter) = &update.filter {
                sqlx::query("UPDATE listeners SET filter = $1 WHERE id = $2")
                    .bind(filter.as_ref().map(|f| serde_json::to_string(f).expect("filters serialise")))
                    .bind(listener_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        self.changed(Change::Listeners).await;
        self.listener_by_id(listener_id).await?.ok_or(Error::NotFound)
    }

    /// Deletes a listener and its deliveries; the data group, fields and stored values stay.
    pub async fn delete_listener(&self, listener_id: i64) -> Result<()> {
        on_pool!(self, |pool| sqlx::query("DELETE FROM listeners WHERE id = $1")
            .bind(listener_id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        self.changed(Change::Listeners).await;
        Ok(())
    }
}

/// The existing mappings whose label changes, as (field id, new label), after checking that
/// the data group's labels stay unique, ignoring case, once every rename is done (so two
/// fields may swap labels in one edit).
fn renamed_fields<'a>(
    group_fields: &'a [(i64, String)],
    edits: &'a [FieldEdit],
    group_label: &str,
) -> Result<Vec<(i64, &'a str)>> {
    let mut renames = Vec::new();
    for edit in edits {
        let FieldEdit::Existing { field_id, label, .. } = edit else { continue };
        let Some((_, current)) = group_fields.iter().find(|(id, _)| id == field_id) else {
            return Err(Error::Conflict(format!(
                "field {field_id} is no longer in data group '{group_label}'; reload the listener and try again"
            )));
        };
        if current != label {
            renames.push((*field_id, label.as_str()));
        }
    }
    let label_after =
        |id: i64, current: &'a str| renames.iter().find(|(renamed, _)| *renamed == id).map_or(current, |(_, new)| *new);
    for (field_id, label) in &renames {
        let clash = group_fields
            .iter()
            .filter(|(id, _)| id != field_id)
            .map(|(id, current)| label_after(*id, current))
            .find(|other| same_label(other, label));
        if let Some(clash) = clash {
            let old = group_fields.iter().find(|(id, _)| id == field_id).map_or("", |(_, l)| l.as_str());
            return Err(Error::Conflict(format!(
                "cannot rename '{old}' to '{label}': data group '{group_label}' already has a field '{clash}'"
            )));
        }
    }
    Ok(renames)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn existing(field_id: i64, label: &str) -> FieldEdit {
        FieldEdit::Existing { field_id, label: label.into(), parameter: label.to_lowercase() }
    }

    fn group() -> Vec<(i64, String)> {
        vec![(1, "Plan".into()), (2, "Seats".into()), (3, "Region".into())]
    }

    #[test]
    fn only_changed_labels_are_renames() {
        let edits = [existing(1, "Plan"), existing(2, "Licences"), existing(3, "region")];
        assert_eq!(renamed_fields(&group(), &edits, "CRM").unwrap(), [(2, "Licences"), (3, "region")]);
    }

    #[test]
    fn a_rename_may_not_take_another_fields_label_in_any_case() {
        // Field 3 is not in the list (unmapped) but still in the group.
        let error = renamed_fields(&group(), &[existing(1, "REGION")], "CRM").unwrap_err();
        let Error::Conflict(message) = error else { panic!("expected a conflict") };
        assert_eq!(message, "cannot rename 'Plan' to 'REGION': data group 'CRM' already has a field 'Region'");
    }

    #[test]
    fn two_fields_may_swap_labels() {
        let edits = [existing(1, "Seats"), existing(2, "Plan")];
        assert_eq!(renamed_fields(&group(), &edits, "CRM").unwrap(), [(1, "Seats"), (2, "Plan")]);
    }

    #[test]
    fn a_field_gone_from_the_group_is_a_conflict() {
        assert!(matches!(renamed_fields(&group(), &[existing(9, "Nine")], "CRM"), Err(Error::Conflict(_))));
    }
}
