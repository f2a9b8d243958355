//! A game round as the wallet knows it: closed, and whether it has a win.

use sea_orm::entity::prelude::*;

/// A row of `game_rounds`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "game_rounds")]
pub struct Model {
    /// Owning tenant.
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    /// The provider slug.
    #[sea_orm(primary_key, auto_increment = false)]
    pub provider: String,
    /// The provider's round id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: String,
    /// The player of its first call.
    pub player_id: Uuid,
    /// A `round_closed: true` bet or win arrived.
    pub closed: bool,
    /// A win above zero was credited.
    pub win_credited: bool,
    /// First seen.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// `game_rounds` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
