#![allow(clippy::unwrap_used)]

use super::*;

fn s(raw: &str) -> SecretString {
    SecretString::from(raw.to_owned())
}

const SECRET: &str = "whsec_0123456789abcdef0123456789abcdef";

#[test]
fn slugs_follow_the_rules() {
    for good in ["main", "acme-stripe", "a", "9", &"x".repeat(64)] {
        assert_eq!(valid_slug(good), Ok(()), "{good}");
    }
    for bad in ["", "-x", "Main", "a_b", "a b", "ü", &"x".repeat(65)] {
        assert_eq!(valid_slug(bad), Err(AccountError::Slug), "{bad}");
    }
    assert_eq!(valid_slug("mock"), Err(AccountError::ReservedSlug));
}

#[test]
fn each_kind_needs_its_fields() {
    let mock = account_spec("m", "mock", Some("http://psp:8081/"), None, s(SECRET)).unwrap();
    assert_eq!(mock.kind, ProviderKind::Mock);
    assert_eq!(mock.base_url, "http://psp:8081", "trailing slash dropped");
    assert_eq!(
        account_spec("m", "mock", None, None, s(SECRET)).err(),
        Some(AccountError::BaseUrlRequired)
    );
    let stripe = account_spec("st", "stripe", None, Some(s(SECRET)), s(SECRET)).unwrap();
    assert_eq!(stripe.base_url, STRIPE_BASE_URL);
    assert_eq!(
        account_spec("st", "stripe", None, None, s(SECRET)).err(),
        Some(AccountError::ApiKeyRequired)
    );
    assert_eq!(
        account_spec("x", "adyen", None, None, s(SECRET)).err(),
        Some(AccountError::Kind)
    );
}

#[test]
fn base_urls_are_plain_absolute_http_urls() {
    for bad in [
        "ftp://x",
        "psp:8081",
        "http://",
        "http://user:pw@psp",
        "http://psp/?a=1",
        "http://psp/#x",
        "http://p sp",
    ] {
        assert_eq!(
            account_spec("m", "mock", Some(bad), None, s(SECRET)).err(),
            Some(AccountError::BaseUrl),
            "{bad}"
        );
    }
}

#[test]
fn secrets_are_long_printable_and_bounded() {
    for bad in ["short", &" ".repeat(40), &"é".repeat(20), &"x".repeat(513)] {
        assert_eq!(
            account_spec("m", "mock", Some("http://psp"), None, s(bad)).err(),
            Some(AccountError::Secret("webhook_secret")),
            "{bad:?}"
        );
    }
    assert_eq!(
        account_spec("st", "stripe", None, Some(s("sk_short")), s(SECRET)).err(),
        Some(AccountError::Secret("api_key"))
    );
    let message = AccountError::Secret("api_key").to_string();
    assert!(
        !message.contains("sk_short"),
        "a refusal never echoes a secret"
    );
}

#[test]
fn the_previous_secret_is_valid_for_24_hours_after_a_rotation() {
    let now = DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let until = previous_valid_until(now);
    assert_eq!(until - now, Duration::hours(24));
    assert!(previous_still_valid(Some(until), now));
    assert!(previous_still_valid(
        Some(until),
        until - Duration::seconds(1)
    ));
    assert!(!previous_still_valid(Some(until), until));
    assert!(!previous_still_valid(None, now));
}
