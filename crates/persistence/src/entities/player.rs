//! Players of one tenant; each has exactly one wallet.

use sea_orm::entity::prelude::*;

/// A row of `players`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "players")]
pub struct Model {
    /// Player id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Owning tenant.
    pub tenant_id: Uuid,
    /// Lower-cased email, unique within the tenant.
    pub email: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// ISO 4217 code of the wallet.
    pub currency: String,
    /// `unverified`, `pending`, `verified` or `rejected`.
    pub kyc_status: String,
    /// Creation time.
    pub created_at: DateTimeUtc,
}

/// `players` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
