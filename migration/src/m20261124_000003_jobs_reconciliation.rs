//! The durable job queue and reconciliation runs with their findings.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Kind,
    Payload,
    Status,
    DedupeKey,
    Attempts,
    MaxAttempts,
    RunAt,
    LockedBy,
    LeaseExpiresAt,
    LastError,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReconciliationRuns {
    Table,
    Id,
    TenantId,
    Provider,
    WindowFrom,
    WindowTo,
    Status,
    Error,
    Matched,
    Mismatched,
    MissingInPsp,
    MissingInKasa,
    WalletMismatches,
    ClearingMismatches,
    CreatedBy,
    CreatedAt,
    StartedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum ReconciliationFindings {
    Table,
    Id,
    RunId,
    Kind,
    ReferenceType,
    Reference,
    KasaStatus,
    PspStatus,
    KasaAmount,
    PspAmount,
    Currency,
    Detail,
}

/// One queued or running job per dedupe key (a scheduled job is never queued twice).
const DEDUPE_INDEX: &str = "CREATE UNIQUE INDEX ux_jobs_dedupe_active \
     ON jobs (dedupe_key) WHERE status IN ('queued', 'running')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Jobs::Table)
                .col(pk_uuid(Jobs::Id))
                .col(string_len(Jobs::Kind, 64))
                .col(text(Jobs::Payload))
                .col(string_len(Jobs::Status, 16))
                .col(string_len_null(Jobs::DedupeKey, 128))
                .col(integer(Jobs::Attempts))
                .col(integer(Jobs::MaxAttempts))
                .col(timestamp_with_time_zone(Jobs::RunAt))
                .col(string_len_null(Jobs::LockedBy, 64))
                .col(timestamp_with_time_zone_null(Jobs::LeaseExpiresAt))
                .col(text_null(Jobs::LastError))
                .col(timestamp_with_time_zone(Jobs::CreatedAt))
                .col(timestamp_with_time_zone(Jobs::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_jobs_status_run_at")
                .table(Jobs::Table)
                .col(Jobs::Status)
                .col(Jobs::RunAt)
                .to_owned(),
        )
        .await?;
        m.get_connection().execute_unprepared(DEDUPE_INDEX).await?;
        m.create_table(
            Table::create()
                .table(ReconciliationRuns::Table)
                .col(pk_uuid(ReconciliationRuns::Id))
                .col(uuid_null(ReconciliationRuns::TenantId))
                .col(string_len(ReconciliationRuns::Provider, 32))
                .col(timestamp_with_time_zone(ReconciliationRuns::WindowFrom))
                .col(timestamp_with_time_zone(ReconciliationRuns::WindowTo))
                .col(string_len(ReconciliationRuns::Status, 16))
                .col(text_null(ReconciliationRuns::Error))
                .col(integer(ReconciliationRuns::Matched))
                .col(integer(ReconciliationRuns::Mismatched))
                .col(integer(ReconciliationRuns::MissingInPsp))
                .col(integer(ReconciliationRuns::MissingInKasa))
                .col(integer(ReconciliationRuns::WalletMismatches))
                .col(integer(ReconciliationRuns::ClearingMismatches))
                .col(string_len(ReconciliationRuns::CreatedBy, 64))
                .col(timestamp_with_time_zone(ReconciliationRuns::CreatedAt))
                .col(timestamp_with_time_zone_null(ReconciliationRuns::StartedAt))
                .col(timestamp_with_time_zone_null(
                    ReconciliationRuns::FinishedAt,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_reconciliation_runs_tenant")
                .table(ReconciliationRuns::Table)
                .col(ReconciliationRuns::TenantId)
                .col(ReconciliationRuns::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReconciliationFindings::Table)
                .col(pk_uuid(ReconciliationFindings::Id))
                .col(uuid(ReconciliationFindings::RunId))
                .col(string_len(ReconciliationFindings::Kind, 32))
                .col(string_len(ReconciliationFindings::ReferenceType, 32))
                .col(string_len(ReconciliationFindings::Reference, 128))
                .col(string_len_null(ReconciliationFindings::KasaStatus, 16))
                .col(string_len_null(ReconciliationFindings::PspStatus, 16))
                .col(big_integer_null(ReconciliationFindings::KasaAmount))
                .col(big_integer_null(ReconciliationFindings::PspAmount))
                .col(string_len(ReconciliationFindings::Currency, 3))
                .col(text(ReconciliationFindings::Detail))
                .foreign_key(
                    ForeignKey::create()
                        .from(ReconciliationFindings::Table, ReconciliationFindings::RunId)
                        .to(ReconciliationRuns::Table, ReconciliationRuns::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_reconciliation_findings_run")
                .table(ReconciliationFindings::Table)
                .col(ReconciliationFindings::RunId)
                .col(ReconciliationFindings::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ReconciliationFindings::Table.into_iden(),
            ReconciliationRuns::Table.into_iden(),
            Jobs::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
