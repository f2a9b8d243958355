//! Immutable ledger postings: signed amounts that sum to zero per transaction and currency.

use sea_orm::entity::prelude::*;

/// A row of `ledger_postings`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_postings")]
pub struct Model {
    /// Posting id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The transaction this posting belongs to.
    pub transaction_id: Uuid,
    /// Owning tenant.
    pub tenant_id: Uuid,
    /// Account code (see `ledger::Account::code`).
    pub account: String,
    /// The player owning the account, for player accounts.
    pub player_id: Option<Uuid>,
    /// ISO 4217 code.
    pub currency: String,
    /// Signed change of the account balance in minor units.
    pub amount_minor: i64,
    /// Commit time.
    pub created_at: DateTimeUtc,
}

/// `ledger_postings` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
