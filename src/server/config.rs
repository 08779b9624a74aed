//! Settings, read from the environment (or flags) with defaults; `inlet --help` lists them.

use clap::Args;
use std::net::SocketAddr;

use lettre::message::Mailbox;
use std::path::PathBuf;

use super::mail::SmtpUrl;
use super::secrets::SecretKey;
use crate::domain::network::AddressList;

fn parse_smtp_url(text: &str) -> Result<SmtpUrl, String> {
    SmtpUrl::parse(text)
}

fn parse_mailbox(text: &str) -> Result<Mailbox, String> {
    text.parse::<Mailbox>().map_err(|e| format!("INLET_MAIL_FROM is not an address such as 'Inlet <inlet@example.com>': {e}"))
}

fn parse_addresses(text: &str) -> Result<AddressList, String> {
    AddressList::parse(text, "INLET_TRUSTED_PROXIES").map_err(|e| e.message)
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database: `sqlite://path/to/file.db` (created when missing) or `postgres://user@host/db`.
    #[arg(long, env = "INLET_DATABASE_URL", default_value = "sqlite://data/inlet.db", global = true)]
    pub database_url: String,

    /// Address and port the web server listens on (port 0 picks a free port).
    #[arg(long, env = "INLET_BIND", default_value = "127.0.0.1:3000", global = true)]
    pub bind: SocketAddr,

    /// Public URL of this server, used to print endpoint URLs [default: http://<INLET_BIND>].
    #[arg(long, env = "INLET_BASE_URL", global = true)]
    pub base_url: Option<String>,

    /// Folder with the compiled site (pkg/, favicon) built by cargo-leptos.
    #[arg(long, env = "INLET_SITE_ROOT", default_value = "target/site", global = true)]
    pub site_root: String,

    /// Name of the community, shown in the top bar.
    #[arg(long, env = "INLET_COMMUNITY_NAME", default_value = "Inlet community", global = true)]
    pub community_name: String,

    /// Log filter (tracing `EnvFilter` syntax).
    #[arg(long, env = "INLET_LOG", default_value = "info,sqlx=warn,tower_sessions=warn", global = true)]
    pub log: String,

    /// Send session cookies only over HTTPS [default: true when INLET_BASE_URL is https].
    #[arg(long, env = "INLET_SECURE_COOKIES", global = true)]
    pub secure_cookies: Option<bool>,

    /// Failed logins allowed per email and per client address in 15 minutes.
    #[arg(long, env = "INLET_LOGIN_ATTEMPTS", default_value_t = 10, global = true)]
    pub login_attempts: u32,

    /// Largest request body accepted by the HTTP API, in bytes (CSV imports included).
    #[arg(long, env = "INLET_MAX_BODY_BYTES", default_value_t = 8 * 1024 * 1024, global = true)]
    pub max_body_bytes: usize,

    /// Largest JSON body a listener accepts, in bytes (larger ones get 413 and are recorded).
    #[arg(long, env = "INLET_INGEST_MAX_BODY_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub ingest_max_body_bytes: usize,

    /// Ingestion requests per second allowed per API key (more get 429 with Retry-After).
    #[arg(long, env = "INLET_INGEST_RATE", default_value_t = 200, global = true)]
    pub ingest_rate: u32,

    /// Ingestion requests an API key may send at once before the per-second rate applies.
    #[arg(long, env = "INLET_INGEST_BURST", default_value_t = 400, global = true)]
    pub ingest_burst: u32,

    /// Ingestion requests per second allowed per client address without a valid API key (more
    /// get 429 and are not recorded, so a stranger cannot fill the database).
    #[arg(long, env = "INLET_INGEST_UNAUTHENTICATED_RATE", default_value_t = 10, global = true)]
    pub ingest_unauthenticated_rate: u32,

    /// PostgreSQL delivery writer tasks, each committing a batch of deliveries at a time. One
    /// suits 2 cores; more may pay on a bigger PostgreSQL server. SQLite has one write lock,
    /// so it always has one writer (a thread of its own), whatever this says.
    #[arg(long, env = "INLET_INGEST_WRITERS", default_value_t = 1, global = true)]
    pub ingest_writers: usize,

    /// 64 hex digits (`openssl rand -hex 32`) that encrypt listeners' signing secrets at rest.
    /// Keep it safe and the same on every instance: without it, signing secrets can't be set or
    /// checked.
    #[arg(long, env = "INLET_SECRET_KEY", hide_env_values = true, value_parser = SecretKey::parse, global = true)]
    pub secret_key: Option<SecretKey>,

    /// Reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names
    /// the real client, for API key address lists and login limits [default: none].
    #[arg(long, env = "INLET_TRUSTED_PROXIES", default_value = "", value_parser = parse_addresses, global = true)]
    pub trusted_proxies: AddressList,

    /// How far, in seconds, a signed request's X-Inlet-Timestamp may be from the server's clock.
    #[arg(long, env = "INLET_SIGNATURE_TOLERANCE", default_value_t = 300, global = true)]
    pub signature_tolerance_secs: u64,

    /// SMTP server for distribution email: `smtp://host:port` (plain), `smtp://host:port?tls=starttls`
    /// or `smtps://user:password@host:465` [default: none: messages go to INLET_OUTBOX_DIR].
    #[arg(long, env = "INLET_SMTP_URL", hide_env_values = true, value_parser = parse_smtp_url, global = true)]
    pub smtp_url: Option<SmtpUrl>,

    /// Sender of distribution email.
    #[arg(long, env = "INLET_MAIL_FROM", default_value = "Inlet <inlet@localhost>", value_parser = parse_mailbox, global = true)]
    pub mail_from: Mailbox,

    /// Folder where distribution email is written as .eml files when INLET_SMTP_URL is not set;
    /// community managers read it on the Outbox page.
    #[arg(long, env = "INLET_OUTBOX_DIR", default_value = "data/outbox", global = true)]
    pub outbox_dir: PathBuf,
}

impl Settings {
    pub fn base_url(&self) -> String {
        match &self.base_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.bind),
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies.unwrap_or_else(|| self.base_url().starts_with("https://"))
    }

    /// Settings for tests and tools: everything default except the database and a free port.
    pub fn for_database(database_url: &str) -> Self {
        Self {
            database_url: database_url.to_string(),
            bind: "127.0.0.1:0".parse().expect("valid address"),
            base_url: None,
            site_root: "target/site".into(),
            community_name: "Inlet community".into(),
            log: "warn".into(),
            secure_cookies: Some(false),
            login_attempts: 10,
            max_body_bytes: 8 * 1024 * 1024,
            ingest_max_body_bytes: 1024 * 1024,
            ingest_rate: 200,
            ingest_burst: 400,
            ingest_unauthenticated_rate: 10,
            ingest_writers: 1,
            secret_key: None,
            trusted_proxies: AddressList::default(),
            signature_tolerance_secs: 300,
            smtp_url: None,
            mail_from: "Inlet <inlet@localhost>".parse().expect("valid mailbox"),
            outbox_dir: std::env::temp_dir().join(format!("inlet-outbox-{}", rand::random::<u64>())),
        }
    }
}
