//! What a reconciliation run found, one row per record or check.

use sea_orm::entity::prelude::*;

/// A row of `reconciliation_findings`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reconciliation_findings")]
pub struct Model {
    /// Finding id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The run.
    pub run_id: Uuid,
    /// `matched`, `mismatched`, `missing_in_psp`, `missing_in_kasa`, `wallet_mismatch`, `clearing_mismatch`.
    pub kind: String,
    /// `deposit`, `payout`, `wallet` or `clearing`.
    pub reference_type: String,
    /// Kasa reference (deposit or attempt id), player id, or account code.
    pub reference: String,
    /// Status in Kasa.
    pub kasa_status: Option<String>,
    /// Status at the PSP.
    pub psp_status: Option<String>,
    /// Amount in Kasa (minor units).
    pub kasa_amount: Option<i64>,
    /// Amount at the PSP (minor units).
    pub psp_amount: Option<i64>,
    /// ISO 4217 code.
    pub currency: String,
    /// Human-readable detail.
    pub detail: String,
    /// The run's tenant (`None`: a platform-wide run).
    pub tenant_id: Option<Uuid>,
}

/// `reconciliation_findings` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
