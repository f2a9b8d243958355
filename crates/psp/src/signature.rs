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
mod tests {
    use super::*;

    const OLD: &[u8] = b"whsec_old";
    const NEW: &[u8] = b"whsec_new";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"deposit.succeeded"}"#;
    const NOW: i64 = 1_700_000_000;

    fn hex_mac(secret: &[u8], t: &str, body: &[u8]) -> String {
        let Some(mac) = mac_for(secret, t, body) else {
            unreachable!("hmac takes any key")
        };
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn an_empty_secret_never_verifies() {
        let header = format!("t={NOW},v1={}", hex_mac(b"", &NOW.to_string(), BODY));
        assert_eq!(
            verify(&header, BODY, &[NEW, b""], NOW, 300),
            Err(SignatureError::NoMatch)
        );
        assert_eq!(
            verify(&header, BODY, &[b""], NOW, 300),
            Err(SignatureError::NoSecrets)
        );
    }

    #[test]
    fn sign_builds_one_v1_per_secret() {
        let header = sign(&[OLD, NEW], NOW, BODY);
        let expected = format!(
            "t={NOW},v1={},v1={}",
            hex_mac(OLD, &NOW.to_string(), BODY),
            hex_mac(NEW, &NOW.to_string(), BODY)
        );
        assert_eq!(header, expected);
    }

    #[test]
    fn sign_signs_timestamp_dot_body() {
        // Computed independently: HMAC-SHA256("whsec_test", "1700000000.{\"a\":1}").
        let header = sign(&[b"whsec_test"], 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(
            header,
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }

    #[test]
    fn verify_accepts_a_fresh_signature() {
        let header = sign(&[NEW], NOW, BODY);
        assert_eq!(verify(&header, BODY, &[NEW], NOW, 300), Ok(()));
    }

    #[test]
    fn rotation_signed_with_old_and_new_receiver_knows_only_new() {
        let header = sign(&[OLD, NEW], NOW, BODY);
        assert_eq!(verify(&header, BODY, &[NEW], NOW, 300), Ok(()));
    }

    #[test]
    fn rotation_receiver_knows_both_sender_signed_with_only_old() {
        let header = sign(&[OLD], NOW, BODY);
        assert_eq!(verify(&header, BODY, &[NEW, OLD], NOW, 300), Ok(()));
    }

    #[test]
    fn wrong_secret_is_rejected() {
        let header = sign(&[OLD], NOW, BODY);
        assert_eq!(
            verify(&header, BODY, &[NEW], NOW, 300),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn tampered_body_is_rejected() {
        let header = sign(&[NEW], NOW, BODY);
        let tampered = br#"{"id":"evt_1","type":"deposit.failed"}"#;
        assert_eq!(
            verify(&header, tampered, &[NEW], NOW, 300),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn tampered_timestamp_is_rejected() {
        let header = sign(&[NEW], NOW, BODY).replacen(&NOW.to_string(), &(NOW + 1).to_string(), 1);
        assert_eq!(
            verify(&header, BODY, &[NEW], NOW, 300),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn stale_and_future_timestamps_are_rejected() {
        let stale = sign(&[NEW], NOW - 301, BODY);
        assert_eq!(
            verify(&stale, BODY, &[NEW], NOW, 300),
            Err(SignatureError::TimestampOutOfTolerance)
        );
        let future = sign(&[NEW], NOW + 301, BODY);
        assert_eq!(
            verify(&future, BODY, &[NEW], NOW, 300),
            Err(SignatureError::TimestampOutOfTolerance)
        );
        let edge = sign(&[NEW], NOW - 300, BODY);
        assert_eq!(verify(&edge, BODY, &[NEW], NOW, 300), Ok(()));
    }

    #[test]
    fn negative_tolerance_means_exact_second_only() {
        let header = sign(&[NEW], NOW, BODY);
        assert_eq!(verify(&header, BODY, &[NEW], NOW, -5), Ok(()));
        assert_eq!(
            verify(&header, BODY, &[NEW], NOW + 1, -5),
            Err(SignatureError::TimestampOutOfTolerance)
        );
    }

    #[test]
    fn missing_timestamp_is_rejected() {
        let v1 = hex_mac(NEW, "1", BODY);
        assert_eq!(
            verify(&format!("v1={v1}"), BODY, &[NEW], NOW, 300),
            Err(SignatureError::MissingTimestamp)
        );
    }

    #[test]
    fn non_numeric_timestamps_are_rejected() {
        for t in [
            "abc",
            "",
            "+1700000000",
            "-1",
            "1.5",
            "99999999999999999999",
        ] {
            let header = format!("t={t},v1={}", hex_mac(NEW, t, BODY));
            assert_eq!(
                verify(&header, BODY, &[NEW], NOW, 300),
                Err(SignatureError::InvalidTimestamp),
                "t={t}"
            );
        }
    }

    #[test]
    fn duplicate_timestamp_and_entries_without_equals_are_malformed() {
        let v1 = hex_mac(NEW, &NOW.to_string(), BODY);
        assert_eq!(
            verify(&format!("t={NOW},t={NOW},v1={v1}"), BODY, &[NEW], NOW, 300),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(&format!("t={NOW},v1{v1}"), BODY, &[NEW], NOW, 300),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify("", BODY, &[NEW], NOW, 300),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn header_without_v1_is_rejected() {
        assert_eq!(
            verify(&format!("t={NOW}"), BODY, &[NEW], NOW, 300),
            Err(SignatureError::MissingSignature)
        );
        // A scheme the receiver does not know is no substitute for v1.
        assert_eq!(
            verify(&format!("t={NOW},v0=abcd"), BODY, &[NEW], NOW, 300),
            Err(SignatureError::MissingSignature)
        );
    }

    #[test]
    fn unknown_schemes_next_to_a_valid_v1_are_ignored() {
        let header = format!("{},v2=zzz", sign(&[NEW], NOW, BODY));
        assert_eq!(verify(&header, BODY, &[NEW], NOW, 300), Ok(()));
    }

    #[test]
    fn bad_hex_is_rejected() {
        assert_eq!(
            verify(&format!("t={NOW},v1=not-hex"), BODY, &[NEW], NOW, 300),
            Err(SignatureError::InvalidHex)
        );
        assert_eq!(
            verify(&format!("t={NOW},v1=abc"), BODY, &[NEW], NOW, 300),
            Err(SignatureError::InvalidHex)
        );
    }

    #[test]
    fn truncated_signature_is_rejected() {
        let v1 = hex_mac(NEW, &NOW.to_string(), BODY);
        let header = format!("t={NOW},v1={}", &v1[..32]);
        assert_eq!(
            verify(&header, BODY, &[NEW], NOW, 300),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn oversized_header_is_rejected() {
        let header = format!(
            "{},x={}",
            sign(&[NEW], NOW, BODY),
            "a".repeat(MAX_HEADER_LEN)
        );
        assert_eq!(
            verify(&header, BODY, &[NEW], NOW, 300),
            Err(SignatureError::HeaderTooLong)
        );
    }

    #[test]
    fn more_than_eight_signatures_are_rejected() {
        let eight = vec![OLD; MAX_SIGNATURES];
        let header = sign(&eight, NOW, BODY);
        assert_eq!(
            verify(&header, BODY, &[OLD], NOW, 300),
            Ok(()),
            "eight entries are allowed"
        );
        let nine = vec![OLD; MAX_SIGNATURES + 1];
        let header = sign(&nine, NOW, BODY);
        assert_eq!(
            verify(&header, BODY, &[OLD], NOW, 300),
            Err(SignatureError::TooManySignatures)
        );
    }

    #[test]
    fn receiver_without_secrets_rejects() {
        let header = sign(&[NEW], NOW, BODY);
        assert_eq!(
            verify(&header, BODY, &[], NOW, 300),
            Err(SignatureError::NoSecrets)
        );
    }

    #[test]
    fn whitespace_around_entries_is_tolerated() {
        let v1 = hex_mac(NEW, &NOW.to_string(), BODY);
        let header = format!("t={NOW}, v1={v1}");
        assert_eq!(verify(&header, BODY, &[NEW], NOW, 300), Ok(()));
    }
}
