//! A player's game session: what a provider's calls carry as `session`.

use sea_orm::entity::prelude::*;

/// A row of `game_sessions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "game_sessions")]
pub struct Model {
    /// Its id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Owning tenant.
    pub tenant_id: Uuid,
    /// The player who opened it.
    pub player_id: Uuid,
    /// The provider slug it was opened for.
    pub provider: String,
    /// The game it was opened for.
    pub game: String,
    /// SHA-256 (lower-case hex) of the token; the token is never stored.
    pub token_hash: String,
    /// The wallet's currency.
    pub currency: String,
    /// When it ends by itself.
    pub expires_at: DateTimeUtc,
    /// When the player revoked it.
    pub revoked_at: Option<DateTimeUtc>,
    /// When it was opened.
    pub created_at: DateTimeUtc,
}

/// `game_sessions` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
