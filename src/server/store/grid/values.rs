//! What reports read of the grid: every matching row's values of some fields, either one row
//! per member (or ticket) — a list's rows — or, for everything reports count, each distinct
//! combination of values with how many rows hold it, grouped by the database (`GROUP BY`), so
//! counting 100,000 users moves a handful of rows instead of 100,000.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Bind, Builder, GridQuery};
use crate::domain::fields::{FieldType, FieldValue};
use crate::domain::filter::SchemaField;
use crate::domain::table::Cell;
use crate::server::store::{on_pool, Result, Store};

/// The cells of `columns`, the first columns of a row of either backend.
macro_rules! cells {
    ($row:expr, $columns:expr) => {
        $columns
            .iter()
            .enumerate()
            .map(|(i, column)| {
                let value: Option<FieldValue> = match column.field_type {
                    FieldType::Boolean => $row.try_get::<Option<bool>, _>(i)?.map(FieldValue::Boolean),
                    FieldType::Integer => $row.try_get::<Option<i64>, _>(i)?.map(FieldValue::Integer),
                    FieldType::String => $row.try_get::<Option<String>, _>(i)?.map(FieldValue::String),
                    FieldType::DateTime => $row.try_get::<Option<DateTime<Utc>>, _>(i)?.map(FieldValue::DateTime),
                };
                Ok(Cell::from(value))
            })
            .collect::<sqlx::Result<Vec<Cell>>>()
    };
}

impl Store {
    /// The cells of `columns` for every row (member, or ticket) the filter lets through, in one
    /// pass, in the order the rows were added (a list's rows).
    pub async fn grid_values(&self, query: &GridQuery<'_>, columns: &[SchemaField]) -> Result<Vec<Vec<Cell>>> {
        let mut builder = Builder::new(self.dialect(), query.subject, query.fields);
        let scope = builder.scope();
        let condition = builder.filter(query.filter, query.now);
        let selected: Vec<String> = columns.iter().map(|c| builder.value(&c.data_group, &c.field, c.field_type)).collect();
        let row_id = builder.row_id();
        let select = if selected.is_empty() { row_id.to_string() } else { selected.join(", ") };
        let sql = format!("SELECT {select} FROM {} WHERE {scope} AND ({condition}) ORDER BY {row_id}", builder.from());
        Ok(on_pool!(self, |pool| {
            let rows = bind_all!(sqlx::query(&sql), query.project_id, &builder.binds).fetch_all(pool).await?;
            rows.iter().map(|row| cells!(row, columns)).collect::<sqlx::Result<Vec<Vec<Cell>>>>()?
        }))
    }

    /// Each distinct combination of `columns`' values among the rows the filter lets through,
    /// with how many rows hold it (an empty value is a value of its own). What every count,
    /// cross-tab, range, line and statistic of a report is computed from.
    pub async fn grid_value_counts(&self, query: &GridQuery<'_>, columns: &[SchemaField]) -> Result<Vec<(Vec<Cell>, i64)>> {
        let mut builder = Builder::new(self.dialect(), query.subject, query.fields);
        let scope = builder.scope();
        let condition = builder.filter(query.filter, query.now);
        // The values first: naming a field adds its join to the builder's FROM.
        let names: Vec<String> = (0..columns.len()).map(|i| format!("v{i}")).collect();
        let values: Vec<String> = columns
            .iter()
            .zip(&names)
            .map(|(c, name)| format!("{} AS {name}", builder.value(&c.data_group, &c.field, c.field_type)))
            .collect();
        let matching = format!("FROM {} WHERE {scope} AND ({condition})", builder.from());
        let sql = if columns.is_empty() {
            format!("SELECT COUNT(*) {matching}")
        } else {
            let names = names.join(", ");
            format!("SELECT {names}, COUNT(*) FROM (SELECT {} {matching}) AS matching GROUP BY {names}", values.join(", "))
        };
        let width = columns.len();
        Ok(on_pool!(self, |pool| {
            let rows = bind_all!(sqlx::query(&sql), query.project_id, &builder.binds).fetch_all(pool).await?;
            rows.iter()
                .map(|row| Ok((cells!(row, columns)?, row.try_get::<i64, _>(width)?)))
                .collect::<sqlx::Result<Vec<(Vec<Cell>, i64)>>>()?
        }))
    }
}
