//! Tests of `ids`.

use proptest::prelude::*;

use super::*;

#[test]
fn provider_slugs_are_lower_case_words() {
    for good in ["evo", "pragmatic-play", "a", "0x_1", &"a".repeat(64)] {
        assert_eq!(
            ProviderSlug::parse(good).map(|s| s.as_str().to_owned()),
            Ok(good.to_owned())
        );
    }
    let too_long = "a".repeat(65);
    for bad in [
        "", "-evo", "_evo", "Evo", "ev o", "evo:eu", "évo", &too_long,
    ] {
        assert_eq!(
            ProviderSlug::parse(bad),
            Err(GameInputError::ProviderSlug),
            "{bad:?}"
        );
    }
}

#[test]
fn provider_strings_are_printable_ascii_of_bounded_length() {
    let longest_id = "x".repeat(255);
    for good in ["t-1", " spaced | id ~", &longest_id] {
        assert!(ProviderTransactionId::parse(good).is_ok(), "{good:?}");
        assert!(RoundId::parse(good).is_ok(), "{good:?}");
    }
    let too_long_id = "x".repeat(256);
    for bad in ["", "tab\there", "new\nline", "del\u{7f}", "é", &too_long_id] {
        assert_eq!(
            ProviderTransactionId::parse(bad),
            Err(GameInputError::TransactionId)
        );
        assert_eq!(RoundId::parse(bad), Err(GameInputError::RoundId));
    }
    assert!(GameCode::parse(&"g".repeat(128)).is_ok());
    assert_eq!(
        GameCode::parse(&"g".repeat(129)),
        Err(GameInputError::GameCode)
    );
    assert_eq!(GameCode::parse(""), Err(GameInputError::GameCode));
}

#[test]
fn session_tokens_are_url_safe_and_debug_masks_them() {
    let token = SessionToken::parse("abcdEFGH-._~1234").expect("16 url-safe characters");
    assert_eq!(token.as_str(), "abcdEFGH-._~1234");
    assert_eq!(format!("{token:?}"), "SessionToken(\"abcd…\")");
    assert!(!format!("{token:?}").contains("EFGH"));
    assert!(SessionToken::parse(&"t".repeat(256)).is_ok());
    for bad in [
        "short".to_owned(),
        "t".repeat(15),
        "t".repeat(257),
        format!("{}/", "t".repeat(16)),
        format!("{}+", "t".repeat(16)),
        format!("{} ", "t".repeat(16)),
    ] {
        assert_eq!(
            SessionToken::parse(&bad),
            Err(GameInputError::SessionToken),
            "{bad:?}"
        );
    }
}

#[test]
fn display_shows_the_string_and_serde_checks_it() {
    let round = RoundId::parse("r|1").expect("printable");
    assert_eq!(round.to_string(), "r|1");
    assert_eq!(format!("{round:?}"), "RoundId(\"r|1\")");
    assert_eq!(serde_json::to_string(&round).ok(), Some("\"r|1\"".into()));
    assert_eq!(
        serde_json::from_str::<ProviderSlug>("\"evo\"").ok(),
        ProviderSlug::parse("evo").ok()
    );
    assert!(serde_json::from_str::<ProviderSlug>("\"EVO\"").is_err());
    assert!(serde_json::from_str::<SessionToken>("\"short\"").is_err());
    let token: SessionToken =
        serde_json::from_str("\"0123456789abcdef\"").expect("a valid token deserializes");
    assert_eq!(token.as_str(), "0123456789abcdef");
}

proptest! {
    #[test]
    fn printable_ascii_ids_are_accepted_exactly(raw in "[ -~]{0,300}") {
        let valid = !raw.is_empty() && raw.len() <= 255;
        prop_assert_eq!(ProviderTransactionId::parse(&raw).is_ok(), valid);
        prop_assert_eq!(RoundId::parse(&raw).is_ok(), valid);
        if let Ok(id) = ProviderTransactionId::parse(&raw) {
            prop_assert_eq!(id.as_str(), raw.as_str());
        }
    }

    #[test]
    fn a_token_debug_never_shows_more_than_four_characters(raw in "[A-Za-z0-9._~-]{16,256}") {
        let token = SessionToken::parse(&raw).expect("url-safe characters of a valid length");
        prop_assert_eq!(format!("{token:?}"), format!("SessionToken(\"{}…\")", &raw[..4]));
    }
}
