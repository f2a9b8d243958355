use ledger::{Currency, LedgerError, Money};
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::{PolicyField, ThresholdError};

fn eur(units: i64) -> Money {
    Money::from_minor_units(units, Currency::EUR)
}

fn parse(json: &str) -> Result<TenantPolicy, PolicyError> {
    let body: PolicyBody = serde_json::from_str(json).expect("a well-formed body");
    TenantPolicy::try_from(body)
}

/// The contract's example with `cooling_off_hours` and one field replaced.
fn example_with(field: &str, value: &str) -> String {
    let mut fields = vec![
        ("cooling_off_hours", "24"),
        ("kyc_required_for", r#"["withdrawal"]"#),
        ("kyc_deposit_threshold", r#"{"EUR": "2000.00"}"#),
        ("dual_approval_threshold", r#"{"EUR": "5000.00"}"#),
        ("player_cancel_allowed", "false"),
    ];
    for entry in &mut fields {
        if entry.0 == field {
            entry.1 = value;
        }
    }
    let inner: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect();
    format!("{{{}}}", inner.join(", "))
}

#[test]
fn the_threshold_maximum_is_ten_to_the_twelfth() {
    assert_eq!(THRESHOLD_AMOUNT_MAX, Decimal::new(1_000_000_000_000, 0));
}

#[test]
fn the_contract_example_reads_as_written() {
    let policy = parse(&example_with("", "")).expect("the example is valid");
    assert_eq!(policy.cooling_off_hours(), 24);
    assert_eq!(policy.cooling_off(), chrono::Duration::hours(24));
    assert!(policy.requires_kyc_for(GatedAction::Withdrawal));
    assert!(!policy.requires_kyc_for(GatedAction::Deposit));
    assert!(!policy.requires_kyc_for(GatedAction::Game));
    assert_eq!(
        policy.kyc_deposit_threshold().get(Currency::EUR),
        Some(eur(200_000))
    );
    assert_eq!(policy.kyc_deposit_threshold().get(Currency::USD), None);
    assert_eq!(
        policy.dual_approval_threshold().get(Currency::EUR),
        Some(eur(500_000))
    );
    assert!(!policy.player_cancel_allowed());
    assert!(!player_may_cancel(&policy));
}

#[test]
fn the_default_is_v1_behaviour_and_serializes_as_the_contract_says() {
    let policy = TenantPolicy::default();
    assert_eq!(policy.cooling_off_hours(), 24);
    assert!(policy.kyc_required_for().is_empty());
    assert!(policy.kyc_deposit_threshold().is_empty());
    assert!(policy.dual_approval_threshold().is_empty());
    assert!(player_may_cancel(&policy));
    let json = serde_json::to_string(&policy).expect("serializes");
    assert_eq!(
        json,
        r#"{"cooling_off_hours":24,"kyc_required_for":[],"kyc_deposit_threshold":{},"dual_approval_threshold":{},"player_cancel_allowed":true}"#
    );
    assert_eq!(
        serde_json::from_str::<TenantPolicy>(&json).ok(),
        Some(policy)
    );
}

#[test]
fn cooling_off_is_zero_to_720_hours() {
    for ok in ["0", "1", "720"] {
        assert!(
            parse(&example_with("cooling_off_hours", ok)).is_ok(),
            "{ok}"
        );
    }
    for (bad, hours) in [("721", 721), ("-1", -1), ("4294967296", 4_294_967_296)] {
        let error = parse(&example_with("cooling_off_hours", bad)).expect_err(bad);
        assert_eq!(error, PolicyError::CoolingOffHours { hours });
        assert_eq!(error.field(), PolicyField::CoolingOffHours);
    }
    assert_eq!(
        TenantPolicy::new(721, [], Thresholds::none(), Thresholds::none(), true),
        Err(PolicyError::CoolingOffHours { hours: 721 })
    );
}

#[test]
fn actions_are_known_and_listed_once() {
    let all = parse(&example_with(
        "kyc_required_for",
        r#"["game", "deposit", "withdrawal"]"#,
    ))
    .expect("valid");
    assert_eq!(all.kyc_required_for().len(), 3);
    let error = parse(&example_with("kyc_required_for", r#"["Deposit"]"#)).expect_err("case");
    assert!(matches!(error, PolicyError::UnknownAction(ref e) if e.value == "Deposit"));
    assert_eq!(error.field(), PolicyField::KycRequiredFor);
    assert_eq!(
        parse(&example_with("kyc_required_for", r#"["game", "game"]"#)),
        Err(PolicyError::DuplicateAction(GatedAction::Game))
    );
    for action in GatedAction::ALL {
        assert_eq!(GatedAction::parse(action.as_str()), Ok(action));
    }
}

#[test]
fn thresholds_are_positive_known_and_one_per_currency() {
    let cases: [(&str, ThresholdError); 6] = [
        (
            r#"{"XXX": "1.00"}"#,
            ThresholdError::UnknownCurrency(LedgerError::UnknownCurrency("XXX".into())),
        ),
        (
            r#"{"EUR": "1.00", "EUR": "2.00"}"#,
            ThresholdError::Duplicate(Currency::EUR),
        ),
        (
            r#"{"EUR": "0.00"}"#,
            ThresholdError::Amount {
                currency: Currency::EUR,
                error: LedgerError::NotPositive,
            },
        ),
        (
            r#"{"EUR": "-5"}"#,
            ThresholdError::Amount {
                currency: Currency::EUR,
                error: LedgerError::InvalidAmount(
                    "a sign is not accepted; send a positive amount such as \"10.50\"".into(),
                ),
            },
        ),
        (
            r#"{"JPY": "1.5"}"#,
            ThresholdError::Amount {
                currency: Currency::JPY,
                error: LedgerError::TooManyFractionDigits {
                    currency: Currency::JPY,
                    minor_units: 0,
                },
            },
        ),
        (
            r#"{"USD": "1000000000000.01"}"#,
            ThresholdError::Amount {
                currency: Currency::USD,
                error: LedgerError::AboveMaximum {
                    max: THRESHOLD_AMOUNT_MAX,
                },
            },
        ),
    ];
    for field in [
        PolicyField::KycDepositThreshold,
        PolicyField::DualApprovalThreshold,
    ] {
        for (json, error) in &cases {
            assert_eq!(
                parse(&example_with(field.as_str(), json)),
                Err(PolicyError::Threshold {
                    field,
                    error: error.clone()
                }),
                "{field} {json}"
            );
        }
    }
    let empty = parse(&example_with("dual_approval_threshold", "{}")).expect("valid");
    assert!(empty.dual_approval_threshold().is_empty());
    assert_eq!(
        Thresholds::new([eur(1), eur(2)]),
        Err(ThresholdError::Duplicate(Currency::EUR))
    );
}

#[test]
fn the_shape_is_strict() {
    let missing = r#"{"cooling_off_hours": 24}"#;
    assert!(serde_json::from_str::<PolicyBody>(missing).is_err());
    let extra = format!("{{\"x\": 1, {}", &example_with("", "")[1..]);
    assert!(serde_json::from_str::<PolicyBody>(&extra).is_err());
    let number = example_with("kyc_deposit_threshold", r#"{"EUR": 2000}"#);
    assert!(serde_json::from_str::<PolicyBody>(&number).is_err());
    let invalid = example_with("cooling_off_hours", "721");
    assert!(serde_json::from_str::<TenantPolicy>(&invalid).is_err());
}

#[test]
fn errors_name_their_field() {
    let error = parse(&example_with("kyc_deposit_threshold", r#"{"EUR": "0"}"#))
        .expect_err("zero threshold");
    assert_eq!(
        error.to_string(),
        "kyc_deposit_threshold: EUR: amount must be greater than zero"
    );
    assert_eq!(error.field().as_str(), "kyc_deposit_threshold");
}

#[test]
fn dual_approval_starts_at_the_threshold_in_its_currency() {
    let policy = parse(&example_with("", "")).expect("valid");
    assert!(!needs_dual_approval(&policy, eur(499_999)));
    assert!(needs_dual_approval(&policy, eur(500_000)));
    assert!(needs_dual_approval(&policy, eur(500_001)));
    let usd = Money::from_minor_units(100_000_000, Currency::USD);
    assert!(!needs_dual_approval(&policy, usd));
    assert!(!needs_dual_approval(
        &TenantPolicy::default(),
        eur(i64::MAX)
    ));
}

fn threshold_strategy() -> impl Strategy<Value = Thresholds> {
    proptest::collection::btree_map(0usize..Currency::ALL.len(), 1i64..=100_000_000_000, 0..4)
        .prop_map(|entries| {
            Thresholds::new(
                entries
                    .into_iter()
                    .map(|(pick, units)| Money::from_minor_units(units, Currency::ALL[pick])),
            )
            .expect("one positive amount per currency")
        })
}

proptest! {
    #[test]
    fn policy_json_round_trips(
        hours in 0u32..=COOLING_OFF_HOURS_MAX,
        actions in proptest::collection::vec(0usize..3, 0..5),
        kyc in threshold_strategy(),
        dual in threshold_strategy(),
        cancel in any::<bool>(),
    ) {
        let actions = actions.into_iter().map(|pick| GatedAction::ALL[pick]);
        let policy = TenantPolicy::new(hours, actions, kyc, dual, cancel)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let json = serde_json::to_string(&policy).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: TenantPolicy =
            serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &policy);
        let body: PolicyBody =
            serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(body, PolicyBody::from(&policy));
    }
}
