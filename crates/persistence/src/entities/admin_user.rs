//! Back-office users with a role; platform admins have no tenant.

use sea_orm::entity::prelude::*;

/// A row of `admin_users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "admin_users")]
pub struct Model {
    /// Admin id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Tenant the admin belongs to; `None` for platform admins.
    pub tenant_id: Option<Uuid>,
    /// Lower-cased login email, unique across the platform.
    #[sea_orm(unique)]
    pub email: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Role name (`platform_admin`, `tenant_admin`, `finance`, `support`).
    pub role: String,
    /// Creation time.
    pub created_at: DateTimeUtc,
}

/// `admin_users` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
