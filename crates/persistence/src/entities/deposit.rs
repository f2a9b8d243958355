//! Deposits through the PSP: pending, then succeeded (credited once) or failed.

use sea_orm::entity::prelude::*;

/// A row of `deposits`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deposits")]
pub struct Model {
    /// Deposit id; also the `reference` Kasa gives the PSP.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Owning tenant.
    pub tenant_id: Uuid,
    /// Depositing player.
    pub player_id: Uuid,
    /// Amount in minor units.
    pub amount_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    /// PSP name.
    pub provider: String,
    /// The PSP id of the deposit, once known.
    pub provider_ref: Option<String>,
    /// PSP failure code of a failed deposit.
    pub failure_code: Option<String>,
    /// Creation time.
    pub created_at: DateTimeUtc,
    /// Last status change.
    pub updated_at: DateTimeUtc,
}

/// `deposits` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
