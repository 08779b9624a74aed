//! Ingestion (PRODUCT.md §4): a sender POSTs JSON for one user to a listener; the mapped
//! members are coerced to their fields' types and stored atomically, or the sender gets every
//! reason why not. Every request that reaches a listener is recorded as a delivery, accepted
//! or not, so nothing a sender sent is lost and a rejected one can be replayed.

use axum::http::StatusCode;
use serde_json::{json, Map, Value as Json};

use crate::domain::fields::{coerce, lookup_with_member};
use crate::domain::listener::{Delivery, Listener};
use crate::domain::project::Project;
use crate::server::auth::api_key::{self, KeyCheck};
use crate::server::secrets::SecretKey;
use crate::server::startup::AppState;
use crate::server::store::{self, DeliveryForRecord, Recorded, Route, RouteLookup, TicketForRecord, ValueChange};
use std::collections::HashSet;
use std::net::IpAddr;
use std::time::{Duration, Instant};

mod feedback;
pub mod signature;
mod subject;
mod writer;
pub use signature::SignatureHeaders;
pub use writer::DeliveryWriter;

/// What arrived, before anything is trusted.
pub struct IngestRequest<'a> {
    pub project: &'a str,
    pub listener: &'a str,
    pub user: &'a str,
    pub api_key: Option<&'a str>,
    pub content_type: &'a str,
    pub idempotency_key: Option<&'a str>,
    /// The body, or `None` when it was larger than the limit.
    pub body: Option<&'a [u8]>,
    pub signature: SignatureHeaders<'a>,
    /// Where the request came from (API keys may be limited to some addresses).
    pub client: IpAddr,
}

/// The answer: a status and a JSON body with a stable shape (and, for 429, when to retry).
#[derive(Debug, Clone)]
pub struct IngestResponse {
    pub status: StatusCode,
    pub body: Json,
    pub retry_after_secs: Option<u64>,
}

impl IngestResponse {
    fn new(status: StatusCode, body: Json) -> Self {
        Self { status, body, retry_after_secs: None }
    }

    fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self::new(status, json!({ "error": { "code": code, "message": message.into() } }))
    }

    fn code(&self) -> Option<String> {
        self.body["error"]["code"].as_str().map(str::to_string)
    }
}

pub async fn ingest(state: &AppState, request: &IngestRequest<'_>) -> Result<IngestResponse, store::Error> {
    let route = match state.store.route(request.project, request.listener).await? {
        RouteLookup::Found(route) => route,
        RouteLookup::NoProject => {
            let message = format!("there is no project '{}'", request.project);
            return Ok(IngestResponse::error(StatusCode::NOT_FOUND, "not_found", message));
        }
        RouteLookup::NoListener => {
            let message = format!("project '{}' has no listener '{}'", request.project, request.listener);
            return Ok(IngestResponse::error(StatusCode::NOT_FOUND, "not_found", message));
        }
    };
    let listener = &route.listener;
    let key_check = match request.api_key {
        Some(key) => api_key::verify(&state.store, key, request.client).await?,
        None => KeyCheck::Unknown,
    };
    let api_key_id = match key_check {
        KeyCheck::Valid(id) => Some(id),
        _ => None,
    };
    if api_key_id.is_none() {
        if let Err(wait) = state.stranger_limiter.take(request.client, Instant::now()) {
            // Not recorded: whoever holds no key may not fill the database with refusals.
            return Ok(rate_limited(wait, "too many requests without a valid API key from this address"));
        }
    }
    let delivery = DeliveryForRecord {
        listener_id: listener.id,
        user_ref: recorded_user_ref(request.user),
        api_key_id,
        content_type: request.content_type.to_string(),
        payload: request.body.unwrap_or_default().to_vec(),
        // Kept by accepted deliveries only (`settle`), and a longer key is refused.
        idempotency_key: request.idempotency_key.map(str::to_string),
        ..Default::default()
    };
    let outcome = match key_check {
        KeyCheck::Unknown => Err(IngestResponse::error(StatusCode::UNAUTHORIZED, "unauthorized", key_check.to_string())),
        KeyCheck::AddressNotAllowed(_) => {
            Err(IngestResponse::error(StatusCode::FORBIDDEN, "address_not_allowed", key_check.to_string()))
        }
        KeyCheck::Valid(key_id) => match admit_with_key(state, &route, request, key_id).await? {
            Admitted::New(body) => evaluate(state, &route, request, body).await?,
            Admitted::Repeat(first) => return Ok(replayed(&first)),
            Admitted::Refused(rejection) => Err(rejection),
        },
    };
    settle(state, delivery, outcome).await
}

/// A request with a valid key, once its key's rate, the listener's own checks and its
/// idempotency key have been looked at.
enum Admitted<'r> {
    /// To evaluate: the body.
    New(&'r [u8]),
    /// A repeat of an accepted request: its first answer is the answer, and nothing is written.
    Repeat(Delivery),
    /// The answer to record and send instead.
    Refused(IngestResponse),
}

async fn admit_with_key<'r>(
    state: &AppState,
    route: &Route,
    request: &IngestRequest<'r>,
    key_id: i64,
) -> Result<Admitted<'r>, store::Error> {
    if let Err(wait) = state.ingest_limiter.take(key_id, Instant::now()) {
        return Ok(Admitted::Refused(rate_limited(wait, "too many requests with this API key")));
    }
    let body = match admit(state, route, request, true) {
        Ok(body) => body,
        Err(rejection) => return Ok(Admitted::Refused(rejection)),
    };
    let Some(key) = request.idempotency_key else { return Ok(Admitted::New(body)) };
    if key.len() > MAX_IDEMPOTENCY_KEY_BYTES {
        let message = format!("the Idempotency-Key header is longer than {MAX_IDEMPOTENCY_KEY_BYTES} bytes");
        return Ok(Admitted::Refused(IngestResponse::error(StatusCode::BAD_REQUEST, "bad_request", message)));
    }
    // Only after the signature: a saved answer is the sender's to see.
    Ok(match state.store.delivery_by_idempotency_key(route.listener.id, key).await? {
        Some(first) => Admitted::Repeat(first),
        None => Admitted::New(body),
    })
}

/// A 429 saying when to try again.
fn rate_limited(wait: Duration, what: &str) -> IngestResponse {
    let retry_after = wait.as_secs_f64().ceil().max(1.0) as u64;
    let mut limited =
        IngestResponse::error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", format!("{what}; retry in {retry_after} s"));
    limited.retry_after_secs = Some(retry_after);
    limited
}

/// The longest `Idempotency-Key` taken; a longer one is refused rather than ignored, so a
/// sender relying on it never writes twice unknowingly.
const MAX_IDEMPOTENCY_KEY_BYTES: usize = 200;

/// The URL's user as recorded. PostgreSQL's text cannot hold NUL, which no email or username
/// contains anyway (such a request names nobody and is refused).
fn recorded_user_ref(value: &str) -> String {
    value.replace('\0', "\u{FFFD}")
}

/// Replays a recorded delivery against the listener as it is now (after a fix, say).
pub async fn replay(
    state: &AppState,
    project: &Project,
    listener: &Listener,
    delivery_id: i64,
) -> Result<Option<IngestResponse>, store::Error> {
    let Some((original, payload)) = state.store.delivery(listener.id, delivery_id).await? else {
        return Ok(None);
    };
    let request = IngestRequest {
        project: &project.slug,
        listener: &listener.key,
        user: &original.user_ref,
        api_key: None,
        content_type: &original.content_type,
        idempotency_key: None,
        body: Some(&payload),
        signature: SignatureHeaders::default(),
        client: IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
    };
    let delivery = DeliveryForRecord {
        listener_id: listener.id,
        user_ref: original.user_ref.clone(),
        content_type: original.content_type.clone(),
        payload: payload.clone(),
        replay_of: Some(original.id),
        ..Default::default()
    };
    let RouteLookup::Found(route) = state.store.route(&project.slug, &listener.key).await? else { return Ok(None) };
    // Staff replay what was recorded: the signature was the sender's to prove, at the time.
    let outcome = match admit(state, &route, &request, false) {
        Ok(body) => evaluate(state, &route, &request, body).await?,
        Err(rejection) => Err(rejection),
    };
    Ok(Some(settle(state, delivery, outcome).await?))
}

/// Records the outcome as a delivery (with the values it stores, in one transaction, when
/// accepted) and returns the answer to send, once that is durable. When a concurrent request
/// with the same idempotency key got there first, its answer is the answer.
async fn settle(
    state: &AppState,
    delivery: DeliveryForRecord,
    outcome: Result<Accepted, IngestResponse>,
) -> Result<IngestResponse, store::Error> {
    let (answer, record) = match outcome {
        Err(rejection) => {
            // A refusal claims no idempotency key: the sender may retry with the same key
            // once the cause is gone (after a 429's Retry-After, a fixed listener, a new user).
            let record = DeliveryForRecord {
                status: rejection.status.as_u16(),
                error_code: rejection.code(),
                response: rejection.body.to_string(),
                idempotency_key: None,
                ..delivery
            };
            (rejection, record)
        }
        Ok(accepted) => {
            let record = DeliveryForRecord {
                status: StatusCode::OK.as_u16(),
                user_id: Some(accepted.user_id),
                accepted: true,
                response: accepted.body.to_string(),
                values: accepted.values,
                ticket: accepted.ticket,
                ..delivery
            };
            (IngestResponse::new(StatusCode::OK, accepted.body), record)
        }
    };
    let (listener_id, idempotency_key) = (record.listener_id, record.idempotency_key.clone());
    match state.writer.record(record).await? {
        // The ticket's id is known once written; the recorded answer has it too.
        Recorded::Stored { ticket_id: Some(ticket_id), .. } => {
            let mut answer = answer;
            answer.body["ticket_id"] = ticket_id.into();
            Ok(answer)
        }
        Recorded::Stored { .. } => Ok(answer),
        Recorded::DuplicateIdempotencyKey => {
            let key = idempotency_key.unwrap_or_default();
            let first = state.store.delivery_by_idempotency_key(listener_id, &key).await?.ok_or(store::Error::NotFound)?;
            Ok(replayed(&first))
        }
    }
}

struct Accepted {
    user_id: i64,
    values: Vec<ValueChange>,
    body: Json,
    /// The ticket a Create feedback listener opens with it.
    ticket: Option<TicketForRecord>,
}

/// Whether the listener takes this request at all: enabled, a body within the limit, and
/// signed when it must be. `Ok` is the body; `Err` the answer to send (and record).
fn admit<'r>(
    state: &AppState,
    route: &Route,
    request: &IngestRequest<'r>,
    check_signature: bool,
) -> Result<&'r [u8], IngestResponse> {
    use IngestResponse as R;
    let listener = &route.listener;
    if !listener.enabled {
        return Err(R::error(StatusCode::CONFLICT, "listener_disabled", format!("listener '{}' is disabled", listener.key)));
    }
    let Some(body) = request.body else {
        let limit = state.ingest_max_body_bytes;
        return Err(R::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body is larger than {limit} bytes"),
        ));
    };
    if let Some(sealed) = route.signing_secret.as_deref().filter(|_| check_signature) {
        let secret = match SecretKey::open_with(state.secret_key.as_ref(), sealed) {
            Ok(secret) => secret,
            Err(error) => {
                tracing::error!(listener = %listener.key, %error, "a listener requires signatures that cannot be checked");
                let message = "signed requests cannot be checked right now";
                return Err(R::error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message));
            }
        };
        let now = chrono::Utc::now().timestamp();
        if let Err(reason) = signature::verify(&secret, request.signature, body, now, state.signature_tolerance_secs) {
            return Err(R::error(StatusCode::UNAUTHORIZED, "bad_signature", reason.to_string()));
        }
    }
    Ok(body)
}

/// Everything between "the listener takes it" and "write": the body, the user, the gate, the
/// values. `Err` is the answer to send (and record) instead of writing.
async fn evaluate(
    state: &AppState,
    route: &Route,
    request: &IngestRequest<'_>,
    body: &[u8],
) -> Result<Result<Accepted, IngestResponse>, store::Error> {
    use IngestResponse as R;
    let (project, listener) = (&route.project, &route.listener);
    if !is_json(request.content_type) {
        return Ok(Err(R::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the body must be JSON (Content-Type: application/json)",
        )));
    }
    let object: Map<String, Json> = match serde_json::from_slice::<Json>(body) {
        Ok(Json::Object(object)) => object,
        Ok(_) => return Ok(Err(R::error(StatusCode::BAD_REQUEST, "bad_request", "the body must be a JSON object"))),
        Err(error) => return Ok(Err(R::error(StatusCode::BAD_REQUEST, "bad_request", format!("malformed JSON: {error}")))),
    };
    let subject = match subject::resolve(state, project, listener, request.user).await? {
        Ok(subject) => subject,
        Err(rejection) => return Ok(Err(rejection)),
    };
    match &route.gate {
        None => {}
        Some(Err(reason)) => {
            let message =
                format!("this listener's filter no longer fits the project's fields ({reason}); fix the filter, then replay");
            return Ok(Err(R::error(StatusCode::CONFLICT, "filter_broken", message)));
        }
        Some(Ok(gate)) if !subject::passes(state, gate, &subject).await? => {
            let message = format!("'{}' does not match this listener's filter: {}", request.user, gate.filter.describe());
            return Ok(Err(R::error(StatusCode::UNPROCESSABLE_ENTITY, "user_outside_filter", message)));
        }
        Some(Ok(_)) => {}
    }

    let mut values = Vec::new();
    let mut updated = Vec::new();
    let mut problems = Vec::new();
    let mut used = HashSet::new();
    for field in &listener.fields {
        let Some((member, raw)) = lookup_with_member(&object, &field.parameter) else {
            continue;
        };
        used.insert(member);
        match coerce(field.field_type, raw) {
            Ok(value) => {
                values.push((field.field_id, field.field_type, value));
                updated.push(field.parameter.clone());
            }
            Err(reason) => {
                // `field` like every other error's `fields`; `parameter` as before.
                problems.push(json!({ "field": field.parameter, "parameter": field.parameter, "reason": reason.to_string() }))
            }
        }
    }
    // A Create feedback listener reads the ticket too; its problems are reported with the
    // values', in the same shape.
    let mut ticket_members: Vec<String> = Vec::new();
    let ticket = match &listener.feedback {
        None => None,
        Some(mapping) => match feedback::read_ticket(state, project, mapping, &object).await? {
            Ok((ticket, members)) => {
                ticket_members = members;
                Some(ticket)
            }
            Err(reasons) => {
                problems.extend(
                    reasons
                        .into_iter()
                        .map(|(parameter, reason)| json!({ "field": parameter, "parameter": parameter, "reason": reason })),
                );
                None
            }
        },
    };
    if !problems.is_empty() {
        let message = if listener.feedback.is_some() && ticket.is_none() {
            format!("{} value(s) cannot make a ticket or do not fit their field's type; nothing was stored", problems.len())
        } else {
            format!("{} value(s) do not fit their field's type; nothing was stored", problems.len())
        };
        return Ok(Err(R::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "error": { "code": "invalid_values", "message": message, "fields": problems } }),
        )));
    }
    // A member is ignored when no field's value came through it: `{"account": "pro"}` feeds
    // no `account.plan`.
    let ignored: Vec<&String> =
        object.keys().filter(|member| !used.contains(member.as_str()) && !ticket_members.contains(member)).collect();
    let body = json!({ "status": "accepted", "user": request.user, "updated": updated, "ignored": ignored });
    let user_id = subject::user_id(state, project, subject).await?;
    Ok(Ok(Accepted { user_id, values, body, ticket }))
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn replayed(first: &Delivery) -> IngestResponse {
    IngestResponse::new(
        StatusCode::from_u16(first.status).unwrap_or(StatusCode::OK),
        serde_json::from_str(&first.response).unwrap_or(Json::Null),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types_are_recognised() {
        assert!(is_json("application/json"));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("application/vnd.github+json"));
        assert!(!is_json("text/plain"));
        assert!(!is_json(""));
    }
}
