use chrono::{DateTime, Duration, TimeZone, Utc};
use ledger::{Currency, Money};

use super::*;
use crate::{ExclusionKind, Limit, PolicyBody};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0)
        .single()
        .expect("a valid instant")
}

fn eur(units: i64) -> Money {
    Money::from_minor_units(units, Currency::EUR)
}

/// KYC for everything and a 2000.00 EUR 30-day deposit threshold.
fn strict() -> TenantPolicy {
    let json = r#"{"cooling_off_hours": 24, "kyc_required_for": ["deposit", "withdrawal", "game"],
        "kyc_deposit_threshold": {"EUR": "2000.00"}, "dual_approval_threshold": {},
        "player_cancel_allowed": true}"#;
    let body: PolicyBody = serde_json::from_str(json).expect("well-formed");
    TenantPolicy::try_from(body).expect("valid")
}

/// 100.00 EUR per day of each kind.
fn limits() -> PlayerLimits {
    LimitKind::ALL
        .into_iter()
        .try_fold(PlayerLimits::new(Currency::EUR), |limits, kind| {
            limits.with_limit(Limit {
                kind,
                period: LimitPeriod::Day,
                amount: eur(10_000),
            })
        })
        .expect("valid")
}

fn exclusion() -> Exclusion {
    Exclusion::new(ExclusionKind::Timeout, 7, t0()).expect("valid")
}

/// Every sum of the day and month at 100.00 EUR: any movement is over the
/// limits.
fn full() -> Totals {
    LimitKind::ALL
        .into_iter()
        .flat_map(|kind| [(kind, LimitPeriod::Day), (kind, LimitPeriod::Month)])
        .try_fold(Totals::zero(Currency::EUR), |totals, (kind, period)| {
            totals.with(kind, period, eur(10_000))
        })
        .expect("valid")
}

#[test]
fn deposits_check_exclusion_then_kyc_then_limits() {
    let policy = strict();
    let limits = limits();
    let exclusions = [exclusion()];
    let player = |kyc, exclusions| PlayerProtection {
        policy: &policy,
        kyc,
        exclusions,
        limits: &limits,
    };
    let now = t0() + Duration::hours(1);
    let blocked = player(KycStatus::Unverified, &exclusions);
    assert_eq!(
        deposit_gate(&blocked, eur(1), &full(), now),
        Ok(Gate::Blocked(exclusions[0]))
    );
    let unverified = player(KycStatus::Unverified, &[]);
    assert_eq!(
        deposit_gate(&unverified, eur(1), &full(), now),
        Ok(Gate::KycRequired(KycRequired::Action(GatedAction::Deposit)))
    );
    let verified = player(KycStatus::Verified, &[]);
    let gate = deposit_gate(&verified, eur(1), &full(), now).expect("valid");
    assert_eq!(gate.code(), Some("limit_reached"));
    assert!(matches!(gate, Gate::LimitReached(r) if r.kind == LimitKind::Deposit));
    assert_eq!(
        deposit_gate(&verified, eur(1), &Totals::zero(Currency::EUR), now),
        Ok(Gate::Allowed)
    );
    // After the timeout, the same deposit goes through.
    let later = player(KycStatus::Verified, &exclusions);
    assert_eq!(
        deposit_gate(
            &later,
            eur(1),
            &Totals::zero(Currency::EUR),
            t0() + Duration::days(7)
        ),
        Ok(Gate::Allowed)
    );
}

#[test]
fn the_deposit_threshold_uses_the_month_of_deposits() {
    let policy = TenantPolicy::try_from(PolicyBody {
        kyc_required_for: Vec::new(),
        ..PolicyBody::from(&strict())
    })
    .expect("valid");
    let limits = PlayerLimits::new(Currency::EUR);
    let player = PlayerProtection {
        policy: &policy,
        kyc: KycStatus::Pending,
        exclusions: &[],
        limits: &limits,
    };
    let month = Totals::zero(Currency::EUR)
        .with(LimitKind::Deposit, LimitPeriod::Month, eur(190_000))
        .expect("valid");
    assert_eq!(
        deposit_gate(&player, eur(10_000), &month, t0()),
        Ok(Gate::Allowed)
    );
    assert_eq!(
        deposit_gate(&player, eur(10_001), &month, t0()),
        Ok(Gate::KycRequired(KycRequired::DepositThreshold {
            threshold: eur(200_000)
        }))
    );
}

#[test]
fn bets_check_exclusion_then_limits_and_never_kyc() {
    let policy = strict();
    let limits = limits();
    let exclusions = [exclusion()];
    let now = t0() + Duration::hours(1);
    let mut player = PlayerProtection {
        policy: &policy,
        kyc: KycStatus::Unverified,
        exclusions: &exclusions,
        limits: &limits,
    };
    let gate = bet_gate(&player, eur(1), &full(), now).expect("valid");
    assert_eq!(gate.code(), Some("player_blocked"));
    player.exclusions = &[];
    let gate = bet_gate(&player, eur(1), &full(), now).expect("valid");
    assert!(matches!(gate, Gate::LimitReached(r) if r.kind == LimitKind::Loss));
    let gate = bet_gate(&player, eur(1), &Totals::zero(Currency::EUR), now).expect("valid");
    assert!(gate.is_allowed());
    assert_eq!(gate.code(), None);
}

#[test]
fn sessions_are_blocked_by_exclusions_and_kyc_but_withdrawals_only_by_kyc() {
    let policy = strict();
    let limits = limits();
    let exclusions = [exclusion()];
    let now = t0() + Duration::hours(1);
    let mut player = PlayerProtection {
        policy: &policy,
        kyc: KycStatus::Unverified,
        exclusions: &exclusions,
        limits: &limits,
    };
    assert_eq!(
        game_session_gate(&player, now),
        Gate::Blocked(exclusions[0])
    );
    assert_eq!(
        withdrawal_gate(&player),
        Gate::KycRequired(KycRequired::Action(GatedAction::Withdrawal))
    );
    player.kyc = KycStatus::Verified;
    assert_eq!(
        game_session_gate(&player, now),
        Gate::Blocked(exclusions[0])
    );
    assert_eq!(withdrawal_gate(&player), Gate::Allowed);
    player.exclusions = &[];
    assert_eq!(game_session_gate(&player, now), Gate::Allowed);
    player.kyc = KycStatus::Rejected;
    assert_eq!(game_session_gate(&player, now).code(), Some("kyc_required"));
    let defaults = TenantPolicy::default();
    player.policy = &defaults;
    assert_eq!(game_session_gate(&player, now), Gate::Allowed);
    assert_eq!(withdrawal_gate(&player), Gate::Allowed);
}

#[test]
fn inputs_are_checked_before_any_rule() {
    let policy = strict();
    let limits = limits();
    let exclusions = [exclusion()];
    let player = PlayerProtection {
        policy: &policy,
        kyc: KycStatus::Unverified,
        exclusions: &exclusions,
        limits: &limits,
    };
    let usd = Money::from_minor_units(1, Currency::USD);
    let mismatch = Err(CheckError::CurrencyMismatch {
        expected: Currency::EUR,
        found: Currency::USD,
    });
    assert_eq!(deposit_gate(&player, usd, &full(), t0()), mismatch);
    assert_eq!(bet_gate(&player, usd, &full(), t0()), mismatch);
    assert_eq!(
        deposit_gate(&player, eur(0), &full(), t0()),
        Err(CheckError::NotPositive)
    );
}
