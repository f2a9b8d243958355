//! Signing provider calls: `Kasa-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`,
//! the same header as PSP webhooks (built by [`psp::signature::sign`]).

use std::time::{SystemTime, UNIX_EPOCH};

/// Name of the signature header.
pub const HEADER: &str = psp::signature::HEADER;

/// Characters of a token or secret that output may show.
const SHOWN: usize = 4;

/// The header value for `body` signed with `secret` at `timestamp_s`.
pub fn header_value(secret: &[u8], timestamp_s: i64, body: &[u8]) -> String {
    psp::signature::sign(&[secret], timestamp_s, body)
}

/// A secret that is certainly not `secret` (for the bad-signature check).
pub fn wrong_secret(secret: &[u8]) -> Vec<u8> {
    let mut wrong = secret.to_vec();
    wrong.push(b'!');
    wrong
}

/// Seconds since the Unix epoch now (0 if the clock is before 1970).
pub fn now_unix_s() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|elapsed| i64::try_from(elapsed.as_secs()).ok())
        .unwrap_or(0)
}

/// At most the first four characters of `value`, then `…`: what output may show
/// of a token or secret.
pub fn masked(value: &str) -> String {
    let shown: String = value.chars().take(SHOWN).collect();
    format!("{shown}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_a_timestamp_and_one_hex_hmac_that_kasa_accepts() {
        let body = br#"{"session":"abc"}"#;
        let header = header_value(b"game-secret", 1_700_000_000, body);
        let (t, v1) = header.split_once(',').expect("two entries");
        assert_eq!(t, "t=1700000000");
        let hex = v1.strip_prefix("v1=").expect("a v1 entry");
        assert_eq!(hex.len(), 64);
        assert!(
            hex.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        let secrets: [&[u8]; 1] = [b"game-secret"];
        assert_eq!(
            psp::signature::verify(&header, body, &secrets, 1_700_000_100, 300),
            Ok(())
        );
    }

    #[test]
    fn the_signature_covers_body_and_timestamp() {
        let body = b"{}";
        let header = header_value(b"s", 10, body);
        assert_ne!(header, header_value(b"s", 11, body));
        assert_ne!(header, header_value(b"s", 10, b"{ }"));
        assert_ne!(header, header_value(&wrong_secret(b"s"), 10, body));
        let secrets: [&[u8]; 1] = [b"s"];
        let forged = header_value(&wrong_secret(b"s"), 10, body);
        assert!(psp::signature::verify(&forged, body, &secrets, 10, 300).is_err());
    }

    #[test]
    fn masking_shows_four_characters_at_most() {
        assert_eq!(masked("gsk_0123456789abcdef"), "gsk_…");
        assert_eq!(masked("ab"), "ab…");
        assert_eq!(masked(""), "…");
    }

    #[test]
    fn the_clock_is_after_2020() {
        assert!(now_unix_s() > 1_577_836_800);
    }
}
