//! The tamper-evident audit log: hash-chained events per tenant.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditChainHeads {
    Table,
    ChainId,
    LastSeq,
    LastHash,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    ChainId,
    Seq,
    TenantId,
    Actor,
    Role,
    Action,
    TargetType,
    TargetId,
    Before,
    After,
    RequestId,
    CreatedAt,
    PrevHash,
    Hash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditChainHeads::Table)
                .col(string_len(AuditChainHeads::ChainId, 64).primary_key())
                .col(big_integer(AuditChainHeads::LastSeq))
                .col(string_len(AuditChainHeads::LastHash, 64))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditEvents::Table)
                .col(pk_uuid(AuditEvents::Id))
                .col(string_len(AuditEvents::ChainId, 64))
                .col(big_integer(AuditEvents::Seq))
                .col(uuid_null(AuditEvents::TenantId))
                .col(string_len(AuditEvents::Actor, 300))
                .col(string_len(AuditEvents::Role, 32))
                .col(string_len(AuditEvents::Action, 64))
                .col(string_len(AuditEvents::TargetType, 32))
                .col(string_len(AuditEvents::TargetId, 128))
                .col(text_null(AuditEvents::Before))
                .col(text_null(AuditEvents::After))
                .col(string_len(AuditEvents::RequestId, 64))
                .col(big_integer(AuditEvents::CreatedAt))
                .col(string_len(AuditEvents::PrevHash, 64))
                .col(string_len(AuditEvents::Hash, 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_audit_events_chain_seq")
                .table(AuditEvents::Table)
                .col(AuditEvents::ChainId)
                .col(AuditEvents::Seq)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_events_tenant")
                .table(AuditEvents::Table)
                .col(AuditEvents::TenantId)
                .col(AuditEvents::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(AuditEvents::Table)
                .if_exists()
                .to_owned(),
        )
        .await?;
        m.drop_table(
            Table::drop()
                .table(AuditChainHeads::Table)
                .if_exists()
                .to_owned(),
        )
        .await
    }
}
