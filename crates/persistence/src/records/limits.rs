//! A player's limits as the API shows them (and as an idempotent `PUT`
//! stores its answer).

use chrono::{DateTime, Utc};
use ledger::{Currency, Money};
use protection::{LimitKind, LimitPeriod, PlayerLimits};
use serde::{Deserialize, Serialize};

/// A limit in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitEntry {
    /// What it caps.
    pub kind: LimitKind,
    /// Over which rolling window.
    pub period: LimitPeriod,
    /// The most the window may hold.
    pub amount: Money,
}

/// A raise or removal waiting for its cooling-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingEntry {
    /// The limit's kind.
    pub kind: LimitKind,
    /// The limit's period.
    pub period: LimitPeriod,
    /// The new amount; `None` removes the limit.
    pub amount: Option<Money>,
    /// When it applies.
    pub effective_at: DateTime<Utc>,
}

/// A player's limits at one instant: those in force and the pending
/// changes not yet due, by kind then period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitsSnapshot {
    /// The wallet's currency.
    pub currency: Currency,
    /// In force.
    pub limits: Vec<LimitEntry>,
    /// Waiting.
    pub pending: Vec<PendingEntry>,
}

impl LimitsSnapshot {
    /// The entries of `limits` as they stand (call
    /// [`PlayerLimits::effective_at`] first for "now").
    pub fn of(limits: &PlayerLimits) -> LimitsSnapshot {
        LimitsSnapshot {
            currency: limits.currency(),
            limits: limits
                .limits()
                .map(|l| LimitEntry {
                    kind: l.kind,
                    period: l.period,
                    amount: l.amount,
                })
                .collect(),
            pending: limits
                .pending()
                .map(|p| PendingEntry {
                    kind: p.kind,
                    period: p.period,
                    amount: p.amount,
                    effective_at: p.effective_at,
                })
                .collect(),
        }
    }
}
