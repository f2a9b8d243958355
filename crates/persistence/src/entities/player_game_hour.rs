//! One hour of a player's accepted game movements, for the loss and wager
//! windows (kept only while the player has such a limit).

use sea_orm::entity::prelude::*;

/// A row of `player_game_hours`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "player_game_hours")]
pub struct Model {
    /// The player.
    #[sea_orm(primary_key, auto_increment = false)]
    pub player_id: Uuid,
    /// The movements' currency.
    #[sea_orm(primary_key, auto_increment = false)]
    pub currency: String,
    /// The hour's first instant (UTC).
    #[sea_orm(primary_key, auto_increment = false)]
    pub hour: DateTimeUtc,
    /// Bets accepted in the hour (rolled back later or not), minor units.
    pub bets_minor: i64,
    /// Wins accepted in the hour, minor units.
    pub wins_minor: i64,
    /// What bet rollbacks accepted in the hour returned, minor units.
    pub rollbacks_minor: i64,
}

/// `player_game_hours` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
