//! Saved filters and views of a project. Both are a name and a JSON document per row, so one
//! set of statements serves both tables; the domain types are made at the edge.

use chrono::{DateTime, Utc};

use super::{conflict_on_unique, on_pool, BeginWrite, Error, Result, Store};
use crate::domain::fields::same_label;
use crate::domain::filter::Filter;
use crate::domain::grid::{FilterForCreate, SavedFilter, SavedSubject, SavedView, ViewColumn, ViewForCreate};

/// A new row over a subject, or an existing row replaced (its subject stays).
#[derive(Clone, Copy)]
enum Write {
    New(SavedSubject),
    Replace(i64),
}

/// Which of the two tables, and how its document column is called.
#[derive(Clone, Copy)]
struct Kind {
    table: &'static str,
    document: &'static str,
    noun: &'static str,
}

const FILTERS: Kind = Kind { table: "saved_filters", document: "filter", noun: "filter" };
const VIEWS: Kind = Kind { table: "saved_views", document: "columns", noun: "view" };

type Row = (i64, String, String, String, DateTime<Utc>, DateTime<Utc>);

/// A subject this build does not know reads as feedback's, which a user grid refuses, rather
/// than widening what a users' filter may be used for.
fn read_subject(id: i64, subject: &str) -> SavedSubject {
    SavedSubject::parse(subject).unwrap_or_else(|| {
        tracing::error!(id, subject, "a saved filter or view has an unknown subject");
        SavedSubject::Feedback
    })
}

/// A stored document was written from a checked value, so it reads back; should one ever not,
/// it reads as naming a group no project can have, so using it fails its check (422) instead
/// of silently meaning everyone or nothing.
fn read_filter((id, name, subject, json, created_at, updated_at): Row) -> SavedFilter {
    let filter = serde_json::from_str(&json).unwrap_or_else(|error| {
        tracing::error!(%error, id, "a saved filter cannot be read");
        Filter { combine: Default::default(), criteria: vec![unreadable_criterion()] }
    });
    SavedFilter { id, name, subject: read_subject(id, &subject), filter, created_at, updated_at }
}

fn unreadable_criterion() -> crate::domain::filter::Criterion {
    crate::domain::filter::Criterion {
        data_group: "(unreadable)".into(),
        field: "(unreadable)".into(),
        qualifier: crate::domain::filter::Qualifier::IsEmpty,
        value: None,
    }
}

fn read_view((id, name, subject, json, created_at, updated_at): Row) -> SavedView {
    let columns = serde_json::from_str(&json).unwrap_or_else(|error| {
        tracing::error!(%error, id, "a saved view cannot be read");
        vec![ViewColumn::new("(unreadable)", "(unreadable)")]
    });
    SavedView { id, name, subject: read_subject(id, &subject), columns, created_at, updated_at }
}

fn filter_json(filter: &Filter) -> String {
    serde_json::to_string(filter).expect("filters serialise")
}

fn columns_json(columns: &[ViewColumn]) -> String {
    serde_json::to_string(columns).expect("columns serialise")
}

/// Rewrites the saved filters and views of the project owning data group `$group_id` that
/// name a renamed field of it. `$renames` are (old, new) label pairs. Expands inside
/// `on_pool!` against the open transaction `$tx` of the rename, to a `Result<()>`.
macro_rules! follow_renames_in_saved {
    ($tx:ident, $group_id:expr, $group_label:expr, $renames:expr) => {
        async {
            let renames: &[(&str, &str)] = $renames;
            let project_of_group = "project_id = (SELECT project_id FROM data_groups WHERE id = $1)";
            let filters: Vec<(i64, String)> =
                sqlx::query_as(&format!("SELECT id, filter FROM saved_filters WHERE {project_of_group}"))
                    .bind($group_id)
                    .fetch_all(&mut *$tx)
                    .await?;
            for (id, json) in filters {
                let Ok(mut filter) = serde_json::from_str::<crate::domain::filter::Filter>(&json) else { continue };
                if filter.rename_fields($group_label, renames) {
                    sqlx::query("UPDATE saved_filters SET filter = $1 WHERE id = $2")
                        .bind(serde_json::to_string(&filter).expect("filters serialise"))
                        .bind(id)
                        .execute(&mut *$tx)
                        .await?;
                }
            }
            let views: Vec<(i64, String)> =
                sqlx::query_as(&format!("SELECT id, columns FROM saved_views WHERE {project_of_group}"))
                    .bind($group_id)
                    .fetch_all(&mut *$tx)
                    .await?;
            for (id, json) in views {
                let Ok(columns) = serde_json::from_str::<Vec<crate::domain::grid::ViewColumn>>(&json) else { continue };
                let mut view = crate::domain::grid::View { columns };
                if view.rename_fields($group_label, renames) {
                    sqlx::query("UPDATE saved_views SET columns = $1 WHERE id = $2")
                        .bind(serde_json::to_string(&view.columns).expect("columns serialise"))
                        .bind(id)
                        .execute(&mut *$tx)
                        .await?;
                }
            }
            Ok::<(), crate::server::store::Error>(())
        }
        .await
    };
}
pub(super) use follow_renames_in_saved;

impl Store {
    /// The project's filters over `subject`, by name.
    pub async fn list_saved_filters(&self, project_id: i64, subject: SavedSubject) -> Result<Vec<SavedFilter>> {
        Ok(self.list_saved(FILTERS, project_id, subject).await?.into_iter().map(read_filter).collect())
    }

    pub async fn saved_filter(&self, project_id: i64, id: i64) -> Result<Option<SavedFilter>> {
        Ok(self.one_saved(FILTERS, project_id, id).await?.map(read_filter))
    }

    /// `Conflict` when the project has a filter of that name (ignoring case), of either subject.
    pub async fn create_saved_filter(
        &self,
        project_id: i64,
        subject: SavedSubject,
        new: &FilterForCreate,
    ) -> Result<SavedFilter> {
        let id = self.write_saved(FILTERS, project_id, Write::New(subject), &new.name, &filter_json(&new.filter)).await?;
        self.saved_filter(project_id, id).await?.ok_or(Error::NotFound)
    }

    /// Replaces a filter's name and criteria; `NotFound` when the project has no such filter.
    pub async fn update_saved_filter(&self, project_id: i64, id: i64, new: &FilterForCreate) -> Result<SavedFilter> {
        self.write_saved(FILTERS, project_id, Write::Replace(id), &new.name, &filter_json(&new.filter)).await?;
        self.saved_filter(project_id, id).await?.ok_or(Error::NotFound)
    }

    /// Whether there was such a filter.
    pub async fn delete_saved_filter(&self, project_id: i64, id: i64) -> Result<bool> {
        self.delete_saved(FILTERS, project_id, id).await
    }

    /// The project's views over `subject`, by name.
    pub async fn list_saved_views(&self, project_id: i64, subject: SavedSubject) -> Result<Vec<SavedView>> {
        Ok(self.list_saved(VIEWS, project_id, subject).await?.into_iter().map(read_view).collect())
    }

    pub async fn saved_view(&self, project_id: i64, id: i64) -> Result<Option<SavedView>> {
        Ok(self.one_saved(VIEWS, project_id, id).await?.map(read_view))
    }

    /// `Conflict` when the project has a view of that name (ignoring case).
    pub async fn create_saved_view(&self, project_id: i64, subject: SavedSubject, new: &ViewForCreate) -> Result<SavedView> {
        let id = self.write_saved(VIEWS, project_id, Write::New(subject), &new.name, &columns_json(&new.columns)).await?;
        self.saved_view(project_id, id).await?.ok_or(Error::NotFound)
    }

    pub async fn update_saved_view(&self, project_id: i64, id: i64, new: &ViewForCreate) -> Result<SavedView> {
        self.write_saved(VIEWS, project_id, Write::Replace(id), &new.name, &columns_json(&new.columns)).await?;
        self.saved_view(project_id, id).await?.ok_or(Error::NotFound)
    }

    pub async fn delete_saved_view(&self, project_id: i64, id: i64) -> Result<bool> {
        self.delete_saved(VIEWS, project_id, id).await
    }

    async fn list_saved(&self, kind: Kind, project_id: i64, subject: SavedSubject) -> Result<Vec<Row>> {
        let sql = format!(
            "SELECT id, name, subject, {}, created_at, updated_at FROM {} WHERE project_id = $1 AND subject = $2 ORDER BY name, id",
            kind.document, kind.table
        );
        Ok(on_pool!(self, |pool| sqlx::query_as(&sql).bind(project_id).bind(subject.as_str()).fetch_all(pool).await)?)
    }

    async fn one_saved(&self, kind: Kind, project_id: i64, id: i64) -> Result<Option<Row>> {
        let sql = format!(
            "SELECT id, name, subject, {}, created_at, updated_at FROM {} WHERE project_id = $1 AND id = $2",
            kind.document, kind.table
        );
        Ok(on_pool!(self, |pool| sqlx::query_as(&sql).bind(project_id).bind(id).fetch_optional(pool).await)?)
    }

    /// Inserts (`id` None) or replaces a row, in one transaction with the check that no other
    /// row of the project has the name, ignoring case in any script (`same_label`).
    async fn write_saved(&self, kind: Kind, project_id: i64, write: Write, name: &str, document: &str) -> Result<i64> {
        let (id, subject) = match write {
            Write::New(subject) => (None, subject),
            Write::Replace(id) => (Some(id), SavedSubject::Users),
        };
        let now = Utc::now();
        let taken = || Error::Conflict(format!("this project already has a {} named '{name}'", kind.noun));
        let names_sql = format!("SELECT id, name FROM {} WHERE project_id = $1", kind.table);
        let insert_sql = format!(
            "INSERT INTO {} (project_id, name, {}, created_at, updated_at, subject) VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
            kind.table, kind.document
        );
        let update_sql = format!(
            "UPDATE {} SET name = $1, {} = $2, updated_at = $3 WHERE project_id = $4 AND id = $5",
            kind.table, kind.document
        );
        Ok(on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let names: Vec<(i64, String)> = sqlx::query_as(&names_sql).bind(project_id).fetch_all(&mut *tx).await?;
            if id.is_some_and(|id| !names.iter().any(|(other, _)| *other == id)) {
                return Err(Error::NotFound);
            }
            if names.iter().any(|(other, other_name)| Some(*other) != id && same_label(other_name, name)) {
                return Err(taken());
            }
            let written: i64 = match id {
                None => sqlx::query_scalar(&insert_sql)
                    .bind(project_id)
                    .bind(name)
                    .bind(document)
                    .bind(now)
                    .bind(subject.as_str())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(conflict_on_unique(taken().to_string()))?,
                Some(id) => {
                    sqlx::query(&update_sql)
                        .bind(name)
                        .bind(document)
                        .bind(now)
                        .bind(project_id)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(conflict_on_unique(taken().to_string()))?;
                    id
                }
            };
            tx.commit().await?;
            written
        }))
    }

    async fn delete_saved(&self, kind: Kind, project_id: i64, id: i64) -> Result<bool> {
        let sql = format!("DELETE FROM {} WHERE project_id = $1 AND id = $2", kind.table);
        let deleted =
            on_pool!(self, |pool| sqlx::query(&sql).bind(project_id).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(deleted > 0)
    }
}
