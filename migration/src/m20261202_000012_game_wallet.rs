//! The game wallet: game providers per tenant (with their signing secrets),
//! players' game sessions, game rounds and game transactions.
//!
//! `game_transactions` is unique on (tenant, provider, transaction id): that
//! row is the dedupe of every provider call, forever. A session's token is
//! stored only as its SHA-256 (hex); the token itself is shown once. The
//! ledger transaction a game transaction posted names it as its reference
//! (`reference_type` `game_transaction`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GameProviders {
    Table,
    Id,
    TenantId,
    Slug,
    Name,
    Secret,
    PreviousSecret,
    PreviousSecretUntil,
    CreatedAt,
    RotatedAt,
}

#[derive(DeriveIden)]
enum GameSessions {
    Table,
    Id,
    TenantId,
    PlayerId,
    Provider,
    Game,
    TokenHash,
    Currency,
    ExpiresAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum GameRounds {
    Table,
    TenantId,
    Provider,
    RoundId,
    PlayerId,
    Closed,
    WinCredited,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GameTransactions {
    Table,
    Id,
    TenantId,
    Provider,
    TransactionId,
    Kind,
    PlayerId,
    RoundId,
    Game,
    AmountMinor,
    Currency,
    Fingerprint,
    Status,
    State,
    ReferenceTransactionId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Players {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(GameProviders::Table)
                .col(pk_uuid(GameProviders::Id))
                .col(uuid(GameProviders::TenantId))
                .col(string_len(GameProviders::Slug, 64))
                .col(string_len(GameProviders::Name, 200))
                .col(text(GameProviders::Secret))
                .col(text_null(GameProviders::PreviousSecret))
                .col(timestamp_with_time_zone_null(
                    GameProviders::PreviousSecretUntil,
                ))
                .col(timestamp_with_time_zone(GameProviders::CreatedAt))
                .col(timestamp_with_time_zone_null(GameProviders::RotatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(GameProviders::Table, GameProviders::TenantId)
                        .to(Tenants::Table, Tenants::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_game_providers_tenant_slug")
                .table(GameProviders::Table)
                .col(GameProviders::TenantId)
                .col(GameProviders::Slug)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GameSessions::Table)
                .col(pk_uuid(GameSessions::Id))
                .col(uuid(GameSessions::TenantId))
                .col(uuid(GameSessions::PlayerId))
                .col(string_len(GameSessions::Provider, 64))
                .col(string_len(GameSessions::Game, 128))
                .col(string_len(GameSessions::TokenHash, 64))
                .col(string_len(GameSessions::Currency, 3))
                .col(timestamp_with_time_zone(GameSessions::ExpiresAt))
                .col(timestamp_with_time_zone_null(GameSessions::RevokedAt))
                .col(timestamp_with_time_zone(GameSessions::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(GameSessions::Table, GameSessions::PlayerId)
                        .to(Players::Table, Players::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_game_sessions_token_hash")
                .table(GameSessions::Table)
                .col(GameSessions::TokenHash)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GameRounds::Table)
                .col(uuid(GameRounds::TenantId))
                .col(string_len(GameRounds::Provider, 64))
                .col(string_len(GameRounds::RoundId, 255))
                .col(uuid(GameRounds::PlayerId))
                .col(boolean(GameRounds::Closed))
                .col(boolean(GameRounds::WinCredited))
                .col(timestamp_with_time_zone(GameRounds::CreatedAt))
                .col(timestamp_with_time_zone(GameRounds::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(GameRounds::TenantId)
                        .col(GameRounds::Provider)
                        .col(GameRounds::RoundId),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GameTransactions::Table)
                .col(pk_uuid(GameTransactions::Id))
                .col(uuid(GameTransactions::TenantId))
                .col(string_len(GameTransactions::Provider, 64))
                .col(string_len(GameTransactions::TransactionId, 255))
                .col(string_len(GameTransactions::Kind, 16))
                .col(uuid(GameTransactions::PlayerId))
                .col(string_len(GameTransactions::RoundId, 255))
                .col(string_len(GameTransactions::Game, 128))
                .col(big_integer(GameTransactions::AmountMinor))
                .col(string_len(GameTransactions::Currency, 3))
                .col(text(GameTransactions::Fingerprint))
                .col(string_len(GameTransactions::Status, 32))
                .col(string_len(GameTransactions::State, 16))
                .col(string_len_null(
                    GameTransactions::ReferenceTransactionId,
                    255,
                ))
                .col(timestamp_with_time_zone(GameTransactions::CreatedAt))
                .col(timestamp_with_time_zone(GameTransactions::UpdatedAt))
                .to_owned(),
        )
        .await?;
        let indexes = [
            (
                "ux_game_transactions_dedupe",
                vec![
                    GameTransactions::TenantId,
                    GameTransactions::Provider,
                    GameTransactions::TransactionId,
                ],
                true,
            ),
            (
                "ix_game_transactions_player",
                vec![
                    GameTransactions::TenantId,
                    GameTransactions::PlayerId,
                    GameTransactions::Id,
                ],
                false,
            ),
            (
                "ix_game_transactions_round",
                vec![
                    GameTransactions::TenantId,
                    GameTransactions::RoundId,
                    GameTransactions::Id,
                ],
                false,
            ),
        ];
        for (name, columns, unique) in indexes {
            let mut index = Index::create();
            index.name(name).table(GameTransactions::Table);
            for column in columns {
                index.col(column);
            }
            if unique {
                index.unique();
            }
            m.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            GameTransactions::Table.into_iden(),
            GameRounds::Table.into_iden(),
            GameSessions::Table.into_iden(),
            GameProviders::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
