//! Secrets Inlet has to read back — a listener's signing secret is needed in plain text to
//! check a signature, so it cannot be hashed — are encrypted at rest with the installation's
//! `INLET_SECRET_KEY` (XChaCha20-Poly1305, a random nonce per secret). A database dump alone
//! reveals none of them.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::fmt;

/// Says what a ciphertext is for, so one sealed for another purpose never opens here.
const PURPOSE: &[u8] = b"inlet listener signing secret v1";
const PREFIX: &str = "v1:";

/// The 256-bit key from `INLET_SECRET_KEY` (64 hex digits). Never printed.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("INLET_SECRET_KEY is not set: signing secrets need it (generate one with `openssl rand -hex 32`)")]
    NoKey,
    #[error("a stored secret cannot be opened with this INLET_SECRET_KEY (was the key changed?)")]
    CannotOpen,
}

impl SecretKey {
    /// Parses 64 hex digits (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Self, String> {
        let bytes = hex::decode(text.trim()).map_err(|_| "INLET_SECRET_KEY must be 64 hex digits".to_string())?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| "INLET_SECRET_KEY must be 64 hex digits (32 bytes)".to_string())?;
        Ok(Self(key))
    }

    /// A fresh random key (for tests and tools).
    pub fn random() -> Self {
        Self(XChaCha20Poly1305::generate_key(&mut OsRng).into())
    }

    /// Seals `plain` as `v1:<hex nonce + ciphertext>`.
    pub fn seal(&self, plain: &str) -> String {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed =
            cipher.encrypt(&nonce, Payload { msg: plain.as_bytes(), aad: PURPOSE }).expect("encryption of a short secret");
        format!("{PREFIX}{}{}", hex::encode(nonce), hex::encode(sealed))
    }

    /// Opens a sealed secret with the installation's key, if it has one.
    pub fn open_with(key: Option<&SecretKey>, stored: &str) -> Result<String, SecretError> {
        key.ok_or(SecretError::NoKey)?.open(stored)
    }

    pub fn open(&self, stored: &str) -> Result<String, SecretError> {
        let bytes = stored.strip_prefix(PREFIX).and_then(|h| hex::decode(h).ok()).ok_or(SecretError::CannotOpen)?;
        if bytes.len() < 24 {
            return Err(SecretError::CannotOpen);
        }
        let (nonce, sealed) = bytes.split_at(24);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let plain = cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: PURPOSE })
            .map_err(|_| SecretError::CannotOpen)?;
        String::from_utf8(plain).map_err(|_| SecretError::CannotOpen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key() {
        let key = SecretKey::random();
        let sealed = key.seal("whsec-123");
        assert!(sealed.starts_with("v1:") && !sealed.contains("whsec"));
        assert_eq!(key.open(&sealed).unwrap(), "whsec-123");
        assert_ne!(key.seal("whsec-123"), sealed, "a fresh nonce each time");
        assert_eq!(SecretKey::random().open(&sealed), Err(SecretError::CannotOpen));
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('0') { '1' } else { '0' });
        assert_eq!(key.open(&tampered), Err(SecretError::CannotOpen));
        assert_eq!(key.open("plain"), Err(SecretError::CannotOpen));
    }

    #[test]
    fn keys_are_64_hex_digits_and_never_printed() {
        let key = SecretKey::parse(&"ab".repeat(32)).unwrap();
        assert_eq!(format!("{key:?}"), "SecretKey(…)");
        assert!(SecretKey::parse("abcd").is_err());
        assert!(SecretKey::parse(&"zz".repeat(32)).is_err());
    }
}
