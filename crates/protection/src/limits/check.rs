//! Whether a deposit or a bet fits the player's limits.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use ledger::{Currency, Money};

use super::{LimitKind, LimitPeriod, PlayerLimits};
use crate::CheckError;

/// The player's sums per kind and window at `now`, before the movement being
/// checked, as storage computes them over [`LimitPeriod::contains`]:
///
/// * [`LimitKind::Deposit`]: the gross amount of deposits that have not
///   failed (pending ones included);
/// * [`LimitKind::Wager`]: bets minus bet rollbacks;
/// * [`LimitKind::Loss`]: bets minus wins minus bet rollbacks.
///
/// A sum not set is zero. Sums may be negative (a winning player's loss, or
/// a rollback in the window of a bet before it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    currency: Currency,
    sums: BTreeMap<(LimitKind, LimitPeriod), Money>,
}

impl Totals {
    /// Every sum zero, in `currency`.
    pub fn zero(currency: Currency) -> Totals {
        Totals {
            currency,
            sums: BTreeMap::new(),
        }
    }

    /// With the sum of `kind` over `period` set to `sum`, which must be in
    /// the totals' currency.
    pub fn with(
        mut self,
        kind: LimitKind,
        period: LimitPeriod,
        sum: Money,
    ) -> Result<Totals, CheckError> {
        if sum.currency() != self.currency {
            return Err(CheckError::CurrencyMismatch {
                expected: self.currency,
                found: sum.currency(),
            });
        }
        self.sums.insert((kind, period), sum);
        Ok(self)
    }

    /// The sum of `kind` over `period`.
    pub fn get(&self, kind: LimitKind, period: LimitPeriod) -> Money {
        self.sums
            .get(&(kind, period))
            .copied()
            .unwrap_or_else(|| Money::zero(self.currency))
    }

    /// The currency of every sum.
    pub fn currency(&self) -> Currency {
        self.currency
    }
}

/// A limit the movement would exceed (`limit_reached`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LimitReached {
    /// The limit's kind.
    pub kind: LimitKind,
    /// The limit's period.
    pub period: LimitPeriod,
    /// What the window can still take: `limit − total`, never below zero.
    pub room: Money,
}

/// The answer of a limit check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitCheck {
    /// Every limit holds with the movement (reaching one exactly is fine).
    Allowed,
    /// The movement would take a window above its limit.
    LimitReached(LimitReached),
}

impl PlayerLimits {
    /// Whether a deposit of `amount` fits every deposit limit in force at
    /// `now` (pending changes due by then applied): for each period with a
    /// limit, `deposits + amount <= limit`. See [`PlayerLimits::check_bet`]
    /// for which limit is reported.
    pub fn check_deposit(
        &self,
        amount: Money,
        totals: &Totals,
        now: DateTime<Utc>,
    ) -> Result<LimitCheck, CheckError> {
        self.check(&[LimitKind::Deposit], amount, totals, now)
    }

    /// Whether a bet of `amount` fits every loss and wager limit in force at
    /// `now`: a bet adds its amount to both sums, so for each limit
    /// `sum + amount <= limit`. When several would be exceeded, the one
    /// with the least room is reported (ties: loss before wager, shorter
    /// period first), so `room` is the most the player could still move.
    ///
    /// `amount` must be positive; it and `totals` must be in the wallet's
    /// currency ([`CheckError`]).
    pub fn check_bet(
        &self,
        amount: Money,
        totals: &Totals,
        now: DateTime<Utc>,
    ) -> Result<LimitCheck, CheckError> {
        self.check(&[LimitKind::Loss, LimitKind::Wager], amount, totals, now)
    }

    fn check(
        &self,
        kinds: &[LimitKind],
        amount: Money,
        totals: &Totals,
        now: DateTime<Utc>,
    ) -> Result<LimitCheck, CheckError> {
        self.fits(amount)?;
        if totals.currency() != self.currency {
            return Err(CheckError::CurrencyMismatch {
                expected: self.currency,
                found: totals.currency(),
            });
        }
        let limits = self.effective_at(now);
        let mut worst: Option<LimitReached> = None;
        for &kind in kinds {
            for period in LimitPeriod::ALL {
                let Some(limit) = limits.limit(kind, period) else {
                    continue;
                };
                let total = totals.get(kind, period);
                let after = total.checked_add(&amount).map_err(out_of_range)?;
                if after.amount() <= limit.amount() {
                    continue;
                }
                let left = limit.checked_sub(&total).map_err(out_of_range)?;
                let room = if left.is_negative() {
                    Money::zero(self.currency)
                } else {
                    left
                };
                if worst.is_none_or(|w| room.amount() < w.room.amount()) {
                    worst = Some(LimitReached { kind, period, room });
                }
            }
        }
        Ok(worst.map_or(LimitCheck::Allowed, LimitCheck::LimitReached))
    }
}

/// Currencies are checked before any sum, so only overflow is left.
fn out_of_range(_: ledger::LedgerError) -> CheckError {
    CheckError::OutOfRange
}
