//! Custom reports and their elements. A report belongs to a project, or to the community
//! (`project_id` NULL); its elements keep their order in `position` (0, 1, … with no gaps),
//! and each is its checked definition as JSON.

use chrono::{DateTime, Utc};

use super::{conflict_on_unique, on_pool, BeginWrite, Error, Result, Store};
use crate::domain::fields::same_label;
use crate::domain::report::{ElementDefinition, Report, ReportForCreate, StoredElement, MAX_ELEMENTS};

type ReportRow = (i64, Option<i64>, String, String, DateTime<Utc>, Option<i64>, DateTime<Utc>, DateTime<Utc>);
type ElementRow = (i64, i64, i64, String);

const REPORT_SELECT: &str =
    "SELECT id, project_id, name, time_zone, last_opened_at, created_by, created_at, updated_at FROM reports";

fn read_report((id, project_id, name, time_zone, last_opened_at, created_by, created_at, updated_at): ReportRow) -> Report {
    Report { id, project_id, name, time_zone, last_opened_at, created_by, created_at, updated_at }
}

/// A stored definition was written from a checked value, so it reads back; should one ever
/// not, it reads as naming a field no project has, so computing it fails its check and the
/// element shows why, instead of silently showing something else.
fn read_element((id, report_id, position, json): ElementRow) -> StoredElement {
    let definition = serde_json::from_str(&json).unwrap_or_else(|error| {
        tracing::error!(%error, id, "a report element cannot be read");
        ElementDefinition {
            name: "(unreadable)".into(),
            source: Default::default(),
            data: vec![crate::domain::grid::ViewColumn::new("(unreadable)", "(unreadable)")],
            filter: None,
            style: crate::domain::report::Style::Table,
            bucket: Default::default(),
            figure: Default::default(),
        }
    });
    StoredElement { id, report_id, position, definition }
}

pub(super) fn definition_json(definition: &ElementDefinition) -> String {
    serde_json::to_string(definition).expect("element definitions serialise")
}

fn taken(name: &str) -> Error {
    Error::Conflict(format!("there is already a report named '{name}' here"))
}

/// Rewrites the report elements of the project owning data group `$group_id` that name a
/// renamed field of it. Expands inside `on_pool!` against the rename's transaction `$tx`.
macro_rules! follow_renames_in_reports {
    ($tx:ident, $group_id:expr, $group_label:expr, $renames:expr) => {
        async {
            let renames: &[(&str, &str)] = $renames;
            let elements: Vec<(i64, String)> = sqlx::query_as(
                "SELECT e.id, e.definition FROM report_elements e JOIN reports r ON r.id = e.report_id
                 WHERE r.project_id = (SELECT project_id FROM data_groups WHERE id = $1)",
            )
            .bind($group_id)
            .fetch_all(&mut *$tx)
            .await?;
            for (id, json) in elements {
                let Ok(mut definition) = serde_json::from_str::<crate::domain::report::ElementDefinition>(&json) else {
                    continue;
                };
                if definition.rename_fields($group_label, renames) {
                    sqlx::query("UPDATE report_elements SET definition = $1 WHERE id = $2")
                        .bind(crate::server::store::reports::definition_json(&definition))
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
pub(super) use follow_renames_in_reports;

impl Store {
    /// The reports of a project (`None`: the community's), by name ignoring case, each with its
    /// number of elements.
    pub async fn list_reports(&self, project_id: Option<i64>) -> Result<Vec<(Report, i64)>> {
        let sql = "SELECT r.id, r.project_id, r.name, r.time_zone, r.last_opened_at, r.created_by, r.created_at, r.updated_at,
                          (SELECT COUNT(*) FROM report_elements e WHERE e.report_id = r.id)
                   FROM reports r WHERE r.project_id IS NOT DISTINCT FROM $1";
        type Row = (i64, Option<i64>, String, String, DateTime<Utc>, Option<i64>, DateTime<Utc>, DateTime<Utc>, i64);
        let rows: Vec<Row> = on_pool!(self, |pool| sqlx::query_as(sql).bind(project_id).fetch_all(pool).await)?;
        let mut reports: Vec<(Report, i64)> =
            rows.into_iter().map(|(a, b, c, d, e, f, g, h, count)| (read_report((a, b, c, d, e, f, g, h)), count)).collect();
        // By name as people read it, the same on both databases whatever their collation.
        reports.sort_by_cached_key(|(report, _)| (report.name.to_lowercase(), report.id));
        Ok(reports)
    }

    /// Any report by id, whatever it belongs to (callers check that).
    pub async fn report(&self, id: i64) -> Result<Option<Report>> {
        let sql = format!("{REPORT_SELECT} WHERE id = $1");
        let row: Option<ReportRow> = on_pool!(self, |pool| sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
        Ok(row.map(read_report))
    }

    /// `Conflict` when the project (or the community) has a report of that name, ignoring case.
    pub async fn create_report(&self, project_id: Option<i64>, new: &ReportForCreate, created_by: Option<i64>) -> Result<Report> {
        let id = self.write_report(project_id, None, new, created_by, None).await?;
        self.report(id).await?.ok_or(Error::NotFound)
    }

    /// Renames a report or changes its time zone.
    pub async fn update_report(&self, report: &Report, new: &ReportForCreate) -> Result<Report> {
        self.write_report(report.project_id, Some(report.id), new, None, None).await?;
        self.report(report.id).await?.ok_or(Error::NotFound)
    }

    /// A new report of the same scope with a copy of every element of `report`.
    pub async fn clone_report(&self, report: &Report, new: &ReportForCreate, created_by: Option<i64>) -> Result<Report> {
        let id = self.write_report(report.project_id, None, new, created_by, Some(report.id)).await?;
        self.report(id).await?.ok_or(Error::NotFound)
    }

    /// Inserts (`id` None, copying the elements of `copy_of` when given) or updates a report,
    /// in one transaction with the check that no other report of the scope has the name.
    async fn write_report(
        &self,
        project_id: Option<i64>,
        id: Option<i64>,
        new: &ReportForCreate,
        created_by: Option<i64>,
        copy_of: Option<i64>,
    ) -> Result<i64> {
        let now = Utc::now();
        Ok(on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let names: Vec<(i64, String)> =
                sqlx::query_as("SELECT id, name FROM reports WHERE project_id IS NOT DISTINCT FROM $1")
                    .bind(project_id)
                    .fetch_all(&mut *tx)
                    .await?;
            if names.iter().any(|(other, other_name)| Some(*other) != id && same_label(other_name, &new.name)) {
                return Err(taken(&new.name));
            }
            let written: i64 = match id {
                None => {
                    let created: i64 = sqlx::query_scalar(
                        "INSERT INTO reports (project_id, name, time_zone, last_opened_at, created_by, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $4, $4) RETURNING id",
                    )
                    .bind(project_id)
                    .bind(&new.name)
                    .bind(&new.time_zone)
                    .bind(now)
                    .bind(created_by)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(conflict_on_unique(taken(&new.name).to_string()))?;
                    if let Some(source) = copy_of {
                        sqlx::query(
                            "INSERT INTO report_elements (report_id, position, definition, created_at, updated_at)
                             SELECT $1, position, definition, $2, $2 FROM report_elements WHERE report_id = $3",
                        )
                        .bind(created)
                        .bind(now)
                        .bind(source)
                        .execute(&mut *tx)
                        .await?;
                    }
                    created
                }
                Some(id) => {
                    sqlx::query("UPDATE reports SET name = $1, time_zone = $2, updated_at = $3 WHERE id = $4")
                        .bind(&new.name)
                        .bind(&new.time_zone)
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    id
                }
            };
            tx.commit().await?;
            written
        }))
    }

    /// Whether there was such a report (its elements go with it).
    pub async fn delete_report(&self, id: i64) -> Result<bool> {
        let deleted = on_pool!(self, |pool| sqlx::query("DELETE FROM reports WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(deleted > 0)
    }

    /// Someone opened the report.
    pub async fn touch_report(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        on_pool!(self, |pool| sqlx::query("UPDATE reports SET last_opened_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The report's elements in order.
    pub async fn report_elements(&self, report_id: i64) -> Result<Vec<StoredElement>> {
        let sql = "SELECT id, report_id, position, definition FROM report_elements WHERE report_id = $1 ORDER BY position, id";
        let rows: Vec<ElementRow> = on_pool!(self, |pool| sqlx::query_as(sql).bind(report_id).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(read_element).collect())
    }

    /// Adds an element at `position` (the end when `None` or past it). `Conflict` when the
    /// report holds [`MAX_ELEMENTS`] already.
    pub async fn add_report_element(
        &self,
        report_id: i64,
        definition: &ElementDefinition,
        position: Option<usize>,
    ) -> Result<StoredElement> {
        let id = self.write_element(report_id, None, definition, position).await?;
        self.report_element(report_id, id).await?.ok_or(Error::NotFound)
    }

    /// Replaces an element's definition and, when `position` is given, moves it there.
    pub async fn update_report_element(
        &self,
        report_id: i64,
        element_id: i64,
        definition: &ElementDefinition,
        position: Option<usize>,
    ) -> Result<StoredElement> {
        self.write_element(report_id, Some(element_id), definition, position).await?;
        self.report_element(report_id, element_id).await?.ok_or(Error::NotFound)
    }

    pub async fn report_element(&self, report_id: i64, element_id: i64) -> Result<Option<StoredElement>> {
        let sql = "SELECT id, report_id, position, definition FROM report_elements WHERE report_id = $1 AND id = $2";
        let row: Option<ElementRow> =
            on_pool!(self, |pool| sqlx::query_as(sql).bind(report_id).bind(element_id).fetch_optional(pool).await)?;
        Ok(row.map(read_element))
    }

    /// Writes an element and renumbers the report's elements so that it sits at `position`,
    /// in one transaction (the report's updated time moves too).
    async fn write_element(
        &self,
        report_id: i64,
        element_id: Option<i64>,
        definition: &ElementDefinition,
        position: Option<usize>,
    ) -> Result<i64> {
        let now = Utc::now();
        let json = definition_json(definition);
        Ok(on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let mut order: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM report_elements WHERE report_id = $1 ORDER BY position, id")
                    .bind(report_id)
                    .fetch_all(&mut *tx)
                    .await?;
            let id = match element_id {
                Some(id) => {
                    let Some(at) = order.iter().position(|other| *other == id) else { return Err(Error::NotFound) };
                    sqlx::query("UPDATE report_elements SET definition = $1, updated_at = $2 WHERE id = $3")
                        .bind(&json)
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    if position.is_some() {
                        order.remove(at);
                    }
                    id
                }
                None => {
                    if order.len() >= MAX_ELEMENTS {
                        return Err(Error::Conflict(format!("a report holds at most {MAX_ELEMENTS} elements")));
                    }
                    sqlx::query_scalar(
                        "INSERT INTO report_elements (report_id, position, definition, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $4) RETURNING id",
                    )
                    .bind(report_id)
                    .bind(order.len() as i64)
                    .bind(&json)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            if element_id.is_none() || position.is_some() {
                if element_id.is_none() || !order.contains(&id) {
                    let at = position.unwrap_or(order.len()).min(order.len());
                    order.insert(at, id);
                }
                for (index, element) in order.iter().enumerate() {
                    sqlx::query("UPDATE report_elements SET position = $1 WHERE id = $2")
                        .bind(index as i64)
                        .bind(element)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            sqlx::query("UPDATE reports SET updated_at = $1 WHERE id = $2").bind(now).bind(report_id).execute(&mut *tx).await?;
            tx.commit().await?;
            id
        }))
    }

    /// Removes an element and closes the gap it leaves. Whether there was such an element.
    pub async fn delete_report_element(&self, report_id: i64, element_id: i64) -> Result<bool> {
        let now = Utc::now();
        Ok(on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let deleted = sqlx::query("DELETE FROM report_elements WHERE report_id = $1 AND id = $2")
                .bind(report_id)
                .bind(element_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let order: Vec<i64> = sqlx::query_scalar("SELECT id FROM report_elements WHERE report_id = $1 ORDER BY position, id")
                .bind(report_id)
                .fetch_all(&mut *tx)
                .await?;
            for (index, element) in order.iter().enumerate() {
                sqlx::query("UPDATE report_elements SET position = $1 WHERE id = $2")
                    .bind(index as i64)
                    .bind(element)
                    .execute(&mut *tx)
                    .await?;
            }
            if deleted > 0 {
                sqlx::query("UPDATE reports SET updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(report_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            deleted > 0
        }))
    }

    /// Deliveries the project's listeners accepted at or after `since` (a report's "values
    /// received" figure).
    pub async fn accepted_deliveries_since(&self, project_id: i64, since: DateTime<Utc>) -> Result<i64> {
        let sql = "SELECT COUNT(*) FROM deliveries d JOIN listeners l ON l.id = d.listener_id
                   WHERE l.project_id = $1 AND d.outcome = 'accepted' AND d.received_at >= $2";
        Ok(on_pool!(self, |pool| sqlx::query_scalar(sql).bind(project_id).bind(since).fetch_one(pool).await)?)
    }
}
