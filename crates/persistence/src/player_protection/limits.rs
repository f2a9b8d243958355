//! Players' deposit, loss and wager limits: read (pending changes that are
//! due applied, at the storage clock's now), changed by the player under the
//! wallet's lock (so no deposit or bet of the player interleaves), audited.

use std::collections::HashMap;

use ledger::{Money, PlayerId};
use protection::{ChangeOutcome, LimitKind, LimitPeriod, PlayerLimits};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

use super::game_windows::rebuild_hours;
use super::gates::checked;
use super::policy::policy_of;
use crate::audit::{self, AuditContext, AuditRecord};
use crate::completion::{Completion, complete_optional};
use crate::db::Db;
use crate::entities::{player, player_limit};
use crate::error::{StoreError, StoreResult};
use crate::ledger_writer;
use crate::mapping;
use crate::records::{LimitsSnapshot, TenantId};
use crate::scope::TenantScope;

/// A player's request: the limit of `kind` over `period` becomes `amount`
/// (`None`: removed), in the wallet's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitChange {
    /// What the limit caps.
    pub kind: LimitKind,
    /// Over which rolling window.
    pub period: LimitPeriod,
    /// The requested amount; `None` removes the limit.
    pub amount: Option<Money>,
}

impl Db {
    /// The limits of `player`, who must lie in `scope` (else `NotFound`),
    /// as they stand now: pending changes that are due applied.
    pub async fn player_limits(
        &self,
        player: PlayerId,
        scope: TenantScope,
    ) -> StoreResult<LimitsSnapshot> {
        let row = scope
            .restrict(
                player::Entity::find_by_id(player.0),
                player::Column::TenantId,
            )
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("player"))?;
        let player = mapping::player(row)?;
        let rows = limit_rows_of(self.conn(), [player.id.0]).await?;
        let limits = mapping::player_limits(player.currency, &rows)?;
        Ok(LimitsSnapshot::of(&limits.effective_at(self.now())))
    }

    /// Applies the player's `change` with the tenant's `cooling_off_hours`
    /// ([`PlayerLimits::request_change`]: a new or lower limit at once, a
    /// higher one or a removal pending), in one transaction under the
    /// wallet's lock, writes the whole state at now (due pending changes
    /// applied) and audits it as `player.limit_change` with the limits
    /// before and after. The amount must be positive and in the wallet's
    /// currency.
    pub async fn set_player_limit(
        &self,
        tenant: TenantId,
        player: PlayerId,
        change: LimitChange,
        audit: &AuditContext,
        completion: Option<Completion<'_>>,
    ) -> StoreResult<LimitsSnapshot> {
        let txn = self.conn().begin().await?;
        let wallet = ledger_writer::lock_wallet(&txn, player).await?;
        if wallet.tenant_id != tenant.0 {
            return Err(StoreError::NotFound("wallet"));
        }
        let now = self.now();
        let policy = policy_of(&txn, tenant).await?;
        let rows = limit_rows_of(&txn, [player.0]).await?;
        let stored = mapping::player_limits(wallet.balance.currency(), &rows)?;
        let before = LimitsSnapshot::of(&stored.effective_at(now));
        let (next, outcome) = stored
            .request_change(
                change.kind,
                change.period,
                change.amount,
                policy.cooling_off(),
                now,
            )
            .map_err(checked)?;
        if !has_game_limits(&stored.effective_at(now)) && has_game_limits(&next) {
            // The hours are kept only while a loss or wager limit is in force.
            rebuild_hours(&txn, player, wallet.balance.currency(), now).await?;
        }
        write_limits(&txn, tenant, player, &next, now).await?;
        let after = LimitsSnapshot::of(&next);
        let record = AuditRecord {
            tenant_id: Some(tenant.0),
            action: "player.limit_change",
            target_type: "player",
            target_id: player.to_string(),
            before: Some(snapshot_json(&before)?),
            after: Some(serde_json::json!({
                "request": {
                    "kind": change.kind.as_str(),
                    "period": change.period.as_str(),
                    "amount": change.amount.map(|m| m.amount().to_string()),
                },
                "outcome": outcome_name(&outcome),
                "state": snapshot_json(&after)?,
            })),
        };
        audit::append(&txn, audit, record).await?;
        complete_optional(completion, &txn, &after).await?;
        txn.commit().await?;
        Ok(after)
    }
}

/// Whether `limits` has a loss or wager limit (in this value: call
/// [`PlayerLimits::effective_at`] first for "now").
fn has_game_limits(limits: &PlayerLimits) -> bool {
    limits
        .limits()
        .any(|limit| matches!(limit.kind, LimitKind::Loss | LimitKind::Wager))
}

/// What a request did, for the audit log.
fn outcome_name(outcome: &ChangeOutcome) -> &'static str {
    match outcome {
        ChangeOutcome::Applied => "applied",
        ChangeOutcome::Pending(_) => "pending",
        ChangeOutcome::Unchanged => "unchanged",
    }
}

fn snapshot_json(snapshot: &LimitsSnapshot) -> StoreResult<serde_json::Value> {
    serde_json::to_value(snapshot)
        .map_err(|e| StoreError::Corrupt(format!("limits could not be encoded: {e}")))
}

/// Replaces the stored limits of `player` with `limits` (the caller holds
/// the wallet's lock).
async fn write_limits<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    player: PlayerId,
    limits: &PlayerLimits,
    now: chrono::DateTime<chrono::Utc>,
) -> StoreResult<()> {
    player_limit::Entity::delete_many()
        .filter(player_limit::Column::PlayerId.eq(player.0))
        .exec(conn)
        .await?;
    let rows = mapping::player_limit_rows(tenant.0, player.0, limits, now)?;
    if !rows.is_empty() {
        player_limit::Entity::insert_many(rows.into_iter().map(player_limit::ActiveModel::from))
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// The stored limit rows of `players` (one statement).
pub(crate) async fn limit_rows_of<C: ConnectionTrait>(
    conn: &C,
    players: impl IntoIterator<Item = Uuid>,
) -> StoreResult<Vec<player_limit::Model>> {
    Ok(player_limit::Entity::find()
        .filter(player_limit::Column::PlayerId.is_in(players))
        .all(conn)
        .await?)
}

/// The stored limits of `players`, by player, each in its rows' currency (a
/// player without any is not in the answer).
pub(crate) async fn limits_of<C: ConnectionTrait>(
    conn: &C,
    players: impl IntoIterator<Item = Uuid>,
) -> StoreResult<HashMap<Uuid, PlayerLimits>> {
    let mut by_player: HashMap<Uuid, Vec<player_limit::Model>> = HashMap::new();
    for row in limit_rows_of(conn, players).await? {
        by_player.entry(row.player_id).or_default().push(row);
    }
    let mut found = HashMap::with_capacity(by_player.len());
    for (player, rows) in by_player {
        let Some(first) = rows.first() else {
            continue;
        };
        let currency = ledger::Currency::parse(&first.currency)?;
        found.insert(player, mapping::player_limits(currency, &rows)?);
    }
    Ok(found)
}
