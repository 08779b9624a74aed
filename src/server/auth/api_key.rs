//! API keys: `inlet_<prefix>_<secret>`. The prefix finds the key; only a SHA-256 hash of the
//! whole key is stored (the secret is 160 random bits, so a slow hash adds nothing).

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use rand::distributions::Alphanumeric;
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::server::auth::ClientAddress;
use crate::server::error::AppError;
use crate::server::startup::AppState;
use crate::server::store::{self, ActiveKey, Store};
use std::net::IpAddr;

pub const HEADER: &str = "x-api-key";

/// A freshly generated key: `secret` is shown once and never stored.
pub struct GeneratedKey {
    pub prefix: String,
    pub secret: String,
    pub hash: String,
}

pub fn generate() -> GeneratedKey {
    let mut rng = rand::thread_rng();
    let mut random = |len: usize| -> String {
        (&mut rng).sample_iter(&Alphanumeric).take(len).map(char::from).collect::<String>().to_lowercase()
    };
    let prefix = random(8);
    let secret = format!("inlet_{prefix}_{}", random(32));
    let hash = hash_key(&secret);
    GeneratedKey { prefix, secret, hash }
}

pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The prefix of a well-formed key, or `None` for anything else.
pub fn prefix_of(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("inlet_")?;
    let (prefix, secret) = rest.split_once('_')?;
    (prefix.len() == 8 && secret.len() == 32).then_some(prefix)
}

/// Compares two hex digests in time independent of where they differ.
fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A request authenticated by a live API key (header `X-Api-Key`).
#[derive(Debug, Clone, Copy)]
pub struct ApiCaller {
    pub key_id: i64,
}

impl<S> FromRequestParts<S> for ApiCaller
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let key = parts.headers.get(HEADER).and_then(|v| v.to_str().ok()).ok_or(AppError::Unauthenticated)?;
        let ClientAddress(client) = ClientAddress::of(&state, parts);
        match verify(&state.store, key.trim(), client).await? {
            KeyCheck::Valid(key_id) => Ok(ApiCaller { key_id }),
            KeyCheck::Unknown => Err(AppError::Unauthenticated),
            refused @ KeyCheck::AddressNotAllowed(_) => Err(AppError::Forbidden(refused.to_string())),
        }
    }
}

/// What a presented key turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyCheck {
    #[error("valid")]
    Valid(i64),
    #[error("a valid API key is required in the X-Api-Key header or the api_key query parameter")]
    Unknown,
    #[error("this API key may not be used from {0}")]
    AddressNotAllowed(IpAddr),
}

/// Checks a presented key, used from `client`, against the store; counts the request when the
/// key is valid.
pub async fn verify(store: &Store, key: &str, client: IpAddr) -> store::Result<KeyCheck> {
    let Some(active) = identify(store, key).await? else { return Ok(KeyCheck::Unknown) };
    if !active.allowed_addresses.as_ref().is_some_and(|allowed| allowed.allows(client)) {
        return Ok(KeyCheck::AddressNotAllowed(client));
    }
    store.count_key_use(active.id);
    Ok(KeyCheck::Valid(active.id))
}

/// The active key `key` is, checked against its stored hash; not a use of it.
pub async fn identify(store: &Store, key: &str) -> store::Result<Option<ActiveKey>> {
    let Some(prefix) = prefix_of(key) else { return Ok(None) };
    let Some(active) = store.active_api_key(prefix).await? else { return Ok(None) };
    Ok(same_digest(&hash_key(key), &active.hash).then_some(active))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_have_a_findable_prefix_and_a_matching_hash() {
        let key = generate();
        assert_eq!(prefix_of(&key.secret), Some(key.prefix.as_str()));
        assert_eq!(hash_key(&key.secret), key.hash);
        assert_ne!(generate().secret, key.secret);
    }

    #[test]
    fn malformed_keys_have_no_prefix() {
        for bad in ["", "inlet_", "inlet_abc_def", "other_abcdefgh_0123456789abcdef0123456789abcdef", "inlet_abcdefgh"] {
            assert_eq!(prefix_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn digests_compare_exactly() {
        assert!(same_digest("abcd", "abcd"));
        assert!(!same_digest("abcd", "abce"));
        assert!(!same_digest("abcd", "abc"));
    }
}
