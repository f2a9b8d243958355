//! `hash_version` on audit events: which canonical encoding an event's hash
//! covers. Events already stored keep version 1 (their hash does not cover the
//! event id) and verify as they were sealed; Kasa seals new events with version
//! 2, whose hash also covers the event's own id. Re-sealing old events instead
//! would also launder any edit made to them before the upgrade. The default
//! stays 1, so an older Kasa still running during a rolling deploy writes
//! events that verify.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    HashVersion,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(AuditEvents::Table)
                .add_column(
                    ColumnDef::new(AuditEvents::HashVersion)
                        .small_integer()
                        .not_null()
                        .default(1),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(AuditEvents::Table)
                .drop_column(AuditEvents::HashVersion)
                .to_owned(),
        )
        .await
    }
}
