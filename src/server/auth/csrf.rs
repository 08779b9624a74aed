//! Cross-site request forgery defence for cookie-authenticated requests: a state-changing
//! request must come from this site (Fetch Metadata, else the Origin header). Session cookies
//! are also SameSite=Lax. The HTTP API is exempt: it authenticates with keys, not cookies.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::server::startup::AppState;

pub async fn same_origin_only(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe_method = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe_method || request.uri().path().starts_with("/api/v1/") || is_same_origin(request.headers(), &state.base_url) {
        return next.run(request).await;
    }
    tracing::warn!(path = request.uri().path(), "cross-site request refused");
    (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
}

fn is_same_origin(headers: &HeaderMap, base_url: &str) -> bool {
    let text = |name| headers.get(name).and_then(|v: &axum::http::HeaderValue| v.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        return matches!(site, "same-origin" | "none");
    }
    match text(header::ORIGIN) {
        // Clients that send neither header are not browsers, so they cannot be tricked into it.
        None => true,
        Some(origin) => {
            let host = origin.split_once("://").map(|(_, rest)| rest);
            origin == base_url || (host.is_some() && host == text(header::HOST))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(is_same_origin(&headers(&[("sec-fetch-site", "same-origin")]), "http://x"));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "cross-site")]), "http://x"));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "same-site")]), "http://x"));
    }

    #[test]
    fn origin_must_match_host_or_base_url() {
        let base = "https://inlet.example";
        assert!(is_same_origin(&headers(&[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")]), base));
        assert!(is_same_origin(&headers(&[("origin", "https://inlet.example"), ("host", "10.0.0.1")]), base));
        assert!(!is_same_origin(&headers(&[("origin", "https://evil.example"), ("host", "127.0.0.1:3000")]), base));
        assert!(!is_same_origin(&headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]), base));
        assert!(is_same_origin(&headers(&[]), base));
    }
}
