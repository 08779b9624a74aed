//! `spawn_app()`: a real Inlet on port 0 with a database of its own, two staff members, an
//! API key and typed request helpers. The backend comes from `INLET_TEST_DATABASE`
//! (`sqlite`, the default, or `postgres` at `INLET_TEST_POSTGRES_URL`).

use inlet::domain::project::Project;
use inlet::domain::staff::{Role, Staff};
use inlet::server::config::Settings;
use inlet::server::service::{accounts, api_keys};
use inlet::server::startup::Application;
use inlet::server::store::Store;
use rand::distributions::Alphanumeric;
use rand::Rng;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use reqwest::{redirect, Client, Response, StatusCode};
use serde_json::Value;
use sqlx::{Connection, Executor, PgConnection};

pub const ADMIN_EMAIL: &str = "admin@test.inlet";
pub const ADMIN_PASSWORD: &str = "admin-password-123";
pub const PM_EMAIL: &str = "pm@test.inlet";
pub const PM_PASSWORD: &str = "pm-password-1234";
pub const SESSION_COOKIE: &str = "inlet_session";

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub database_url: String,
    pub store: Store,
    /// Keeps cookies, never follows redirects (tests look at them).
    pub client: Client,
    pub admin: Staff,
    pub project_manager: Staff,
    pub api_key: String,
    pub api_key_id: i64,
    backend: TestDatabase,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like `spawn_app`, with settings changed first (smaller limits and the like).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let backend = TestDatabase::create().await;
    let database_url = backend.url();
    let mut settings = Settings::for_database(&database_url);
    configure(&mut settings);

    let (port, store) = start_application(&settings).await;
    let admin = accounts::create_staff(&store, ADMIN_EMAIL, "Test Admin", Role::CommunityManager, ADMIN_PASSWORD)
        .await
        .expect("Failed to create the community manager");
    let project_manager = accounts::create_staff(&store, PM_EMAIL, "Test PM", Role::ProjectManager, PM_PASSWORD)
        .await
        .expect("Failed to create the project manager");
    let key = api_keys::create_api_key(&store, "tests", "integration tests", "", Some(admin.id))
        .await
        .expect("Failed to create an API key");

    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        database_url,
        store,
        client: new_client(),
        admin,
        project_manager,
        api_key: key.secret,
        api_key_id: key.id,
        backend,
    }
}

/// While Leptos generates a route list it sets a process-wide flag
/// (`leptos_server::IS_SUPPRESSING_RESOURCE_LOAD`) that keeps every resource in the process
/// from loading, so a page another test renders at that moment never finishes. `startup`
/// generates the list once per process; this gate (build = write, render = read) keeps the
/// suite safe even if a build ever generates it again.
static RENDER_GATE: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// Builds and serves one more application on `settings`; returns its port.
/// Starts the application; returns its port and its store (sharing the application's
/// caches, as the UI and the management API do).
pub async fn start_application(settings: &Settings) -> (u16, Store) {
    let building = RENDER_GATE.write().await;
    let application = Application::build(settings).await.expect("Failed to build the application");
    drop(building);
    let (port, store) = (application.port(), application.store());
    tokio::spawn(application.run_until_stopped(false));
    (port, store)
}

/// A browser-like client: a cookie jar and no redirect following. A response that never
/// finishes fails its test instead of hanging the suite.
pub fn new_client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("Failed to build the HTTP client")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            TestDatabase::Sqlite { .. } => "sqlite",
            TestDatabase::Postgres { .. } => "postgres",
        }
    }

    // ---- HTTP API (X-Api-Key) ----

    pub async fn get(&self, path: &str) -> Response {
        self.get_with_key(path, Some(&self.api_key)).await
    }

    pub async fn get_with_key(&self, path: &str, key: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(key) = key {
            request = request.header("X-Api-Key", key);
        }
        request.send().await.expect("Failed to send GET")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client.post(self.url(path)).header("X-Api-Key", &self.api_key).json(body).send().await.expect("Failed to send POST")
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .patch(self.url(path))
            .header("X-Api-Key", &self.api_key)
            .json(body)
            .send()
            .await
            .expect("Failed to send PATCH")
    }

    /// POSTs a raw body with the given content type.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: impl Into<reqwest::Body>) -> Response {
        self.client
            .post(self.url(path))
            .header("X-Api-Key", &self.api_key)
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("Failed to send POST")
    }

    pub async fn create_project(&self, name: &str, slug: &str) -> Value {
        let response = self.post_json("/api/v1/projects", &serde_json::json!({ "name": name, "slug": slug })).await;
        assert_eq!(response.status(), StatusCode::CREATED, "creating project {slug}");
        response.json().await.expect("project JSON")
    }

    pub async fn create_user(&self, project: &str, email: &str, username: &str, display_name: &str) -> Response {
        self.post_json(
            &format!("/api/v1/projects/{project}/users"),
            &serde_json::json!({ "email": email, "username": username, "display_name": display_name }),
        )
        .await
    }

    /// Creates a user and checks it worked.
    pub async fn add_user(&self, project: &str, email: &str, username: &str, display_name: &str) -> Value {
        let response = self.create_user(project, email, username, display_name).await;
        assert_eq!(response.status(), StatusCode::CREATED, "adding {email} to {project}");
        response.json().await.expect("user JSON")
    }

    pub async fn import_csv(&self, project: &str, csv: impl Into<reqwest::Body>) -> Response {
        self.post_raw(&format!("/api/v1/projects/{project}/users/import"), "text/csv", csv).await
    }

    /// `GET /api/v1/projects/{project}/users?{query}` as JSON, checking for 200.
    pub async fn list_users(&self, project: &str, query: &str) -> Value {
        let response = self.get(&format!("/api/v1/projects/{project}/users?{query}")).await;
        assert_eq!(response.status(), StatusCode::OK, "listing users of {project} ?{query}");
        response.json().await.expect("user list JSON")
    }

    pub async fn user_count(&self, project: &str) -> u64 {
        self.list_users(project, "per_page=1").await["total"].as_u64().expect("total")
    }

    pub async fn project(&self, slug: &str) -> Project {
        self.store.project_by_slug(slug).await.expect("store query").expect("project exists")
    }

    // ---- Browser side (session cookie) ----

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.login_with(&self.client, email, password).await
    }

    pub async fn login_with(&self, client: &Client, email: &str, password: &str) -> Response {
        client
            .post(self.url("/login"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .expect("Failed to POST /login")
    }

    pub async fn login_as_admin(&self) {
        let response = self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(location(&response), "/projects", "admin login");
    }

    pub async fn login_as_project_manager(&self) {
        let response = self.login(PM_EMAIL, PM_PASSWORD).await;
        assert_eq!(location(&response), "/projects", "project manager login");
    }

    pub async fn logout(&self) -> Response {
        self.client.post(self.url("/logout")).send().await.expect("Failed to POST /logout")
    }

    /// GETs a server-rendered page with this app's client (and its cookies).
    pub async fn get_page(&self, path: &str) -> Page {
        fetch_page(self.client.get(self.url(path))).await
    }
}

/// A server-rendered page, read whole.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

/// Sends a page request and reads the whole body (see `RENDER_GATE`).
pub async fn fetch_page(request: reqwest::RequestBuilder) -> Page {
    let _rendering = RENDER_GATE.read().await;
    let response = request.send().await.expect("Failed to GET page");
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.text().await.expect("Failed to read the page body");
    Page { status, headers, body }
}

/// Anything with a status and headers: a raw response or a page.
pub trait HasHeaders {
    fn status_code(&self) -> StatusCode;
    fn header_map(&self) -> &HeaderMap;
}

impl HasHeaders for Response {
    fn status_code(&self) -> StatusCode {
        self.status()
    }
    fn header_map(&self) -> &HeaderMap {
        self.headers()
    }
}

impl HasHeaders for Page {
    fn status_code(&self) -> StatusCode {
        self.status
    }
    fn header_map(&self) -> &HeaderMap {
        &self.headers
    }
}

/// The `Location` header of a redirect.
pub fn location(response: &impl HasHeaders) -> String {
    assert!(response.status_code().is_redirection(), "expected a redirect, got {}", response.status_code());
    response.header_map().get(LOCATION).expect("Location header").to_str().expect("ASCII Location").to_string()
}

/// The whole `Set-Cookie` line for `name`, if the response sets it.
pub fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|line| line.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

/// `name=value` of a `Set-Cookie` line, ready for a `Cookie` header.
pub fn cookie_pair(set_cookie_line: &str) -> String {
    set_cookie_line.split(';').next().expect("cookie pair").trim().to_string()
}

/// The `error` object of a JSON error response, after checking the status.
pub async fn error_body(response: Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status, "unexpected status");
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(content_type.starts_with("application/json"), "error content type was '{content_type}'");
    let body: Value = response.json().await.expect("error JSON");
    let error = body["error"].clone();
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "error has a message: {body}");
    error
}

/// The field names of a 422 `invalid` error.
pub fn error_fields(error: &Value) -> Vec<String> {
    error["fields"]
        .as_array()
        .expect("fields list")
        .iter()
        .map(|f| f["field"].as_str().expect("field name").to_string())
        .collect()
}

pub fn random_suffix() -> String {
    rand::thread_rng().sample_iter(&Alphanumeric).take(12).map(char::from).collect::<String>().to_lowercase()
}

/// A database that exists for one test only.
enum TestDatabase {
    Sqlite { dir: std::path::PathBuf },
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    async fn create() -> Self {
        let backend = std::env::var("INLET_TEST_DATABASE").unwrap_or_else(|_| "sqlite".into());
        match backend.as_str() {
            "sqlite" | "" => {
                let dir = std::env::temp_dir().join(format!("inlet-test-{}", random_suffix()));
                std::fs::create_dir_all(&dir).expect("Failed to create the test's temp dir");
                TestDatabase::Sqlite { dir }
            }
            "postgres" | "postgresql" => {
                let admin_url = std::env::var("INLET_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into());
                let name = format!("inlet_test_{}", random_suffix());
                let mut connection = PgConnection::connect(&admin_url).await.unwrap_or_else(|error| {
                    panic!(
                        "INLET_TEST_DATABASE=postgres but PostgreSQL at {admin_url} is unreachable ({error}); \
                         start it or set INLET_TEST_POSTGRES_URL"
                    )
                });
                connection
                    .execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
                    .await
                    .unwrap_or_else(|error| panic!("Failed to create database {name}: {error}"));
                TestDatabase::Postgres { admin_url, name }
            }
            other => panic!("INLET_TEST_DATABASE must be 'sqlite' or 'postgres', not '{other}'"),
        }
    }

    fn url(&self) -> String {
        match self {
            TestDatabase::Sqlite { dir } => format!("sqlite://{}", dir.join("inlet.db").display()),
            TestDatabase::Postgres { admin_url, name } => replace_database(admin_url, name),
        }
    }
}

/// `postgres://user@host:port/db?opts` with `db` replaced.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let server = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{server}/{name}{query}")
}

/// Best-effort clean-up, so repeated runs do not pile up databases and temp dirs.
impl Drop for TestApp {
    fn drop(&mut self) {
        match &self.backend {
            TestDatabase::Sqlite { dir } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            TestDatabase::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // The test's runtime is busy dropping us; a small one of our own does the SQL.
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                    runtime.block_on(async {
                        let mut connection = PgConnection::connect(&admin_url).await.ok()?;
                        connection.execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str()).await.ok()
                    })
                })
                .join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(replace_database("postgres://postgres@127.0.0.1:5432/test", "x"), "postgres://postgres@127.0.0.1:5432/x");
        assert_eq!(replace_database("postgres://u:p@h/test?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
        assert_eq!(replace_database("postgres://h", "x"), "postgres://h/x");
    }
}
