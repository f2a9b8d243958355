//! Tenants, users, wallets, the double-entry ledger, deposits, the PSP event
//! inbox, idempotency records and anomalies.

use sea_orm_migration::{prelude::*, schema::*};

mod integration;

use integration::create_integration_tables;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
    Slug,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AdminUsers {
    Table,
    Id,
    TenantId,
    Email,
    PasswordHash,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Players {
    Table,
    Id,
    TenantId,
    Email,
    PasswordHash,
    Currency,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Wallets {
    Table,
    PlayerId,
    TenantId,
    Currency,
    AvailableMinor,
    HeldMinor,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LedgerTransactions {
    Table,
    Id,
    TenantId,
    Kind,
    PlayerId,
    Currency,
    AmountMinor,
    AvailableAfterMinor,
    HeldAfterMinor,
    ReferenceType,
    ReferenceId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LedgerPostings {
    Table,
    Id,
    TransactionId,
    TenantId,
    Account,
    PlayerId,
    Currency,
    AmountMinor,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Deposits {
    Table,
    Id,
    TenantId,
    PlayerId,
    AmountMinor,
    Currency,
    Status,
    Provider,
    ProviderRef,
    FailureCode,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PspEvents {
    Table,
    Id,
    Provider,
    EventId,
    EventType,
    Reference,
    Payload,
    Outcome,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum IdempotencyRecords {
    Table,
    Id,
    Scope,
    Principal,
    IdemKey,
    Fingerprint,
    State,
    LeaseToken,
    LeaseExpiresAtMs,
    ResponseStatus,
    ResponseBody,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Anomalies {
    Table,
    Id,
    TenantId,
    Provider,
    EventId,
    Kind,
    ReferenceType,
    ReferenceId,
    Detail,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_identity_tables(manager).await?;
        create_money_tables(manager).await?;
        create_integration_tables(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Anomalies::Table.into_iden(),
            IdempotencyRecords::Table.into_iden(),
            PspEvents::Table.into_iden(),
            Deposits::Table.into_iden(),
            LedgerPostings::Table.into_iden(),
            LedgerTransactions::Table.into_iden(),
            Wallets::Table.into_iden(),
            Players::Table.into_iden(),
            AdminUsers::Table.into_iden(),
            Tenants::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

fn index(name: &str) -> IndexCreateStatement {
    Index::create().name(name).to_owned()
}

async fn create_identity_tables(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table(Tenants::Table)
            .col(pk_uuid(Tenants::Id))
            .col(string_len_uniq(Tenants::Slug, 64))
            .col(string_len(Tenants::Name, 200))
            .col(timestamp_with_time_zone(Tenants::CreatedAt))
            .to_owned(),
    )
    .await?;
    m.create_table(
        Table::create()
            .table(AdminUsers::Table)
            .col(pk_uuid(AdminUsers::Id))
            .col(uuid_null(AdminUsers::TenantId))
            .col(string_len_uniq(AdminUsers::Email, 254))
            .col(string_len(AdminUsers::PasswordHash, 255))
            .col(string_len(AdminUsers::Role, 32))
            .col(timestamp_with_time_zone(AdminUsers::CreatedAt))
            .foreign_key(
                ForeignKey::create()
                    .from(AdminUsers::Table, AdminUsers::TenantId)
                    .to(Tenants::Table, Tenants::Id),
            )
            .to_owned(),
    )
    .await?;
    m.create_table(
        Table::create()
            .table(Players::Table)
            .col(pk_uuid(Players::Id))
            .col(uuid(Players::TenantId))
            .col(string_len(Players::Email, 254))
            .col(string_len(Players::PasswordHash, 255))
            .col(string_len(Players::Currency, 3))
            .col(timestamp_with_time_zone(Players::CreatedAt))
            .foreign_key(
                ForeignKey::create()
                    .from(Players::Table, Players::TenantId)
                    .to(Tenants::Table, Tenants::Id),
            )
            .to_owned(),
    )
    .await?;
    m.create_index(
        index("ux_players_tenant_email")
            .table(Players::Table)
            .col(Players::TenantId)
            .col(Players::Email)
            .unique()
            .to_owned(),
    )
    .await
}

async fn create_money_tables(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table(Wallets::Table)
            .col(pk_uuid(Wallets::PlayerId))
            .col(uuid(Wallets::TenantId))
            .col(string_len(Wallets::Currency, 3))
            .col(
                big_integer(Wallets::AvailableMinor)
                    .check(Expr::col(Wallets::AvailableMinor).gte(0)),
            )
            .col(big_integer(Wallets::HeldMinor).check(Expr::col(Wallets::HeldMinor).gte(0)))
            .col(timestamp_with_time_zone(Wallets::UpdatedAt))
            .foreign_key(
                ForeignKey::create()
                    .from(Wallets::Table, Wallets::PlayerId)
                    .to(Players::Table, Players::Id),
            )
            .to_owned(),
    )
    .await?;
    m.create_table(
        Table::create()
            .table(LedgerTransactions::Table)
            .col(pk_uuid(LedgerTransactions::Id))
            .col(uuid(LedgerTransactions::TenantId))
            .col(string_len(LedgerTransactions::Kind, 32))
            .col(uuid_null(LedgerTransactions::PlayerId))
            .col(string_len(LedgerTransactions::Currency, 3))
            .col(big_integer(LedgerTransactions::AmountMinor))
            .col(big_integer_null(LedgerTransactions::AvailableAfterMinor))
            .col(big_integer_null(LedgerTransactions::HeldAfterMinor))
            .col(string_len(LedgerTransactions::ReferenceType, 32))
            .col(uuid(LedgerTransactions::ReferenceId))
            .col(timestamp_with_time_zone(LedgerTransactions::CreatedAt))
            .to_owned(),
    )
    .await?;
    // History pages are keyset pages over (player_id, id DESC); ids are UUIDv7.
    m.create_index(
        index("ix_ledger_transactions_player_id")
            .table(LedgerTransactions::Table)
            .col(LedgerTransactions::PlayerId)
            .col(LedgerTransactions::Id)
            .to_owned(),
    )
    .await?;
    m.create_index(
        index("ix_ledger_transactions_reference")
            .table(LedgerTransactions::Table)
            .col(LedgerTransactions::ReferenceId)
            .to_owned(),
    )
    .await?;
    m.create_table(
        Table::create()
            .table(LedgerPostings::Table)
            .col(pk_uuid(LedgerPostings::Id))
            .col(uuid(LedgerPostings::TransactionId))
            .col(uuid(LedgerPostings::TenantId))
            .col(string_len(LedgerPostings::Account, 200))
            .col(uuid_null(LedgerPostings::PlayerId))
            .col(string_len(LedgerPostings::Currency, 3))
            .col(big_integer(LedgerPostings::AmountMinor))
            .col(timestamp_with_time_zone(LedgerPostings::CreatedAt))
            .foreign_key(
                ForeignKey::create()
                    .from(LedgerPostings::Table, LedgerPostings::TransactionId)
                    .to(LedgerTransactions::Table, LedgerTransactions::Id),
            )
            .to_owned(),
    )
    .await?;
    m.create_index(
        index("ix_ledger_postings_transaction")
            .table(LedgerPostings::Table)
            .col(LedgerPostings::TransactionId)
            .to_owned(),
    )
    .await?;
    m.create_index(
        index("ix_ledger_postings_account")
            .table(LedgerPostings::Table)
            .col(LedgerPostings::Account)
            .to_owned(),
    )
    .await
}
