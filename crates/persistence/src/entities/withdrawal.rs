//! Withdrawals: the state machine's persisted state and the held amount.

use sea_orm::entity::prelude::*;

/// A row of `withdrawals`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "withdrawals")]
pub struct Model {
    /// Withdrawal id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Owning tenant.
    pub tenant_id: Uuid,
    /// Withdrawing player.
    pub player_id: Uuid,
    /// Amount in minor units.
    pub amount_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// State name (`requested`, `approved`, ...).
    pub state: String,
    /// Destination kind (`bank_account`, ...).
    pub destination_type: String,
    /// Destination account; never logged.
    pub destination_account: String,
    /// Why an admin rejected it.
    pub reject_reason: Option<String>,
    /// The admin who gave the first of two approvals.
    pub first_approved_by: Option<Uuid>,
    /// That admin's email when they approved.
    pub first_approver_email: Option<String>,
    /// When the first of two approvals was given.
    pub first_approved_at: Option<DateTimeUtc>,
    /// Creation time.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// `withdrawals` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
