//! Listeners' signing secrets: set, generated, removed and shown to staff, always sealed with
//! `INLET_SECRET_KEY` before they reach the store.

use rand::distributions::Alphanumeric;
use rand::Rng;

use crate::domain::listener::{Listener, ListenerForUpdate};
use crate::server::error::{AppError, AppResult};
use crate::server::secrets::{SecretError, SecretKey};
use crate::server::store::Store;

/// A secret chosen by staff (or their sender): 16 to 200 visible ASCII characters.
pub fn parse_signing_secret(secret: &str) -> AppResult<String> {
    let ok = (16..=200).contains(&secret.len()) && secret.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(secret.to_string())
    } else {
        Err(AppError::invalid("signing_secret", "must be 16 to 200 visible ASCII characters, without spaces"))
    }
}

/// 40 random letters and digits (about 238 bits).
pub fn generate_signing_secret() -> String {
    rand::thread_rng().sample_iter(&Alphanumeric).take(40).map(char::from).collect()
}

/// Seals a secret, or explains that the installation has no key to seal it with.
pub fn seal(secret_key: Option<&SecretKey>, secret: &str) -> AppResult<String> {
    let key = secret_key.ok_or_else(|| AppError::invalid("signing_secret", SecretError::NoKey.to_string()))?;
    Ok(key.seal(secret))
}

/// Makes a listener require signatures with `secret`, or with a new random one; returns the
/// secret for the sender's configuration.
pub async fn set_signing_secret(
    store: &Store,
    secret_key: Option<&SecretKey>,
    listener: &Listener,
    secret: Option<&str>,
) -> AppResult<String> {
    let secret = match secret {
        Some(chosen) => parse_signing_secret(chosen)?,
        None => generate_signing_secret(),
    };
    let sealed = seal(secret_key, &secret)?;
    store
        .update_listener(listener.id, &ListenerForUpdate { sealed_signing_secret: Some(Some(sealed)), ..Default::default() })
        .await?;
    tracing::info!(listener = %listener.key, "listener signing secret set");
    Ok(secret)
}

pub async fn remove_signing_secret(store: &Store, listener: &Listener) -> AppResult<()> {
    store.update_listener(listener.id, &ListenerForUpdate { sealed_signing_secret: Some(None), ..Default::default() }).await?;
    tracing::info!(listener = %listener.key, "listener signing secret removed");
    Ok(())
}

/// The secret in plain text, for staff configuring a sender; `None` when requests are unsigned.
pub async fn reveal_signing_secret(
    store: &Store,
    secret_key: Option<&SecretKey>,
    listener: &Listener,
) -> AppResult<Option<String>> {
    let Some(sealed) = store.listener_signing_secret(listener.id).await? else { return Ok(None) };
    SecretKey::open_with(secret_key, &sealed).map(Some).map_err(|error| AppError::Internal(error.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chosen_secrets_are_long_visible_ascii() {
        assert!(parse_signing_secret("0123456789abcdef").is_ok());
        for bad in ["short", "has a space in it here", "ünïcödé-ünïcödé-ü", &"x".repeat(201)] {
            assert!(parse_signing_secret(bad).is_err(), "{bad}");
        }
        let generated = generate_signing_secret();
        assert!(parse_signing_secret(&generated).is_ok());
        assert_ne!(generated, generate_signing_secret());
    }
}
