//! Game transaction and round rows: reading them as the rules' inputs, and
//! the writes that store what the rules decided.

use chrono::{DateTime, Utc};
use games::{
    BodyFingerprint, GameStatus, GameTxKind, GameTxState, ProviderTransactionId, RoundId,
    RoundState, StoredTransaction,
};
use ledger::{Currency, Money, PlayerId};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, InsertMany, QueryFilter, UpdateMany};
use uuid::Uuid;

use super::calls::GameCall;
use super::round_reads::GameKey;
use crate::entities::{game_round, game_transaction};
use crate::error::{StoreError, StoreResult};

/// A stored game transaction: Kasa's id and what the rules know of it.
#[derive(Debug, Clone)]
pub(crate) struct TransactionRow {
    /// Kasa's id (`kasa_transaction_id`).
    pub id: Uuid,
    /// What the rules know.
    pub stored: StoredTransaction,
}

/// The row of `stored` under `transaction_id` with Kasa's id `id`.
pub(crate) fn transaction_row(
    id: Uuid,
    call: &GameCall,
    transaction_id: &ProviderTransactionId,
    stored: &StoredTransaction,
    reference: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<game_transaction::ActiveModel> {
    Ok(game_transaction::ActiveModel {
        id: Set(id),
        tenant_id: Set(call.tenant.0),
        provider: Set(call.provider.as_str().to_owned()),
        transaction_id: Set(transaction_id.as_str().to_owned()),
        kind: Set(stored.kind.as_str().to_owned()),
        player_id: Set(stored.player.0),
        round_id: Set(stored.round.as_str().to_owned()),
        game: Set(call.game.as_str().to_owned()),
        amount_minor: Set(stored.amount.to_minor_units()?),
        currency: Set(stored.amount.currency().code().to_owned()),
        fingerprint: Set(stored.fingerprint.as_str().to_owned()),
        status: Set(stored.status.as_str().to_owned()),
        state: Set(stored.state.as_str().to_owned()),
        reference_transaction_id: Set(reference.map(str::to_owned)),
        created_at: Set(now),
        updated_at: Set(now),
    })
}

/// The update that makes the applied bets `ids` rolled back.
pub(crate) fn mark_rolled_back(
    ids: Vec<Uuid>,
    now: DateTime<Utc>,
) -> UpdateMany<game_transaction::Entity> {
    game_transaction::Entity::update_many()
        .col_expr(
            game_transaction::Column::State,
            Expr::value(GameTxState::RolledBack.as_str()),
        )
        .col_expr(game_transaction::Column::UpdatedAt, Expr::value(now))
        .filter(game_transaction::Column::Id.is_in(ids))
        .filter(game_transaction::Column::State.eq(GameTxState::Applied.as_str()))
}

/// The row of the round `key` (tenant, provider, round id) in `state`,
/// played by `player`.
pub(crate) fn round_row(
    key: &GameKey,
    player: PlayerId,
    state: RoundState,
) -> game_round::ActiveModel {
    let (tenant, provider, round) = key.clone();
    let now = Utc::now();
    game_round::ActiveModel {
        tenant_id: Set(tenant),
        provider: Set(provider),
        round_id: Set(round),
        player_id: Set(player.0),
        closed: Set(state.closed),
        win_credited: Set(state.win_credited),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// The insert-or-update of `rounds` (distinct keys) to their states; a
/// round's player is kept when it exists.
pub(crate) fn upsert_rounds(
    rounds: Vec<game_round::ActiveModel>,
) -> InsertMany<game_round::ActiveModel> {
    game_round::Entity::insert_many(rounds).on_conflict(
        OnConflict::columns([
            game_round::Column::TenantId,
            game_round::Column::Provider,
            game_round::Column::RoundId,
        ])
        .update_columns([
            game_round::Column::Closed,
            game_round::Column::WinCredited,
            game_round::Column::UpdatedAt,
        ])
        .to_owned(),
    )
}

/// A stored row as the rules see it.
pub(crate) fn transaction_of(row: game_transaction::Model) -> StoreResult<TransactionRow> {
    let corrupt = |error: games::GameInputError| StoreError::Corrupt(error.to_string());
    let currency = Currency::parse(&row.currency)?;
    Ok(TransactionRow {
        id: row.id,
        stored: StoredTransaction {
            kind: GameTxKind::parse(&row.kind).map_err(corrupt)?,
            player: PlayerId(row.player_id),
            round: RoundId::parse(&row.round_id).map_err(corrupt)?,
            amount: Money::from_minor_units(row.amount_minor, currency),
            fingerprint: BodyFingerprint::stored(row.fingerprint),
            status: GameStatus::parse(&row.status).map_err(corrupt)?,
            state: GameTxState::parse(&row.state).map_err(corrupt)?,
        },
    })
}
