//! `jobs.lease_token`: a fresh token per claim, so a worker whose lease was
//! taken over (even by a runner of the same name) can no longer touch the job
//! or what it works on. `reconciliation_runs.unreadable`: how many report lines
//! of a run could not be read.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Jobs {
    Table,
    LeaseToken,
}

#[derive(DeriveIden)]
enum ReconciliationRuns {
    Table,
    Unreadable,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Jobs::Table)
                .add_column(ColumnDef::new(Jobs::LeaseToken).uuid().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(ReconciliationRuns::Table)
                .add_column(
                    ColumnDef::new(ReconciliationRuns::Unreadable)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ReconciliationRuns::Table)
                .drop_column(ReconciliationRuns::Unreadable)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Jobs::Table)
                .drop_column(Jobs::LeaseToken)
                .to_owned(),
        )
        .await
    }
}
