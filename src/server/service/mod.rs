//! What Inlet does, once, above the store: the HTTP API, the server functions behind the
//! pages and the command line all call these, so the rules cannot drift apart.

pub mod access;
pub mod accounts;
pub mod api_keys;
pub mod distributions;
pub mod feedback;
pub mod grid;
pub mod ingest;
pub mod listeners;
pub mod outbox;
pub mod projects;
pub mod reports;
pub mod saved;
pub mod signing;
pub mod users;
