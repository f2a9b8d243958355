//! A tenant's player-protection policy; a tenant without a row has the
//! contract's defaults.

use sea_orm::entity::prelude::*;

/// A row of `tenant_policies`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenant_policies")]
pub struct Model {
    /// The tenant (one row at most).
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    /// Hours a raised or removed limit waits.
    pub cooling_off_hours: i32,
    /// JSON array of the actions reserved for verified players.
    pub kyc_required_for: String,
    /// JSON object: currency code → decimal string.
    pub kyc_deposit_threshold: String,
    /// JSON object: currency code → decimal string.
    pub dual_approval_threshold: String,
    /// Whether players may cancel their own withdrawals.
    pub player_cancel_allowed: bool,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// `tenant_policies` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
