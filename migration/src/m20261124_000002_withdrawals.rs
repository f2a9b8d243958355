//! Withdrawals and their payout attempts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Withdrawals {
    Table,
    Id,
    TenantId,
    PlayerId,
    AmountMinor,
    Currency,
    State,
    DestinationType,
    DestinationAccount,
    RejectReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PayoutAttempts {
    Table,
    Id,
    WithdrawalId,
    TenantId,
    Status,
    Provider,
    ProviderRef,
    FailureCode,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Players {
    Table,
    Id,
}

/// At most one non-terminal attempt per withdrawal, enforced by the database
/// too (PostgreSQL and SQLite both support partial unique indexes).
const OPEN_ATTEMPT_INDEX: &str = "CREATE UNIQUE INDEX ux_payout_attempts_open \
     ON payout_attempts (withdrawal_id) WHERE status IN ('pending', 'unknown')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Withdrawals::Table)
                .col(pk_uuid(Withdrawals::Id))
                .col(uuid(Withdrawals::TenantId))
                .col(uuid(Withdrawals::PlayerId))
                .col(
                    big_integer(Withdrawals::AmountMinor)
                        .check(Expr::col(Withdrawals::AmountMinor).gt(0)),
                )
                .col(string_len(Withdrawals::Currency, 3))
                .col(string_len(Withdrawals::State, 16))
                .col(string_len(Withdrawals::DestinationType, 32))
                .col(string_len(Withdrawals::DestinationAccount, 64))
                .col(string_len_null(Withdrawals::RejectReason, 500))
                .col(timestamp_with_time_zone(Withdrawals::CreatedAt))
                .col(timestamp_with_time_zone(Withdrawals::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Withdrawals::Table, Withdrawals::PlayerId)
                        .to(Players::Table, Players::Id),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            (
                "ix_withdrawals_player_id",
                vec![Withdrawals::PlayerId, Withdrawals::Id],
            ),
            (
                "ix_withdrawals_tenant_state",
                vec![Withdrawals::TenantId, Withdrawals::State, Withdrawals::Id],
            ),
            (
                "ix_withdrawals_tenant_id",
                vec![Withdrawals::TenantId, Withdrawals::Id],
            ),
        ] {
            let mut index = Index::create()
                .name(name)
                .table(Withdrawals::Table)
                .to_owned();
            for col in cols {
                index.col(col);
            }
            m.create_index(index).await?;
        }
        m.create_table(
            Table::create()
                .table(PayoutAttempts::Table)
                .col(pk_uuid(PayoutAttempts::Id))
                .col(uuid(PayoutAttempts::WithdrawalId))
                .col(uuid(PayoutAttempts::TenantId))
                .col(string_len(PayoutAttempts::Status, 16))
                .col(string_len(PayoutAttempts::Provider, 32))
                .col(string_len_null(PayoutAttempts::ProviderRef, 128))
                .col(string_len_null(PayoutAttempts::FailureCode, 64))
                .col(timestamp_with_time_zone(PayoutAttempts::CreatedAt))
                .col(timestamp_with_time_zone(PayoutAttempts::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PayoutAttempts::Table, PayoutAttempts::WithdrawalId)
                        .to(Withdrawals::Table, Withdrawals::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_payout_attempts_withdrawal")
                .table(PayoutAttempts::Table)
                .col(PayoutAttempts::WithdrawalId)
                .col(PayoutAttempts::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_payout_attempts_provider_ref")
                .table(PayoutAttempts::Table)
                .col(PayoutAttempts::Provider)
                .col(PayoutAttempts::ProviderRef)
                .unique()
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(OPEN_ATTEMPT_INDEX)
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(PayoutAttempts::Table)
                .if_exists()
                .to_owned(),
        )
        .await?;
        m.drop_table(
            Table::drop()
                .table(Withdrawals::Table)
                .if_exists()
                .to_owned(),
        )
        .await
    }
}
