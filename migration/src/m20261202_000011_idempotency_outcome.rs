//! `outcome` on idempotency records: the answer of an idempotent request as a
//! versioned, serialized domain outcome (a withdrawal, a deposit, a tenant ...)
//! or, for a refusal, the problem document as first sent; the API renders the
//! first answer and every replay from it with the same function.
//!
//! Records completed before this migration keep their `response_status` and
//! `response_body` and are replayed from those until the retention purge
//! removes them; new records leave both null. The column `scope` (which holds
//! the tenant) keeps its name, so that instances of the previous version keep
//! working during a rolling deploy; the entity calls it `tenant_id`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdempotencyRecords {
    Table,
    Outcome,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(IdempotencyRecords::Table)
                .add_column(ColumnDef::new(IdempotencyRecords::Outcome).text().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(IdempotencyRecords::Table)
                .drop_column(IdempotencyRecords::Outcome)
                .to_owned(),
        )
        .await
    }
}
