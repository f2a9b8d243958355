//! The OpenAPI document's patterns say what these validators accept: every
//! sample the document's pattern matches passes the validator, and the
//! validator's refusals are refused by the pattern.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use regex::Regex;
use rust_decimal::Decimal;

use super::{amount, destination, email, slug, text_field};

/// The `pattern` of `component.property` in the served document.
fn pattern(component: &str, property: &str) -> Regex {
    let doc = crate::openapi::document();
    let raw = doc["components"]["schemas"][component]["properties"][property]["pattern"]
        .as_str()
        .unwrap_or_else(|| panic!("{component}.{property} has no pattern"));
    Regex::new(raw).unwrap()
}

/// Asserts the pattern and the validator agree on every sample.
fn agree(re: &Regex, samples: &[&str], valid: impl Fn(&str) -> bool) {
    for s in samples {
        assert_eq!(
            re.is_match(s),
            valid(s),
            "{s:?}: pattern {re} and validator disagree"
        );
    }
}

#[test]
fn slug_and_tenant_patterns_are_the_slug_rule() {
    let samples = [
        "demo",
        "casino-1",
        "",
        "Casino",
        "a_b",
        "a b",
        &"x".repeat(64),
        &"x".repeat(65),
    ];
    for (component, property) in [
        ("CreateTenant", "slug"),
        ("PlayerLogin", "tenant"),
        ("Register", "tenant"),
    ] {
        agree(&pattern(component, property), &samples, |s| slug(s).is_ok());
    }
}

#[test]
fn the_email_pattern_accepts_only_valid_emails() {
    let re = pattern("Register", "email");
    let valid = ["alice@example.com", "A.B+c@sub.example.org", "x@y.z"];
    let invalid = [
        "",
        "alice",
        "@example.com",
        "alice@example",
        "a b@example.com",
        "alice@.com",
        "alice@example.",
        "a@b@c.d",
    ];
    for s in valid {
        assert!(re.is_match(s) && email(s).is_ok(), "{s:?}");
    }
    for s in invalid {
        assert!(!re.is_match(s), "{s:?} matches the pattern");
    }
}

#[test]
fn destination_and_text_patterns_are_the_validators() {
    let kind = pattern("Destination", "type");
    agree(
        &kind,
        &[
            "bank_account",
            "card",
            "",
            "Card",
            "e-wallet",
            &"a".repeat(33),
        ],
        |s| destination(s, "acct").is_ok(),
    );
    let text = pattern("Reject", "reason");
    agree(
        &text,
        &[
            "duplicate request",
            " ok ",
            "",
            "   ",
            "a\u{0}b",
            "tab\there",
            "caf\u{e9}",
        ],
        |s| text_field("reason", s, 500).is_ok(),
    );
}

#[test]
fn amounts_matching_the_pattern_parse() {
    let re = pattern("CreateDeposit", "amount");
    for s in ["1", "10.5", "007.10", "0.001"] {
        assert!(re.is_match(s), "{s:?}");
    }
    // Matching amounts are well-formed: any refusal is a rule of the currency
    // or the maximum, never of syntax.
    assert!(amount("10.50", "EUR", Decimal::from(1_000_000)).is_ok());
    for s in [
        "",
        "-1",
        "+1",
        "1e5",
        "1.",
        ".5",
        "1,5",
        " 1",
        "12345678901234567",
    ] {
        assert!(!re.is_match(s), "{s:?} matches the pattern");
    }
}
