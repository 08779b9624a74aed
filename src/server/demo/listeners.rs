//! The demo's user automation, for project Aurora beta: a CRM and an app backend that feed
//! data groups through listeners, as real senders would. Every value goes through the
//! ingestion service the HTTP endpoint calls (key check, coercion, group commit, history),
//! never straight into the store, so the demo shows deliveries, history and rejections
//! exactly as they arise.
//!
//! Values are worked out from each user's number (no randomness), relative to the moment
//! the demo is loaded, so "quiet for 14 days" means something on the day it is tried.

use anyhow::{bail, Context};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use tokio::task::JoinSet;

use crate::domain::fields::FieldType;
use crate::domain::listener::FieldMapping;
use crate::domain::project::Project;
use crate::server::config::Settings;
use crate::server::error::AppError;
use crate::server::service::api_keys;
use crate::server::service::ingest::{ingest, IngestRequest, SignatureHeaders};
use crate::server::service::listeners::{create_listener, ListenerInput};
use crate::server::startup::{app_state, AppState};
use crate::server::store::Store;

pub const CRM_KEY: &str = "crm";
pub const APP_USAGE_KEY: &str = "app-usage";

/// How many deliveries of each kind the demo sent.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub accepted: usize,
    pub rejected: usize,
}

/// One request to a listener: who it is about and what it carries.
struct Delivery {
    listener: &'static str,
    user: String,
    body: String,
    /// The status the demo means it to get (a rejection is on purpose).
    expected: u16,
}

/// Creates the two listeners of `project` (Aurora beta, users `first..=last`) and sends
/// their deliveries: first values, a few later changes, a few rejected requests.
pub async fn load(
    settings: &Settings,
    store: &Store,
    project: &Project,
    users: std::ops::RangeInclusive<usize>,
) -> anyhow::Result<Sent> {
    let error = |e: AppError| anyhow::anyhow!(e.public_message());
    let key =
        api_keys::create_api_key(store, "Demo senders", "The demo's CRM sync and app backend", "", None).await.map_err(error)?;
    create_listener(store, project, crm_listener()).await.map_err(error)?;
    create_listener(store, project, app_usage_listener()).await.map_err(error)?;

    // The application's own state, with no rate limit: the demo sends its backlog at once.
    let mut settings = settings.clone();
    settings.ingest_rate = u32::MAX / 2;
    settings.ingest_burst = u32::MAX / 2;
    // The demo sends no mail: its mailer writes to the outbox, which it never uses.
    let mailer = crate::server::mail::Mailer::new(settings.mail_from.clone(), None, &settings.outbox_dir)
        .map_err(|e| anyhow::anyhow!("the demo's mailer: {e}"))?;
    let state = app_state(&settings, store.clone(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), mailer);

    let now = Utc::now();
    let mut sent = Sent::default();
    // Each round after the first changes what the one before stored: they go in order.
    for round in [first_values(users.clone(), now), later_changes(users.clone(), now), rejected()] {
        let round_sent = send_all(&state, &project.slug, &key.secret, round).await?;
        sent.accepted += round_sent.accepted;
        sent.rejected += round_sent.rejected;
    }
    Ok(sent)
}

fn crm_listener() -> ListenerInput<'static> {
    ListenerInput {
        name: "CRM",
        key: CRM_KEY,
        data_group: "CRM",
        identify_by: "email",
        unknown_user: "reject",
        fields: vec![
            field("Plan", "plan", FieldType::String),
            field("Seats", "seats", FieldType::Integer),
            field("Renewal date", "renewal_date", FieldType::DateTime),
            field("Beta opt-in", "beta_opt_in", FieldType::Boolean),
            field("Region", "region", FieldType::String),
        ],
        sealed_signing_secret: None,
        filter: None,
        feedback: None,
    }
}

fn app_usage_listener() -> ListenerInput<'static> {
    ListenerInput {
        name: "App usage",
        key: APP_USAGE_KEY,
        data_group: "App usage",
        identify_by: "username",
        unknown_user: "reject",
        fields: vec![field("Sessions", "sessions", FieldType::Integer), field("Last seen", "last_seen", FieldType::DateTime)],
        sealed_signing_secret: None,
        filter: None,
        feedback: None,
    }
}

fn field(label: &str, parameter: &str, field_type: FieldType) -> FieldMapping {
    FieldMapping { label: label.into(), parameter: parameter.into(), field_type }
}

/// A well-mixed number for user `n` and a purpose (`salt`): the demo's dice, the same on
/// every run (SplitMix64's finaliser).
fn dice(n: usize, salt: u64) -> u64 {
    let mut x = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn email(n: usize) -> String {
    format!("user{n:04}@example.com")
}

fn username(n: usize) -> String {
    format!("user{n:04}")
}

/// User `n`'s plan: about 40% Free, 35% Pro, 20% Team, 5% Enterprise.
fn plan(n: usize) -> &'static str {
    match dice(n, 1) % 100 {
        0..=39 => "Free",
        40..=74 => "Pro",
        75..=94 => "Team",
        _ => "Enterprise",
    }
}

fn seats(plan: &str, n: usize) -> u64 {
    let roll = dice(n, 2);
    match plan {
        "Free" => 1,
        "Pro" => 1 + roll % 5,
        "Team" => 5 + roll % 46,
        _ => 50 + roll % 451,
    }
}

const REGIONS: [&str; 4] = ["EMEA", "North America", "APAC", "LATAM"];

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The CRM knows about nine users in ten; the app backend about six in seven.
fn in_crm(n: usize) -> bool {
    n % 10 != 0
}

fn uses_app(n: usize) -> bool {
    n % 7 != 0
}

/// Days since a user was last seen: a third of Pro users have gone quiet (14 to 60 days),
/// everyone else was seen within the last 13 days.
fn days_quiet(n: usize) -> i64 {
    let roll = dice(n, 5);
    if plan(n) == "Pro" && roll % 3 == 0 {
        14 + (roll / 3 % 47) as i64
    } else {
        (roll % 14) as i64
    }
}

fn first_values(users: std::ops::RangeInclusive<usize>, now: DateTime<Utc>) -> Vec<Delivery> {
    let mut deliveries = Vec::new();
    for n in users {
        if in_crm(n) {
            let plan = plan(n);
            let region = REGIONS[(dice(n, 4) % REGIONS.len() as u64) as usize];
            let mut body = json!({
                "plan": plan,
                "seats": seats(plan, n),
                "beta_opt_in": dice(n, 3) % 3 != 0,
                "region": region,
            });
            // Paid plans renew on a day within the coming year; the CRM sends plain dates.
            if plan != "Free" {
                let renewal = now + Duration::days(1 + (dice(n, 6) % 365) as i64);
                body["renewal_date"] = json!(renewal.format("%Y-%m-%d").to_string());
            }
            deliveries.push(Delivery { listener: CRM_KEY, user: email(n), body: body.to_string(), expected: 200 });
        }
        if uses_app(n) {
            let last_seen = now - Duration::days(days_quiet(n)) - Duration::minutes((dice(n, 7) % 1440) as i64);
            // The app backend sends Unix seconds, as many webhooks do.
            let body = json!({ "sessions": 1 + dice(n, 8) % 400, "last_seen": last_seen.timestamp() });
            deliveries.push(Delivery { listener: APP_USAGE_KEY, user: username(n), body: body.to_string(), expected: 200 });
        }
    }
    deliveries
}

/// A few weeks of life, squeezed: some users upgrade, some active users come back.
fn later_changes(users: std::ops::RangeInclusive<usize>, now: DateTime<Utc>) -> Vec<Delivery> {
    let mut deliveries = Vec::new();
    for n in users {
        if in_crm(n) && n % 13 == 1 {
            let upgrade = match plan(n) {
                "Free" => "Pro",
                "Pro" => "Team",
                _ => continue,
            };
            let renewal = rfc3339(now + Duration::days(365));
            let body = json!({ "plan": upgrade, "seats": seats(upgrade, n + 1), "renewal_date": renewal });
            deliveries.push(Delivery { listener: CRM_KEY, user: email(n), body: body.to_string(), expected: 200 });
        }
        if uses_app(n) && days_quiet(n) < 14 && n % 9 == 2 {
            let body = json!({ "sessions": 400 + dice(n, 9) % 100, "last_seen": rfc3339(now - Duration::minutes(5)) });
            deliveries.push(Delivery { listener: APP_USAGE_KEY, user: username(n), body: body.to_string(), expected: 200 });
        }
    }
    deliveries
}

/// Requests a manager will find in the listeners' rejected deliveries, each for a reason.
fn rejected() -> Vec<Delivery> {
    let crm = |user: &str, body: &str, expected| Delivery { listener: CRM_KEY, user: user.into(), body: body.into(), expected };
    vec![
        crm(&email(2), r#"{"plan": "Pro", "seats": "a dozen"}"#, 422),
        crm(&email(3), r#"{"renewal_date": "next spring"}"#, 422),
        crm("ghost@example.com", r#"{"plan": "Pro"}"#, 404),
        crm(&email(4), r#"["plan", "Pro"]"#, 400),
        Delivery { listener: APP_USAGE_KEY, user: username(5), body: r#"{"sessions": 12.5}"#.into(), expected: 422 },
    ]
}

/// Sends one round's deliveries side by side (the writer commits them in groups) and checks
/// each got the status the demo meant it to.
async fn send_all(state: &AppState, project: &str, key: &str, deliveries: Vec<Delivery>) -> anyhow::Result<Sent> {
    let mut sending = JoinSet::new();
    for delivery in deliveries {
        let (state, project, key) = (state.clone(), project.to_string(), key.to_string());
        sending.spawn(async move {
            let request = IngestRequest {
                project: &project,
                listener: delivery.listener,
                user: &delivery.user,
                api_key: Some(&key),
                content_type: "application/json",
                idempotency_key: None,
                body: Some(delivery.body.as_bytes()),
                signature: SignatureHeaders { timestamp: None, signature: None },
                client: IpAddr::V4(Ipv4Addr::LOCALHOST),
            };
            let response = ingest(&state, &request).await?;
            anyhow::Ok((delivery, response.status.as_u16(), response.body))
        });
    }
    let mut sent = Sent::default();
    while let Some(joined) = sending.join_next().await {
        let (delivery, status, body): (Delivery, u16, Value) = joined.context("a demo delivery failed")??;
        if status != delivery.expected {
            bail!(
                "the demo's delivery to {} for {} got {status}, not {}: {body}",
                delivery.listener,
                delivery.user,
                delivery.expected
            );
        }
        if status == 200 {
            sent.accepted += 1;
        } else {
            sent.rejected += 1;
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dice_are_the_same_every_run_and_spread() {
        assert_eq!(dice(7, 1), dice(7, 1));
        assert_ne!(dice(7, 1), dice(7, 2));
        let plans: Vec<&str> = (1..=300).map(plan).collect();
        for name in ["Free", "Pro", "Team", "Enterprise"] {
            let share = plans.iter().filter(|p| **p == name).count();
            assert!(share >= 5, "{name}: {share} of 300");
        }
    }

    #[test]
    fn some_pro_users_are_quiet_for_fourteen_days_and_nobody_else_is() {
        let quiet: Vec<usize> = (1..=300).filter(|n| uses_app(*n) && days_quiet(*n) >= 14).collect();
        assert!(quiet.len() >= 10, "{} quiet users", quiet.len());
        assert!(quiet.iter().all(|n| plan(*n) == "Pro"));
    }

    #[test]
    fn later_changes_and_rejections_exist() {
        let now = Utc::now();
        let changes = later_changes(1..=300, now);
        assert!(changes.iter().any(|d| d.listener == CRM_KEY) && changes.iter().any(|d| d.listener == APP_USAGE_KEY));
        assert!(rejected().iter().all(|d| d.expected != 200));
    }
}
