//! Field checks shared by handlers: bounded lengths, emails, slugs, amounts.

use ledger::{Currency, Money};
use rust_decimal::Decimal;
use withdrawal::Destination;

use crate::problem::ApiError;

/// Longest email accepted (RFC 5321 path limit).
pub const EMAIL_LEN_MAX: usize = 254;

/// A trimmed, non-empty string of at most `max` characters.
pub fn text_field<'a>(name: &str, value: &'a str, max: usize) -> Result<&'a str, ApiError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(ApiError::Validation(format!(
            "{name} must be 1 to {max} printable characters"
        )));
    }
    Ok(value)
}

/// A lower-cased email of plausible shape.
pub fn email(raw: &str) -> Result<String, ApiError> {
    let value = text_field("email", raw, EMAIL_LEN_MAX)?;
    let plausible = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !value.contains(char::is_whitespace);
    if !plausible {
        return Err(ApiError::Validation("email is not a valid address".into()));
    }
    Ok(value.to_lowercase())
}

/// A slug: 1..=64 of `a-z`, `0-9` and `-`.
pub fn slug(raw: &str) -> Result<&str, ApiError> {
    let ok = (1..=64).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(raw)
    } else {
        Err(ApiError::Validation(
            "slug must be 1 to 64 of a-z, 0-9 and -".into(),
        ))
    }
}

/// A withdrawal destination: `type` of 1..32 `a-z`/`_`, `account` of 1..64
/// printable characters (`withdrawal::Destination::parse`).
pub fn destination(kind: &str, account: &str) -> Result<Destination, ApiError> {
    Destination::parse(kind, account).map_err(|e| ApiError::Validation(e.to_string()))
}

/// An amount string in `currency`, positive and at most `max`.
pub fn amount(raw: &str, currency: &str, max: Decimal) -> Result<Money, ApiError> {
    let currency = Currency::parse(currency).map_err(|e| ApiError::Validation(e.to_string()))?;
    Money::parse_amount(raw, currency, max)
        .map_err(|e| ApiError::Validation(format!("amount: {e}")))
}

#[cfg(test)]
mod schema_truth;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(
            email(" Alice@Example.COM ").ok().as_deref(),
            Some("alice@example.com")
        );
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@example",
            "a b@example.com",
            "alice@.com",
        ] {
            assert!(email(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn slugs_are_restricted() {
        assert!(slug("casino-1").is_ok());
        for bad in ["", "Casino", "a_b", "a b", &"x".repeat(65)] {
            assert!(slug(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn text_fields_are_bounded() {
        assert!(text_field("name", "ok", 5).is_ok());
        assert!(text_field("name", "toolong", 5).is_err());
        assert!(text_field("name", "  ", 5).is_err());
        assert!(text_field("name", "a\u{0}b", 5).is_err());
    }
}
