//! API keys: `inlet_<prefix>_<secret>`. The prefix finds the key; only a SHA-256 hash of the
//! whole key is stored (the secret is 160 random bits, so a slow hash adds nothing).

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use rand::distributions::Alphanumeric;
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::server::error::AppError;
use crate::server::startup::AppState;
use crate::server::store::{self, Store};

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
        authenticate(&state, key.trim()).await
    }
}

/// Checks a presented key against the store and counts the request.
pub async fn authenticate(state: &AppState, key: &str) -> Result<ApiCaller, AppError> {
    let key_id = verify(&state.store, key).await?.ok_or(AppError::Unauthenticated)?;
    Ok(ApiCaller { key_id })
}

/// The id of the live key `key` is, counting the request; `None` for anything else.
pub async fn verify(store: &Store, key: &str) -> store::Result<Option<i64>> {
    let Some(prefix) = prefix_of(key) else {
        return Ok(None);
    };
    let Some(active) = store.active_api_key(prefix).await? else {
        return Ok(None);
    };
    if !same_digest(&hash_key(key), &active.hash) {
        return Ok(None);
    }
    store.count_key_use(active.id);
    Ok(Some(active.id))
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
