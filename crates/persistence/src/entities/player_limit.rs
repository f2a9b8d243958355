//! A player's limit of one kind over one period, and its pending change.

use sea_orm::entity::prelude::*;

/// A row of `player_limits`: at most one per (player, kind, period).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "player_limits")]
pub struct Model {
    /// Owning tenant.
    pub tenant_id: Uuid,
    /// The player.
    #[sea_orm(primary_key, auto_increment = false)]
    pub player_id: Uuid,
    /// `deposit`, `loss` or `wager`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    /// `day`, `week` or `month`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: String,
    /// The wallet's currency, of both amounts.
    pub currency: String,
    /// The limit in force, in minor units; `None` while none is.
    pub amount_minor: Option<i64>,
    /// The pending raise in minor units; `None` with `pending_effective_at`
    /// set is a pending removal.
    pub pending_amount_minor: Option<i64>,
    /// When the pending change applies; `None`: nothing pending.
    pub pending_effective_at: Option<DateTimeUtc>,
    /// Last write.
    pub updated_at: DateTimeUtc,
}

/// `player_limits` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
