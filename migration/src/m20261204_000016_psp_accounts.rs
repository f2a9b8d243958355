//! Tenants' accounts at payment providers.
//!
//! `psp_accounts`: one row per (tenant, slug) (`ux_psp_accounts_tenant_slug`).
//! Secrets are stored sealed (AES-256-GCM with `KASA__SECRETS__KEY`, bound to
//! the row and column), never in clear: `api_key_sealed` (Stripe),
//! `webhook_secret_sealed`, and during the 24 hours after a rotation
//! `previous_webhook_secret_sealed` with `previous_valid_until`.
//!
//! A tenant account's provider name is `<tenant slug>/<account slug>` (up to
//! 129 characters), so the `provider` columns of deposits, the webhook inbox,
//! anomalies, payout attempts and reconciliation runs widen from 32 to 160
//! on PostgreSQL (a catalogue change; SQLite does not enforce lengths).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PspAccounts {
    Table,
    Id,
    TenantId,
    Slug,
    Kind,
    BaseUrl,
    ApiKeySealed,
    WebhookSecretSealed,
    PreviousWebhookSecretSealed,
    PreviousValidUntil,
    CreatedAt,
    RotatedAt,
}

/// The tables whose `provider` column names a provider account.
const PROVIDER_TABLES: [&str; 5] = [
    "deposits",
    "psp_events",
    "anomalies",
    "payout_attempts",
    "reconciliation_runs",
];

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PspAccounts::Table)
                .col(pk_uuid(PspAccounts::Id))
                .col(uuid(PspAccounts::TenantId))
                .col(string_len(PspAccounts::Slug, 64))
                .col(string_len(PspAccounts::Kind, 16))
                .col(text(PspAccounts::BaseUrl))
                .col(text_null(PspAccounts::ApiKeySealed))
                .col(text(PspAccounts::WebhookSecretSealed))
                .col(text_null(PspAccounts::PreviousWebhookSecretSealed))
                .col(timestamp_with_time_zone_null(
                    PspAccounts::PreviousValidUntil,
                ))
                .col(timestamp_with_time_zone(PspAccounts::CreatedAt))
                .col(timestamp_with_time_zone_null(PspAccounts::RotatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PspAccounts::Table, PspAccounts::TenantId)
                        .to(Tenants::Table, Tenants::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_psp_accounts_tenant_slug")
                .table(PspAccounts::Table)
                .col(PspAccounts::TenantId)
                .col(PspAccounts::Slug)
                .unique()
                .to_owned(),
        )
        .await?;
        if m.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
            for table in PROVIDER_TABLES {
                m.alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .modify_column(
                            ColumnDef::new(Alias::new("provider"))
                                .string_len(160)
                                .not_null(),
                        )
                        .to_owned(),
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PspAccounts::Table).to_owned())
            .await
    }
}
