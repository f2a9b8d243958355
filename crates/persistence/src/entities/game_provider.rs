//! A game provider registered for a tenant, with its signing secret.

use sea_orm::entity::prelude::*;

/// A row of `game_providers`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "game_providers")]
pub struct Model {
    /// Its id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Owning tenant.
    pub tenant_id: Uuid,
    /// The provider's slug, unique per tenant; the path segment of its calls.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// The current signing secret.
    pub secret: String,
    /// The secret before the last rotation, still accepted until
    /// `previous_secret_until`.
    pub previous_secret: Option<String>,
    /// When the previous secret stops being accepted.
    pub previous_secret_until: Option<DateTimeUtc>,
    /// When it was registered.
    pub created_at: DateTimeUtc,
    /// When its secret was last rotated.
    pub rotated_at: Option<DateTimeUtc>,
}

/// `game_providers` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
