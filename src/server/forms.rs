//! Browser form posts that are not server functions: the CSV upload (multipart, so it works
//! without JavaScript) answers with a redirect back to the import page.

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Extension, Router};

use super::auth::Viewer;
use super::error::AppError;
use super::service::{access, users};
use super::startup::AppState;
use crate::domain::url::encode_component;

pub fn router() -> Router<AppState> {
    Router::new().route("/p/{project}/users/import", post(import_upload)).layer(DefaultBodyLimit::max(32 * 1024 * 1024))
}

async fn import_upload(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(slug): Path<String>,
    multipart: Multipart,
) -> Response {
    let page = format!("/p/{slug}/users/import");
    match import(&state, viewer, &slug, multipart).await {
        Ok(id) => Redirect::to(&format!("{page}?import={id}")).into_response(),
        Err(AppError::Unauthenticated) => Redirect::to(&format!("/login?next={}", encode_component(&page))).into_response(),
        Err(error @ (AppError::Forbidden(_) | AppError::NotFound(_) | AppError::Internal(_))) => error.into_response(),
        Err(error) => Redirect::to(&format!("{page}?error={}", encode_component(&error.public_message()))).into_response(),
    }
}

async fn import(state: &AppState, viewer: Viewer, slug: &str, mut multipart: Multipart) -> Result<i64, AppError> {
    let staff = viewer.0.ok_or(AppError::Unauthenticated)?;
    let project = access::project_for(&state.store, &staff, slug).await?;
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| AppError::BadRequest(e.body_text()))? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.csv").to_string();
            let bytes = field.bytes().await.map_err(|e| AppError::BadRequest(e.body_text()))?;
            file = Some((name, bytes));
        }
    }
    let (name, bytes) =
        file.filter(|(_, b)| !b.is_empty()).ok_or_else(|| AppError::invalid("file", "choose a CSV file to import"))?;
    let source = format!("upload {name} by {}", staff.email);
    Ok(users::import_csv(&state.store, &project, &bytes, &source).await?.id)
}
