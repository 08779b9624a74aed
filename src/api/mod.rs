//! Server functions: the thin doors between the pages and `server::service`. Each one finds
//! the caller, checks what they may do, calls one service function and returns plain data.

pub mod error;
pub mod gates;
pub mod keys;
pub mod listeners;
pub mod projects;
pub mod session;
pub mod staff;
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

    /// Sets the HTTP status of the response this call belongs to (the page, during SSR).
    pub fn set_status(error: &UiError) {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(error.status());
        }
    }
}
