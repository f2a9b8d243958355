//! What the player-protection routes answer: exclusions (the player's
//! profile and the tenant policy are [`crate::views::PlayerView`] and the
//! `protection` crate's `PolicyBody`).

use persistence::records::PlayerExclusion;
use serde::Serialize;
use uuid::Uuid;

use crate::views::timestamp;

/// A timeout or self-exclusion.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ExclusionView {
    id: Uuid,
    #[schema(value_type = crate::openapi::enums::ExclusionKind, example = "timeout")]
    kind: String,
    /// When the block started (the request's time).
    #[schema(format = DateTime)]
    starts_at: String,
    /// When the block ends; nobody can bring it forward.
    #[schema(format = DateTime)]
    ends_at: String,
}

impl ExclusionView {
    /// From a recorded exclusion.
    pub fn of(e: &PlayerExclusion) -> Self {
        Self {
            id: e.id,
            kind: e.kind.as_str().to_owned(),
            starts_at: timestamp(e.starts_at),
            ends_at: timestamp(e.ends_at),
        }
    }
}
