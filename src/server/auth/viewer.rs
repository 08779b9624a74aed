//! The staff member behind a browser request, loaded once per request from the session and
//! handed on as a request extension. Pages need a login; everything else decides for itself.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::domain::staff::Staff;
use crate::domain::url::encode_component;
use crate::server::startup::AppState;

/// The session key holding the logged-in staff member's id.
pub const STAFF_KEY: &str = "staff_id";

/// `Some` when a staff member is logged in.
#[derive(Debug, Clone, Default)]
pub struct Viewer(pub Option<Staff>);

/// Paths that are not pages: the HTTP API, server functions, static files, login itself.
fn is_page(path: &str) -> bool {
    let public = ["/api/", "/fn/", "/pkg/", "/login", "/logout", "/healthz"];
    let is_file = path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    !public.iter().any(|prefix| path.starts_with(prefix)) && !is_file
}

pub async fn load_viewer(State(state): State<AppState>, session: Session, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/api/v1") || path.starts_with("/pkg/") {
        return next.run(request).await;
    }
    let staff = match session.get::<i64>(STAFF_KEY).await {
        Ok(Some(id)) => state.store.staff_by_id(id).await.unwrap_or_else(|error| {
            tracing::error!(error = format!("{error:#}"), "could not load the session's staff member");
            None
        }),
        _ => None,
    };
    if staff.is_none() && request.method() == Method::GET && is_page(&path) {
        let target = request.uri().path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
        let next_param = if target == "/" { String::new() } else { format!("?next={}", encode_component(target)) };
        return Redirect::to(&format!("/login{next_param}")).into_response();
    }
    request.extensions_mut().insert(Viewer(staff));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_told_from_api_and_files() {
        assert!(is_page("/projects"));
        assert!(is_page("/p/aurora/users"));
        assert!(!is_page("/api/v1/projects"));
        assert!(!is_page("/fn/list_users123"));
        assert!(!is_page("/pkg/inlet.js"));
        assert!(!is_page("/favicon.ico"));
        assert!(!is_page("/login"));
    }
}
