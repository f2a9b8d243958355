//! Timeouts and self-exclusions: only ever inserted; nothing here (or
//! anywhere) shortens, lifts or deletes one.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ledger::PlayerId;
use protection::{Exclusion, ExclusionKind, request_exclusion};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditContext, AuditRecord};
use crate::completion::{Completion, complete_optional};
use crate::db::Db;
use crate::entities::{game_session, player_exclusion};
use crate::error::{StoreError, StoreResult};
use crate::ledger_writer;
use crate::mapping;
use crate::pagination::{Page, PageRequest, fetch_page};
use crate::records::{PlayerExclusion, TenantId};

impl Db {
    /// Records the player's request for a `kind` exclusion of `days` days
    /// from now (`Exclusion` error outside the kind's bounds) and revokes the
    /// player's open game sessions, in one transaction under the wallet's
    /// lock (so no deposit, session or bet of the player interleaves),
    /// audited as `player.exclude`.
    pub async fn exclude_player(
        &self,
        tenant: TenantId,
        player: PlayerId,
        kind: ExclusionKind,
        days: i64,
        audit: &AuditContext,
        completion: Option<Completion<'_>>,
    ) -> StoreResult<PlayerExclusion> {
        let txn = self.conn().begin().await?;
        let wallet = ledger_writer::lock_wallet(&txn, player).await?;
        if wallet.tenant_id != tenant.0 {
            return Err(StoreError::NotFound("wallet"));
        }
        let now = Utc::now();
        let existing = exclusions_not_ended(&txn, player, now).await?;
        let new = request_exclusion(&existing, kind, days, now)?;
        let row = player_exclusion::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(tenant.0),
            player_id: Set(player.0),
            kind: Set(kind.as_str().to_owned()),
            starts_at: Set(new.exclusion.starts_at()),
            ends_at: Set(new.exclusion.ends_at()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let revoked = revoke_open_sessions(&txn, player, now).await?;
        let recorded = mapping::exclusion(row)?;
        let record = AuditRecord {
            tenant_id: Some(tenant.0),
            action: "player.exclude",
            target_type: "player",
            target_id: player.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "exclusion_id": recorded.id,
                "kind": kind.as_str(),
                "days": days,
                "starts_at": recorded.starts_at,
                "ends_at": recorded.ends_at,
                "blocked_until": new.blocked_until,
                "game_sessions_revoked": revoked,
            })),
        };
        audit::append(&txn, audit, record).await?;
        complete_optional(completion, &txn, &recorded).await?;
        txn.commit().await?;
        Ok(recorded)
    }

    /// A page of the player's exclusions, newest first, ended ones included.
    pub async fn exclusions_of_player(
        &self,
        player: PlayerId,
        page: PageRequest,
    ) -> StoreResult<Page<PlayerExclusion>> {
        let select = player_exclusion::Entity::find()
            .filter(player_exclusion::Column::PlayerId.eq(player.0));
        fetch_page(
            select,
            player_exclusion::Column::Id,
            page,
            |e| e.id,
            self.conn(),
        )
        .await?
        .try_map(mapping::exclusion)
    }
}

/// The player's exclusions that have not ended at `now` (one indexed read:
/// `ix_player_exclusions_player_ends`); which of them blocks is the rules'
/// answer ([`protection::blocked`]).
pub(crate) async fn exclusions_not_ended<C: ConnectionTrait>(
    conn: &C,
    player: PlayerId,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Exclusion>> {
    let mut found = exclusions_not_ended_of(conn, [player.0], now).await?;
    Ok(found.remove(&player.0).unwrap_or_default())
}

/// The exclusions of `players` that have not ended at `now`, by player (one
/// statement; a player with none is not in the answer).
pub(crate) async fn exclusions_not_ended_of<C: ConnectionTrait>(
    conn: &C,
    players: impl IntoIterator<Item = Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<HashMap<Uuid, Vec<Exclusion>>> {
    let rows = player_exclusion::Entity::find()
        .filter(player_exclusion::Column::PlayerId.is_in(players))
        .filter(player_exclusion::Column::EndsAt.gt(now))
        .all(conn)
        .await?;
    let mut found: HashMap<Uuid, Vec<Exclusion>> = HashMap::new();
    for row in &rows {
        found
            .entry(row.player_id)
            .or_default()
            .push(mapping::exclusion_rule(row)?);
    }
    Ok(found)
}

/// Revokes the player's sessions that are neither revoked nor expired;
/// answers how many.
async fn revoke_open_sessions<C: ConnectionTrait>(
    conn: &C,
    player: PlayerId,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    let result = game_session::Entity::update_many()
        .col_expr(game_session::Column::RevokedAt, Expr::value(now))
        .filter(game_session::Column::PlayerId.eq(player.0))
        .filter(game_session::Column::RevokedAt.is_null())
        .filter(game_session::Column::ExpiresAt.gt(now))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}
