//! The HTTP surface of Inlet against a real running app on port 0, each test with its own
//! database: `INLET_TEST_DATABASE=sqlite` (default) or `postgres`.

mod api_auth;
mod api_docs;
mod csrf;
mod deliveries;
mod demo;
mod distributions;
mod feedback;
mod feedback_pages;
mod filter_gate;
mod grid;
mod grid_export;
mod grid_pages;
mod group_commit;
mod health;
mod helpers;
mod import;
mod ingest;
mod ingest_edges;
mod key_addresses;
mod listener_edit;
mod listener_gate_page;
mod listeners;
mod login;
mod mail;
mod outbox_page;
mod pages;
mod projects;
mod saved;
mod signing;
mod smtp_sink;
mod upload;
mod user_summary;
mod users;
