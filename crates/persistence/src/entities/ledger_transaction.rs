//! Immutable ledger transactions (the header of a set of balanced postings).

use sea_orm::entity::prelude::*;

/// A row of `ledger_transactions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_transactions")]
pub struct Model {
    /// Transaction id (UUIDv7, so ids sort by time).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Owning tenant.
    pub tenant_id: Uuid,
    /// Movement kind (`deposit`, `withdrawal_hold`, ...).
    pub kind: String,
    /// The player whose wallet moved, if any.
    pub player_id: Option<Uuid>,
    /// ISO 4217 code.
    pub currency: String,
    /// Size of the movement in minor units (positive).
    pub amount_minor: i64,
    /// Wallet available balance right after this transaction.
    pub available_after_minor: Option<i64>,
    /// Wallet held balance right after this transaction.
    pub held_after_minor: Option<i64>,
    /// What caused it (`deposit`, `withdrawal`, ...).
    pub reference_type: String,
    /// Id of the cause.
    pub reference_id: Uuid,
    /// Commit time.
    pub created_at: DateTimeUtc,
}

/// `ledger_transactions` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
