//! The error responses many operations share, each defined once under
//! `components/responses` of the OpenAPI document and referenced from every operation that can
//! return it. An operation lists them with one entry of its `responses(...)`, first, so that
//! the operation's own entries after it may override a description:
//!
//! ```text
//! #[utoipa::path(post, path = "/api/v1/projects/{project}/filters", request_body = NewFilter,
//!     responses(KeyedBodyErrors, NotFound, Invalid, (status = 201, body = FilterBody)))]
//! ```
//!
//! - [`KeyedErrors`]: every operation authenticated by an API key (400, 401, 403);
//! - [`KeyedBodyErrors`]: the same, for one that takes a JSON or CSV body (also 413, 415);
//! - [`NotFound`], [`Invalid`], [`Conflict`]: 404, 422 (with `fields`) and 409;
//! - [`TooManyRequests`]: 429 with `Retry-After` (ingestion only: the management API is not
//!   rate limited).

use std::collections::BTreeMap;

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{Components, ContentBuilder, Ref, RefOr};
use utoipa::IntoResponses;

/// One shared response: the status it answers with, its name under `components/responses`
/// and what it means.
pub struct Shared {
    pub status: u16,
    pub name: &'static str,
    pub description: &'static str,
}

const BAD_REQUEST: Shared = Shared {
    status: 400,
    name: "BadRequest",
    description: "The request cannot be read: malformed JSON, a member the body does not have, a member of the \
                  wrong JSON type, or a path or query value that does not parse (e.g. a delivery id that is not \
                  a number). Nothing was changed.",
};
const UNAUTHORIZED: Shared =
    Shared { status: 401, name: "Unauthorized", description: "No API key in X-Api-Key, or one that is unknown or revoked." };
const FORBIDDEN: Shared = Shared {
    status: 403,
    name: "Forbidden",
    description: "The API key may not be used from the caller's address (its allowed networks).",
};
const NOT_FOUND: Shared = Shared {
    status: 404,
    name: "NotFound",
    description: "No such project, or nothing of that name in it (listener, user, delivery).",
};
const CONFLICT: Shared = Shared {
    status: 409,
    name: "Conflict",
    description: "The request fits the schema but not the current state, e.g. the name or key is taken.",
};
const PAYLOAD_TOO_LARGE: Shared = Shared {
    status: 413,
    name: "PayloadTooLarge",
    description: "The body is larger than the server's limit (INLET_MAX_BODY_BYTES).",
};
const UNSUPPORTED_MEDIA_TYPE: Shared = Shared {
    status: 415,
    name: "UnsupportedMediaType",
    description: "The body is not of the media type the operation takes (see its Content-Type).",
};
const INVALID: Shared = Shared {
    status: 422,
    name: "Invalid",
    description: "Values the server's rules refuse; `fields` names each one by the member that carries it \
                  (`display_name`, `fields[2].label`, `per_page`). Nothing was changed.",
};
const TOO_MANY_REQUESTS: Shared = Shared {
    status: 429,
    name: "TooManyRequests",
    description: "Too many requests; retry after the number of seconds in Retry-After.",
};

/// Every shared response, in status order: what `register` puts under `components/responses`.
pub const ALL: [&Shared; 9] = [
    &BAD_REQUEST,
    &UNAUTHORIZED,
    &FORBIDDEN,
    &NOT_FOUND,
    &CONFLICT,
    &PAYLOAD_TOO_LARGE,
    &UNSUPPORTED_MEDIA_TYPE,
    &INVALID,
    &TOO_MANY_REQUESTS,
];

/// Defines each shared response once, under `components/responses`, with the error schema.
pub fn register(components: &mut Components) {
    for shared in ALL {
        components.responses.insert(shared.name.to_string(), RefOr::T(definition(shared)));
    }
}

fn definition(shared: &Shared) -> Response {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
    let mut response = ResponseBuilder::new().description(shared.description).content("application/json", content);
    if shared.status == 429 {
        let seconds = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1));
        response =
            response.header("Retry-After", HeaderBuilder::new().schema(seconds).description(Some("seconds to wait")).build());
    }
    response.build()
}

/// The `responses` entries referring to `shared`, by status.
fn references(shared: &[&Shared]) -> BTreeMap<String, RefOr<Response>> {
    shared.iter().map(|s| (s.status.to_string(), RefOr::Ref(Ref::from_response_name(s.name)))).collect()
}

macro_rules! shared_responses {
    ($($(#[$doc:meta])* $name:ident => [$($shared:ident),+];)+) => {$(
        $(#[$doc])*
        #[allow(dead_code)] // named only in `responses(...)`, as a type
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                references(&[$(&$shared),+])
            }
        }
    )+};
}

shared_responses! {
    /// 400, 401, 403: what any operation authenticated by an API key can answer.
    KeyedErrors => [BAD_REQUEST, UNAUTHORIZED, FORBIDDEN];
    /// 400, 401, 403, 413, 415: the same, for an operation that takes a body.
    KeyedBodyErrors => [BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE];
    /// 404: the project, or what the path names in it, does not exist.
    NotFound => [NOT_FOUND];
    /// 409: the state refuses the request (a name or key taken).
    Conflict => [CONFLICT];
    /// 422: values the rules refuse, each named in `fields`.
    Invalid => [INVALID];
    /// 429, with Retry-After.
    TooManyRequests => [TOO_MANY_REQUESTS];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statuses<R: IntoResponses>() -> Vec<String> {
        R::responses().into_keys().collect()
    }

    #[test]
    fn bundles_list_the_statuses_they_promise() {
        assert_eq!(statuses::<KeyedErrors>(), ["400", "401", "403"]);
        assert_eq!(statuses::<KeyedBodyErrors>(), ["400", "401", "403", "413", "415"]);
        assert_eq!(statuses::<NotFound>(), ["404"]);
        assert_eq!(statuses::<Invalid>(), ["422"]);
    }

    #[test]
    fn bundles_refer_to_registered_definitions_instead_of_copying_them() {
        let mut components = Components::new();
        register(&mut components);
        for (status, response) in KeyedBodyErrors::responses().into_iter().chain(TooManyRequests::responses()) {
            let RefOr::Ref(reference) = response else { panic!("{status} is copied, not referenced") };
            let name = reference.ref_location.trim_start_matches("#/components/responses/");
            let Some(RefOr::T(definition)) = components.responses.get(name) else { panic!("{name} is not registered") };
            assert!(definition.content.contains_key("application/json"), "{name}");
        }
    }

    #[test]
    fn every_shared_response_has_its_own_status_and_name() {
        let statuses: std::collections::HashSet<_> = ALL.iter().map(|s| s.status).collect();
        let names: std::collections::HashSet<_> = ALL.iter().map(|s| s.name).collect();
        assert_eq!((statuses.len(), names.len()), (ALL.len(), ALL.len()));
        let mut components = Components::new();
        register(&mut components);
        assert_eq!(components.responses.len(), ALL.len());
        let RefOr::T(limited) = &components.responses["TooManyRequests"] else { unreachable!() };
        assert!(limited.headers.contains_key("Retry-After"));
    }
}
