//! Reconciliation runs: Kasa against the PSP report for a window.

use sea_orm::entity::prelude::*;

/// A row of `reconciliation_runs`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reconciliation_runs")]
pub struct Model {
    /// Run id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Tenant scope (`None`: every tenant, platform admins).
    pub tenant_id: Option<Uuid>,
    /// PSP name.
    pub provider: String,
    /// Window start (inclusive).
    pub window_from: DateTimeUtc,
    /// Window end (exclusive).
    pub window_to: DateTimeUtc,
    /// `queued`, `running`, `succeeded` or `failed`.
    pub status: String,
    /// Why it failed.
    pub error: Option<String>,
    /// Records that agree.
    pub matched: i32,
    /// Records whose status, amount or currency differ.
    pub mismatched: i32,
    /// Kasa records the PSP does not report.
    pub missing_in_psp: i32,
    /// PSP records Kasa does not have.
    pub missing_in_kasa: i32,
    /// Wallets that differ from their ledger.
    pub wallet_mismatches: i32,
    /// Currencies whose PSP clearing movement differs from the PSP report.
    pub clearing_mismatches: i32,
    /// Report lines that could not be read.
    pub unreadable: i32,
    /// `admin:<id>` who asked for it.
    pub created_by: String,
    /// Creation time.
    pub created_at: DateTimeUtc,
    /// When a worker started it.
    pub started_at: Option<DateTimeUtc>,
    /// When it ended.
    pub finished_at: Option<DateTimeUtc>,
}

/// `reconciliation_runs` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
