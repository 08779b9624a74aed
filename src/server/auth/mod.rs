//! Who is asking: staff sessions (pages and server functions) and API keys (the HTTP API).

pub mod api_key;
pub mod client;
pub mod csrf;
pub mod login;
pub mod password;
pub mod rate_limit;
pub mod viewer;

pub use api_key::ApiCaller;
pub use client::ClientAddress;
pub use viewer::Viewer;
