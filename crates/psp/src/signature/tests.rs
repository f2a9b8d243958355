//! Tests of `signature`.

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
