//! `tenant_id` on the last tenant-owned tables without one, so that every such
//! table can be distributed by tenant (docs/scaling.md). Nullable: the platform's
//! audit chain, platform-wide reconciliation runs and PSP events whose reference
//! Kasa does not know have no tenant. Existing rows are filled in from the rows
//! they belong to.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables that get the column.
#[derive(DeriveIden, Clone, Copy)]
enum Tables {
    PspEvents,
    AuditChainHeads,
    ReconciliationFindings,
}

#[derive(DeriveIden)]
struct TenantId;

const TABLES: [Tables; 3] = [
    Tables::PspEvents,
    Tables::AuditChainHeads,
    Tables::ReconciliationFindings,
];

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
        for table in TABLES {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(ColumnDef::new(TenantId).uuid().null())
                    .to_owned(),
            )
            .await?;
        }
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
        for table in TABLES {
            m.alter_table(Table::alter().table(table).drop_column(TenantId).to_owned())
                .await?;
        }
        Ok(())
    }
}
