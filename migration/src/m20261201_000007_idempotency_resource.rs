//! `idempotency_records.resource_id`: the resource (deposit, payout attempt) an
//! in-flight request has created. Once it is set the key is never released for
//! a fresh run: a retry or a takeover resumes that resource instead of
//! creating a second one.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdempotencyRecords {
    Table,
    ResourceId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(IdempotencyRecords::Table)
                .add_column(ColumnDef::new(IdempotencyRecords::ResourceId).uuid().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(IdempotencyRecords::Table)
                .drop_column(IdempotencyRecords::ResourceId)
                .to_owned(),
        )
        .await
    }
}
