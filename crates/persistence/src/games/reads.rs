//! The admin's list of game transactions.

use chrono::{DateTime, Utc};
use games::{GameStatus, GameTxKind, GameTxState};
use ledger::{Currency, Money, PlayerId};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::db::Db;
use crate::entities::game_transaction;
use crate::error::{StoreError, StoreResult};
use crate::pagination::{Page, PageRequest, fetch_page};
use crate::scope::TenantScope;

/// A stored game transaction as an admin reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameTransaction {
    /// Kasa's id.
    pub id: Uuid,
    /// The provider's transaction id.
    pub transaction_id: String,
    /// The provider slug.
    pub provider: String,
    /// The player.
    pub player: PlayerId,
    /// The provider's round id.
    pub round_id: String,
    /// The game.
    pub game: String,
    /// Bet, win or rollback.
    pub kind: GameTxKind,
    /// What it moved or asked (see `games::StoredTransaction::amount`).
    pub amount: Money,
    /// The status it was answered.
    pub status: GameStatus,
    /// Where it is in its life.
    pub state: GameTxState,
    /// A rollback's reference transaction id.
    pub reference_transaction_id: Option<String>,
    /// When it arrived.
    pub created_at: DateTime<Utc>,
}

/// Which game transactions to list.
#[derive(Debug, Clone, Default)]
pub struct GameTransactionFilter {
    /// Only this player's.
    pub player: Option<PlayerId>,
    /// Only this round's.
    pub round_id: Option<String>,
}

impl Db {
    /// A page of the game transactions in `scope` matching `filter`, newest first.
    pub async fn list_game_transactions(
        &self,
        scope: TenantScope,
        filter: GameTransactionFilter,
        page: PageRequest,
    ) -> StoreResult<Page<GameTransaction>> {
        let mut select = scope.restrict(
            game_transaction::Entity::find(),
            game_transaction::Column::TenantId,
        );
        if let Some(player) = filter.player {
            select = select.filter(game_transaction::Column::PlayerId.eq(player.0));
        }
        if let Some(round) = filter.round_id {
            select = select.filter(game_transaction::Column::RoundId.eq(round));
        }
        let rows = fetch_page(
            select,
            game_transaction::Column::Id,
            page,
            |row| row.id,
            self.conn(),
        )
        .await?;
        rows.try_map(game_transaction_of)
    }
}

fn game_transaction_of(row: game_transaction::Model) -> StoreResult<GameTransaction> {
    let corrupt = |error: games::GameInputError| StoreError::Corrupt(error.to_string());
    Ok(GameTransaction {
        id: row.id,
        player: PlayerId(row.player_id),
        kind: GameTxKind::parse(&row.kind).map_err(corrupt)?,
        amount: Money::from_minor_units(row.amount_minor, Currency::parse(&row.currency)?),
        status: GameStatus::parse(&row.status).map_err(corrupt)?,
        state: GameTxState::parse(&row.state).map_err(corrupt)?,
        transaction_id: row.transaction_id,
        provider: row.provider,
        round_id: row.round_id,
        game: row.game,
        reference_transaction_id: row.reference_transaction_id,
        created_at: row.created_at,
    })
}
