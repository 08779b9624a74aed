//! The vocabulary of Inlet: plain Rust types shared by the server and the browser, with no I/O.
//! Values that have passed the edge have a type that says so (`Email`, `Username`, `Slug`…).

pub mod api_key;
pub mod distribution;
pub mod feedback;
pub mod fields;
pub mod filter;
pub mod grid;
pub mod grid_params;
pub mod identity;
pub mod import;
pub mod listener;
pub mod network;
pub mod paging;
pub mod project;
pub mod report;
pub mod schedule;
pub mod staff;
pub mod summary;
pub mod table;
pub mod url;
pub mod user;

pub use identity::{DisplayName, Email, ProjectName, Slug, Username, ValidationError};
pub use paging::{Page, PageRequest};
