//! The foundation's integration tables: the PSP event inbox, idempotency
//! records and anomalies.

use sea_orm_migration::{prelude::*, schema::*};

use super::*;

pub(super) async fn create_integration_tables(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table(Deposits::Table)
            .col(pk_uuid(Deposits::Id))
            .col(uuid(Deposits::TenantId))
            .col(uuid(Deposits::PlayerId))
            .col(big_integer(Deposits::AmountMinor).check(Expr::col(Deposits::AmountMinor).gt(0)))
            .col(string_len(Deposits::Currency, 3))
            .col(string_len(Deposits::Status, 16))
            .col(string_len(Deposits::Provider, 32))
            .col(string_len_null(Deposits::ProviderRef, 128))
            .col(string_len_null(Deposits::FailureCode, 64))
            .col(timestamp_with_time_zone(Deposits::CreatedAt))
            .col(timestamp_with_time_zone(Deposits::UpdatedAt))
            .foreign_key(
                ForeignKey::create()
                    .from(Deposits::Table, Deposits::PlayerId)
                    .to(Players::Table, Players::Id),
            )
            .to_owned(),
    )
    .await?;
    m.create_index(
        index("ix_deposits_player_id")
            .table(Deposits::Table)
            .col(Deposits::PlayerId)
            .col(Deposits::Id)
            .to_owned(),
    )
    .await?;
    m.create_index(
        index("ix_deposits_tenant_id")
            .table(Deposits::Table)
            .col(Deposits::TenantId)
            .col(Deposits::Id)
            .to_owned(),
    )
    .await?;
    m.create_index(
        index("ux_deposits_provider_ref")
            .table(Deposits::Table)
            .col(Deposits::Provider)
            .col(Deposits::ProviderRef)
            .unique()
            .to_owned(),
    )
    .await?;
    m.create_table(
        Table::create()
            .table(PspEvents::Table)
            .col(pk_uuid(PspEvents::Id))
            .col(string_len(PspEvents::Provider, 32))
            .col(string_len(PspEvents::EventId, 255))
            .col(string_len(PspEvents::EventType, 32))
            .col(string_len(PspEvents::Reference, 64))
            .col(text(PspEvents::Payload))
            .col(string_len(PspEvents::Outcome, 16))
            .col(timestamp_with_time_zone(PspEvents::ReceivedAt))
            .to_owned(),
    )
    .await?;
    // The inbox key: one PSP event id is processed once, ever.
    m.create_index(
        index("ux_psp_events_provider_event")
            .table(PspEvents::Table)
            .col(PspEvents::Provider)
            .col(PspEvents::EventId)
            .unique()
            .to_owned(),
    )
    .await?;
    m.create_table(
        Table::create()
            .table(IdempotencyRecords::Table)
            .col(pk_uuid(IdempotencyRecords::Id))
            .col(string_len(IdempotencyRecords::Scope, 64))
            .col(string_len(IdempotencyRecords::Principal, 64))
            .col(string_len(IdempotencyRecords::IdemKey, 255))
            .col(string_len(IdempotencyRecords::Fingerprint, 64))
            .col(string_len(IdempotencyRecords::State, 16))
            .col(uuid(IdempotencyRecords::LeaseToken))
            .col(big_integer(IdempotencyRecords::LeaseExpiresAtMs))
            .col(integer_null(IdempotencyRecords::ResponseStatus))
            .col(text_null(IdempotencyRecords::ResponseBody))
            .col(timestamp_with_time_zone(IdempotencyRecords::CreatedAt))
            .to_owned(),
    )
    .await?;
    m.create_index(
        index("ux_idempotency_scope_principal_key")
            .table(IdempotencyRecords::Table)
            .col(IdempotencyRecords::Scope)
            .col(IdempotencyRecords::Principal)
            .col(IdempotencyRecords::IdemKey)
            .unique()
            .to_owned(),
    )
    .await?;
    m.create_index(
        index("ix_idempotency_created_at")
            .table(IdempotencyRecords::Table)
            .col(IdempotencyRecords::CreatedAt)
            .to_owned(),
    )
    .await?;
    m.create_table(
        Table::create()
            .table(Anomalies::Table)
            .col(pk_uuid(Anomalies::Id))
            .col(uuid_null(Anomalies::TenantId))
            .col(string_len(Anomalies::Provider, 32))
            .col(string_len(Anomalies::EventId, 255))
            .col(string_len(Anomalies::Kind, 64))
            .col(string_len(Anomalies::ReferenceType, 32))
            .col(uuid_null(Anomalies::ReferenceId))
            .col(text(Anomalies::Detail))
            .col(timestamp_with_time_zone(Anomalies::CreatedAt))
            .to_owned(),
    )
    .await?;
    m.create_index(
        index("ix_anomalies_tenant_id")
            .table(Anomalies::Table)
            .col(Anomalies::TenantId)
            .col(Anomalies::Id)
            .to_owned(),
    )
    .await
}
