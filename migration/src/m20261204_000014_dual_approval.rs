//! Dual approval of large withdrawals.
//!
//! * `withdrawals.state` widens to 32 characters for
//!   `awaiting_second_approval` (PostgreSQL; SQLite does not enforce a
//!   `VARCHAR` length). Growing a `VARCHAR` is a catalogue change on
//!   PostgreSQL: no rewrite of the table or of its indexes.
//! * `withdrawals.first_approved_by` / `first_approver_email` /
//!   `first_approved_at`: the admin who gave the first of two approvals (id,
//!   and email as it was then, for the approvals queue), and when; set in the same update that
//!   moves the withdrawal to `awaiting_second_approval`, kept afterwards,
//!   `NULL` for withdrawals that needed one approval. The second approval is
//!   checked against `first_approved_by` under the withdrawal's row lock.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Withdrawals {
    Table,
    State,
    FirstApprovedBy,
    FirstApproverEmail,
    FirstApprovedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Postgres {
            m.alter_table(
                Table::alter()
                    .table(Withdrawals::Table)
                    .modify_column(ColumnDef::new(Withdrawals::State).string_len(32).not_null())
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Withdrawals::Table)
                .add_column(ColumnDef::new(Withdrawals::FirstApprovedBy).uuid().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Withdrawals::Table)
                .add_column(
                    ColumnDef::new(Withdrawals::FirstApproverEmail)
                        .text()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Withdrawals::Table)
                .add_column(
                    ColumnDef::new(Withdrawals::FirstApprovedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Withdrawals::FirstApprovedAt,
            Withdrawals::FirstApproverEmail,
            Withdrawals::FirstApprovedBy,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Withdrawals::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
