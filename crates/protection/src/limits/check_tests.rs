//! Limit checks: reaching a limit, passing it, which one is reported.

use chrono::{DateTime, Duration, TimeZone, Utc};
use ledger::{Currency, Money};

use super::*;
use crate::{LimitCheck, LimitReached, Totals};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0)
        .single()
        .expect("a valid instant")
}

fn eur(units: i64) -> Money {
    Money::from_minor_units(units, Currency::EUR)
}

const KIND: LimitKind = LimitKind::Deposit;
const PERIOD: LimitPeriod = LimitPeriod::Day;

/// A limit of 100.00 EUR per day on deposits, with a raise to 200.00 due at
/// `t0 + 24h` when `pending`.
fn day_limit(pending: bool) -> PlayerLimits {
    let limits = PlayerLimits::new(Currency::EUR)
        .with_limit(Limit {
            kind: KIND,
            period: PERIOD,
            amount: eur(10_000),
        })
        .expect("valid");
    if !pending {
        return limits;
    }
    limits
        .with_pending(PendingChange {
            kind: KIND,
            period: PERIOD,
            amount: Some(eur(20_000)),
            effective_at: t0() + Duration::hours(24),
        })
        .expect("valid")
}

fn totals(kind: LimitKind, period: LimitPeriod, units: i64) -> Totals {
    Totals::zero(Currency::EUR)
        .with(kind, period, eur(units))
        .expect("same currency")
}

#[test]
fn reaching_a_limit_is_allowed_and_passing_it_is_not() {
    let limits = day_limit(false);
    let sums = totals(KIND, PERIOD, 6_000);
    let check = |units| {
        limits
            .check_deposit(eur(units), &sums, t0())
            .expect("valid")
    };
    assert_eq!(check(4_000), LimitCheck::Allowed);
    assert_eq!(
        check(4_001),
        LimitCheck::LimitReached(LimitReached {
            kind: KIND,
            period: PERIOD,
            room: eur(4_000)
        })
    );
    // Deposits in the week do not count against the day's limit.
    let week = totals(KIND, LimitPeriod::Week, 1_000_000);
    assert_eq!(
        limits.check_deposit(eur(10_000), &week, t0()),
        Ok(LimitCheck::Allowed)
    );
}

#[test]
fn a_bet_counts_against_loss_and_wager_and_the_least_room_is_reported() {
    let limits = PlayerLimits::new(Currency::EUR)
        .with_limit(Limit {
            kind: LimitKind::Loss,
            period: LimitPeriod::Day,
            amount: eur(5_000),
        })
        .and_then(|l| {
            l.with_limit(Limit {
                kind: LimitKind::Wager,
                period: LimitPeriod::Month,
                amount: eur(50_000),
            })
        })
        .expect("valid");
    // A winning player: loss is negative, so the room exceeds the limit.
    let sums = Totals::zero(Currency::EUR)
        .with(LimitKind::Loss, LimitPeriod::Day, eur(-2_000))
        .and_then(|t| t.with(LimitKind::Wager, LimitPeriod::Month, eur(49_000)))
        .expect("valid");
    let check = |units| limits.check_bet(eur(units), &sums, t0()).expect("valid");
    assert_eq!(check(1_000), LimitCheck::Allowed);
    assert_eq!(
        check(7_001),
        LimitCheck::LimitReached(LimitReached {
            kind: LimitKind::Wager,
            period: LimitPeriod::Month,
            room: eur(1_000)
        })
    );
    // Bets never look at deposit limits.
    let deposit_only = day_limit(false);
    let full = totals(LimitKind::Deposit, LimitPeriod::Day, 10_000);
    assert_eq!(
        deposit_only.check_bet(eur(100), &full, t0()),
        Ok(LimitCheck::Allowed)
    );
}

#[test]
fn room_is_never_negative_and_due_changes_count() {
    let limits = day_limit(true);
    let sums = totals(KIND, PERIOD, 12_000);
    assert_eq!(
        limits.check_deposit(eur(1), &sums, t0()),
        Ok(LimitCheck::LimitReached(LimitReached {
            kind: KIND,
            period: PERIOD,
            room: eur(0)
        }))
    );
    assert_eq!(
        limits.check_deposit(eur(8_000), &sums, t0() + Duration::hours(24)),
        Ok(LimitCheck::Allowed)
    );
}

#[test]
fn checks_refuse_mixed_currencies() {
    let limits = day_limit(false);
    let usd = Totals::zero(Currency::USD);
    assert_eq!(
        limits.check_deposit(eur(1), &usd, t0()),
        Err(CheckError::CurrencyMismatch {
            expected: Currency::EUR,
            found: Currency::USD
        })
    );
    assert_eq!(
        Totals::zero(Currency::USD).with(KIND, PERIOD, eur(1)).err(),
        Some(CheckError::CurrencyMismatch {
            expected: Currency::USD,
            found: Currency::EUR
        })
    );
    assert_eq!(
        limits.check_bet(eur(0), &Totals::zero(Currency::EUR), t0()),
        Err(CheckError::NotPositive)
    );
}
