//! A player's recorded timeouts and self-exclusions.

use chrono::{DateTime, Utc};
use ledger::PlayerId;
use protection::ExclusionKind;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A recorded timeout or self-exclusion (never changed once recorded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerExclusion {
    /// Its id.
    pub id: Uuid,
    /// The excluded player.
    pub player: PlayerId,
    /// What the player asked for.
    pub kind: ExclusionKind,
    /// When the block starts (included).
    pub starts_at: DateTime<Utc>,
    /// When the block ends (excluded).
    pub ends_at: DateTime<Utc>,
}
