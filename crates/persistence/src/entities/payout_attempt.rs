//! Payout attempts: one PSP call each; the id is the PSP reference and idempotency key.

use sea_orm::entity::prelude::*;

/// A row of `payout_attempts`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payout_attempts")]
pub struct Model {
    /// Attempt id: the `reference` and `Idempotency-Key` sent to the PSP.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The withdrawal paid out.
    pub withdrawal_id: Uuid,
    /// Owning tenant.
    pub tenant_id: Uuid,
    /// `pending`, `succeeded`, `failed` or `unknown`.
    pub status: String,
    /// PSP name.
    pub provider: String,
    /// The PSP id of the payout, once known.
    pub provider_ref: Option<String>,
    /// PSP failure code.
    pub failure_code: Option<String>,
    /// Creation time.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// `payout_attempts` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
