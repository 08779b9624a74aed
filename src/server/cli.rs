//! The `inlet` command line: serve (default), migrate, admin create, api-key create, demo.

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::io::Read;

use super::config::Settings;
use super::service::{accounts, api_keys};
use super::startup::Application;
use super::store::{redact_url, Store};
use crate::domain::staff::Role;

#[derive(Debug, Parser)]
#[command(name = "inlet", version, about = "Inlet: a self-hosted customer-validation data engine.")]
#[command(after_help = "Every setting can be given as a flag or as the environment variable shown beside it.")]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage staff accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Manage community API keys.
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Load a demo community (2 projects, 500 users, a project manager, listeners with data);
    /// does nothing if loaded.
    Demo,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a staff member (a community manager unless --role says otherwise).
    Create {
        #[arg(long)]
        email: String,
        /// Display name [default: derived from the email].
        #[arg(long)]
        name: Option<String>,
        #[arg(long, default_value = "community-manager")]
        role: Role,
        /// Read the password from standard input instead of INLET_ADMIN_PASSWORD.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key and print its secret (shown this once only).
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        /// Addresses and CIDR ranges the key may be used from, comma-separated [default: any].
        #[arg(long, default_value = "")]
        allowed_addresses: String,
    },
}

pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing(&cli.settings.log);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&cli.settings).await,
        Command::Migrate => {
            connect(&cli.settings).await?;
            println!("Database is up to date ({}).", redact_url(&cli.settings.database_url));
            Ok(())
        }
        Command::Admin { command: AdminCommand::Create { email, name, role, password_stdin } } => {
            let store = connect(&cli.settings).await?;
            let password = read_password(password_stdin)?;
            let name = name.unwrap_or_else(|| accounts::name_from_email(&email));
            let staff = accounts::create_staff(&store, &email, &name, role, &password)
                .await
                .map_err(|e| anyhow::anyhow!("Could not create the staff member: {}", e.public_message()))?;
            println!("Created {} {} ({}).", staff.role.label().to_lowercase(), staff.email, staff.name);
            Ok(())
        }
        Command::ApiKey { command: ApiKeyCommand::Create { name, description, allowed_addresses } } => {
            let store = connect(&cli.settings).await?;
            let key = api_keys::create_api_key(&store, &name, &description, &allowed_addresses, None)
                .await
                .map_err(|e| anyhow::anyhow!("Could not create the API key: {}", e.public_message()))?;
            eprintln!("API key '{name}' created. Copy it now: it is stored only as a hash and cannot be shown again.");
            println!("{}", key.secret);
            Ok(())
        }
        Command::Demo => {
            let store = connect(&cli.settings).await?;
            super::demo::load(&cli.settings, &store).await
        }
    }
}

async fn serve(settings: &Settings) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    tracing::info!(
        "Inlet listening on http://{}:{} (database: {})",
        settings.bind.ip(),
        app.port(),
        redact_url(&settings.database_url)
    );
    println!("Inlet is running at {}", settings.base_url());
    app.run_until_stopped(true).await.context("Server error")
}

async fn connect(settings: &Settings) -> anyhow::Result<Store> {
    let store = Store::connect(&settings.database_url)
        .await
        .with_context(|| format!("Failed to connect to {}", redact_url(&settings.database_url)))?;
    store.migrate().await.context("Failed to migrate the database")?;
    Ok(store)
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut password = String::new();
        std::io::stdin().read_to_string(&mut password).context("Failed to read the password from stdin")?;
        return Ok(password.trim_end_matches(['\r', '\n']).to_string());
    }
    std::env::var("INLET_ADMIN_PASSWORD")
        .map_err(|_| anyhow::anyhow!("Give the password with --password-stdin or in INLET_ADMIN_PASSWORD"))
}

fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}
