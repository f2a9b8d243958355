//! The `Kasa-Signature` webhook header: `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`.
//!
//! Each `v1` is `HMAC-SHA256(secret, "<t>.<raw body>")`. A sender holding several
//! secrets (during a key rotation) adds one `v1` per secret; a receiver accepts the
//! header when any `v1` matches any secret it knows.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use thiserror::Error;

type HmacSha256 = Hmac<Sha256>;

/// Name of the HTTP header carrying the signature.
pub const HEADER: &str = "Kasa-Signature";

/// Longest header accepted, in bytes; bounds the parsing work an attacker can cause.
pub const MAX_HEADER_LEN: usize = 4096;

/// Most `v1` entries accepted; each costs one HMAC per known secret.
pub const MAX_SIGNATURES: usize = 8;

/// Why a signature header was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    /// The header is longer than [`MAX_HEADER_LEN`].
    #[error("signature header longer than {MAX_HEADER_LEN} bytes")]
    HeaderTooLong,
    /// An entry is not of the form `key=value`, or `t` appears twice.
    #[error("malformed signature header")]
    Malformed,
    /// No `t=` entry.
    #[error("signature header has no timestamp")]
    MissingTimestamp,
    /// `t` is not a non-negative integer.
    #[error("signature timestamp is not a number")]
    InvalidTimestamp,
    /// No `v1=` entry.
    #[error("signature header has no v1 signature")]
    MissingSignature,
    /// More than [`MAX_SIGNATURES`] `v1=` entries.
    #[error("more than {MAX_SIGNATURES} v1 signatures")]
    TooManySignatures,
    /// A `v1` value is not hex.
    #[error("v1 signature is not hex")]
    InvalidHex,
    /// The timestamp is further than the tolerance from now (replay or clock skew).
    #[error("signature timestamp outside tolerance")]
    TimestampOutOfTolerance,
    /// The receiver knows no secret, so nothing can be verified.
    #[error("no webhook secret configured")]
    NoSecrets,
    /// No `v1` matches any known secret (wrong secret or tampered body).
    #[error("no matching signature")]
    NoMatch,
}

/// Builds the header value for `body` sent at `timestamp_s`, with one `v1` per secret.
pub fn sign(secrets: &[&[u8]], timestamp_s: i64, body: &[u8]) -> String {
    let t = timestamp_s.to_string();
    let mut header = format!("t={t}");
    for secret in secrets {
        // HMAC accepts keys of any length, so this never skips in practice.
        let Some(mac) = mac_for(secret, &t, body) else {
            continue;
        };
        header.push_str(",v1=");
        header.push_str(&hex::encode(mac.finalize().into_bytes()));
    }
    header
}

/// Checks `header` against `body`: accepted when the timestamp is within
/// `tolerance_s` of `now_s` and some `v1` matches some secret.
pub fn verify(
    header: &str,
    body: &[u8],
    secrets: &[&[u8]],
    now_s: i64,
    tolerance_s: i64,
) -> Result<(), SignatureError> {
    let parsed = parse(header)?;
    let tolerance = u64::try_from(tolerance_s).unwrap_or(0);
    if now_s.abs_diff(parsed.timestamp) > tolerance {
        return Err(SignatureError::TimestampOutOfTolerance);
    }
    // An empty key would make every HMAC "valid" to whoever computes it with
    // the empty key too: it is never a secret.
    let usable: Vec<&[u8]> = secrets.iter().copied().filter(|s| !s.is_empty()).collect();
    if usable.is_empty() {
        return Err(SignatureError::NoSecrets);
    }
    for secret in usable {
        for candidate in &parsed.signatures {
            let Some(mac) = mac_for(secret, parsed.timestamp_raw, body) else {
                continue;
            };
            // verify_slice compares in constant time.
            if mac.verify_slice(candidate).is_ok() {
                return Ok(());
            }
        }
    }
    Err(SignatureError::NoMatch)
}

struct Parsed<'a> {
    // The MAC covers the timestamp exactly as the sender wrote it.
    timestamp_raw: &'a str,
    timestamp: i64,
    signatures: Vec<Vec<u8>>,
}

fn parse(header: &str) -> Result<Parsed<'_>, SignatureError> {
    if header.len() > MAX_HEADER_LEN {
        return Err(SignatureError::HeaderTooLong);
    }
    let mut timestamp: Option<(&str, i64)> = None;
    let mut signatures = Vec::new();
    for entry in header.split(',') {
        let (key, value) = entry
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" => {
                if timestamp.is_some() {
                    return Err(SignatureError::Malformed);
                }
                timestamp = Some((value, parse_timestamp(value)?));
            }
            "v1" => {
                if signatures.len() == MAX_SIGNATURES {
                    return Err(SignatureError::TooManySignatures);
                }
                signatures.push(hex::decode(value).map_err(|_| SignatureError::InvalidHex)?);
            }
            // Unknown schemes are skipped so a sender can add newer ones.
            _ => {}
        }
    }
    let (timestamp_raw, timestamp) = timestamp.ok_or(SignatureError::MissingTimestamp)?;
    if signatures.is_empty() {
        return Err(SignatureError::MissingSignature);
    }
    Ok(Parsed {
        timestamp_raw,
        timestamp,
        signatures,
    })
}

fn parse_timestamp(value: &str) -> Result<i64, SignatureError> {
    // i64::from_str would also take a sign; a timestamp is digits only.
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SignatureError::InvalidTimestamp);
    }
    value.parse().map_err(|_| SignatureError::InvalidTimestamp)
}

fn mac_for(secret: &[u8], timestamp: &str, body: &[u8]) -> Option<HmacSha256> {
    let mut mac = HmacSha256::new_from_slice(secret).ok()?;
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(mac)
}

#[cfg(test)]
mod tests;
