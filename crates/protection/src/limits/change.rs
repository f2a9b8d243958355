//! A player's request to set, change or remove a limit.

use chrono::{DateTime, Duration, Utc};
use ledger::Money;

use super::{LimitKind, LimitPeriod, PendingChange, PlayerLimits};
use crate::CheckError;

/// What a request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeOutcome {
    /// In force now: a new limit, a lower one, or (with no cooling-off) a
    /// raise or a removal. Any pending change for the limit is dropped.
    Applied,
    /// A raise or a removal, waiting until its `effective_at`.
    Pending(PendingChange),
    /// Nothing to change: the amount equals the limit in force, or a removal
    /// of a limit that does not exist. Any pending change for the limit is
    /// dropped, since the player asked to keep what is in force.
    Unchanged,
}

/// How a requested amount compares with the limit in force.
enum Direction {
    /// New, or lower: protects more.
    Tighter,
    /// Equal, or removing nothing.
    Same,
    /// Higher, or a removal: protects less.
    Looser,
}

fn direction(current: Option<Money>, requested: Option<Money>) -> Direction {
    match (current, requested) {
        (None, None) => Direction::Same,
        (None, Some(_)) => Direction::Tighter,
        (Some(_), None) => Direction::Looser,
        (Some(current), Some(requested)) => match requested.amount().cmp(&current.amount()) {
            std::cmp::Ordering::Less => Direction::Tighter,
            std::cmp::Ordering::Equal => Direction::Same,
            std::cmp::Ordering::Greater => Direction::Looser,
        },
    }
}

impl PlayerLimits {
    /// Applies the player's request to set the limit of `kind` over `period`
    /// to `amount` (`None`: remove it) at `now`, with the tenant's
    /// `cooling_off`. The request is judged against the limits at `now`
    /// (pending changes due by then applied first), and the answer is the
    /// whole state at `now`:
    ///
    /// | limit in force      | request              | result                                  |
    /// |---------------------|----------------------|-----------------------------------------|
    /// | none                | an amount            | applies at once ([`ChangeOutcome::Applied`]) |
    /// | none                | removal              | [`ChangeOutcome::Unchanged`]            |
    /// | `L`                 | below `L`            | applies at once                         |
    /// | `L`                 | `L`                  | `Unchanged`                             |
    /// | `L`                 | above `L`, or removal | pending until `now + cooling_off`      |
    ///
    /// `Applied` and `Unchanged` drop any pending change of the limit: a
    /// lower or equal request means the player no longer wants the raise. A
    /// looser request replaces an earlier pending change and restarts the
    /// cooling-off (so a small raise cannot be swapped for a big one on the
    /// old clock), except an exact repeat of the pending change (same amount
    /// or removal again), which keeps it as it is: a `PUT` sent twice is
    /// answered the same and does not delay the change. A zero or negative
    /// `cooling_off` applies a looser request at once.
    ///
    /// `amount` must be positive and in the wallet's currency
    /// ([`CheckError`]); [`CheckError::OutOfRange`] if `now + cooling_off`
    /// is beyond representable time.
    pub fn request_change(
        &self,
        kind: LimitKind,
        period: LimitPeriod,
        amount: Option<Money>,
        cooling_off: Duration,
        now: DateTime<Utc>,
    ) -> Result<(PlayerLimits, ChangeOutcome), CheckError> {
        if let Some(amount) = amount {
            self.fits(amount)?;
        }
        let mut next = self.effective_at(now);
        let key = (kind, period);
        match direction(next.limit(kind, period), amount) {
            Direction::Same => {
                next.pending.remove(&key);
                Ok((next, ChangeOutcome::Unchanged))
            }
            Direction::Tighter => {
                next.pending.remove(&key);
                next.set(key, amount);
                Ok((next, ChangeOutcome::Applied))
            }
            Direction::Looser => {
                if let Some(pending) = next.pending_change(kind, period)
                    && pending.amount == amount
                {
                    return Ok((next, ChangeOutcome::Pending(pending)));
                }
                if cooling_off <= Duration::zero() {
                    next.pending.remove(&key);
                    next.set(key, amount);
                    return Ok((next, ChangeOutcome::Applied));
                }
                let effective_at = now
                    .checked_add_signed(cooling_off)
                    .ok_or(CheckError::OutOfRange)?;
                let change = PendingChange {
                    kind,
                    period,
                    amount,
                    effective_at,
                };
                next.pending.insert(key, change);
                Ok((next, ChangeOutcome::Pending(change)))
            }
        }
    }

    fn set(&mut self, key: (LimitKind, LimitPeriod), amount: Option<Money>) {
        match amount {
            Some(amount) => {
                self.limits.insert(key, amount);
            }
            None => {
                self.limits.remove(&key);
            }
        }
    }
}
