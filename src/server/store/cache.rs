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
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use super::{Pool, Result, Store};
use crate::domain::filter::CheckedFilter;
use crate::domain::listener::{project_schema, GroupField, Listener};
use crate::domain::network::AddressList;
use crate::domain::project::Project;
use crate::domain::user::{ProjectUser, UserRef};

const TIME_TO_LIVE: Duration = Duration::from_secs(60);
/// Past this many remembered users the cache starts again.
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

/// A project slug and a listener key.
type RouteKey = (String, String);

#[derive(Debug, Default)]
pub(crate) struct Caches {
    /// By (project slug, listener key).
    routes: Table<RouteKey, Arc<Route>>,
    /// By key prefix.
    keys: Table<String, ActiveKey>,
    /// Project members by (project id, "e:<email>" or "u:<username>").
    users: Table<(i64, String), ProjectUser>,
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
            Change::Listeners => self.routes.forget(),
            Change::ApiKeys => self.keys.forget(),
            Change::Users => self.users.forget(),
        }
    }
}

/// One kind of cached entry, each with when it was loaded. The generation counts how often the
/// table was forgotten: a value read from the database is remembered only if nothing was
/// forgotten while it was being read, or a revocation committed between that read and the
/// insert would be undone for a whole minute.
#[derive(Debug)]
struct Table<K, V>(RwLock<Entries<K, V>>);

#[derive(Debug)]
struct Entries<K, V> {
    generation: u64,
    map: HashMap<K, (Instant, V)>,
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Table(RwLock::new(Entries { generation: 0, map: HashMap::new() }))
    }
}

impl<K: Hash + Eq, V: Clone> Table<K, V> {
    /// The entry when it is fresh; otherwise the generation to load it under (read before the
    /// database is).
    fn get<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> std::result::Result<V, u64>
    where
        K: Borrow<Q>,
    {
        let entries = self.0.read().expect("cache lock");
        match entries.map.get(key) {
            Some((at, value)) if at.elapsed() < TIME_TO_LIVE => Ok(value.clone()),
            _ => Err(entries.generation),
        }
    }

    /// Remembers a value loaded under `generation`, unless the table was forgotten since.
    /// Past `bound` entries the table starts again (a bound, not an eviction policy).
    fn remember(&self, generation: u64, key: K, value: V, bound: usize) {
        let mut entries = self.0.write().expect("cache lock");
        if entries.generation != generation {
            return;
        }
        if entries.map.len() >= bound {
            entries.map.clear();
        }
        entries.map.insert(key, (Instant::now(), value));
    }

    fn forget(&self) {
        let mut entries = self.0.write().expect("cache lock");
        entries.generation += 1;
        entries.map.clear();
    }
}

impl Store {
    /// The project and listener an ingestion URL names, from memory when seen recently.
    pub async fn route(&self, project_slug: &str, listener_key: &str) -> Result<RouteLookup> {
        let cache_key = (project_slug.to_string(), listener_key.to_string());
        let generation = match self.caches.routes.get(&cache_key) {
            Ok(route) => return Ok(RouteLookup::Found(route)),
            Err(generation) => generation,
        };
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
        self.caches.routes.remember(generation, cache_key, route.clone(), usize::MAX);
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
        let generation = match self.caches.users.get(&cache_key) {
            Ok(found) => return Ok(Some(found)),
            Err(generation) => generation,
        };
        let Some(found) = self.find_project_user(project_id, user).await? else { return Ok(None) };
        self.caches.users.remember(generation, cache_key, found.clone(), MAX_CACHED_USERS);
        Ok(Some(found))
    }

    /// The active key with this prefix, from memory when seen recently.
    pub async fn active_api_key(&self, prefix: &str) -> Result<Option<ActiveKey>> {
        let generation = match self.caches.keys.get(prefix) {
            Ok(key) => return Ok(Some(key)),
            Err(generation) => generation,
        };
        let Some((id, hash, allowed)) = self.load_active_api_key(prefix).await? else {
            return Ok(None);
        };
        let key = ActiveKey { id, hash, allowed_addresses: AddressList::parse(&allowed, "allowed_addresses").ok() };
        self.caches.keys.remember(generation, prefix.to_string(), key.clone(), usize::MAX);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_read_before_a_change_is_not_remembered_after_it() {
        let table: Table<String, i64> = Table::default();
        let generation = table.get("key").unwrap_err();
        // A revocation commits and forgets while the old value is being read.
        table.forget();
        table.remember(generation, "key".to_string(), 1, usize::MAX);
        assert!(table.get("key").is_err(), "the stale value must not be served");

        let generation = table.get("key").unwrap_err();
        table.remember(generation, "key".to_string(), 2, usize::MAX);
        assert_eq!(table.get("key"), Ok(2));
        table.forget();
        assert!(table.get("key").is_err());
    }

    #[test]
    fn a_full_table_starts_again() {
        let table: Table<i64, i64> = Table::default();
        for n in 0..3 {
            let generation = table.get(&n).unwrap_err();
            table.remember(generation, n, n, 2);
        }
        assert!(table.get(&0).is_err() && table.get(&1).is_err());
        assert_eq!(table.get(&2), Ok(2));
    }
}
