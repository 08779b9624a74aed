//! The grid's queries: a checked filter compiled to SQL that means what `Test::holds` means,
//! the typed sort with empty values last, the count, and the cells of a page of users.
//!
//! Text compares case-insensitively in any script, as the filter engine does: on SQLite
//! through `inlet_fold`, Rust's own `to_lowercase` registered on every pooled connection
//! (SQLite's `LOWER` folds ASCII only); on PostgreSQL through `lower()` under the ICU root
//! collation (the database's own may be "C", which folds ASCII only). Operands are folded in
//! Rust. Tests in `tests/api/grid.rs` hold both backends to the engine, including non-ASCII.

use chrono::{DateTime, Datelike, TimeDelta, Utc};
use sqlx::sqlite::SqliteConnection;
use std::collections::{BTreeSet, HashMap};

use super::ingest::plan::typed;
use super::users::{ProjectUserRow, PROJECT_USER_SELECT};
use super::{on_pool, Pool, Result, Store};
use crate::domain::feedback::{Ticket, TicketStatus, TICKET};
use crate::domain::fields::{FieldType, FieldValue};
use crate::domain::filter::{builtin_value, CheckedFilter, Combine, SchemaField, Test, PARTICIPATION, USER_ACCOUNT};
use crate::domain::grid::{GridRow, SortOrder};
use crate::domain::listener::GroupField;
use crate::domain::table::Cell;
use crate::domain::user::ProjectUser;

/// How many users' cells one query reads when a whole result is walked (exports).
pub const ROWS_PER_BATCH: usize = 500;

/// Registers `inlet_fold(text)`, Rust's `str::to_lowercase`, on a new SQLite connection.
pub(super) async fn register_fold(connection: &mut SqliteConnection) -> sqlx::Result<()> {
    use rusqlite::functions::FunctionFlags;
    use rusqlite::types::{Value, ValueRef};
    let mut handle = connection.lock_handle().await?;
    // SAFETY: the handle is a live connection that sqlx keeps open for as long as it exists;
    // `from_handle` borrows it without taking ownership (dropping the wrapper does not close
    // it), and rusqlite and sqlx link the same libsqlite3-sys.
    let borrowed = unsafe { rusqlite::Connection::from_handle(handle.as_raw_handle().as_ptr()) }
        .map_err(|e| sqlx::Error::Configuration(Box::new(e)))?;
    borrowed
        .create_scalar_function("inlet_fold", 1, FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC, |context| {
            Ok(match context.get_raw(0) {
                ValueRef::Text(bytes) => Value::Text(String::from_utf8_lossy(bytes).to_lowercase()),
                ValueRef::Null => Value::Null,
                other => Value::from(other),
            })
        })
        .map_err(|e| sqlx::Error::Configuration(Box::new(e)))?;
    Ok(())
}

/// What a grid's rows are: the project's users (Management > Users), or the tickets its users
/// sent (Management > Feedback), optionally of one type and one status, filtered and sorted by
/// their own fields and their submitters'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GridSubject {
    #[default]
    Users,
    Tickets {
        type_id: Option<i64>,
        status: Option<TicketStatus>,
    },
}

impl GridSubject {
    /// Every ticket of the project.
    pub const TICKETS: GridSubject = GridSubject::Tickets { type_id: None, status: None };
}

/// Which users (or tickets) a grid shows and in which order.
pub struct GridQuery<'a> {
    pub project_id: i64,
    pub subject: GridSubject,
    /// The project's fields, to find a column's stored values by.
    pub fields: &'a [GroupField],
    pub filter: &'a CheckedFilter,
    /// Columns to sort by, in turn; ties go to the user added first.
    pub sort: &'a [(SchemaField, SortOrder)],
    /// "In the last N days" counts back from here; see [`grid_now`].
    pub now: DateTime<Utc>,
}

/// The instant a grid query counts back from: now, to the microsecond, which is what both
/// databases store, so that SQL and `Test::holds` given this instant agree to the last digit.
pub fn grid_now() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
enum Bind {
    Int(i64),
    Text(String),
    Bool(bool),
    Time(DateTime<Utc>),
}

/// Builds the FROM, WHERE and ORDER BY of a grid query. `$1` is the project.
struct Builder<'a> {
    dialect: Dialect,
    subject: GridSubject,
    fields: &'a [GroupField],
    /// Binds after the project, `$2` on.
    binds: Vec<Bind>,
    /// Stored fields joined so far, each once: (field id, whether every row must have one).
    joins: Vec<(i64, bool)>,
    users: bool,
    /// Whether the tickets' types are joined (`ft`).
    types: bool,
}

impl<'a> Builder<'a> {
    fn new(dialect: Dialect, subject: GridSubject, fields: &'a [GroupField]) -> Self {
        Self { dialect, subject, fields, binds: Vec::new(), joins: Vec::new(), users: false, types: false }
    }

    /// The column each row is identified by: the user, or the ticket.
    fn row_id(&self) -> &'static str {
        match self.subject {
            GridSubject::Users => "m.user_id",
            GridSubject::Tickets { .. } => "t.id",
        }
    }

    /// The rows of the project (`$1`), and for tickets of one type or status those (bound here).
    fn scope(&mut self) -> String {
        match self.subject {
            GridSubject::Users => "m.project_id = $1".into(),
            GridSubject::Tickets { type_id, status } => {
                let mut scope = String::from("t.project_id = $1");
                if let Some(type_id) = type_id {
                    scope += &format!(" AND t.type_id = {}", self.param(Bind::Int(type_id)));
                }
                if let Some(status) = status {
                    scope += &format!(" AND t.status = {}", self.param(Bind::Text(status.as_str().into())));
                }
                scope
            }
        }
    }

    fn param(&mut self, bind: Bind) -> String {
        self.binds.push(bind);
        format!("${}", self.binds.len() + 1)
    }

    fn fold(&self, expression: &str) -> String {
        match self.dialect {
            Dialect::Sqlite => format!("inlet_fold({expression})"),
            Dialect::Postgres => format!("lower({expression} COLLATE \"und-x-icu\")"),
        }
    }

    /// Where `needle` first occurs in `haystack`, from 1; 0 when it does not.
    fn position(&self, haystack: &str, needle: &str) -> String {
        match self.dialect {
            Dialect::Sqlite => format!("instr({haystack}, {needle})"),
            Dialect::Postgres => format!("strpos({haystack}, {needle})"),
        }
    }

    fn stored_field(&self, data_group: &str, field: &str) -> Option<&GroupField> {
        self.fields.iter().find(|f| f.data_group == data_group && f.label == field)
    }

    /// The SQL value of a column: a built-in column, the typed column of a joined stored
    /// value, or NULL for a field the project no longer has (no value, as in `holds`).
    fn value(&mut self, data_group: &str, field: &str, field_type: FieldType) -> String {
        if let Some(column) = builtin_column(data_group, field) {
            self.users |= column.starts_with("u.");
            return column.to_string();
        }
        if let (GridSubject::Tickets { .. }, Some(column)) = (self.subject, ticket_column(field).filter(|_| data_group == TICKET))
        {
            self.types |= column.starts_with("ft.");
            return column.to_string();
        }
        let Some(stored) = self.stored_field(data_group, field) else { return self.no_value(field_type) };
        let (id, field_type) = (stored.field_id, stored.field_type);
        if !self.joins.iter().any(|(joined, _)| *joined == id) {
            self.joins.push((id, false));
        }
        format!("v{id}.{}", typed_column(field_type))
    }

    /// A NULL of the field's type (PostgreSQL will not fold or compare an untyped one).
    fn no_value(&self, field_type: FieldType) -> String {
        let sql_type = match (self.dialect, field_type) {
            (Dialect::Sqlite, FieldType::Boolean | FieldType::Integer) => "INTEGER",
            (Dialect::Sqlite, _) => "TEXT",
            (Dialect::Postgres, FieldType::Boolean) => "BOOLEAN",
            (Dialect::Postgres, FieldType::Integer) => "BIGINT",
            (Dialect::Postgres, FieldType::String) => "TEXT",
            (Dialect::Postgres, FieldType::DateTime) => "TIMESTAMPTZ",
        };
        format!("CAST(NULL AS {sql_type})")
    }

    /// Every row the query returns has a stored value of this field (an `all` filter tests
    /// it with a test that needs one), so it is an inner join, from which the database may
    /// start.
    fn require(&mut self, data_group: &str, field: &str) {
        if let Some(id) = self.stored_field(data_group, field).map(|f| f.field_id) {
            match self.joins.iter_mut().find(|(joined, _)| *joined == id) {
                Some(join) => join.1 = true,
                None => self.joins.push((id, true)),
            }
        }
    }

    fn from(&self) -> String {
        let mut from = match self.subject {
            GridSubject::Users => String::from("project_members m"),
            // A ticket's submitter is a member of its project (tickets come from members only).
            GridSubject::Tickets { .. } => {
                String::from("feedback_tickets t JOIN project_members m ON m.project_id = t.project_id AND m.user_id = t.user_id")
            }
        };
        if self.types {
            from += " JOIN feedback_types ft ON ft.id = t.type_id";
        }
        if self.users {
            from += " JOIN users u ON u.id = m.user_id";
        }
        for (id, required) in &self.joins {
            let kind = if *required { "JOIN" } else { "LEFT JOIN" };
            from += &format!(" {kind} user_values v{id} ON v{id}.user_id = m.user_id AND v{id}.field_id = {id}");
        }
        from
    }

    fn filter(&mut self, filter: &CheckedFilter, now: DateTime<Utc>) -> String {
        let criteria = filter.criteria();
        if criteria.is_empty() {
            return "1 = 1".into();
        }
        if filter.combine() == Combine::All || criteria.len() == 1 {
            for criterion in criteria.iter().filter(|c| needs_value(&c.test)) {
                self.require(&criterion.data_group, &criterion.field);
            }
        }
        let conditions: Vec<String> = criteria
            .iter()
            .map(|c| {
                let value = self.value(&c.data_group, &c.field, c.field_type);
                format!("({})", self.condition(&value, c.field_type, &c.test, now))
            })
            .collect();
        conditions.join(if filter.combine() == Combine::All { " AND " } else { " OR " })
    }

    /// `Test::holds` in SQL, for a value `x` that is NULL when the user has none.
    fn condition(&mut self, x: &str, field_type: FieldType, test: &Test, now: DateTime<Utc>) -> String {
        let empty = if field_type == FieldType::String { format!("({x} IS NULL OR {x} = '')") } else { format!("{x} IS NULL") };
        let folded = self.fold(x);
        let text = |builder: &mut Self, t: &str| builder.param(Bind::Text(t.to_lowercase()));
        match test {
            Test::IsEmpty => empty,
            Test::IsNotEmpty => format!("NOT {empty}"),
            Test::TextIs(t) => format!("{folded} = {}", text(self, t)),
            Test::TextIsNot(t) => format!("{x} IS NULL OR {folded} <> {}", text(self, t)),
            Test::TextContains(t) => {
                let needle = text(self, t);
                format!("{} > 0", self.position(&folded, &needle))
            }
            Test::TextDoesNotContain(t) => {
                let needle = text(self, t);
                format!("{x} IS NULL OR {} = 0", self.position(&folded, &needle))
            }
            Test::TextStartsWith(t) => {
                let needle = text(self, t);
                format!("{} = 1", self.position(&folded, &needle))
            }
            Test::IntEq(n) => format!("{x} = {}", self.param(Bind::Int(*n))),
            Test::IntNe(n) => format!("{x} <> {}", self.param(Bind::Int(*n))),
            Test::IntLt(n) => format!("{x} < {}", self.param(Bind::Int(*n))),
            Test::IntLe(n) => format!("{x} <= {}", self.param(Bind::Int(*n))),
            Test::IntGt(n) => format!("{x} > {}", self.param(Bind::Int(*n))),
            Test::IntGe(n) => format!("{x} >= {}", self.param(Bind::Int(*n))),
            Test::IntBetween(from, to) => {
                format!("{x} BETWEEN {} AND {}", self.param(Bind::Int(*from)), self.param(Bind::Int(*to)))
            }
            Test::IsTrue => format!("{x} = {}", self.param(Bind::Bool(true))),
            Test::IsFalse => format!("{x} = {}", self.param(Bind::Bool(false))),
            Test::TimeBefore(at) => format!("{x} < {}", self.param(Bind::Time(*at))),
            Test::TimeAfter(at) => format!("{x} > {}", self.param(Bind::Time(*at))),
            Test::TimeOn(day) => {
                let start = day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc();
                let from = format!("{x} >= {}", self.param(Bind::Time(start)));
                // Stored times end with the year 9999: nothing lies after its last day.
                match start.checked_add_signed(TimeDelta::days(1)).filter(|next| next.year() <= 9999) {
                    Some(next) => format!("{from} AND {x} < {}", self.param(Bind::Time(next))),
                    None => from,
                }
            }
            Test::TimeBetween(from, to) => {
                format!("{x} >= {} AND {x} <= {}", self.param(Bind::Time(*from)), self.param(Bind::Time(*to)))
            }
            Test::TimeInLastDays(days) => {
                let until = format!("{x} <= {}", self.param(Bind::Time(now)));
                match now.checked_sub_signed(TimeDelta::days(*days)).filter(|since| since.year() >= 1) {
                    Some(since) => format!("{until} AND {x} >= {}", self.param(Bind::Time(since))),
                    None => until,
                }
            }
        }
    }

    /// The typed order, empty values last in both directions, ties by user (tickets: newest
    /// first).
    fn order_by(&mut self, sort: &[(SchemaField, SortOrder)]) -> String {
        let mut keys = Vec::new();
        for (column, order) in sort {
            let x = self.value(&column.data_group, &column.field, column.field_type);
            let direction = match order {
                SortOrder::Asc => "ASC",
                SortOrder::Desc => "DESC",
            };
            if column.field_type == FieldType::String {
                keys.push(format!("({x} IS NULL OR {x} = '') ASC"));
                // An empty text sorts as no value does: among the empties, by user.
                let folded = format!("NULLIF({}, '')", self.fold(&x));
                // Code-point order, as Rust compares strings, not the database's locale.
                let ordered = match self.dialect {
                    Dialect::Sqlite => folded,
                    Dialect::Postgres => format!("{folded} COLLATE \"C\""),
                };
                keys.push(format!("{ordered} {direction}"));
            } else {
                keys.push(format!("({x} IS NULL) ASC"));
                keys.push(format!("{x} {direction}"));
            }
        }
        keys.push(match self.subject {
            GridSubject::Users => "m.user_id ASC".into(),
            GridSubject::Tickets { .. } => "t.id DESC".into(),
        });
        format!("ORDER BY {}", keys.join(", "))
    }
}

/// Whether a test can only hold for a user who has a value (all but those that hold for none).
fn needs_value(test: &Test) -> bool {
    !matches!(test, Test::IsEmpty | Test::TextIsNot(_) | Test::TextDoesNotContain(_))
}

/// The SQL column of a built-in field; the values `builtin_value` gives for a user.
fn builtin_column(data_group: &str, field: &str) -> Option<&'static str> {
    Some(match (data_group, field) {
        (USER_ACCOUNT, "Email") => "u.email",
        (USER_ACCOUNT, "Username") => "u.username",
        (USER_ACCOUNT, "Display name") => "u.display_name",
        (USER_ACCOUNT, "Created") => "u.created_at",
        (PARTICIPATION, "Status") => "m.status",
        (PARTICIPATION, "Joined") => "m.joined_at",
        _ => return None,
    })
}

/// The SQL column of a ticket's own field (data group `Ticket`).
fn ticket_column(field: &str) -> Option<&'static str> {
    Some(match field {
        "Type" => "ft.name",
        "Title" => "t.title",
        "Status" => "t.status",
        "Created" => "t.created_at",
        "Updated" => "t.updated_at",
        "Comments" => "t.comments",
        _ => return None,
    })
}

fn typed_column(field_type: FieldType) -> &'static str {
    match field_type {
        FieldType::Boolean => "v_bool",
        FieldType::Integer => "v_int",
        FieldType::String => "v_text",
        FieldType::DateTime => "v_time",
    }
}

/// Binds a builder's values, after the project, onto a query of either backend.
macro_rules! bind_all {
    ($query:expr, $project_id:expr, $binds:expr) => {{
        let mut query = $query.bind($project_id);
        for bind in $binds {
            query = match bind {
                Bind::Int(n) => query.bind(*n),
                Bind::Text(t) => query.bind(t.clone()),
                Bind::Bool(b) => query.bind(*b),
                Bind::Time(at) => query.bind(*at),
            };
        }
        query
    }};
}

mod values;

impl Store {
    fn dialect(&self) -> Dialect {
        match self.pool {
            Pool::Sqlite(..) => Dialect::Sqlite,
            Pool::Postgres(_) => Dialect::Postgres,
        }
    }

    /// How many members of the project the filter lets through.
    pub async fn grid_count(&self, query: &GridQuery<'_>) -> Result<u64> {
        let mut builder = Builder::new(self.dialect(), query.subject, query.fields);
        let scope = builder.scope();
        let condition = builder.filter(query.filter, query.now);
        let sql = format!("SELECT COUNT(*) FROM {} WHERE {scope} AND ({condition})", builder.from());
        let count: i64 =
            on_pool!(self, |pool| bind_all!(sqlx::query_scalar(&sql), query.project_id, &builder.binds).fetch_one(pool).await)?;
        Ok(count as u64)
    }

    /// The ids of the users (or tickets) the filter lets through, in the grid's order: `limit` of them
    /// after skipping `offset`, or all of them (exports) when `limit` is `None`.
    pub async fn grid_user_ids(&self, query: &GridQuery<'_>, limit: Option<u64>, offset: u64) -> Result<Vec<i64>> {
        let mut builder = Builder::new(self.dialect(), query.subject, query.fields);
        let scope = builder.scope();
        let condition = builder.filter(query.filter, query.now);
        let order_by = builder.order_by(query.sort);
        let (id, from) = (builder.row_id(), builder.from());
        let mut sql = format!("SELECT {id} FROM {from} WHERE {scope} AND ({condition}) {order_by}");
        if let Some(limit) = limit {
            sql += &format!(" LIMIT {limit} OFFSET {offset}");
        }
        Ok(on_pool!(self, |pool| bind_all!(sqlx::query_scalar(&sql), query.project_id, &builder.binds).fetch_all(pool).await)?)
    }

    /// One page of the grid and its total. When the filter has criteria, the total is counted
    /// in the same pass that finds and sorts the page (`COUNT(*) OVER ()`), since every match
    /// must be visited to sort them anyway; that halves the work of a filtered page. With no
    /// criteria the count is the members index alone, and the page can stop after its rows.
    pub async fn grid_page(&self, query: &GridQuery<'_>, limit: u64, offset: u64) -> Result<(u64, Vec<i64>)> {
        if query.filter.criteria().is_empty() {
            let total = self.grid_count(query).await?;
            let ids = if offset < total { self.grid_user_ids(query, Some(limit), offset).await? } else { Vec::new() };
            return Ok((total, ids));
        }
        let mut builder = Builder::new(self.dialect(), query.subject, query.fields);
        let scope = builder.scope();
        let condition = builder.filter(query.filter, query.now);
        let order_by = builder.order_by(query.sort);
        let (id, from) = (builder.row_id(), builder.from());
        let sql = format!(
            "SELECT {id}, COUNT(*) OVER () FROM {from} WHERE {scope} AND ({condition}) {order_by} LIMIT {limit} OFFSET {offset}"
        );
        let rows: Vec<(i64, i64)> =
            on_pool!(self, |pool| bind_all!(sqlx::query_as(&sql), query.project_id, &builder.binds).fetch_all(pool).await)?;
        match rows.first() {
            Some((_, total)) => Ok((*total as u64, rows.into_iter().map(|(id, _)| id).collect())),
            // Past the last page: no row carries the total.
            None => Ok((self.grid_count(query).await?, Vec::new())),
        }
    }

    /// The cells of `columns` for these members of the project, one row per user in the
    /// order given (a user no longer in the project is left out).
    pub async fn grid_rows(
        &self,
        project_id: i64,
        fields: &[GroupField],
        user_ids: &[i64],
        columns: &[SchemaField],
    ) -> Result<Vec<GridRow>> {
        let members = self.members_with_values(project_id, fields, user_ids, columns).await?;
        Ok(user_ids
            .iter()
            .filter_map(|id| members.users.get(id))
            .map(|user| {
                let values = columns.iter().map(|column| Cell::from(members.value(fields, user, column))).collect();
                GridRow { user_id: user.id, user: user.email.clone(), ticket_id: None, values }
            })
            .collect())
    }

    /// The cells of `columns` for these tickets of the project, one row per ticket in the
    /// order given: the ticket's own fields (`Ticket`) and its submitter's.
    pub async fn ticket_grid_rows(
        &self,
        project_id: i64,
        fields: &[GroupField],
        ticket_ids: &[i64],
        columns: &[SchemaField],
    ) -> Result<Vec<GridRow>> {
        let tickets = self.tickets_by_ids(project_id, ticket_ids).await?;
        let mut user_ids: Vec<i64> = tickets.iter().map(|t| t.submitter.user_id).collect();
        user_ids.sort_unstable();
        user_ids.dedup();
        let members = self.members_with_values(project_id, fields, &user_ids, columns).await?;
        Ok(tickets
            .iter()
            .filter_map(|ticket| Some((ticket, members.users.get(&ticket.submitter.user_id)?)))
            .map(|(ticket, user)| {
                let values = columns
                    .iter()
                    .map(|column| {
                        let own = (column.data_group == TICKET).then(|| ticket_value(ticket, &column.field)).flatten();
                        Cell::from(own.or_else(|| members.value(fields, user, column)))
                    })
                    .collect();
                GridRow { user_id: user.id, user: user.email.clone(), ticket_id: Some(ticket.id), values }
            })
            .collect())
    }

    /// These members of the project, and their stored values of the fields `columns` name.
    async fn members_with_values(
        &self,
        project_id: i64,
        fields: &[GroupField],
        user_ids: &[i64],
        columns: &[SchemaField],
    ) -> Result<Members> {
        if user_ids.is_empty() {
            return Ok(Members { users: HashMap::new(), values: HashMap::new() });
        }
        // Ids are integers the database gave: safe to write into the statement.
        let id_list = user_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let stored: BTreeSet<i64> = columns
            .iter()
            .filter_map(|c| fields.iter().find(|f| f.data_group == c.data_group && f.label == c.field))
            .map(|f| f.field_id)
            .collect();
        let users_sql = format!("{PROJECT_USER_SELECT} WHERE m.project_id = $1 AND m.user_id IN ({id_list})");
        let field_list = stored.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let values_sql = format!(
            "SELECT user_id, field_id, v_bool, v_int, v_text, v_time FROM user_values
             WHERE user_id IN ({id_list}) AND field_id IN ({field_list})"
        );
        let (users, values): (Vec<ProjectUserRow>, Vec<ValueRow>) = on_pool!(self, |pool| {
            let users = sqlx::query_as(&users_sql).bind(project_id).fetch_all(pool).await?;
            let values = if stored.is_empty() { Vec::new() } else { sqlx::query_as(&values_sql).fetch_all(pool).await? };
            (users, values)
        });
        let users: HashMap<i64, ProjectUser> = users.into_iter().map(ProjectUser::from).map(|u| (u.id, u)).collect();
        let mut by_user: HashMap<(i64, i64), ValueRow> = HashMap::with_capacity(values.len());
        for row in values {
            by_user.insert((row.0, row.1), row);
        }
        Ok(Members { users, values: by_user })
    }
}

type ValueRow = (i64, i64, Option<bool>, Option<i64>, Option<String>, Option<DateTime<Utc>>);

/// Users read for a page of rows, with their stored values by (user, field).
struct Members {
    users: HashMap<i64, ProjectUser>,
    values: HashMap<(i64, i64), ValueRow>,
}

impl Members {
    /// A user's value of a column: a built-in field, or the stored value of the project's field.
    fn value(&self, fields: &[GroupField], user: &ProjectUser, column: &SchemaField) -> Option<FieldValue> {
        builtin_value(user, &column.data_group, &column.field).or_else(|| {
            let field = fields.iter().find(|f| f.data_group == column.data_group && f.label == column.field)?;
            let (_, _, b, i, t, at) = self.values.get(&(user.id, field.field_id))?.clone();
            typed(field.field_type, (b, i, t, at))
        })
    }
}

/// A ticket's value of one of its own fields (what `ticket_column` reads in SQL).
fn ticket_value(ticket: &Ticket, field: &str) -> Option<FieldValue> {
    let text = |s: &str| Some(FieldValue::String(s.to_string()));
    match field {
        "Type" => text(&ticket.type_name),
        "Title" => text(&ticket.title),
        "Status" => text(ticket.status.as_str()),
        "Created" => Some(FieldValue::DateTime(ticket.created_at)),
        "Updated" => Some(FieldValue::DateTime(ticket.updated_at)),
        "Comments" => Some(FieldValue::Integer(i64::from(ticket.comments))),
        _ => None,
    }
}
