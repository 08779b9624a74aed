//! Server functions: the thin doors between the pages and `server::service`. Each one finds
//! the caller, checks what they may do, calls one service function and returns plain data.

pub mod distributions;
pub mod error;
pub mod feedback;
pub mod gates;
pub mod grid;
pub mod keys;
pub mod listeners;
pub mod outbox;
pub mod projects;
pub mod report_form;
pub mod reports;
pub mod session;
pub mod staff;
pub mod summary;
pub mod users;

pub use error::UiError;

#[cfg(feature = "ssr")]
pub(crate) mod context {
    //! What a server function needs from the request it serves.
    use axum::Extension;
    use leptos::prelude::*;

    use super::UiError;
    use crate::domain::staff::Staff;
    use crate::server::auth::Viewer;
    use crate::server::startup::AppState;

    pub fn state() -> AppState {
        expect_context::<AppState>()
    }

    /// The logged-in staff member, or `Unauthenticated`.
    pub async fn staff() -> Result<Staff, UiError> {
        let Extension(Viewer(staff)) = leptos_axum::extract::<Extension<Viewer>>().await.map_err(|_| UiError::Unauthenticated)?;
        staff.ok_or(UiError::Unauthenticated)
    }

    /// Whether this call is a plain HTML form post (JavaScript off): its answer will be a
    /// redirect back to the page, not data for the page's code.
    pub fn is_plain_form_post() -> bool {
        use_context::<axum::http::request::Parts>().is_some_and(|request| {
            request.headers.get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
        })
    }

    /// The request's cookie `name`, if it sent one.
    pub fn cookie(name: &str) -> Option<String> {
        let request = use_context::<axum::http::request::Parts>()?;
        let cookies = request.headers.get_all(axum::http::header::COOKIE);
        cookies.iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name && !value.is_empty()).then(|| value.to_string())
        })
    }

    /// Adds a `Set-Cookie` header to the response this call belongs to.
    pub fn set_cookie(value: &str) {
        if let (Some(response), Ok(value)) =
            (use_context::<leptos_axum::ResponseOptions>(), axum::http::HeaderValue::from_str(value))
        {
            response.append_header(axum::http::header::SET_COOKIE, value);
        }
    }

    /// Sets the HTTP status of the response this call belongs to (the page, during SSR).
    pub fn set_status(error: &UiError) {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(error.status());
        }
    }
}
