//! What the ingestion hot path reads on every request — the project and listener a URL names,
//! the API key a sender presents, the user it names — kept in memory, and the keys' usage
//! counters gathered in memory and written in bulk.
//!
//! Every store operation that changes a listener, revokes a key or changes users forgets the
//! cached copies before it returns, so a revocation takes effect at once. Other instances on the same
//! PostgreSQL database learn of the change through `NOTIFY inlet_cache` (see
//! [`Store::follow_changes`]); entries also expire after a minute, a safety net for changes
//! made behind the application's back.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use super::{Pool, Result, Store};
use crate::domain::filter::CheckedFilter;
use crate::domain::listener::{project_schema, GroupField, Listener};
use crate::domain::network::AddressList;
use crate::domain::project::Project;
use crate::domain::user::{ProjectUser, UserRef};

const TIME_TO_LIVE: Duration = Duration::from_secs(60);
/// Past this many remembered users the cache starts again (a bound, not an eviction policy).
const MAX_CACHED_USERS: usize = 100_000;
const CHANNEL: &str = "inlet_cache";

/// A project and one of its listeners, as an ingestion URL names them.
#[derive(Debug)]
pub struct Route {
    pub project: Project,
    pub listener: Listener,
    /// The listener's sealed signing secret, when requests must be signed.
    pub signing_secret: Option<String>,
    /// The listener's gate checked against the project's fields as they are now, or why it no
    /// longer fits them (renames rewrite gates, so only a stored gate that cannot be read).
    pub gate: Option<std::result::Result<Gate, String>>,
}

/// A checked gate, and the project's fields to find a user's values by.
#[derive(Debug)]
pub struct Gate {
    pub filter: CheckedFilter,
    pub fields: Vec<GroupField>,
}

/// What a URL's project and listener key lead to.
#[derive(Debug, Clone)]
pub enum RouteLookup {
    NoProject,
    NoListener,
    Found(Arc<Route>),
}

/// An active key: its id, the stored hash of the whole key, and where it may be used from
/// (`None` when the stored list cannot be read: then nowhere, rather than everywhere).
#[derive(Debug, Clone)]
pub struct ActiveKey {
    pub id: i64,
    pub hash: String,
    pub allowed_addresses: Option<AddressList>,
}

/// What changed, so caches (here and in other instances) forget it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Listeners,
    ApiKeys,
    Users,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Change::Listeners => "listeners",
            Change::ApiKeys => "api_keys",
            Change::Users => "users",
        }
    }
}

/// A value and when it was loaded.
type Cached<T> = (Instant, T);
/// A project slug and a listener key.
type RouteKey = (String, String);

#[derive(Debug, Default)]
pub(crate) struct Caches {
    /// By (project slug, listener key).
    routes: RwLock<HashMap<RouteKey, Cached<Arc<Route>>>>,
    /// By key prefix.
    keys: RwLock<HashMap<String, Cached<ActiveKey>>>,
    /// Project members by (project id, "e:<email>" or "u:<username>").
    users: RwLock<HashMap<(i64, String), Cached<ProjectUser>>>,
    /// Requests per key not yet written: count and latest use.
    usage: Mutex<HashMap<i64, (i64, DateTime<Utc>)>>,
}

impl Caches {
    fn forget_everything(&self) {
        for change in [Change::Listeners, Change::ApiKeys, Change::Users] {
            self.forget(change);
        }
    }

    fn forget(&self, change: Change) {
        match change {
            Change::Listeners => self.routes.write().expect("cache lock").clear(),
            Change::ApiKeys => self.keys.write().expect("cache lock").clear(),
            Change::Users => self.users.write().expect("cache lock").clear(),
        }
    }
}

fn fresh<T: Clone>(entry: Option<&(Instant, T)>) -> Option<T> {
    entry.filter(|(at, _)| at.elapsed() < TIME_TO_LIVE).map(|(_, value)| value.clone())
}

impl Store {
    /// The project and listener an ingestion URL names, from memory when seen recently.
    pub async fn route(&self, project_slug: &str, listener_key: &str) -> Result<RouteLookup> {
        let cache_key = (project_slug.to_string(), listener_key.to_string());
        if let Some(route) = fresh(self.caches.routes.read().expect("cache lock").get(&cache_key)) {
            return Ok(RouteLookup::Found(route));
        }
        let Some(project) = self.project_by_slug(project_slug).await? else {
            return Ok(RouteLookup::NoProject);
        };
        let Some(listener) = self.listener(project.id, listener_key).await? else {
            return Ok(RouteLookup::NoListener);
        };
        let signing_secret = if listener.signed { self.listener_signing_secret(listener.id).await? } else { None };
        let gate = match &listener.filter {
            None => None,
            Some(filter) => {
                let fields = self.project_fields(project.id).await?;
                Some(match filter.clone().check(&project_schema(&fields)) {
                    Ok(filter) => Ok(Gate { filter, fields }),
                    Err(problems) => Err(problems.into_iter().map(|p| p.message).collect::<Vec<_>>().join("; ")),
                })
            }
        };
        let route = Arc::new(Route { project, listener, signing_secret, gate });
        self.caches.routes.write().expect("cache lock").insert(cache_key, (Instant::now(), route.clone()));
        Ok(RouteLookup::Found(route))
    }

    /// A member of a project, from memory when seen recently (a user not found is not
    /// remembered: they may be added at any moment).
    pub async fn project_user(&self, project_id: i64, user: &UserRef) -> Result<Option<ProjectUser>> {
        let name = match user {
            UserRef::Email(email) => format!("e:{}", email.as_str()),
            UserRef::Username(username) => format!("u:{}", username.as_str()),
        };
        let cache_key = (project_id, name);
        if let Some(found) = fresh(self.caches.users.read().expect("cache lock").get(&cache_key)) {
            return Ok(Some(found));
        }
        let Some(found) = self.find_project_user(project_id, user).await? else { return Ok(None) };
        let mut users = self.caches.users.write().expect("cache lock");
        if users.len() >= MAX_CACHED_USERS {
            users.clear();
        }
        users.insert(cache_key, (Instant::now(), found.clone()));
        Ok(Some(found))
    }

    /// The active key with this prefix, from memory when seen recently.
    pub async fn active_api_key(&self, prefix: &str) -> Result<Option<ActiveKey>> {
        if let Some(key) = fresh(self.caches.keys.read().expect("cache lock").get(prefix)) {
            return Ok(Some(key));
        }
        let Some((id, hash, allowed)) = self.load_active_api_key(prefix).await? else {
            return Ok(None);
        };
        let key = ActiveKey { id, hash, allowed_addresses: AddressList::parse(&allowed, "allowed_addresses").ok() };
        self.caches.keys.write().expect("cache lock").insert(prefix.to_string(), (Instant::now(), key.clone()));
        Ok(Some(key))
    }

    /// Counts one request made with a key; written by [`Store::flush_key_usage`].
    pub fn count_key_use(&self, id: i64) {
        let now = Utc::now();
        let mut usage = self.caches.usage.lock().expect("usage lock");
        let entry = usage.entry(id).or_insert((0, now));
        entry.0 += 1;
        entry.1 = now;
    }

    /// Writes the gathered usage counters. A crash loses at most the counts since the last
    /// flush (about a second): they are statistics, not data a sender sent.
    pub async fn flush_key_usage(&self) -> Result<()> {
        let pending: Vec<(i64, (i64, DateTime<Utc>))> = self.caches.usage.lock().expect("usage lock").drain().collect();
        if pending.is_empty() {
            return Ok(());
        }
        if let Err(error) = self.add_api_key_usage(&pending).await {
            // Put the counts back so the next flush writes them.
            let mut usage = self.caches.usage.lock().expect("usage lock");
            for (id, (count, at)) in pending {
                let entry = usage.entry(id).or_insert((0, at));
                entry.0 += count;
                entry.1 = entry.1.max(at);
            }
            return Err(error);
        }
        Ok(())
    }

    /// Forgets cached copies of what changed, here and (on PostgreSQL) in every other instance.
    pub(crate) async fn changed(&self, change: Change) {
        self.caches.forget(change);
        if let Pool::Postgres(pool) = &self.pool {
            let notified = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(change.as_str()).execute(pool).await;
            if let Err(error) = notified {
                tracing::warn!(%error, "could not tell other instances to forget cached {}", change.as_str());
            }
        }
    }

    /// On PostgreSQL, follows other instances' changes until the store closes, forgetting
    /// cached copies as they arrive (and everything whenever the connection had to be
    /// re-established, since notifications may have been missed meanwhile). SQLite has a
    /// single instance: nothing to follow.
    pub async fn follow_changes(&self) -> Result<()> {
        let Pool::Postgres(pool) = &self.pool else {
            return Ok(());
        };
        let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => match notification.payload() {
                    "listeners" => self.caches.forget(Change::Listeners),
                    "api_keys" => self.caches.forget(Change::ApiKeys),
                    "users" => self.caches.forget(Change::Users),
                    _ => {}
                },
                Ok(None) => self.caches.forget_everything(),
                Err(_) if pool.is_closed() => return Ok(()),
                Err(error) => {
                    tracing::warn!(%error, "lost the cache notification channel; retrying");
                    self.caches.forget_everything();
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
}
