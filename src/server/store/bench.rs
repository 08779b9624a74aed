//! For `scripts/bench-grid` only: runs the statements of the flat table the grid is measured
//! against (the benchmark's yardstick, written in `benches/grid_bench.rs`).

use chrono::{DateTime, Utc};

use super::{on_pool, Result, Store};

impl Store {
    #[doc(hidden)]
    pub async fn bench_execute(&self, sql: &str) -> Result<()> {
        on_pool!(self, |pool| sqlx::query(sql).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Runs a count (when given) and a page query that bind a text and two instants; returns
    /// the count (-1 without one) and the number of rows of the page (every column read).
    #[doc(hidden)]
    pub async fn bench_flat_query(
        &self,
        count_sql: Option<&str>,
        page_sql: &str,
        text: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<(i64, usize)> {
        use sqlx::Row;
        Ok(on_pool!(self, |pool| {
            let total: i64 = match count_sql {
                Some(sql) => sqlx::query_scalar(sql).bind(text).bind(from).bind(to).fetch_one(pool).await?,
                None => -1,
            };
            let rows = sqlx::query(page_sql).bind(text).bind(from).bind(to).fetch_all(pool).await?;
            let read = rows.iter().filter(|row| (0..row.len()).all(|i| row.try_get_raw(i).is_ok())).count();
            (total, read)
        }))
    }

    /// Runs a query and reads every column of every row; the number of rows.
    #[doc(hidden)]
    pub async fn bench_fetch(&self, sql: &str) -> Result<usize> {
        use sqlx::Row;
        Ok(on_pool!(self, |pool| {
            let rows = sqlx::query(sql).fetch_all(pool).await?;
            rows.iter().filter(|row| (0..row.len()).all(|i| row.try_get_raw(i).is_ok())).count()
        }))
    }

    /// A query's one integer.
    #[doc(hidden)]
    pub async fn bench_integer(&self, sql: &str) -> Result<i64> {
        Ok(on_pool!(self, |pool| sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await)?)
    }
}
