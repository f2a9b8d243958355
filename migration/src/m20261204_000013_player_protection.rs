//! Player protection: each tenant's policy, players' KYC status, and
//! players' timeouts and self-exclusions.
//!
//! * `tenant_policies`: at most one row per tenant; a tenant without one has
//!   the contract's defaults (which keep v1 behaviour), so existing tenants
//!   need no backfill. `kyc_required_for` is a JSON array of action names;
//!   the two threshold maps are JSON objects of currency code to the
//!   contract's decimal string (`{"EUR": "2000.00"}`): exact text, never a
//!   float, and never summed in SQL. The rows are read and checked by the
//!   `protection` crate's `TenantPolicy`.
//! * `players.kyc_status`: `unverified` (the default, so every existing
//!   player starts there), `pending`, `verified` or `rejected`.
//! * `player_exclusions`: rows are only ever inserted (nobody shortens or
//!   lifts an exclusion). `ix_player_exclusions_player_ends` serves "the
//!   player's exclusions that have not ended", the read of every gate.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TenantPolicies {
    Table,
    TenantId,
    CoolingOffHours,
    KycRequiredFor,
    KycDepositThreshold,
    DualApprovalThreshold,
    PlayerCancelAllowed,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PlayerExclusions {
    Table,
    Id,
    TenantId,
    PlayerId,
    Kind,
    StartsAt,
    EndsAt,
    CreatedAt,
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
    KycStatus,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TenantPolicies::Table)
                .col(pk_uuid(TenantPolicies::TenantId))
                .col(integer(TenantPolicies::CoolingOffHours))
                .col(text(TenantPolicies::KycRequiredFor))
                .col(text(TenantPolicies::KycDepositThreshold))
                .col(text(TenantPolicies::DualApprovalThreshold))
                .col(boolean(TenantPolicies::PlayerCancelAllowed))
                .col(timestamp_with_time_zone(TenantPolicies::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(TenantPolicies::Table, TenantPolicies::TenantId)
                        .to(Tenants::Table, Tenants::Id),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Players::Table)
                .add_column(
                    ColumnDef::new(Players::KycStatus)
                        .string_len(16)
                        .not_null()
                        .default("unverified"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PlayerExclusions::Table)
                .col(pk_uuid(PlayerExclusions::Id))
                .col(uuid(PlayerExclusions::TenantId))
                .col(uuid(PlayerExclusions::PlayerId))
                .col(string_len(PlayerExclusions::Kind, 16))
                .col(timestamp_with_time_zone(PlayerExclusions::StartsAt))
                .col(timestamp_with_time_zone(PlayerExclusions::EndsAt))
                .col(timestamp_with_time_zone(PlayerExclusions::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PlayerExclusions::Table, PlayerExclusions::PlayerId)
                        .to(Players::Table, Players::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_player_exclusions_player_ends")
                .table(PlayerExclusions::Table)
                .col(PlayerExclusions::PlayerId)
                .col(PlayerExclusions::EndsAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PlayerExclusions::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Players::Table)
                .drop_column(Players::KycStatus)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(TenantPolicies::Table).to_owned())
            .await?;
        Ok(())
    }
}
