//! Tenant policies and exclusions: rows to the `protection` crate's values
//! (checked again on every read) and back.

use chrono::{DateTime, Utc};
use ledger::PlayerId;
use protection::{Exclusion, ExclusionKind, PolicyBody, TenantPolicy};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::corrupt;
use crate::entities::{player_exclusion as exclusion_row, tenant_policy as policy_row};
use crate::error::{StoreError, StoreResult};
use crate::records::PlayerExclusion;

/// A `tenant_policies` row as a valid policy.
pub(crate) fn tenant_policy(row: &policy_row::Model) -> StoreResult<TenantPolicy> {
    let body = PolicyBody {
        cooling_off_hours: i64::from(row.cooling_off_hours),
        kyc_required_for: json("tenant_policies.kyc_required_for", &row.kyc_required_for)?,
        kyc_deposit_threshold: json(
            "tenant_policies.kyc_deposit_threshold",
            &row.kyc_deposit_threshold,
        )?,
        dual_approval_threshold: json(
            "tenant_policies.dual_approval_threshold",
            &row.dual_approval_threshold,
        )?,
        player_cancel_allowed: row.player_cancel_allowed,
    };
    TenantPolicy::try_from(body).map_err(|e| StoreError::Corrupt(format!("tenant_policies: {e}")))
}

/// The row of `tenant`'s `policy`, changed at `now`.
pub(crate) fn tenant_policy_row(
    tenant: Uuid,
    policy: &TenantPolicy,
    now: DateTime<Utc>,
) -> StoreResult<policy_row::Model> {
    let body = PolicyBody::from(policy);
    let encode = |value: Result<String, serde_json::Error>| {
        value.map_err(|e| StoreError::Corrupt(format!("a policy could not be encoded: {e}")))
    };
    Ok(policy_row::Model {
        tenant_id: tenant,
        cooling_off_hours: i32::try_from(policy.cooling_off_hours()).map_err(|_| {
            corrupt(
                "tenant_policies.cooling_off_hours",
                policy.cooling_off_hours(),
            )
        })?,
        kyc_required_for: encode(serde_json::to_string(&body.kyc_required_for))?,
        kyc_deposit_threshold: encode(serde_json::to_string(&body.kyc_deposit_threshold))?,
        dual_approval_threshold: encode(serde_json::to_string(&body.dual_approval_threshold))?,
        player_cancel_allowed: policy.player_cancel_allowed(),
        updated_at: now,
    })
}

fn json<T: DeserializeOwned>(column: &'static str, raw: &str) -> StoreResult<T> {
    serde_json::from_str(raw).map_err(|_| corrupt(column, format_args!("{raw:?}")))
}

/// A `player_exclusions` row as the player sees it.
pub(crate) fn exclusion(row: exclusion_row::Model) -> StoreResult<PlayerExclusion> {
    let rule = exclusion_rule(&row)?;
    Ok(PlayerExclusion {
        id: row.id,
        player: PlayerId(row.player_id),
        kind: rule.kind(),
        starts_at: rule.starts_at(),
        ends_at: rule.ends_at(),
    })
}

/// A `player_exclusions` row as the protection rules read it.
pub(crate) fn exclusion_rule(row: &exclusion_row::Model) -> StoreResult<Exclusion> {
    let kind = ExclusionKind::parse(&row.kind)
        .map_err(|_| corrupt("player_exclusions.kind", format_args!("{:?}", row.kind)))?;
    Exclusion::from_stored(kind, row.starts_at, row.ends_at)
        .map_err(|e| corrupt("player_exclusions.ends_at", e))
}
