//! Properties of limit changes and checks, over arbitrary sequences.

use chrono::{DateTime, Duration, TimeZone, Utc};
use ledger::{Currency, Money};
use proptest::prelude::*;

use super::*;
use crate::{LimitCheck, Totals};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0)
        .single()
        .expect("a valid instant")
}

/// Every (kind, period).
fn keys() -> Vec<(LimitKind, LimitPeriod)> {
    LimitKind::ALL
        .into_iter()
        .flat_map(|kind| LimitPeriod::ALL.map(|period| (kind, period)))
        .collect()
}

/// Whether limit `a` protects less than `b` (`None` is no limit at all).
fn looser(a: Option<Money>, b: Option<Money>) -> bool {
    match (a, b) {
        (None, Some(_)) => true,
        (Some(a), Some(b)) => a.amount() > b.amount(),
        _ => false,
    }
}

/// One player request after a clock step.
#[derive(Debug, Clone)]
struct Step {
    /// Minutes the clock moves before the request (0: same instant).
    minutes: i64,
    /// Which (kind, period), into [`keys`].
    key: usize,
    /// The amount in cents, `None` a removal.
    amount: Option<i64>,
}

fn step() -> impl Strategy<Value = Step> {
    (
        prop_oneof![Just(0i64), 1i64..120, 600i64..3_000],
        0usize..9,
        prop::option::weighted(0.8, 1i64..6).prop_map(|o| o.map(|x| x * 1_000)),
    )
        .prop_map(|(minutes, key, amount)| Step {
            minutes,
            key,
            amount,
        })
}

/// A request for `key` at `at` asking for `amount`.
struct Asked {
    at: DateTime<Utc>,
    key: (LimitKind, LimitPeriod),
    amount: Option<Money>,
}

/// A looser limit at `t` is justified only by a request for exactly that
/// value at least `cooling_off` before `t`, with no later request for another
/// value of the same limit while it waited.
fn justified(
    asked: &[Asked],
    key: (LimitKind, LimitPeriod),
    value: Option<Money>,
    t: DateTime<Utc>,
    cooling_off: Duration,
) -> bool {
    asked.iter().enumerate().any(|(i, request)| {
        request.key == key
            && request.amount == value
            && request.at + cooling_off <= t
            && !asked[i + 1..].iter().any(|other| {
                other.key == key && other.amount != value && other.at < request.at + cooling_off
            })
    })
}

proptest! {
    /// (a) Whatever the requests and clock steps, a limit is only ever
    /// raised or removed once a request for that exact value has waited the
    /// whole cooling-off undisturbed.
    #[test]
    fn a_limit_is_never_loosened_before_its_cooling_off(
        hours in prop_oneof![Just(0i64), Just(1), Just(24), Just(720)],
        steps in proptest::collection::vec(step(), 1..40),
    ) {
        let cooling_off = Duration::hours(hours);
        let keys = keys();
        let mut now = t0();
        let mut limits = PlayerLimits::new(Currency::EUR);
        let mut asked: Vec<Asked> = Vec::new();
        let mut seen: Vec<Option<Money>> = vec![None; keys.len()];
        let mut observe = |limits: &PlayerLimits, at, asked: &[Asked]| -> Result<(), TestCaseError> {
            let state = limits.effective_at(at);
            for (i, &(kind, period)) in keys.iter().enumerate() {
                let value = state.limit(kind, period);
                if looser(value, seen[i]) {
                    prop_assert!(
                        justified(asked, (kind, period), value, at, cooling_off),
                        "{kind} {period} loosened to {value:?} at {at} without a cooled-off request"
                    );
                }
                seen[i] = value;
            }
            Ok(())
        };
        for step in steps {
            now += Duration::minutes(step.minutes);
            observe(&limits, now, &asked)?;
            let (kind, period) = keys[step.key];
            let amount = step.amount.map(|cents| Money::from_minor_units(cents, Currency::EUR));
            let (next, _) = limits
                .request_change(kind, period, amount, cooling_off, now)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            asked.push(Asked { at: now, key: (kind, period), amount });
            limits = next;
            observe(&limits, now, &asked)?;
        }
        // And once everything has cooled off, nothing is left pending.
        let later = now + cooling_off;
        observe(&limits, later, &asked)?;
        prop_assert_eq!(limits.effective_at(later).pending().count(), 0);
    }

    /// (b) With a limit of every kind and period, and any sums: a movement is
    /// allowed exactly when each of its limits holds with it.
    #[test]
    fn a_check_allows_exactly_what_fits(
        caps in proptest::collection::vec(prop::option::of(1i64..100_000), 9),
        sums in proptest::collection::vec(-100_000i64..100_000, 9),
        amount in 1i64..100_000,
    ) {
        let keys = keys();
        let mut limits = PlayerLimits::new(Currency::EUR);
        let mut totals = Totals::zero(Currency::EUR);
        for (i, &(kind, period)) in keys.iter().enumerate() {
            if let Some(cap) = caps[i] {
                let limit = Limit { kind, period, amount: Money::from_minor_units(cap, Currency::EUR) };
                limits = limits.with_limit(limit).map_err(|e| TestCaseError::fail(e.to_string()))?;
            }
            totals = totals
                .with(kind, period, Money::from_minor_units(sums[i], Currency::EUR))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        let fits = |kinds: &[LimitKind]| {
            keys.iter().enumerate().all(|(i, (kind, _))| {
                !kinds.contains(kind) || caps[i].is_none_or(|cap| sums[i] + amount <= cap)
            })
        };
        let money = Money::from_minor_units(amount, Currency::EUR);
        for (check, kinds) in [
            (limits.check_deposit(money, &totals, t0()), vec![LimitKind::Deposit]),
            (limits.check_bet(money, &totals, t0()), vec![LimitKind::Loss, LimitKind::Wager]),
        ] {
            let check = check.map_err(|e| TestCaseError::fail(e.to_string()))?;
            match check {
                LimitCheck::Allowed => prop_assert!(fits(&kinds)),
                LimitCheck::LimitReached(reached) => {
                    prop_assert!(!fits(&kinds));
                    prop_assert!(kinds.contains(&reached.kind));
                    let i = keys.iter().position(|k| *k == (reached.kind, reached.period))
                        .ok_or_else(|| TestCaseError::fail("unknown key"))?;
                    let cap = caps[i].ok_or_else(|| TestCaseError::fail("no limit reported"))?;
                    prop_assert!(sums[i] + amount > cap);
                    prop_assert_eq!(reached.room, Money::from_minor_units((cap - sums[i]).max(0), Currency::EUR));
                }
            }
        }
    }

    /// (b) For one limit alone, of each kind and period: `total + amount <=
    /// limit` is allowed, one cent more is refused.
    #[test]
    fn one_limit_holds_to_the_cent(
        key in 0usize..9,
        cap in 1i64..1_000_000,
        total in -1_000_000i64..1_000_000,
    ) {
        let (kind, period) = keys()[key];
        let limits = PlayerLimits::new(Currency::EUR)
            .with_limit(Limit { kind, period, amount: Money::from_minor_units(cap, Currency::EUR) })
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let totals = Totals::zero(Currency::EUR)
            .with(kind, period, Money::from_minor_units(total, Currency::EUR))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let check = |cents: i64| {
            let money = Money::from_minor_units(cents, Currency::EUR);
            match kind {
                LimitKind::Deposit => limits.check_deposit(money, &totals, t0()),
                LimitKind::Loss | LimitKind::Wager => limits.check_bet(money, &totals, t0()),
            }
        };
        let exact = cap - total;
        if exact >= 1 {
            prop_assert_eq!(check(exact), Ok(LimitCheck::Allowed));
        }
        let over = exact.max(0) + 1;
        prop_assert!(matches!(check(over), Ok(LimitCheck::LimitReached(r)) if r.kind == kind && r.period == period));
    }
}
