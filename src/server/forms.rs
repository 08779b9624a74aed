//! Browser routes that are not server functions, authenticated by the session: the CSV upload
//! (multipart, so it works without JavaScript) answers with a redirect back to the import page;
//! the grid's exports are plain GET downloads of the page's own URL parameters; outbox
//! attachments download as files; a report's exports are the API's files, for the session.

use std::collections::HashMap;

use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};

use super::auth::Viewer;
use super::error::AppError;
use super::rest;
use super::service::{access, feedback, outbox, users};
use super::startup::AppState;
use crate::domain::feedback::params::FeedbackParams;
use crate::domain::grid_params::GridParams;
use crate::domain::url::encode_component;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/p/{project}/users/import", post(import_upload))
        .layer(DefaultBodyLimit::max(32 * 1024 * 1024))
        .route("/outbox/{id}/attachments/{index}", get(outbox_attachment))
        .route("/p/{project}/users/export.csv", get(export_csv))
        .route("/p/{project}/users/export.xlsx", get(export_xlsx))
        .route("/p/{project}/reports/{id}/{file}", get(project_report_export))
        .route("/p/{project}/reports/{id}/elements/{element}/{file}", get(project_element_export))
        .route("/reports/{id}/{file}", get(community_report_export))
        .route("/reports/{id}/elements/{element}/{file}", get(community_element_export))
        .route("/p/{project}/feedback/export.csv", get(feedback_export_csv))
        .route("/p/{project}/feedback/export.xlsx", get(feedback_export_xlsx))
}

/// A report (`export.pdf|xlsx|zip`) or one element (`export.pdf|xlsx|csv`) as the same file
/// the API's export makes, for whoever may open the report's page; no session: to the login
/// page and back to the report.
async fn report_export(
    state: &AppState,
    viewer: Viewer,
    slug: Option<&str>,
    id: i64,
    element: Option<i64>,
    file: &str,
) -> Response {
    use super::service::reports::Scope;
    let download = async {
        let staff = viewer.0.ok_or(AppError::Unauthenticated)?;
        let scope = match slug {
            Some(slug) => Scope::Project(access::project_for(&state.store, &staff, slug).await?),
            None => {
                access::require_community_manager(&staff)?;
                Scope::Community
            }
        };
        match element {
            None => rest::reports::export_in(state, &scope, id, file).await,
            Some(element) => rest::reports::export_element_in(state, &scope, id, element, file).await,
        }
    };
    let page = match slug {
        Some(slug) => format!("/p/{slug}/reports/{id}"),
        None => format!("/reports/{id}"),
    };
    download_or_log_in(download.await, &page)
}

/// A session download's answer: the file, or without a session the login page, coming back
/// to `page` (the page the download belongs to), or the error.
fn download_or_log_in(download: Result<Response, AppError>, page: &str) -> Response {
    match download {
        Ok(response) => response,
        Err(AppError::Unauthenticated) => Redirect::to(&format!("/login?next={}", encode_component(page))).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn project_report_export(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((slug, id, file)): Path<(String, i64, String)>,
) -> Response {
    report_export(&state, viewer, Some(&slug), id, None, &file).await
}

async fn project_element_export(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((slug, id, element, file)): Path<(String, i64, i64, String)>,
) -> Response {
    report_export(&state, viewer, Some(&slug), id, Some(element), &file).await
}

async fn community_report_export(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, file)): Path<(i64, String)>,
) -> Response {
    report_export(&state, viewer, None, id, None, &file).await
}

async fn community_element_export(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, element, file)): Path<(i64, i64, String)>,
) -> Response {
    report_export(&state, viewer, None, id, Some(element), &file).await
}

/// An outbox message's attachment as a download (community managers only). Never rendered in
/// the page's origin: `attachment` disposition, no sniffing, and a sandbox CSP for browsers
/// that open it anyway.
async fn outbox_attachment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, index)): Path<(String, usize)>,
) -> Result<Response, AppError> {
    let staff = viewer.0.ok_or(AppError::Unauthenticated)?;
    access::require_community_manager(&staff)?;
    let (file_name, content_type, bytes) = outbox::attachment(&state.mailer, &id, index).await?;
    let safe_name: String = file_name.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/')).collect();
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        safe_name.replace(|c: char| !c.is_ascii(), "_"),
        encode_component(&safe_name)
    );
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CONTENT_SECURITY_POLICY, "sandbox".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Clone, Copy)]
enum ExportFormat {
    Csv,
    Xlsx,
}

async fn export_csv(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    slug: Path<String>,
    query: Query<HashMap<String, String>>,
) -> Response {
    export(state, viewer, slug, query, ExportFormat::Csv).await
}

async fn export_xlsx(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    slug: Path<String>,
    query: Query<HashMap<String, String>>,
) -> Response {
    export(state, viewer, slug, query, ExportFormat::Xlsx).await
}

/// The whole grid the page's URL describes (`?filter=&view=&sort=&order=&q=`), as the same
/// file `POST /api/v1/…/grid/export.*` makes, downloaded under `<project>-users-<date>.*`.
async fn export(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(slug): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    format: ExportFormat,
) -> Response {
    let params = GridParams::from_query(|name| query.get(name).cloned());
    // The same downloads as the API's exports: CSV streamed as rows are read, XLSX whole.
    let download = async {
        let staff = viewer.0.ok_or(AppError::Unauthenticated)?;
        let project = access::project_for(&state.store, &staff, &slug).await?;
        match format {
            ExportFormat::Csv => rest::grid::csv_download(&state.store, &project, &params.request()).await,
            ExportFormat::Xlsx => rest::grid::xlsx_download(&state.store, &project, &params.request()).await,
        }
    };
    download_or_log_in(download.await, &format!("/p/{slug}/users{}", params.query_string()))
}

async fn feedback_export_csv(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    slug: Path<String>,
    query: Query<HashMap<String, String>>,
) -> Response {
    feedback_export(state, viewer, slug, query, ExportFormat::Csv).await
}

async fn feedback_export_xlsx(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    slug: Path<String>,
    query: Query<HashMap<String, String>>,
) -> Response {
    feedback_export(state, viewer, slug, query, ExportFormat::Xlsx).await
}

/// The whole feedback grid the page's URL describes (its type entry and status too), as the
/// same file `POST /api/v1/…/feedback/grid/export.*` makes.
async fn feedback_export(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(slug): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    format: ExportFormat,
) -> Response {
    let params = FeedbackParams::from_query(|name| query.get(name).cloned());
    let download = async {
        let staff = viewer.0.ok_or(AppError::Unauthenticated)?;
        let project = access::project_for(&state.store, &staff, &slug).await?;
        let subject = feedback::grid_subject(&state.store, &project, &params).await?;
        let request = params.grid.request();
        match format {
            ExportFormat::Csv => rest::grid::csv_download_for(&state.store, &project, subject, &request).await,
            ExportFormat::Xlsx => rest::grid::xlsx_download_for(&state.store, &project, subject, &request).await,
        }
    };
    download_or_log_in(download.await, &format!("/p/{slug}/feedback{}", params.query_string()))
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
