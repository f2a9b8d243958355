//! Deposit, loss and wager limits (`GET`/`PUT /me/limits`).
//!
//! A player has at most one limit per (kind, period), and at most one
//! pending change per (kind, period). A [`PlayerLimits`] value holds both;
//! [`PlayerLimits::effective_at`] applies the pending changes that are due,
//! [`PlayerLimits::request_change`] applies a player's request, and
//! [`PlayerLimits::check_deposit`] / [`PlayerLimits::check_bet`] answer
//! whether a movement fits.

mod change;
mod check;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use ledger::{Currency, Money};

use crate::CheckError;
use crate::names::named;

pub use change::ChangeOutcome;
pub use check::{LimitCheck, LimitReached, Totals};

/// What a limit caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LimitKind {
    /// The gross amount of deposits that have not failed.
    Deposit,
    /// Bets minus wins minus rollbacks (may be negative: a winning player).
    Loss,
    /// Bets minus rollbacks.
    Wager,
}

named!(LimitKind, "limit kind", [
    Deposit => "deposit",
    Loss => "loss",
    Wager => "wager",
]);

/// The rolling window a limit is counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LimitPeriod {
    /// The last 24 hours.
    Day,
    /// The last 7 days.
    Week,
    /// The last 30 days.
    Month,
}

named!(LimitPeriod, "limit period", [
    Day => "day",
    Week => "week",
    Month => "month",
]);

impl LimitPeriod {
    /// The window's length: 24 hours, 7 days or 30 days (rolling, not
    /// calendar days or months).
    pub fn window(self) -> Duration {
        match self {
            LimitPeriod::Day => Duration::hours(24),
            LimitPeriod::Week => Duration::days(7),
            LimitPeriod::Month => Duration::days(30),
        }
    }

    /// The window's first instant at `now`: `now − window`. The window is
    /// `window_start(now) ..= now`; a movement exactly one window old still
    /// counts (the stricter reading). `None` only before the start of
    /// representable time.
    pub fn window_start(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        now.checked_sub_signed(self.window())
    }

    /// Whether a movement at `at` counts in the window at `now`. A movement
    /// after `now` (a clock running ahead) counts too.
    pub fn contains(self, at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self.window_start(now).is_none_or(|start| at >= start)
    }
}

/// A limit in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limit {
    /// What it caps.
    pub kind: LimitKind,
    /// Over which window.
    pub period: LimitPeriod,
    /// The most the window may hold; positive, in the wallet's currency.
    pub amount: Money,
}

/// A raise or a removal waiting for its cooling-off to pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PendingChange {
    /// The limit's kind.
    pub kind: LimitKind,
    /// The limit's period.
    pub period: LimitPeriod,
    /// The new, higher amount; `None` removes the limit.
    pub amount: Option<Money>,
    /// When it applies: it is due at this instant and after.
    pub effective_at: DateTime<Utc>,
}

/// The key of a limit and of its pending change.
type Key = (LimitKind, LimitPeriod);

/// A player's limits and pending changes, in the wallet's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerLimits {
    currency: Currency,
    limits: BTreeMap<Key, Money>,
    pending: BTreeMap<Key, PendingChange>,
}

impl PlayerLimits {
    /// No limit and nothing pending, for a wallet in `currency`.
    pub fn new(currency: Currency) -> PlayerLimits {
        PlayerLimits {
            currency,
            limits: BTreeMap::new(),
            pending: BTreeMap::new(),
        }
    }

    /// With `limit` in force (replacing one of the same kind and period), as
    /// read from storage. The amount must be positive and in the wallet's
    /// currency.
    pub fn with_limit(mut self, limit: Limit) -> Result<PlayerLimits, CheckError> {
        self.fits(limit.amount)?;
        self.limits.insert((limit.kind, limit.period), limit.amount);
        Ok(self)
    }

    /// With `change` pending (replacing one of the same kind and period), as
    /// read from storage. Its amount, if any, must be positive and in the
    /// wallet's currency.
    pub fn with_pending(mut self, change: PendingChange) -> Result<PlayerLimits, CheckError> {
        if let Some(amount) = change.amount {
            self.fits(amount)?;
        }
        self.pending.insert((change.kind, change.period), change);
        Ok(self)
    }

    /// The wallet's currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The limit of `kind` over `period` in this value (pending changes not
    /// applied: call [`PlayerLimits::effective_at`] first for "now").
    pub fn limit(&self, kind: LimitKind, period: LimitPeriod) -> Option<Money> {
        self.limits.get(&(kind, period)).copied()
    }

    /// The limits in this value, by kind then period.
    pub fn limits(&self) -> impl Iterator<Item = Limit> + '_ {
        self.limits.iter().map(|(&(kind, period), &amount)| Limit {
            kind,
            period,
            amount,
        })
    }

    /// The pending change of `kind` over `period`, if any.
    pub fn pending_change(&self, kind: LimitKind, period: LimitPeriod) -> Option<PendingChange> {
        self.pending.get(&(kind, period)).copied()
    }

    /// The pending changes, by kind then period.
    pub fn pending(&self) -> impl Iterator<Item = PendingChange> + '_ {
        self.pending.values().copied()
    }

    /// The limits at `now`: every pending change due (`effective_at <= now`)
    /// applied — a raise replaces its limit, a removal drops it — and no
    /// longer pending. Changes not yet due stay pending. Pure: storage
    /// writes the result back whenever convenient, or never.
    pub fn effective_at(&self, now: DateTime<Utc>) -> PlayerLimits {
        let mut next = self.clone();
        next.pending.retain(|key, change| {
            if change.effective_at > now {
                return true;
            }
            match change.amount {
                Some(amount) => {
                    next.limits.insert(*key, amount);
                }
                None => {
                    next.limits.remove(key);
                }
            }
            false
        });
        next
    }

    /// `amount` is positive and in the wallet's currency.
    fn fits(&self, amount: Money) -> Result<(), CheckError> {
        self.same_currency(amount)?;
        if amount.is_positive() {
            Ok(())
        } else {
            Err(CheckError::NotPositive)
        }
    }

    fn same_currency(&self, amount: Money) -> Result<(), CheckError> {
        if amount.currency() == self.currency {
            Ok(())
        } else {
            Err(CheckError::CurrencyMismatch {
                expected: self.currency,
                found: amount.currency(),
            })
        }
    }
}

#[cfg(test)]
mod check_tests;
#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
