//! `tenant_id` on the last tenant-owned tables without one, so that every such
//! table can be distributed by tenant (docs/scaling.md). Nullable: the platform's
//! audit chain, platform-wide reconciliation runs and PSP events whose reference
//! Kasa does not know have no tenant. Existing rows are filled in from the rows
//! they belong to.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PspEvents {
    Table,
    TenantId,
}

#[derive(DeriveIden)]
enum AuditChainHeads {
    Table,
    TenantId,
}

#[derive(DeriveIden)]
enum ReconciliationFindings {
    Table,
    TenantId,
}

/// Fills existing rows in from the rows they belong to (plain SQL both backends run).
const BACKFILL: [&str; 2] = [
    "UPDATE audit_chain_heads SET tenant_id = \
     (SELECT e.tenant_id FROM audit_events e WHERE e.chain_id = audit_chain_heads.chain_id LIMIT 1)",
    "UPDATE reconciliation_findings SET tenant_id = \
     (SELECT r.tenant_id FROM reconciliation_runs r WHERE r.id = reconciliation_findings.run_id)",
];

/// PostgreSQL only: event references are text, ids are `uuid` (SQLite stores them as blobs).
const BACKFILL_EVENTS: &str = "UPDATE psp_events SET tenant_id = COALESCE(\
     (SELECT d.tenant_id FROM deposits d WHERE d.id::text = psp_events.reference), \
     (SELECT a.tenant_id FROM payout_attempts a WHERE a.id::text = psp_events.reference))";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(PspEvents::Table)
                .add_column(ColumnDef::new(PspEvents::TenantId).uuid().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(AuditChainHeads::Table)
                .add_column(ColumnDef::new(AuditChainHeads::TenantId).uuid().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(ReconciliationFindings::Table)
                .add_column(
                    ColumnDef::new(ReconciliationFindings::TenantId)
                        .uuid()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        for statement in BACKFILL {
            db.execute_unprepared(statement).await?;
        }
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared(BACKFILL_EVENTS).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(PspEvents::Table)
                .drop_column(PspEvents::TenantId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(AuditChainHeads::Table)
                .drop_column(AuditChainHeads::TenantId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(ReconciliationFindings::Table)
                .drop_column(ReconciliationFindings::TenantId)
                .to_owned(),
        )
        .await
    }
}
