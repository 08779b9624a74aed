//! The OpenAPI document, generated from the handlers' annotations.

use axum::Json;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// The shape of every error: `{"error": {"code", "message", "fields"?}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code: invalid, bad_request, unauthorized, forbidden, not_found, conflict,
    /// rate_limited, payload_too_large, unsupported_media_type, internal.
    pub code: String,
    pub message: String,
    #[schema(nullable = false)]
    pub fields: Option<Vec<FieldError>>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

struct ApiKeyHeader;

impl Modify for ApiKeyHeader {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("api_key", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Api-Key"))));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Inlet API", description = "Projects, users and external listeners of an Inlet community."),
    paths(super::projects::create, super::projects::list, super::users::create, super::users::list,
          super::users::show, super::users::import, super::listeners::create, super::listeners::list,
          super::listeners::show, super::listeners::update, super::listeners::delete, super::listeners::deliveries,
          super::listeners::replay, super::signing::set, super::signing::remove, super::ingest::receive,
          super::filters::create, super::filters::list, super::filters::show, super::filters::update, super::filters::delete,
          super::views::create, super::views::list, super::views::show, super::views::update, super::views::delete,
          super::views::clone, super::grid::query, super::grid::export_csv, super::grid::export_xlsx),
    components(schemas(ErrorBody, ErrorDetail, FieldError)),
    modifiers(&ApiKeyHeader)
)]
struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
