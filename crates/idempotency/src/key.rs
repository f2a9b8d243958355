//! The `Idempotency-Key` header value.

use crate::IdempotencyError;

/// Longest key accepted, in characters (all ASCII, so also in bytes).
pub const KEY_LEN_MAX: usize = 255;

/// A valid key: 1..=255 printable ASCII characters (0x20..=0x7E), not only
/// spaces. Kept exactly as sent: the key is compared byte for byte within
/// its (tenant, principal) scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Validates a raw header value. An empty value counts as no key at all
    /// ([`IdempotencyError::Missing`]).
    pub fn parse(raw: &str) -> Result<Self, IdempotencyError> {
        if raw.is_empty() {
            return Err(IdempotencyError::Missing);
        }
        if raw.len() > KEY_LEN_MAX {
            return Err(IdempotencyError::Invalid(format!(
                "must be at most {KEY_LEN_MAX} characters"
            )));
        }
        if !raw.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return Err(IdempotencyError::Invalid(
                "must contain only printable ASCII characters".into(),
            ));
        }
        if raw.bytes().all(|b| b == b' ') {
            return Err(IdempotencyError::Invalid("must not be only spaces".into()));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The key as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn invalid(raw: &str) -> bool {
        matches!(
            IdempotencyKey::parse(raw),
            Err(IdempotencyError::Invalid(_))
        )
    }

    #[test]
    fn accepts_keys_as_sent() {
        for raw in [
            "k",
            "8e03978e-40d5-43e8-bc93-6894a57f9324",
            " padded ",
            "\"quoted\"",
            "~!@#$%^&*()",
        ] {
            assert_eq!(
                IdempotencyKey::parse(raw).map(|k| k.as_str().to_owned()),
                Ok(raw.to_owned())
            );
        }
        assert_eq!(
            IdempotencyKey::parse(&"k".repeat(255)).map(|k| k.as_str().len()),
            Ok(255)
        );
    }

    #[test]
    fn an_empty_key_is_missing() {
        assert_eq!(IdempotencyKey::parse(""), Err(IdempotencyError::Missing));
        assert_eq!(
            IdempotencyError::Missing.to_string(),
            "the Idempotency-Key header is required"
        );
    }

    #[test]
    fn refuses_long_blank_and_unprintable_keys() {
        assert!(invalid(&"k".repeat(256)));
        assert!(invalid(" "));
        assert!(invalid("   "));
        for raw in ["a\tb", "a\nb", "\0", "a\u{7f}", "ключ", "caf\u{e9}"] {
            assert!(invalid(raw), "{raw:?}");
        }
        let message = IdempotencyKey::parse("a\tb").map_err(|e| e.to_string());
        assert_eq!(
            message,
            Err("invalid Idempotency-Key: must contain only printable ASCII characters".into())
        );
    }

    proptest! {
        #[test]
        fn printable_keys_that_are_not_blank_are_accepted(raw in "[ -~]{1,255}") {
            prop_assume!(!raw.bytes().all(|b| b == b' '));
            prop_assert_eq!(IdempotencyKey::parse(&raw).map(|k| k.as_str().to_owned()), Ok(raw.clone()));
        }

        #[test]
        fn keys_with_a_control_character_are_refused(
            prefix in "[ -~]{0,120}",
            control in prop_oneof![0u8..0x20, Just(0x7f)],
            suffix in "[ -~]{0,120}",
        ) {
            let raw = format!("{prefix}{}{suffix}", char::from(control));
            prop_assert!(invalid(&raw), "{:?}", raw);
        }

        #[test]
        fn keys_with_non_ascii_characters_are_refused(prefix in "[ -~]{0,100}", c in "[^\\x00-\\x7f]", suffix in "[ -~]{0,100}") {
            let raw = format!("{prefix}{c}{suffix}");
            prop_assert!(invalid(&raw), "{:?}", raw);
        }

        #[test]
        fn keys_over_255_characters_are_refused(raw in "[ -~]{256,400}") {
            prop_assert!(invalid(&raw));
        }
    }
}
