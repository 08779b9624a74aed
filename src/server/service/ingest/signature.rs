//! Signed requests. A listener with a signing secret accepts only requests whose
//! `X-Inlet-Signature` is `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` under that secret,
//! with the Unix time in `X-Inlet-Timestamp` within the tolerance window of the server's clock:
//! a captured request cannot be replayed later, nor its body changed. Several signatures may be
//! sent, comma-separated (while a sender moves to a new secret); one match is enough.

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const TIMESTAMP_HEADER: &str = "x-inlet-timestamp";
pub const SIGNATURE_HEADER: &str = "x-inlet-signature";

/// What a request carried for its signature.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignatureHeaders<'a> {
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("this listener requires signed requests: send X-Inlet-Timestamp and X-Inlet-Signature")]
    Missing,
    #[error("X-Inlet-Timestamp must be Unix time in seconds")]
    BadTimestamp,
    #[error("X-Inlet-Timestamp is {0} s away from the server's clock (at most {1} s allowed)")]
    OutsideWindow(i64, u64),
    #[error("X-Inlet-Signature does not match the body signed with this listener's secret")]
    Mismatch,
}

/// The signature a sender computes: `sha256=<hex>`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("sha256={}", hex::encode(mac(secret, &timestamp.to_string(), body).finalize().into_bytes()))
}

fn mac(secret: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Checks a request's signature against `secret` at Unix time `now`.
pub fn verify(
    secret: &str,
    headers: SignatureHeaders<'_>,
    body: &[u8],
    now: i64,
    tolerance_secs: u64,
) -> Result<(), SignatureError> {
    let (Some(timestamp), Some(signatures)) = (headers.timestamp, headers.signature) else {
        return Err(SignatureError::Missing);
    };
    let timestamp = timestamp.trim();
    let sent_at: i64 = timestamp.parse().map_err(|_| SignatureError::BadTimestamp)?;
    let skew = now.saturating_sub(sent_at);
    if skew.unsigned_abs() > tolerance_secs {
        return Err(SignatureError::OutsideWindow(skew, tolerance_secs));
    }
    let matches = signatures.split(',').filter_map(|s| s.trim().strip_prefix("sha256=")).filter_map(|h| hex::decode(h).ok()).any(
        // `verify_slice` compares in constant time.
        |digest| mac(secret, timestamp, body).verify_slice(&digest).is_ok(),
    );
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_400_000;

    fn headers<'a>(timestamp: &'a str, signature: &'a str) -> SignatureHeaders<'a> {
        SignatureHeaders { timestamp: Some(timestamp), signature: Some(signature) }
    }

    #[test]
    fn a_fresh_signature_of_the_exact_body_passes() {
        let signature = sign("s3cret-s3cret-s3cret", NOW, br#"{"plan":"pro"}"#);
        assert!(signature.starts_with("sha256=") && signature.len() == 7 + 64);
        let now = NOW.to_string();
        assert_eq!(verify("s3cret-s3cret-s3cret", headers(&now, &signature), br#"{"plan":"pro"}"#, NOW + 10, 300), Ok(()));
        let rotating = format!("sha256={}, {signature}", "00".repeat(32));
        assert_eq!(verify("s3cret-s3cret-s3cret", headers(&now, &rotating), br#"{"plan":"pro"}"#, NOW, 300), Ok(()));
    }

    #[test]
    fn changed_bodies_other_secrets_and_old_timestamps_fail() {
        let signature = sign("s3cret-s3cret-s3cret", NOW, b"{}");
        let now = NOW.to_string();
        assert_eq!(verify("s3cret-s3cret-s3cret", headers(&now, &signature), b"{ }", NOW, 300), Err(SignatureError::Mismatch));
        assert_eq!(verify("another-secret-here", headers(&now, &signature), b"{}", NOW, 300), Err(SignatureError::Mismatch));
        assert_eq!(
            verify("s3cret-s3cret-s3cret", headers(&now, &signature), b"{}", NOW + 301, 300),
            Err(SignatureError::OutsideWindow(301, 300))
        );
        assert_eq!(
            verify("s3cret-s3cret-s3cret", headers(&now, &signature), b"{}", NOW - 301, 300),
            Err(SignatureError::OutsideWindow(-301, 300))
        );
        // The timestamp is signed: moving it forward breaks the signature.
        let later = (NOW + 60).to_string();
        assert_eq!(
            verify("s3cret-s3cret-s3cret", headers(&later, &signature), b"{}", NOW + 60, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("s3cret-s3cret-s3cret", headers("yesterday", &signature), b"{}", NOW, 300),
            Err(SignatureError::BadTimestamp)
        );
        assert_eq!(verify("s3cret-s3cret-s3cret", headers(&now, "md5=abc"), b"{}", NOW, 300), Err(SignatureError::Mismatch));
        assert_eq!(verify("s3cret-s3cret-s3cret", SignatureHeaders::default(), b"{}", NOW, 300), Err(SignatureError::Missing));
    }
}
