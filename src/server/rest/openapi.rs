//! The OpenAPI 3.1 document, generated from the handlers' annotations, and the API reference
//! page that shows it (`/api/docs`).
//!
//! An operation added to the API: a `///` line above the handler (its summary), a
//! `#[utoipa::path]` with a unique camelCase `operation_id`, one of the tags below,
//! `security(("api_key" = []))`, its responses starting with the shared bundle (`KeyedErrors`,
//! or `KeyedBodyErrors` when it takes a body; see `responses`), request schemas that state the
//! rules the server checks (`schemas`), an example on its request body, and its path listed in
//! `ApiDoc`. The tests at the end check all of that for every operation; `scripts/api-contract`
//! (in `make test`) then drives each one with generated requests.

use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::Json;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use super::responses;

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
    /// With `invalid` only: each refused value, named by the member that carries it.
    #[schema(nullable = false)]
    pub fields: Option<Vec<FieldError>>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldError {
    /// The member of the body or query, e.g. `display_name`, `fields[2].label`, `per_page`.
    pub field: String,
    pub reason: String,
}

struct SharedComponents;

impl Modify for SharedComponents {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("api_key", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Api-Key"))));
        responses::register(components);
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Inlet API", description = "Projects, users and external listeners of an Inlet community. \
        Every operation takes an API key (Community › API keys) in the X-Api-Key header."),
    tags(
        (name = "Projects", description = "The community's projects (beta programs)."),
        (name = "Project users", description = "A project's users: added, imported from CSV, listed and looked up."),
        (name = "User automation", description = "External listeners: endpoints that map posted JSON to typed fields, and their deliveries."),
        (name = "Ingestion", description = "The endpoint other systems post user data to."),
        (name = "User grid", description = "Management > Users: saved filters and views, the typed grid they run as, and its CSV and XLSX exports."),
        (name = "Custom reports", description = "Management > Custom reports: a project's reports, their elements (each a typed table, drawn as a chart), and their PDF, XLSX and CSV exports."),
        (name = "Community reports", description = "Community tools > Community reports: the same reports over every project's users."),
        (name = "Distributions", description = "Reports by email: sent now or on schedules (daily, weekly, monthly, in a time zone) to listed addresses and project teams, each run with its history."),
        (name = "Feedback", description = "Management > Feedback: tickets sent on a user's behalf, their status, comments and types, \
            and the feedback grid (the user grid's filters, views and exports over tickets and their submitters' data)."),
    ),
    paths(super::projects::create, super::projects::list, super::users::create, super::users::list,
          super::users::show, super::users::import, super::listeners::create, super::listeners::list,
          super::listeners::show, super::listeners::update, super::listeners::delete, super::listeners::deliveries,
          super::listeners::replay, super::signing::set, super::signing::remove, super::ingest::receive,
          super::users::history,
          super::filters::create, super::filters::list, super::filters::show, super::filters::update, super::filters::delete,
          super::views::create, super::views::list, super::views::show, super::views::update, super::views::delete,
          super::views::clone, super::grid::query, super::grid::export_csv, super::grid::export_xlsx,
          super::reports::list, super::reports::create, super::reports::show, super::reports::update, super::reports::delete,
          super::reports::clone, super::reports::add_element, super::reports::show_element, super::reports::update_element,
          super::reports::delete_element, super::reports::export, super::reports::export_element,
          super::community_reports::list, super::community_reports::create, super::community_reports::show,
          super::community_reports::update, super::community_reports::delete, super::community_reports::clone,
          super::community_reports::add_element, super::community_reports::show_element,
          super::community_reports::update_element, super::community_reports::delete_element,
          super::community_reports::export, super::community_reports::export_element,
          super::teams::show, super::teams::set,
          super::distributions::create, super::distributions::list_for_report, super::distributions::list,
          super::distributions::show, super::distributions::update, super::distributions::delete,
          super::distributions::send, super::distributions::show_send,
          super::feedback::create, super::feedback::list, super::feedback::show, super::feedback::update,
          super::feedback::comment, super::feedback::list_types, super::feedback::create_type, super::feedback::update_type,
          super::feedback_grid::query, super::feedback_grid::export_csv, super::feedback_grid::export_xlsx),
    components(schemas(ErrorBody, ErrorDetail, FieldError, super::schemas::FilterSchema, super::schemas::TimeZoneSchema)),
    modifiers(&SharedComponents)
)]
struct ApiDoc;

/// The document, built once: it never changes while the server runs.
fn api_doc() -> &'static utoipa::openapi::OpenApi {
    static DOC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

pub async fn document() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(api_doc())
}

/// Redoc's standalone bundle (npm `redoc`, see `assets/api-docs/README.md`), built into the
/// binary so the page needs nothing from the internet and works with or without a site dir.
const REDOC_JS: &str = include_str!("../../../assets/api-docs/redoc.standalone.js");

/// `GET /api/docs`: the API reference, rendered by Redoc from `/api/v1/openapi.json`.
pub async fn reference_page() -> Html<&'static str> {
    Html(REFERENCE_PAGE)
}

/// Loads only what Inlet serves itself: the document and the bundle below.
const REFERENCE_PAGE: &str = concat!(
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    "<title>Inlet API reference</title>\n<style>body { margin: 0; }</style>\n</head>\n<body>\n",
    "<redoc spec-url=\"/api/v1/openapi.json\" hide-download-button=\"false\"></redoc>\n",
    "<script src=\"/api/docs/redoc.standalone.js\"></script>\n</body>\n</html>\n"
);

/// `GET /api/docs/redoc.standalone.js`.
pub async fn reference_script() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")], REDOC_JS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use utoipa::openapi::path::{Operation, ParameterIn};
    use utoipa::openapi::RefOr;

    fn operations() -> Vec<(String, String, Operation)> {
        let doc = ApiDoc::openapi();
        let mut all = Vec::new();
        for (path, item) in doc.paths.paths {
            let methods =
                [("get", item.get), ("post", item.post), ("put", item.put), ("patch", item.patch), ("delete", item.delete)];
            for (method, operation) in methods {
                if let Some(operation) = operation {
                    all.push((method.to_string(), path.clone(), operation));
                }
            }
        }
        all
    }

    #[test]
    fn operation_ids_are_unique_and_camel_case() {
        let mut seen = HashSet::new();
        for (method, path, operation) in operations() {
            let id = operation.operation_id.unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(id.chars().next().unwrap().is_ascii_lowercase() && id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
            assert!(seen.insert(id.clone()), "operationId {id} is used twice");
            assert!(operation.summary.is_some_and(|s| !s.is_empty()), "{method} {path} has no summary (a /// line)");
        }
    }

    #[test]
    fn every_operation_is_tagged_with_a_declared_tag() {
        let declared: HashSet<String> = ApiDoc::openapi().tags.unwrap().into_iter().map(|t| t.name).collect();
        for (method, path, operation) in operations() {
            let tags = operation.tags.unwrap_or_default();
            assert!(tags.len() == 1 && declared.contains(&tags[0]), "{method} {path}: {tags:?}");
        }
    }

    #[test]
    fn keyed_operations_list_the_shared_statuses_and_bodies_their_own() {
        for (method, path, operation) in operations() {
            let statuses: HashSet<&str> = operation.responses.responses.keys().map(String::as_str).collect();
            for status in ["400", "401", "403"] {
                assert!(statuses.contains(status), "{method} {path} does not list {status}");
            }
            if operation.request_body.is_some() {
                for status in ["413", "415"] {
                    assert!(statuses.contains(status), "{method} {path} takes a body but does not list {status}");
                }
            }
            if path.contains("/projects/{project}") {
                assert!(statuses.contains("404"), "{method} {path} names a project but does not list 404");
            }
            assert!(statuses.iter().any(|s| s.starts_with('2')), "{method} {path} lists no success");
        }
    }

    #[test]
    fn error_responses_carry_the_error_schema() {
        let doc = ApiDoc::openapi();
        let components = doc.components.as_ref().unwrap();
        for (method, path, operation) in operations() {
            for (status, response) in &operation.responses.responses {
                if !(status.starts_with('4') || status.starts_with('5')) {
                    continue;
                }
                let response = match response {
                    RefOr::Ref(reference) => {
                        let name = reference.ref_location.trim_start_matches("#/components/responses/");
                        match components.responses.get(name) {
                            Some(RefOr::T(response)) => response.clone(),
                            _ => panic!("{method} {path} {status} refers to a missing {name}"),
                        }
                    }
                    RefOr::T(response) => response.clone(),
                };
                let json = serde_json::to_value(&response.content["application/json"].schema).unwrap();
                assert_eq!(json["$ref"], "#/components/schemas/ErrorBody", "{method} {path} {status}");
            }
        }
    }

    #[test]
    fn parameters_are_where_the_path_says() {
        for (method, path, operation) in operations() {
            for parameter in operation.parameters.unwrap_or_default() {
                let in_path = path.contains(&format!("{{{}}}", parameter.name));
                assert_eq!(
                    in_path,
                    matches!(parameter.parameter_in, ParameterIn::Path),
                    "{method} {path}: parameter {} is declared in the wrong place",
                    parameter.name
                );
            }
        }
    }

    #[test]
    fn request_bodies_have_examples() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        for (method, path, operation) in operations() {
            let Some(body) = operation.request_body else { continue };
            for (media, content) in body.content {
                let mut has_example = content.example.is_some() || !content.examples.is_empty();
                if let Some(RefOr::Ref(reference)) = &content.schema {
                    let name = reference.ref_location.trim_start_matches("#/components/schemas/");
                    has_example |= doc["components"]["schemas"][name]["examples"].is_array();
                }
                assert!(has_example, "{method} {path} ({media}) has no example");
            }
        }
    }

    #[test]
    fn the_document_is_openapi_3_1_and_serves_shared_responses_once() {
        let json = serde_json::to_value(ApiDoc::openapi()).unwrap();
        assert!(json["openapi"].as_str().unwrap().starts_with("3.1"));
        assert_eq!(json["components"]["responses"].as_object().unwrap().len(), responses::ALL.len());
        let text = json.to_string();
        assert_eq!(text.matches("The API key may not be used from").count(), 1, "403 is defined more than once");
    }

    #[test]
    fn the_reference_page_loads_nothing_from_elsewhere() {
        assert!(!REFERENCE_PAGE.contains("http"), "the page links outside Inlet");
        assert!(REDOC_JS.len() > 100_000, "the vendored Redoc bundle is missing");
    }
}
