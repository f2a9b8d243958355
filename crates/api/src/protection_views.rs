//! What the player-protection routes answer: exclusions, limits (the player's
//! profile and the tenant policy are [`crate::views::PlayerView`] and the
//! `protection` crate's `PolicyBody`).

use persistence::records::{LimitsSnapshot, PlayerExclusion};
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

/// A limit in force.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LimitView {
    #[schema(value_type = crate::openapi::enums::LimitKind, example = "deposit")]
    kind: &'static str,
    #[schema(value_type = crate::openapi::enums::LimitPeriod, example = "week")]
    period: &'static str,
    /// The most the rolling window may hold, in the wallet's currency.
    #[schema(example = "100.00")]
    amount: String,
}

/// A raise or removal waiting for the tenant's cooling-off.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PendingLimitView {
    #[schema(value_type = crate::openapi::enums::LimitKind, example = "deposit")]
    kind: &'static str,
    #[schema(value_type = crate::openapi::enums::LimitPeriod, example = "week")]
    period: &'static str,
    /// The new amount; `null` removes the limit.
    #[schema(example = "250.00", required = true)]
    amount: Option<String>,
    /// When it applies.
    #[schema(format = DateTime)]
    effective_at: String,
}

/// A player's limits now: those in force and the changes still waiting.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LimitsView {
    /// In force, by kind then period.
    limits: Vec<LimitView>,
    /// Waiting for their `effective_at`, by kind then period.
    pending: Vec<PendingLimitView>,
}

impl LimitsView {
    /// From a snapshot of the player's limits.
    pub fn of(snapshot: &LimitsSnapshot) -> Self {
        Self {
            limits: snapshot
                .limits
                .iter()
                .map(|l| LimitView {
                    kind: l.kind.as_str(),
                    period: l.period.as_str(),
                    amount: l.amount.to_string(),
                })
                .collect(),
            pending: snapshot
                .pending
                .iter()
                .map(|p| PendingLimitView {
                    kind: p.kind.as_str(),
                    period: p.period.as_str(),
                    amount: p.amount.map(|m| m.to_string()),
                    effective_at: timestamp(p.effective_at),
                })
                .collect(),
        }
    }
}
