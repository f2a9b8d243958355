//! A player's timeout or self-exclusion; only ever inserted.

use sea_orm::entity::prelude::*;

/// A row of `player_exclusions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "player_exclusions")]
pub struct Model {
    /// Its id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Owning tenant.
    pub tenant_id: Uuid,
    /// The excluded player.
    pub player_id: Uuid,
    /// `timeout` or `self_exclusion`.
    pub kind: String,
    /// When the block starts (included).
    pub starts_at: DateTimeUtc,
    /// When the block ends (excluded).
    pub ends_at: DateTimeUtc,
    /// When the player asked for it.
    pub created_at: DateTimeUtc,
}

/// `player_exclusions` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
