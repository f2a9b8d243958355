use ledger::{Currency, Money};

use super::*;
use crate::{PolicyBody, TenantPolicy};

fn eur(units: i64) -> Money {
    Money::from_minor_units(units, Currency::EUR)
}

fn policy(required_for: &str) -> TenantPolicy {
    let json = format!(
        r#"{{"cooling_off_hours": 24, "kyc_required_for": {required_for},
            "kyc_deposit_threshold": {{"EUR": "2000.00"}}, "dual_approval_threshold": {{}},
            "player_cancel_allowed": true}}"#
    );
    let body: PolicyBody = serde_json::from_str(&json).expect("well-formed");
    TenantPolicy::try_from(body).expect("valid")
}

#[test]
fn statuses_have_the_contract_names_and_default_to_unverified() {
    assert_eq!(
        KycStatus::ALL.map(KycStatus::as_str),
        ["unverified", "pending", "verified", "rejected"]
    );
    for status in KycStatus::ALL {
        assert_eq!(KycStatus::parse(status.as_str()), Ok(status));
        assert_eq!(status.is_verified(), status == KycStatus::Verified);
    }
    assert_eq!(KycStatus::default(), KycStatus::Unverified);
    assert!(KycStatus::parse("VERIFIED").is_err());
}

#[test]
fn a_listed_action_needs_a_verified_player() {
    let policy = policy(r#"["withdrawal", "game"]"#);
    for status in KycStatus::ALL {
        for action in GatedAction::ALL {
            let want = if status.is_verified() || action == GatedAction::Deposit {
                Ok(())
            } else {
                Err(KycRequired::Action(action))
            };
            assert_eq!(kyc_gate(&policy, status, action), want, "{status} {action}");
        }
    }
    let off = TenantPolicy::default();
    for action in GatedAction::ALL {
        assert_eq!(kyc_gate(&off, KycStatus::Unverified, action), Ok(()));
    }
}

#[test]
fn a_deposit_above_the_threshold_needs_a_verified_player() {
    let policy = policy("[]");
    let required = KycCheck::Required(KycRequired::DepositThreshold {
        threshold: eur(200_000),
    });
    let gate = |status, last, amount| kyc_deposit_gate(&policy, status, eur(last), eur(amount));
    assert_eq!(
        gate(KycStatus::Pending, 150_000, 50_000),
        Ok(KycCheck::Allowed)
    );
    assert_eq!(gate(KycStatus::Pending, 150_000, 50_001), Ok(required));
    assert_eq!(gate(KycStatus::Rejected, 0, 200_001), Ok(required));
    assert_eq!(
        gate(KycStatus::Verified, 150_000, 50_001),
        Ok(KycCheck::Allowed)
    );
    // Another currency has no threshold.
    let usd = Money::from_minor_units(10_000_000, Currency::USD);
    assert_eq!(
        kyc_deposit_gate(
            &policy,
            KycStatus::Unverified,
            Money::zero(Currency::USD),
            usd
        ),
        Ok(KycCheck::Allowed)
    );
}

#[test]
fn a_listed_deposit_needs_a_verified_player_whatever_the_amount() {
    let policy = policy(r#"["deposit"]"#);
    assert_eq!(
        kyc_deposit_gate(&policy, KycStatus::Unverified, eur(0), eur(1)),
        Ok(KycCheck::Required(KycRequired::Action(
            GatedAction::Deposit
        )))
    );
    assert_eq!(
        kyc_deposit_gate(&policy, KycStatus::Verified, eur(0), eur(1)),
        Ok(KycCheck::Allowed)
    );
}

#[test]
fn deposit_inputs_are_checked() {
    let policy = policy("[]");
    let usd = Money::from_minor_units(1, Currency::USD);
    assert_eq!(
        kyc_deposit_gate(&policy, KycStatus::Unverified, eur(0), usd),
        Err(CheckError::CurrencyMismatch {
            expected: Currency::EUR,
            found: Currency::USD
        })
    );
    assert_eq!(
        kyc_deposit_gate(&policy, KycStatus::Unverified, eur(0), eur(0)),
        Err(CheckError::NotPositive)
    );
}
