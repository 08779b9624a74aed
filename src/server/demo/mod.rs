//! The demo community behind `inlet demo` and `make run`: two projects, 500 users, a
//! project manager who is on one project's team only, and for Aurora beta the data a
//! newcomer's first look needs: a CRM and an app backend feeding data groups through
//! listeners (with history and rejected deliveries), and saved filters and views.

mod listeners;

pub use listeners::{Sent, APP_USAGE_KEY, CRM_KEY};

use crate::domain::import::{ParsedImport, RejectedRow};
use crate::domain::project::Project;
use crate::domain::staff::Role;
use crate::domain::user::UserForCreate;
use crate::server::config::Settings;
use crate::server::service::{accounts, projects};
use crate::server::store::Store;

pub const ADMIN_EMAIL: &str = "admin@inlet.test";
pub const PM_EMAIL: &str = "pm@inlet.test";
pub const PASSWORD: &str = "inlet-demo";

const FIRST: &[&str] = &[
    "Ada",
    "Grace",
    "Alan",
    "Katherine",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Edsger",
    "Radia",
    "Tim",
    "Hedy",
    "John",
    "Sophie",
    "Donald",
    "Annie",
    "Guido",
    "Mary",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Hopper",
    "Turing",
    "Johnson",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Allen",
    "Dijkstra",
    "Perlman",
    "Berners-Lee",
    "Lamarr",
    "McCarthy",
    "Wilson",
    "Knuth",
    "Easley",
    "van Rossum",
    "Keller",
];

fn demo_user(n: usize) -> UserForCreate {
    let name = format!("{} {}", FIRST[n % FIRST.len()], LAST[(n / FIRST.len()) % LAST.len()]);
    UserForCreate::parse(&format!("user{n:04}@example.com"), &format!("user{n:04}"), &name).expect("demo users are valid")
}

/// Loads the demo community, the first time only: once its community manager exists, it only
/// says how to log in.
pub async fn load(settings: &Settings, store: &Store) -> anyhow::Result<()> {
    if store.staff_by_email(ADMIN_EMAIL).await?.is_none() {
        let error = |e: crate::server::error::AppError| anyhow::anyhow!(e.public_message());
        let admin =
            accounts::create_staff(store, ADMIN_EMAIL, "Demo Admin", Role::CommunityManager, PASSWORD).await.map_err(error)?;
        let pm = accounts::create_staff(store, PM_EMAIL, "Pat Manager", Role::ProjectManager, PASSWORD).await.map_err(error)?;
        let aurora = projects::create_project(store, "Aurora beta", Some("aurora"), Some(&admin)).await.map_err(error)?;
        let borealis = projects::create_project(store, "Borealis beta", Some("borealis"), Some(&admin)).await.map_err(error)?;
        projects::add_team_member(store, &aurora, pm.id).await.map_err(error)?;
        for (project, range) in [(&aurora, AURORA_USERS), (&borealis, 301..=500)] {
            let rows = range.map(|n| (n as u64 + 1, demo_user(n))).collect();
            let parsed = ParsedImport { rows, rejected: Vec::<RejectedRow>::new() };
            store.import_users(project.id, &parsed, "demo").await?;
        }
        println!("Demo community loaded: projects aurora (300 users) and borealis (200 users).");
        let sent = listeners::load(settings, store, &aurora, AURORA_USERS).await?;
        println!(
            "Demo listeners CRM and App usage in aurora: {} deliveries stored, {} rejected on purpose.",
            sent.accepted, sent.rejected
        );
        seed_saved_filters_and_views(store, &aurora).await?;
        seed_report(store, &aurora, admin.id).await?;
    }
    let base_url = settings.base_url();
    println!(
        "Demo community ready: log in at {base_url}/login as {ADMIN_EMAIL} / {PASSWORD} (project manager: {PM_EMAIL} / {PASSWORD})"
    );
    Ok(())
}

/// Aurora beta's users: user0001 to user0300.
const AURORA_USERS: std::ops::RangeInclusive<usize> = 1..=300;

/// Saved filters and views for Aurora beta over the listeners' data groups (CRM: Plan, Seats,
/// Renewal date, Beta opt-in, Region; App usage: Sessions, Last seen), so a newcomer's first
/// grid answers a question: "Pro testers quiet for 14 days" (CRM Plan is "Pro" and App usage
/// Last seen before 14 days ago) with a view of Email, Display name, Plan, Seats, Sessions,
/// Last seen, and one more of each.
async fn seed_saved_filters_and_views(store: &Store, project: &Project) -> anyhow::Result<()> {
    use crate::domain::filter::Filter;
    use crate::domain::grid::{SavedSubject, View};
    use crate::server::service::saved;
    let fail = |e: crate::server::error::AppError| anyhow::anyhow!(e.public_message());
    // Whole seconds: the filter's description shows the instant as it is written.
    let fortnight_ago = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now() - chrono::Duration::days(14), 0);
    let quiet_since = crate::domain::table::rfc3339_utc(&fortnight_ago);
    let filters = [
        (
            "Pro testers quiet for 14 days",
            serde_json::json!({"match": "all", "criteria": [
                {"data_group": "CRM", "field": "Plan", "qualifier": "is", "value": "Pro"},
                {"data_group": "App usage", "field": "Last seen", "qualifier": "before", "value": quiet_since}]}),
        ),
        (
            "Opted in to the beta",
            serde_json::json!({"match": "all", "criteria": [
                {"data_group": "CRM", "field": "Beta opt-in", "qualifier": "is_true"}]}),
        ),
    ];
    for (name, filter) in filters {
        let filter: Filter = serde_json::from_value(filter)?;
        saved::create_filter(store, project, SavedSubject::Users, name, filter).await.map_err(fail)?;
    }
    let column = |group: &str, field: &str| serde_json::json!({"data_group": group, "field": field});
    let views = [
        (
            "Plans and usage",
            vec![
                column("User account", "Email"),
                column("User account", "Display name"),
                column("CRM", "Plan"),
                column("CRM", "Seats"),
                column("App usage", "Sessions"),
                column("App usage", "Last seen"),
            ],
        ),
        (
            "Renewals",
            vec![
                column("User account", "Email"),
                column("CRM", "Plan"),
                column("CRM", "Renewal date"),
                column("CRM", "Region"),
                column("CRM", "Beta opt-in"),
            ],
        ),
    ];
    for (name, columns) in views {
        let view: View = serde_json::from_value(serde_json::json!({ "columns": columns }))?;
        saved::create_view(store, project, SavedSubject::Users, name, &view).await.map_err(fail)?;
    }
    Ok(())
}

/// A ready report for Aurora beta, so `make run` shows one: a headline figure, the plan mix,
/// seats as a distribution, app sign-ins over time and plan by beta opt-in.
async fn seed_report(store: &Store, project: &Project, created_by: i64) -> anyhow::Result<()> {
    use crate::domain::report::ElementDefinition;
    use crate::server::service::reports::{self, Scope};
    let fail = |e: crate::server::error::AppError| anyhow::anyhow!(e.public_message());
    let scope = Scope::Project(project.clone());
    let report = reports::create(store, &scope, "Aurora at a glance", Some("UTC"), Some(created_by)).await.map_err(fail)?;
    let field = |group: &str, field: &str| serde_json::json!({"data_group": group, "field": field});
    let elements = [
        serde_json::json!({"name": "Testers", "source": "project", "data": [], "filter": null, "style": "number"}),
        serde_json::json!({"name": "Plan mix", "source": "users", "data": [field("CRM", "Plan")], "filter": null, "style": "pie"}),
        serde_json::json!({"name": "Seats", "source": "users", "data": [field("CRM", "Seats")], "filter": null,
            "style": "distribution"}),
        serde_json::json!({"name": "Last sign-in by week", "source": "users", "data": [field("App usage", "Last seen")],
            "filter": null, "style": "line", "bucket": "week"}),
        serde_json::json!({"name": "Plan by beta opt-in", "source": "users",
            "data": [field("CRM", "Plan"), field("CRM", "Beta opt-in")], "filter": null, "style": "column"}),
    ];
    for element in elements {
        let definition: ElementDefinition = serde_json::from_value(element)?;
        reports::add_element(store, &scope, report.id, &definition, None).await.map_err(fail)?;
    }
    Ok(())
}
