//! Login and logout: plain form posts answered with a redirect, so they work the same with
//! or without JavaScript. Wrong credentials never say which part was wrong.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use std::time::Instant;
use tower_sessions::Session;

use super::password::verify_password;
use super::viewer::STAFF_KEY;
use super::ClientAddress;
use crate::domain::url::encode_component;
use crate::server::startup::AppState;

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// Only same-site paths are followed after login (no `//host` or absolute URLs).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path,
        _ => "/projects",
    }
}

fn back_to_login(error: &str, next: Option<&str>, extra: &str) -> Response {
    let next = next.map(|n| format!("&next={}", encode_component(n))).unwrap_or_default();
    Redirect::to(&format!("/login?error={error}{extra}{next}")).into_response()
}

pub async fn login(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    session: Session,
    Form(form): Form<LoginForm>,
) -> Response {
    let email = form.email.trim().to_lowercase();
    let email_key = format!("email:{email}");
    let ip_key = format!("ip:{client}");
    let keys = [email_key.as_str(), ip_key.as_str()];
    let now = Instant::now();
    if let Some(wait) = state.login_limiter.blocked_for(&keys, now) {
        tracing::warn!(%client, "login refused: too many failed attempts");
        let minutes = wait.as_secs().div_ceil(60).max(1);
        return back_to_login("rate_limited", form.next.as_deref(), &format!("&retry={minutes}"));
    }
    let credentials = match state.store.staff_credentials(&email).await {
        Ok(credentials) => credentials,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "login lookup failed");
            return back_to_login("unavailable", form.next.as_deref(), "");
        }
    };
    let (staff, hash) = match credentials {
        Some(c) => (Some(c.staff), Some(c.password_hash)),
        None => (None, None),
    };
    let verified = verify_password(&form.password, hash).await;
    let Some(staff) = staff.filter(|_| verified) else {
        state.login_limiter.record_failure(&keys, now);
        return back_to_login("credentials", form.next.as_deref(), "");
    };
    state.login_limiter.clear(&[email_key.as_str()]);
    // A new id on login, so a session id planted before login is worth nothing after it.
    let stored = async {
        session.cycle_id().await?;
        session.insert(STAFF_KEY, staff.id).await
    };
    if let Err(error) = stored.await {
        tracing::error!(error = %error, "could not store the session");
        return back_to_login("unavailable", form.next.as_deref(), "");
    }
    tracing::info!(staff_id = staff.id, "staff member logged in");
    Redirect::to(safe_next(form.next.as_deref())).into_response()
}

pub async fn logout(session: Session) -> Response {
    if let Err(error) = session.flush().await {
        tracing::error!(error = %error, "could not end the session");
    }
    Redirect::to("/login").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/p/aurora/users?q=a")), "/p/aurora/users?q=a");
        assert_eq!(safe_next(Some("//evil.example")), "/projects");
        assert_eq!(safe_next(Some("https://evil.example")), "/projects");
        assert_eq!(safe_next(Some("/\\evil.example")), "/projects");
        assert_eq!(safe_next(None), "/projects");
    }
}
