use chrono::{DateTime, Duration, TimeZone, Utc};
use ledger::{Currency, Money};

use super::*;
use crate::ChangeOutcome;

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

fn cooling() -> Duration {
    Duration::hours(24)
}

/// What the player has before the request (limits are 100.00 EUR; pending
/// changes were asked at `t0` and are due at `t0 + 24h`).
#[derive(Debug, Clone, Copy)]
enum State {
    NoLimit,
    Limit,
    LimitWithPendingRaise,
    LimitWithPendingRemoval,
}

#[derive(Debug, Clone, Copy)]
enum Request {
    Lower,
    Equal,
    Higher,
    Removal,
}

fn state(state: State) -> PlayerLimits {
    let limit = Limit {
        kind: KIND,
        period: PERIOD,
        amount: eur(10_000),
    };
    let pending = |amount| PendingChange {
        kind: KIND,
        period: PERIOD,
        amount,
        effective_at: t0() + cooling(),
    };
    let empty = PlayerLimits::new(Currency::EUR);
    let built = match state {
        State::NoLimit => Ok(empty),
        State::Limit => empty.with_limit(limit),
        State::LimitWithPendingRaise => empty
            .with_limit(limit)
            .and_then(|l| l.with_pending(pending(Some(eur(20_000))))),
        State::LimitWithPendingRemoval => empty
            .with_limit(limit)
            .and_then(|l| l.with_pending(pending(None))),
    };
    built.expect("a valid state")
}

fn amount(request: Request) -> Option<Money> {
    match request {
        Request::Lower => Some(eur(5_000)),
        Request::Equal => Some(eur(10_000)),
        Request::Higher => Some(eur(15_000)),
        Request::Removal => None,
    }
}

/// Expected: outcome kind, the limit after, the pending change after
/// (amount, due at `now + 24h` when `true`, else the old `t0 + 24h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Applied,
    Pending,
    Unchanged,
}

type Cell = (Want, Option<i64>, Option<(Option<i64>, bool)>);

fn want(state: State, request: Request) -> Cell {
    use Request as R;
    use State as S;
    match (state, request) {
        (S::NoLimit, R::Lower) => (Want::Applied, Some(5_000), None),
        (S::NoLimit, R::Equal) => (Want::Applied, Some(10_000), None),
        (S::NoLimit, R::Higher) => (Want::Applied, Some(15_000), None),
        (S::NoLimit, R::Removal) => (Want::Unchanged, None, None),
        (_, R::Lower) => (Want::Applied, Some(5_000), None),
        (_, R::Equal) => (Want::Unchanged, Some(10_000), None),
        (_, R::Higher) => (Want::Pending, Some(10_000), Some((Some(15_000), true))),
        // An exact repeat of the pending removal keeps its earlier clock.
        (S::LimitWithPendingRemoval, R::Removal) => {
            (Want::Pending, Some(10_000), Some((None, false)))
        }
        (_, R::Removal) => (Want::Pending, Some(10_000), Some((None, true))),
    }
}

#[test]
fn every_state_and_request_does_what_the_contract_says() {
    let now = t0() + Duration::hours(1);
    let states = [
        State::NoLimit,
        State::Limit,
        State::LimitWithPendingRaise,
        State::LimitWithPendingRemoval,
    ];
    let requests = [
        Request::Lower,
        Request::Equal,
        Request::Higher,
        Request::Removal,
    ];
    let mut cells = 0;
    for s in states {
        for r in requests {
            let (outcome_want, limit_want, pending_want) = want(s, r);
            let (after, outcome) = state(s)
                .request_change(KIND, PERIOD, amount(r), cooling(), now)
                .expect("a valid request");
            let pending_want = pending_want.map(|(units, restarted)| PendingChange {
                kind: KIND,
                period: PERIOD,
                amount: units.map(eur),
                effective_at: if restarted { now } else { t0() } + cooling(),
            });
            let outcome_got = match outcome {
                ChangeOutcome::Applied => Want::Applied,
                ChangeOutcome::Unchanged => Want::Unchanged,
                ChangeOutcome::Pending(change) => {
                    assert_eq!(Some(change), pending_want, "{s:?} {r:?}");
                    Want::Pending
                }
            };
            assert_eq!(outcome_got, outcome_want, "{s:?} {r:?}");
            assert_eq!(
                after.limit(KIND, PERIOD),
                limit_want.map(eur),
                "{s:?} {r:?}"
            );
            assert_eq!(
                after.pending_change(KIND, PERIOD),
                pending_want,
                "{s:?} {r:?}"
            );
            assert_eq!(after.pending().count(), usize::from(pending_want.is_some()));
            cells += 1;
        }
    }
    assert_eq!(cells, 16);
}

#[test]
fn windows_roll_over_24_hours_7_days_and_30_days() {
    assert_eq!(LimitPeriod::Day.window(), Duration::hours(24));
    assert_eq!(LimitPeriod::Week.window(), Duration::hours(24 * 7));
    assert_eq!(LimitPeriod::Month.window(), Duration::hours(24 * 30));
    let now = t0();
    for period in LimitPeriod::ALL {
        let start = now - period.window();
        assert_eq!(period.window_start(now), Some(start));
        assert!(
            period.contains(start, now),
            "{period}: the first instant counts"
        );
        assert!(
            !period.contains(start - Duration::seconds(1), now),
            "{period}"
        );
        assert!(period.contains(now, now));
        assert!(
            period.contains(now + Duration::hours(1), now),
            "{period}: ahead"
        );
    }
    assert!(LimitPeriod::Week.contains(now - Duration::days(6), now));
    assert!(!LimitPeriod::Day.contains(now - Duration::days(6), now));
}

#[test]
fn a_pending_change_is_due_exactly_at_its_effective_at() {
    for (pending, after) in [(Some(eur(20_000)), Some(eur(20_000))), (None, None)] {
        let limits = state(State::Limit)
            .with_pending(PendingChange {
                kind: KIND,
                period: PERIOD,
                amount: pending,
                effective_at: t0(),
            })
            .expect("valid");
        let before = limits.effective_at(t0() - Duration::nanoseconds(1));
        assert_eq!(before.limit(KIND, PERIOD), Some(eur(10_000)));
        assert!(before.pending_change(KIND, PERIOD).is_some());
        let due = limits.effective_at(t0());
        assert_eq!(due.limit(KIND, PERIOD), after);
        assert_eq!(due.pending().count(), 0);
        assert_eq!(limits.effective_at(t0() + Duration::days(400)), due);
    }
}

#[test]
fn a_request_is_judged_against_the_limits_at_its_time() {
    // The raise to 200.00 is due at t0 + 24h; 150.00 is then lower.
    let now = t0() + cooling();
    let (after, outcome) = state(State::LimitWithPendingRaise)
        .request_change(KIND, PERIOD, Some(eur(15_000)), cooling(), now)
        .expect("valid");
    assert_eq!(outcome, ChangeOutcome::Applied);
    assert_eq!(after.limit(KIND, PERIOD), Some(eur(15_000)));
    assert_eq!(after.pending().count(), 0);
}

#[test]
fn without_cooling_off_a_raise_or_removal_applies_at_once() {
    for (request, limit) in [(Some(eur(15_000)), Some(eur(15_000))), (None, None)] {
        let (after, outcome) = state(State::LimitWithPendingRaise)
            .request_change(KIND, PERIOD, request, Duration::zero(), t0())
            .expect("valid");
        assert_eq!(outcome, ChangeOutcome::Applied);
        assert_eq!(after.limit(KIND, PERIOD), limit);
        assert_eq!(after.pending().count(), 0);
    }
}

#[test]
fn other_limits_are_left_alone() {
    let week = state(State::Limit)
        .with_limit(Limit {
            kind: LimitKind::Loss,
            period: LimitPeriod::Week,
            amount: eur(700),
        })
        .expect("valid");
    let (after, _) = week
        .request_change(KIND, PERIOD, None, cooling(), t0())
        .expect("valid");
    assert_eq!(
        after.limit(LimitKind::Loss, LimitPeriod::Week),
        Some(eur(700))
    );
    assert_eq!(after.limits().count(), 2);
}

#[test]
fn amounts_must_be_positive_and_in_the_wallet_currency() {
    let limits = PlayerLimits::new(Currency::EUR);
    let request = |amount| limits.request_change(KIND, PERIOD, Some(amount), cooling(), t0());
    assert_eq!(request(eur(0)).err(), Some(CheckError::NotPositive));
    assert_eq!(request(eur(-1)).err(), Some(CheckError::NotPositive));
    assert_eq!(
        request(Money::from_minor_units(100, Currency::USD)).err(),
        Some(CheckError::CurrencyMismatch {
            expected: Currency::EUR,
            found: Currency::USD
        })
    );
    let stored = Limit {
        kind: KIND,
        period: PERIOD,
        amount: eur(0),
    };
    assert_eq!(
        limits.clone().with_limit(stored).err(),
        Some(CheckError::NotPositive)
    );
}

#[test]
fn kinds_and_periods_have_the_contract_names() {
    assert_eq!(
        LimitKind::ALL.map(LimitKind::as_str),
        ["deposit", "loss", "wager"]
    );
    assert_eq!(
        LimitPeriod::ALL.map(LimitPeriod::as_str),
        ["day", "week", "month"]
    );
    for kind in LimitKind::ALL {
        assert_eq!(LimitKind::parse(kind.as_str()), Ok(kind));
        assert_eq!(
            serde_json::to_string(&kind).ok(),
            Some(format!("\"{kind}\""))
        );
    }
    let error = LimitPeriod::parse("year").expect_err("not a period");
    assert_eq!(
        error.to_string(),
        "unknown limit period \"year\"; expected one of day, week, month"
    );
    assert!(serde_json::from_str::<LimitKind>("\"Loss\"").is_err());
}
