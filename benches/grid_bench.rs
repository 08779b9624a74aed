//! The helper of `scripts/bench-grid`: loads the benchmark's project through the store's bulk
//! paths, measures the same question asked of a flat table (the physical floor), and how long
//! rust_xlsxwriter alone takes to write the export's cells from memory (the XLSX floor).
//!
//!   grid-bench load <database-url>           100,000 users, one listener of 20 fields
//!   grid-bench flat <database-url>           median ms of 20 runs: first page of 50 + count
//!   grid-bench xlsx-baseline <database-url>  seconds to write the default + 8 columns, all users
//!   grid-bench report <database-url>         makes the 10-element report of scripts/bench-reports
//!   grid-bench report-floor <database-url>   median ms of 10: the report's tables in SQL on the flat table,
//!                                            and the report computed in process (no HTTP)
//!
//! The flat table's SQL lives here, not in the store: it is the yardstick, not the product.

use chrono::{DateTime, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::time::Instant;

use inlet::domain::fields::{FieldType, FieldValue};
use inlet::domain::filter::Filter;
use inlet::domain::grid::{Choice, GridRequest, View, ViewColumn};
use inlet::domain::import::ParsedImport;
use inlet::domain::listener::FieldMapping;
use inlet::domain::project::ProjectForCreate;
use inlet::domain::user::UserForCreate;
use inlet::server::export::xlsx::{write_cell, CellFormats};
use inlet::server::service::{grid, listeners};
use inlet::server::store::{DeliveryForRecord, Store};

const USERS: usize = 100_000;
const GROUP: &str = "CRM";
const PLANS: [&str; 5] = ["free", "trial", "pro", "team", "enterprise"];
const REGIONS: [&str; 6] = ["Europe", "North America", "South America", "Asia", "Africa", "Oceania"];

/// The 20 fields, 5 of each type.
const FIELDS: [(&str, FieldType); 20] = [
    ("Plan", FieldType::String),
    ("Region", FieldType::String),
    ("Company", FieldType::String),
    ("Device", FieldType::String),
    ("Language", FieldType::String),
    ("Seats", FieldType::Integer),
    ("Sessions", FieldType::Integer),
    ("Score", FieldType::Integer),
    ("Logins", FieldType::Integer),
    ("Tickets", FieldType::Integer),
    ("Beta opt-in", FieldType::Boolean),
    ("Newsletter", FieldType::Boolean),
    ("Verified", FieldType::Boolean),
    ("Churn risk", FieldType::Boolean),
    ("Has app", FieldType::Boolean),
    ("Last seen", FieldType::DateTime),
    ("Renewal date", FieldType::DateTime),
    ("Signed up", FieldType::DateTime),
    ("Trial end", FieldType::DateTime),
    ("Last purchase", FieldType::DateTime),
];

/// The question: Plan is "pro", Seats between 10 and 100, Last seen in the last 30 days,
/// sorted by Sessions; the scripts' grid body says the same.
const DAYS: i64 = 30;

/// The 8 columns of the question's view (after the default view's 5 in exports).
const VIEW: [&str; 8] = ["Plan", "Seats", "Last seen", "Sessions", "Region", "Beta opt-in", "Renewal date", "Company"];

fn value(rng: &mut StdRng, field: usize, now: DateTime<Utc>) -> Option<FieldValue> {
    if rng.gen_ratio(1, 10) {
        return None;
    }
    let days_ago = |rng: &mut StdRng, max: i64| now - TimeDelta::seconds(rng.gen_range(0..max * 86_400));
    let text = |s: String| Some(FieldValue::String(s));
    match field {
        0 => text(PLANS[rng.gen_range(0..PLANS.len())].into()),
        1 => text(REGIONS[rng.gen_range(0..REGIONS.len())].into()),
        2 => text(format!("Company {}", rng.gen_range(1..5_000))),
        3 => text(["iOS", "Android", "Web", "Desktop"][rng.gen_range(0..4)].into()),
        4 => text(["en", "de", "fr", "es", "ja", "pt"][rng.gen_range(0..6)].into()),
        5 => Some(FieldValue::Integer(rng.gen_range(1..500))),
        6 => Some(FieldValue::Integer(rng.gen_range(0..10_000))),
        7 => Some(FieldValue::Integer(rng.gen_range(0..101))),
        8 => Some(FieldValue::Integer(rng.gen_range(0..2_000))),
        9 => Some(FieldValue::Integer(rng.gen_range(0..30))),
        10..=14 => Some(FieldValue::Boolean(rng.gen_bool(0.4))),
        15 => Some(FieldValue::DateTime(days_ago(rng, 90))),
        16 => Some(FieldValue::DateTime(now + TimeDelta::seconds(rng.gen_range(-365 * 86_400..365 * 86_400)))),
        17 => Some(FieldValue::DateTime(days_ago(rng, 3 * 365))),
        18 => Some(FieldValue::DateTime(days_ago(rng, 400))),
        _ => Some(FieldValue::DateTime(days_ago(rng, 700))),
    }
}

async fn load(store: &Store) -> anyhow::Result<()> {
    let started = Instant::now();
    let new = ProjectForCreate::parse("Bench", Some("bench")).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let project = store.create_project(&new, None).await?;
    let fields = FIELDS
        .iter()
        .map(|(label, field_type)| FieldMapping {
            label: label.to_string(),
            parameter: label.to_lowercase().replace(' ', "_"),
            field_type: *field_type,
        })
        .collect();
    let input = listeners::ListenerInput {
        name: "CRM",
        key: "crm",
        data_group: GROUP,
        identify_by: "email",
        unknown_user: "reject",
        fields,
        sealed_signing_secret: None,
        filter: None,
        feedback: None,
    };
    let listener = listeners::create_listener(store, &project, input).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let rows = (1..=USERS)
        .map(|n| {
            let user = UserForCreate::parse(&format!("user{n}@example.com"), &format!("user{n}"), &format!("User {n}"));
            (n as u64, user.map_err(|e| anyhow::anyhow!("{e:?}")).unwrap())
        })
        .collect();
    store.import_users(project.id, &ParsedImport { rows, rejected: Vec::new() }, "bench").await?;
    eprintln!("users loaded in {:.1} s", started.elapsed().as_secs_f64());

    // Every user, in id order, through the grid's own query (no filter, no sort).
    let everyone = grid::resolve(store, &project, &GridRequest::default(), false).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut batches = grid::RowBatches::start(store, &project, everyone).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let field_ids: Vec<(i64, FieldType)> = listener.fields.iter().map(|f| (f.field_id, f.field_type)).collect();
    let (mut rng, now) = (StdRng::seed_from_u64(20261202), Utc::now());
    while let Some(users) = batches.next().await.map_err(|e| anyhow::anyhow!("{e}"))? {
        let deliveries: Vec<DeliveryForRecord> = users
            .iter()
            .map(|user| DeliveryForRecord {
                listener_id: listener.id,
                user_ref: user.user.clone(),
                user_id: Some(user.user_id),
                status: 200,
                accepted: true,
                response: "{}".into(),
                content_type: "application/json".into(),
                payload: b"{}".to_vec(),
                values: field_ids.iter().enumerate().map(|(i, (id, t))| (*id, *t, value(&mut rng, i, now))).collect(),
                ..Default::default()
            })
            .collect();
        store.record_deliveries(Arc::from(deliveries)).await?;
    }
    eprintln!("values loaded in {:.1} s", started.elapsed().as_secs_f64());
    flat_table(store, project.id, &field_ids).await?;
    eprintln!("flat table built in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn column(field: &str) -> String {
    format!("f_{}", field.to_lowercase().replace([' ', '-'], "_"))
}

/// One row per user, one typed column per field, the filtered and sorted columns indexed.
async fn flat_table(store: &Store, project_id: i64, field_ids: &[(i64, FieldType)]) -> anyhow::Result<()> {
    let postgres = store.backend_name() == "postgres";
    let sql_type = |t: FieldType| match (t, postgres) {
        (FieldType::Boolean, true) => "BOOLEAN",
        (FieldType::Integer, true) => "BIGINT",
        (FieldType::DateTime, true) => "TIMESTAMPTZ",
        (FieldType::Boolean | FieldType::Integer, false) => "INTEGER",
        _ => "TEXT",
    };
    let typed = |t: FieldType| match t {
        FieldType::Boolean => "v_bool",
        FieldType::Integer => "v_int",
        FieldType::String => "v_text",
        FieldType::DateTime => "v_time",
    };
    let columns: Vec<String> = FIELDS.iter().map(|(label, t)| format!("{} {}", column(label), sql_type(*t))).collect();
    let mut statements = vec![format!(
        "CREATE TABLE bench_flat (user_id BIGINT PRIMARY KEY, email TEXT, username TEXT, display_name TEXT, status TEXT, joined_at {}, {})",
        if postgres { "TIMESTAMPTZ" } else { "TEXT" },
        columns.join(", ")
    )];
    let selects: Vec<String> = FIELDS.iter().enumerate().map(|(i, (_, t))| format!("v{i}.{}", typed(*t))).collect();
    let joins: Vec<String> = field_ids
        .iter()
        .enumerate()
        .map(|(i, (id, _))| format!("LEFT JOIN user_values v{i} ON v{i}.user_id = m.user_id AND v{i}.field_id = {id}"))
        .collect();
    statements.push(format!(
        "INSERT INTO bench_flat SELECT m.user_id, u.email, u.username, u.display_name, m.status, m.joined_at, {}
         FROM project_members m JOIN users u ON u.id = m.user_id {} WHERE m.project_id = {project_id}",
        selects.join(", "),
        joins.join(" ")
    ));
    for field in ["Plan", "Seats", "Last seen", "Sessions"] {
        statements.push(format!("CREATE INDEX bench_flat_{0} ON bench_flat ({0})", column(field)));
    }
    // As autovacuum would have after a bulk load: statistics for both, and on PostgreSQL the
    // visibility map that lets index-only scans skip the heap (for the grid's range indexes
    // and the flat table's alike).
    statements.push(if postgres { "VACUUM ANALYZE" } else { "ANALYZE" }.into());
    for statement in statements {
        store.bench_execute(&statement).await?;
    }
    Ok(())
}

/// The question asked of the flat table, as the grid asks it: the count, then the first page.
async fn flat(store: &Store) -> anyhow::Result<f64> {
    let now = Utc::now();
    let since = now - TimeDelta::days(DAYS);
    let (plan, seats, last_seen, sessions) = (column("Plan"), column("Seats"), column("Last seen"), column("Sessions"));
    let filter = format!("{plan} = $1 AND {seats} BETWEEN 10 AND 100 AND {last_seen} >= $2 AND {last_seen} <= $3");
    let view: Vec<String> = VIEW.iter().map(|f| column(f)).collect();
    let count = format!("SELECT COUNT(*) FROM bench_flat WHERE {filter}");
    let page = format!(
        "SELECT user_id, email, {} FROM bench_flat WHERE {filter} ORDER BY {sessions} IS NULL, {sessions}, user_id LIMIT 50",
        view.join(", ")
    );
    // The floor is the faster of the two ways to ask: a count and a page, or the page with
    // the count in the same pass (as the grid asks a filtered page).
    let windowed = page.replacen("SELECT user_id,", "SELECT user_id, COUNT(*) OVER (),", 1);
    let mut medians = Vec::new();
    for (shape, count, page) in
        [("count + page", Some(count.as_str()), page.as_str()), ("windowed page", None, windowed.as_str())]
    {
        let mut times = Vec::new();
        for run in 0..23 {
            let started = Instant::now();
            let (total, rows) = store.bench_flat_query(count, page, "pro", since, now).await?;
            if run == 0 {
                eprintln!("flat ({shape}): {total} users, first page {rows} rows");
            }
            if run >= 3 {
                times.push(started.elapsed().as_secs_f64() * 1000.0);
            }
        }
        times.sort_by(f64::total_cmp);
        eprintln!("flat ({shape}): {:.2} ms", times[times.len() / 2]);
        medians.push(times[times.len() / 2]);
    }
    Ok(medians.into_iter().fold(f64::INFINITY, f64::min))
}

/// The grid's question through the service, in process: the grid without HTTP and JSON.
async fn grid_service(store: &Store) -> anyhow::Result<f64> {
    let project = store.project_by_slug("bench").await?.ok_or_else(|| anyhow::anyhow!("run load first"))?;
    let filter: Filter = serde_json::from_value(serde_json::json!({"match": "all", "criteria": [
        {"data_group": GROUP, "field": "Plan", "qualifier": "is", "value": "pro"},
        {"data_group": GROUP, "field": "Seats", "qualifier": "between", "value": [10, 100]},
        {"data_group": GROUP, "field": "Last seen", "qualifier": "in_last_days", "value": DAYS}]}))?;
    let view = View { columns: VIEW.iter().map(|f| ViewColumn::new(GROUP, f)).collect() };
    let sort = vec![inlet::domain::grid::SortKey { column: 3, order: inlet::domain::grid::SortOrder::Asc }];
    let request =
        GridRequest { filter: Some(Choice::Inline(filter)), view: Some(Choice::Inline(view)), sort, page: 1, per_page: 50 };
    let mut times = Vec::new();
    for run in 0..23 {
        let started = Instant::now();
        let page = grid::grid(store, &project, &request).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        if run >= 3 {
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        } else if run == 0 {
            eprintln!("grid (service): {} users, first page {} rows", page.total, page.rows.len());
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// Reads the export's cells into memory first, then times rust_xlsxwriter writing them the
/// way the export does (constant memory, typed cells, one buffer).
async fn xlsx_baseline(store: &Store) -> anyhow::Result<(usize, f64)> {
    let project = store.project_by_slug("bench").await?.ok_or_else(|| anyhow::anyhow!("run load first"))?;
    let mut columns = View::default_view().columns;
    columns.extend(VIEW.iter().map(|f| ViewColumn::new(GROUP, f)));
    let request = GridRequest {
        view: Some(Choice::Inline(View { columns })),
        filter: Some(Choice::Inline(Filter::default())),
        ..Default::default()
    };
    let resolved = grid::resolve(store, &project, &request, false).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let labels: Vec<String> = resolved.columns().into_iter().map(|c| c.label).collect();
    let mut batches = grid::RowBatches::start(store, &project, resolved).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut rows = Vec::new();
    while let Some(batch) = batches.next().await.map_err(|e| anyhow::anyhow!("{e}"))? {
        rows.extend(batch);
    }
    let started = Instant::now();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let formats = CellFormats::default();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    for (col, label) in labels.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, label, &formats.header)?;
    }
    for (index, row) in rows.iter().enumerate() {
        for (col, cell) in row.values.iter().enumerate() {
            write_cell(sheet, index as u32 + 1, col as u16, cell, &formats)?;
        }
    }
    let bytes = workbook.save_to_buffer()?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!("baseline xlsx: {} bytes", bytes.len());
    Ok((rows.len(), seconds))
}

/// The benchmark's report: ten elements of mixed styles over the CRM fields.
fn report_elements() -> Vec<serde_json::Value> {
    use serde_json::json;
    let crm = |field: &str| json!({"data_group": GROUP, "field": field});
    vec![
        json!({"name": "Users", "source": "project", "data": [], "filter": null, "style": "number"}),
        json!({"name": "Pro users", "source": "users", "data": [], "style": "number",
            "filter": {"match": "all", "criteria": [{"data_group": GROUP, "field": "Plan", "qualifier": "is", "value": "pro"}]}}),
        json!({"name": "Plan mix", "source": "users", "data": [crm("Plan")], "filter": null, "style": "pie"}),
        json!({"name": "Regions", "source": "users", "data": [crm("Region")], "filter": null, "style": "bar"}),
        json!({"name": "Plan by beta", "source": "users", "data": [crm("Plan"), crm("Beta opt-in")], "filter": null, "style": "column"}),
        json!({"name": "Seats", "source": "users", "data": [crm("Seats")], "filter": null, "style": "distribution"}),
        json!({"name": "Last seen by week", "source": "users", "data": [crm("Last seen")], "filter": null, "style": "line", "bucket": "week"}),
        json!({"name": "Sessions", "source": "users", "data": [crm("Sessions")], "filter": null, "style": "table"}),
        json!({"name": "Devices", "source": "users", "data": [crm("Device")], "filter": null, "style": "donut"}),
        json!({"name": "Region by newsletter", "source": "users", "data": [crm("Region"), crm("Newsletter")], "filter": null, "style": "table"}),
    ]
}

/// Makes the benchmark's report (once) and returns its id.
async fn bench_report(store: &Store) -> anyhow::Result<i64> {
    use inlet::server::service::reports::{self, Scope};
    let project = store.project_by_slug("bench").await?.ok_or_else(|| anyhow::anyhow!("run load first"))?;
    let scope = Scope::Project(project);
    let fail = |e: inlet::server::error::AppError| anyhow::anyhow!("{e}");
    if let Some((report, _)) = reports::list(store, &scope).await.map_err(fail)?.into_iter().next() {
        return Ok(report.id);
    }
    let report = reports::create(store, &scope, "Bench report", None, None).await.map_err(fail)?;
    for element in report_elements() {
        let definition = serde_json::from_value(element)?;
        reports::add_element(store, &scope, report.id, &definition, None).await.map_err(fail)?;
    }
    Ok(report.id)
}

/// The same ten tables asked of the flat table by hand-written SQL, one query (or two, where
/// a bound must be known first) per element: the floor.
async fn report_floor(store: &Store) -> anyhow::Result<f64> {
    let postgres = store.backend_name() == "postgres";
    let c = |field: &str| column(field);
    let group = |fields: &[&str]| {
        let list = fields.iter().map(|f| c(f)).collect::<Vec<_>>().join(", ");
        format!("SELECT {list}, COUNT(*) FROM bench_flat GROUP BY {list} ORDER BY COUNT(*) DESC")
    };
    let week = if postgres {
        format!("date_trunc('week', {} AT TIME ZONE 'UTC')", c("Last seen"))
    } else {
        format!("date({}, '-6 days', 'weekday 1')", c("Last seen"))
    };
    let seats = c("Seats");
    let sessions = c("Sessions");
    let mut times = Vec::new();
    for run in 0..13 {
        let started = Instant::now();
        let mut rows = 0;
        rows += store.bench_fetch("SELECT COUNT(*) FROM bench_flat").await?;
        rows += store.bench_fetch(&format!("SELECT COUNT(*) FROM bench_flat WHERE {} = 'pro'", c("Plan"))).await?;
        rows += store.bench_fetch(&group(&["Plan"])).await?;
        rows += store.bench_fetch(&group(&["Region"])).await?;
        rows += store.bench_fetch(&group(&["Plan", "Beta opt-in"])).await?;
        let count = store.bench_integer(&format!("SELECT COUNT({seats}) FROM bench_flat")).await?;
        rows += store
            .bench_fetch(&format!("SELECT COUNT({seats}), MIN({seats}), MAX({seats}), AVG({seats}) FROM bench_flat"))
            .await?;
        rows += store
            .bench_fetch(&format!(
                "SELECT {seats} FROM bench_flat WHERE {seats} IS NOT NULL ORDER BY {seats} LIMIT 2 OFFSET {}",
                (count - 1).max(0) / 2
            ))
            .await?;
        rows += store.bench_fetch(&format!("SELECT {week}, COUNT(*) FROM bench_flat GROUP BY 1 ORDER BY 1")).await?;
        let low = store.bench_integer(&format!("SELECT COALESCE(MIN({sessions}), 0) FROM bench_flat")).await?;
        let high = store.bench_integer(&format!("SELECT COALESCE(MAX({sessions}), 0) FROM bench_flat")).await?;
        let width = ((high - low + 1) + 11) / 12;
        rows += store
            .bench_fetch(&format!("SELECT ({sessions} - {low}) / {width}, COUNT(*) FROM bench_flat GROUP BY 1 ORDER BY 2 DESC"))
            .await?;
        rows += store.bench_fetch(&group(&["Device"])).await?;
        rows += store.bench_fetch(&group(&["Region", "Newsletter"])).await?;
        if run == 0 {
            eprintln!("report floor: {rows} rows over 10 elements");
        }
        if run >= 3 {
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// The report computed in process: the service without HTTP and JSON.
async fn report_service(store: &Store) -> anyhow::Result<f64> {
    use inlet::server::service::reports::{self, Scope};
    let id = bench_report(store).await?;
    let project = store.project_by_slug("bench").await?.ok_or_else(|| anyhow::anyhow!("run load first"))?;
    let scope = Scope::Project(project);
    let fail = |e: inlet::server::error::AppError| anyhow::anyhow!("{e}");
    let report = reports::get(store, &scope, id).await.map_err(fail)?;
    let mut times = Vec::new();
    for run in 0..13 {
        let started = Instant::now();
        let (computed, _) = reports::computed(store, &scope, &report).await.map_err(fail)?;
        if run == 0 {
            eprintln!("report (service): {} elements", computed.elements.len());
        }
        if run >= 3 {
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(command), Some(url)) = (args.get(1), args.get(2)) else {
        anyhow::bail!("usage: grid-bench load|flat|xlsx-baseline|report|report-floor <database-url>");
    };
    let store = Store::connect(url).await?;
    store.migrate().await?;
    match command.as_str() {
        "load" => load(&store).await?,
        "flat" => {
            println!("flat_ms {:.2}", flat(&store).await?);
            println!("grid_service_ms {:.2}", grid_service(&store).await?);
        }
        "report" => println!("report_id {}", bench_report(&store).await?),
        "report-floor" => {
            println!("report_floor_ms {:.2}", report_floor(&store).await?);
            println!("report_service_ms {:.2}", report_service(&store).await?);
        }
        "xlsx-baseline" => {
            let (rows, seconds) = xlsx_baseline(&store).await?;
            println!("xlsx_baseline_rows {rows}");
            println!("xlsx_baseline_s {seconds:.2}");
        }
        other => anyhow::bail!("unknown command {other}"),
    }
    Ok(())
}
