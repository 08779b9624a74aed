//! Builds the application: connects and migrates the store, assembles the router and binds
//! the listener, returning the bound port so tests can ask for port 0.

use axum::extract::FromRef;
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::net::TcpListener;
use tower_sessions::cookie::SameSite;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};

use super::auth::rate_limit::{AddressRateLimiter, KeyRateLimiter, LoginLimiter};
use super::auth::{csrf, login, viewer};
use super::config::Settings;
use super::mail::Mailer;
use super::secrets::SecretKey;
use super::service::distributions::{self, ReportContent, Scheduler};
use super::service::ingest::DeliveryWriter;
use super::store::{SqlSessionStore, Store};
use super::{forms, rest};
use crate::domain::network::AddressList;
use crate::ui::{shell, App};

/// What every handler and server function can reach. Extractors and middleware clone it on
/// every request, so it is one `Arc`.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

#[derive(Debug)]
pub struct Shared {
    pub store: Store,
    pub leptos_options: LeptosOptions,
    pub base_url: String,
    pub community_name: Arc<str>,
    pub login_limiter: Arc<LoginLimiter>,
    pub max_body_bytes: usize,
    pub ingest_max_body_bytes: usize,
    pub ingest_limiter: Arc<KeyRateLimiter>,
    /// For ingestion requests without a valid key, per client address.
    pub stranger_limiter: Arc<AddressRateLimiter>,
    pub writer: DeliveryWriter,
    pub secret_key: Option<SecretKey>,
    pub signature_tolerance_secs: u64,
    /// Cookies only over HTTPS (`INLET_SECURE_COOKIES`).
    pub secure_cookies: bool,
    pub trusted_proxies: Arc<AddressList>,
    /// Distribution email: over SMTP, or into the outbox folder.
    pub mailer: Mailer,
    /// Wakes this instance's distribution scheduler (a send was queued).
    pub wake_scheduler: Arc<tokio::sync::Notify>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    port: u16,
    store: Store,
    scheduler: Scheduler,
}

impl Application {
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        use anyhow::Context;
        let store = Store::connect(&settings.database_url)
            .await
            .with_context(|| format!("Failed to connect to {}", super::store::redact_url(&settings.database_url)))?;
        store.migrate().await.context("Failed to migrate the database")?;
        let listener = TcpListener::bind(settings.bind).await.with_context(|| format!("Failed to bind {}", settings.bind))?;
        let address = listener.local_addr()?;
        let mut settings = settings.clone();
        if settings.base_url.is_none() {
            settings.base_url = Some(format!("http://{address}"));
        }
        let mailer = Mailer::new(settings.mail_from.clone(), settings.smtp_url.as_ref(), &settings.outbox_dir)
            .context("Failed to set up the mailer")?;
        let content = Arc::new(ReportContent { store: store.clone(), base_url: settings.base_url() });
        let state = app_state(&settings, store.clone(), address, mailer.clone());
        let scheduler = Scheduler::new(store.clone(), mailer, content)
            .waking_on(state.wake_scheduler.clone())
            .linking_to(settings.base_url());
        let router = router_with_state(&settings, state);
        Ok(Self { listener, router, port: address.port(), store, scheduler })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The application's store: the same caches, so changes made through it (revoking a key,
    /// disabling a listener) take effect in the running application at once.
    pub fn store(&self) -> Store {
        self.store.clone()
    }

    /// The distribution scheduler this application runs every `distributions::TICK`.
    pub fn scheduler(&self) -> Scheduler {
        self.scheduler.clone()
    }

    /// Serves until ctrl-c / SIGTERM (when `graceful`) or forever.
    pub async fn run_until_stopped(self, graceful: bool) -> std::io::Result<()> {
        spawn_session_cleanup(self.store.clone());
        spawn_cache_upkeep(self.store.clone());
        distributions::spawn(self.scheduler.clone());
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        let serve = axum::serve(self.listener, service);
        let served = if graceful { serve.with_graceful_shutdown(shutdown_signal()).await } else { serve.await };
        if let Err(error) = self.store.flush_key_usage().await {
            tracing::warn!(%error, "could not write the last API key usage counts");
        }
        served
    }
}

fn leptos_options(settings: &Settings, address: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(option_env!("LEPTOS_OUTPUT_NAME").unwrap_or("inlet"))
        .site_root(settings.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(address)
        .build()
}

/// What the application's handlers share, for `settings` and `store`. Starts the delivery
/// writer, so it must be called within the Tokio runtime. `router` builds one; `inlet demo`
/// builds one to send its data through the ingestion service as a real sender's would go.
pub fn app_state(settings: &Settings, store: Store, address: SocketAddr, mailer: Mailer) -> AppState {
    AppState(Arc::new(Shared {
        store: store.clone(),
        leptos_options: leptos_options(settings, address),
        base_url: settings.base_url(),
        community_name: settings.community_name.as_str().into(),
        login_limiter: Arc::new(LoginLimiter::new(settings.login_attempts)),
        max_body_bytes: settings.max_body_bytes,
        ingest_max_body_bytes: settings.ingest_max_body_bytes,
        ingest_limiter: Arc::new(KeyRateLimiter::new(settings.ingest_rate, settings.ingest_burst)),
        stranger_limiter: Arc::new(AddressRateLimiter::new(
            settings.ingest_unauthenticated_rate,
            settings.ingest_unauthenticated_rate.saturating_mul(2),
        )),
        writer: DeliveryWriter::start(store.clone(), settings.ingest_writers),
        secret_key: settings.secret_key.clone(),
        signature_tolerance_secs: settings.signature_tolerance_secs,
        secure_cookies: settings.secure_cookies(),
        trusted_proxies: Arc::new(settings.trusted_proxies.clone()),
        mailer,
        wake_scheduler: Arc::default(),
    }))
}

pub fn router(settings: &Settings, store: Store, address: SocketAddr, mailer: Mailer) -> Router {
    router_with_state(settings, app_state(settings, store, address, mailer))
}

/// The application's routes around `state` (made by `app_state`).
pub fn router_with_state(settings: &Settings, state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(SqlSessionStore::new(state.store.clone()))
        .with_name("inlet_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure_cookies())
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(12)));

    let routes = route_list();
    let context_state = state.clone();
    Router::new()
        .route("/healthz", get(rest::health))
        .nest("/api/v1", rest::router(&state))
        .route("/login", post(login::login))
        .route("/logout", post(login::logout))
        .merge(forms::router())
        .leptos_routes_with_context(&state, routes, move || provide_context(context_state.clone()), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), csrf::same_origin_only))
        .layer(axum::middleware::from_fn_with_state(state.clone(), viewer::load_viewer))
        .layer(sessions)
        .merge(rest::ingest_router())
        .merge(rest::docs_router())
        .layer(axum::middleware::from_fn(log_request))
        .with_state(state)
}

/// The application's routes, generated once per process. While Leptos generates them it
/// suppresses resource loading process-wide, so generating them again for a second
/// application in the same process (the tests build many) would stall the pages another one
/// is rendering at that moment.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// One log line per request: method, path (never the query, which may carry a key), status
/// and time taken. Nothing is copied when the level leaves info lines out.
async fn log_request(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    if !tracing::enabled!(tracing::Level::INFO) {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    tracing::info!(%method, %path, status = response.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    response
}

fn spawn_session_cleanup(store: Store) {
    tokio::spawn(async move {
        let sessions = SqlSessionStore::new(store);
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(error) = sessions.delete_expired().await {
                tracing::warn!(error = %error, "could not delete expired sessions");
            }
        }
    });
}

/// Writes API key usage counts every second, and (on PostgreSQL) follows other instances'
/// changes so cached listeners and keys are forgotten at once.
fn spawn_cache_upkeep(store: Store) {
    let flusher = store.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            if let Err(error) = flusher.flush_key_usage().await {
                tracing::warn!(%error, "could not write API key usage counts");
            }
        }
    });
    tokio::spawn(async move {
        if let Err(error) = store.follow_changes().await {
            tracing::warn!(%error, "cannot follow other instances' changes; cached entries expire after a minute");
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
