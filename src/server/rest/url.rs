//! Path and query extractors for the HTTP API whose rejections take the API's JSON error shape
//! (axum's own are plain text): `/deliveries/abc/replay`, `?page=x` or a path that is not UTF-8
//! once decoded get a 400 that says why, like every other error.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::paging::{PageRequest, MAX_PAGE, MAX_PER_PAGE};
use crate::server::error::{AppError, AppResult};

/// The URL's path parameters.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => Err(AppError::BadRequest(rejection.body_text())),
        }
    }
}

/// The URL's query string.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => Err(AppError::BadRequest(rejection.body_text())),
        }
    }
}

/// `?page=&per_page=` for any paged list: take it as its own `Query<PageParams>` beside the
/// list's other parameters, and list `PageParams` in the operation's `params(...)`. Out of
/// range is 422 naming the parameter (e.g. per_page=999), as the document says.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1-based page number (default 1).
    #[param(schema_with = page_schema)]
    page: Option<String>,
    /// Page size (default 50).
    #[param(schema_with = per_page_schema)]
    per_page: Option<String>,
}

impl PageParams {
    pub fn page_request(&self) -> AppResult<PageRequest> {
        Ok(PageRequest::parse(self.page.as_deref(), self.per_page.as_deref())?)
    }
}

fn page_schema() -> utoipa::openapi::schema::Object {
    super::schemas::bounded(1, MAX_PAGE.into()).build()
}

fn per_page_schema() -> utoipa::openapi::schema::Object {
    super::schemas::bounded(1, MAX_PER_PAGE.into()).build()
}
