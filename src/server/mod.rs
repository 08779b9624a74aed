//! Everything that does I/O: configuration, start-up, the store, authentication, the HTTP
//! API, the page-side form routes and the command line. Compiled only with `ssr`.

pub mod auth;
pub mod charts;
pub mod cli;
pub mod config;
pub mod demo;
pub mod error;
pub mod export;
pub mod forms;
pub mod mail;
pub mod rest;
pub mod secrets;
pub mod service;
pub mod startup;
pub mod store;
pub mod timezone;
