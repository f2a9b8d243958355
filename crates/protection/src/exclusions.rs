//! Timeouts and self-exclusions (`POST /me/exclusions`).
//!
//! Nobody can shorten or lift an exclusion: this module has no operation
//! that changes or removes one. A new request is always recorded as its own
//! exclusion, starting now; while an earlier one is still active, the
//! player stays blocked until the latest end among them
//! ([`NewExclusion::blocked_until`]), so asking for a shorter one changes
//! nothing about the block — it is never refused either, since refusing a
//! player's request to be protected helps no one.

use chrono::{DateTime, Duration, Utc};

use crate::ExclusionError;
use crate::names::named;

/// What the player asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExclusionKind {
    /// A short break: 1 to 42 days.
    Timeout,
    /// A long one: 180 to 1825 days (about five years).
    SelfExclusion,
}

named!(ExclusionKind, "exclusion kind", [
    Timeout => "timeout",
    SelfExclusion => "self_exclusion",
]);

impl ExclusionKind {
    /// The fewest days it may last.
    pub fn min_days(self) -> u32 {
        match self {
            ExclusionKind::Timeout => 1,
            ExclusionKind::SelfExclusion => 180,
        }
    }

    /// The most days it may last.
    pub fn max_days(self) -> u32 {
        match self {
            ExclusionKind::Timeout => 42,
            ExclusionKind::SelfExclusion => 1825,
        }
    }
}

/// A timeout or self-exclusion: the player is blocked from `starts_at`
/// (included) to `ends_at` (excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Exclusion {
    kind: ExclusionKind,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

impl Exclusion {
    /// An exclusion of `kind` for `days` days (of 24 hours) from `now`;
    /// [`ExclusionError::DaysOutOfRange`] outside the kind's bounds.
    pub fn new(
        kind: ExclusionKind,
        days: i64,
        now: DateTime<Utc>,
    ) -> Result<Exclusion, ExclusionError> {
        let in_bounds = u32::try_from(days)
            .is_ok_and(|days| (kind.min_days()..=kind.max_days()).contains(&days));
        if !in_bounds {
            return Err(ExclusionError::DaysOutOfRange { kind, days });
        }
        let ends_at = now
            .checked_add_signed(Duration::days(days))
            .ok_or(ExclusionError::OutOfRange)?;
        Ok(Exclusion {
            kind,
            starts_at: now,
            ends_at,
        })
    }

    /// An exclusion as storage recorded it;
    /// [`ExclusionError::EndsBeforeStart`] unless `ends_at > starts_at`.
    pub fn from_stored(
        kind: ExclusionKind,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    ) -> Result<Exclusion, ExclusionError> {
        if ends_at <= starts_at {
            return Err(ExclusionError::EndsBeforeStart);
        }
        Ok(Exclusion {
            kind,
            starts_at,
            ends_at,
        })
    }

    /// What the player asked for.
    pub fn kind(&self) -> ExclusionKind {
        self.kind
    }

    /// When the block starts (the request's time).
    pub fn starts_at(&self) -> DateTime<Utc> {
        self.starts_at
    }

    /// When the block ends (excluded).
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.ends_at
    }

    /// Whether it blocks the player at `now`: `starts_at <= now < ends_at`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.starts_at <= now && now < self.ends_at
    }
}

/// A recorded request and what it means for the block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NewExclusion {
    /// The exclusion to store (and answer with `201`).
    pub exclusion: Exclusion,
    /// When the player will no longer be blocked: the latest end among the
    /// new exclusion and those active at the request. Later than
    /// `exclusion.ends_at` when a longer one was already active.
    pub blocked_until: DateTime<Utc>,
}

/// A player's request at `now` for a `kind` exclusion of `days`, given the
/// exclusions already recorded. `existing` is only read: nothing recorded
/// is ever shortened, replaced or removed.
pub fn request_exclusion(
    existing: &[Exclusion],
    kind: ExclusionKind,
    days: i64,
    now: DateTime<Utc>,
) -> Result<NewExclusion, ExclusionError> {
    let exclusion = Exclusion::new(kind, days, now)?;
    let blocked_until = blocked(existing, now)
        .map(Exclusion::ends_at)
        .map_or(exclusion.ends_at, |end| end.max(exclusion.ends_at));
    Ok(NewExclusion {
        exclusion,
        blocked_until,
    })
}

/// The exclusion blocking the player at `now`, if any: of the active ones,
/// the one ending last (the first of those when several end together).
pub fn blocked(exclusions: &[Exclusion], now: DateTime<Utc>) -> Option<&Exclusion> {
    exclusions
        .iter()
        .filter(|exclusion| exclusion.is_active(now))
        .fold(None, |latest: Option<&Exclusion>, exclusion| match latest {
            Some(latest) if latest.ends_at >= exclusion.ends_at => Some(latest),
            _ => Some(exclusion),
        })
}

#[cfg(test)]
mod tests;
