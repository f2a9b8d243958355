//! Kasa's database schema, as sea-orm migrations.
//!
//! Money is stored as `BIGINT` minor units (cents) on every backend: exact on
//! PostgreSQL and SQLite alike, and never a float. Every tenant-owned table
//! carries `tenant_id` so the schema can later be distributed by tenant.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_foundation;
mod m20261124_000002_withdrawals;
mod m20261124_000003_jobs_reconciliation;
mod m20261124_000004_audit;
mod m20261126_000005_write_path_indexes;
mod m20261126_000006_tenant_columns;
mod m20261201_000007_idempotency_resource;
mod m20261201_000008_job_lease_tokens;
mod m20261201_000010_audit_hash_version;
mod m20261202_000011_idempotency_outcome;
mod m20261202_000012_game_wallet;
mod m20261204_000013_player_protection;
mod m20261204_000014_dual_approval;
mod m20261204_000015_player_limits;
mod m20261204_000016_psp_accounts;

/// The ordered list of Kasa's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_foundation::Migration),
            Box::new(m20261124_000002_withdrawals::Migration),
            Box::new(m20261124_000003_jobs_reconciliation::Migration),
            Box::new(m20261124_000004_audit::Migration),
            Box::new(m20261126_000005_write_path_indexes::Migration),
            Box::new(m20261126_000006_tenant_columns::Migration),
            Box::new(m20261201_000007_idempotency_resource::Migration),
            Box::new(m20261201_000008_job_lease_tokens::Migration),
            Box::new(m20261201_000010_audit_hash_version::Migration),
            Box::new(m20261202_000011_idempotency_outcome::Migration),
            Box::new(m20261202_000012_game_wallet::Migration),
            Box::new(m20261204_000013_player_protection::Migration),
            Box::new(m20261204_000014_dual_approval::Migration),
            Box::new(m20261204_000015_player_limits::Migration),
            Box::new(m20261204_000016_psp_accounts::Migration),
        ]
    }
}
