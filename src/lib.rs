//! Inlet: a self-hosted customer-validation data engine.
//!
//! Three rooms: `domain` (the vocabulary, no I/O), `server` (everything that does I/O,
//! compiled only with `ssr`), and the Leptos front end: `api` (server functions, thin) and
//! `ui` (pages and components).
#![recursion_limit = "256"]

pub mod api;
pub mod domain;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(ui::App);
}
