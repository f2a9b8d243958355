//! The wallet projection: balances derived from the ledger, kept under a row lock.

use sea_orm::entity::prelude::*;

/// A row of `wallets`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "wallets")]
pub struct Model {
    /// The player owning the wallet (one wallet per player).
    #[sea_orm(primary_key, auto_increment = false)]
    pub player_id: Uuid,
    /// Owning tenant.
    pub tenant_id: Uuid,
    /// ISO 4217 code.
    pub currency: String,
    /// Spendable balance in minor units.
    pub available_minor: i64,
    /// Balance reserved by pending withdrawals, in minor units.
    pub held_minor: i64,
    /// Time of the last balance change.
    pub updated_at: DateTimeUtc,
}

/// `wallets` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
