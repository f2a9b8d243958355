//! Players' deposit, loss and wager limits, and the indexes their window
//! sums read.
//!
//! * `player_limits`: one row per (player, kind, period) with the limit in
//!   force (`amount_minor`, `BIGINT` minor units in the wallet's
//!   `currency`; `NULL` while none is) and at most one pending change
//!   (`pending_effective_at` set; `pending_amount_minor` the raised amount,
//!   `NULL` for a removal). A row with neither is deleted.
//! * `player_game_hours`: per player, currency and hour (UTC, truncated),
//!   the bets, wins and rollbacks Kasa accepted, in minor units; kept only
//!   for players with a loss or wager limit (rebuilt from
//!   `game_transactions` when one is set), so a window's loss and wager sums
//!   read at most one row per hour instead of every game transaction.
//! * `ix_deposits_player_created` and `ix_game_transactions_player_created`:
//!   `(player_id, created_at)` first, then every column the sums read, so a
//!   window's sum is one index range scan that never visits the table
//!   (an index-only scan on PostgreSQL, a covering index on SQLite),
//!   however long the player's history.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PlayerLimits {
    Table,
    TenantId,
    PlayerId,
    Kind,
    Period,
    Currency,
    AmountMinor,
    PendingAmountMinor,
    PendingEffectiveAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PlayerGameHours {
    Table,
    PlayerId,
    Currency,
    Hour,
    BetsMinor,
    WinsMinor,
    RollbacksMinor,
}

#[derive(DeriveIden)]
enum Players {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Deposits {
    Table,
    PlayerId,
    CreatedAt,
    Status,
    Currency,
    AmountMinor,
}

#[derive(DeriveIden)]
enum GameTransactions {
    Table,
    PlayerId,
    CreatedAt,
    Kind,
    State,
    Currency,
    AmountMinor,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PlayerLimits::Table)
                .col(uuid(PlayerLimits::TenantId))
                .col(uuid(PlayerLimits::PlayerId))
                .col(string_len(PlayerLimits::Kind, 16))
                .col(string_len(PlayerLimits::Period, 16))
                .col(string_len(PlayerLimits::Currency, 3))
                .col(big_integer_null(PlayerLimits::AmountMinor))
                .col(big_integer_null(PlayerLimits::PendingAmountMinor))
                .col(timestamp_with_time_zone_null(
                    PlayerLimits::PendingEffectiveAt,
                ))
                .col(timestamp_with_time_zone(PlayerLimits::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(PlayerLimits::PlayerId)
                        .col(PlayerLimits::Kind)
                        .col(PlayerLimits::Period),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(PlayerLimits::Table, PlayerLimits::PlayerId)
                        .to(Players::Table, Players::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PlayerGameHours::Table)
                .col(uuid(PlayerGameHours::PlayerId))
                .col(string_len(PlayerGameHours::Currency, 3))
                .col(timestamp_with_time_zone(PlayerGameHours::Hour))
                .col(big_integer(PlayerGameHours::BetsMinor))
                .col(big_integer(PlayerGameHours::WinsMinor))
                .col(big_integer(PlayerGameHours::RollbacksMinor))
                .primary_key(
                    Index::create()
                        .col(PlayerGameHours::PlayerId)
                        .col(PlayerGameHours::Currency)
                        .col(PlayerGameHours::Hour),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_deposits_player_created")
                .table(Deposits::Table)
                .col(Deposits::PlayerId)
                .col(Deposits::CreatedAt)
                .col(Deposits::Status)
                .col(Deposits::Currency)
                .col(Deposits::AmountMinor)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_game_transactions_player_created")
                .table(GameTransactions::Table)
                .col(GameTransactions::PlayerId)
                .col(GameTransactions::CreatedAt)
                .col(GameTransactions::Kind)
                .col(GameTransactions::State)
                .col(GameTransactions::Currency)
                .col(GameTransactions::AmountMinor)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_game_transactions_player_created")
                .table(GameTransactions::Table)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("ix_deposits_player_created")
                .table(Deposits::Table)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(PlayerGameHours::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(PlayerLimits::Table).to_owned())
            .await?;
        Ok(())
    }
}
