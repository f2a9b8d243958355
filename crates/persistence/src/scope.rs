//! Which tenants a read or an admin action covers.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

/// The tenants a caller may see. There is deliberately no conversion from
/// `Option<Uuid>`: "no tenant" never silently widens to every tenant; the API
/// builds `All` only for a verified platform admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantScope {
    /// Every tenant (platform admins only).
    All,
    /// One tenant.
    One(Uuid),
}

impl TenantScope {
    /// The tenant a record made in this scope belongs to (`None`: platform-wide).
    pub fn tenant_id(self) -> Option<Uuid> {
        match self {
            TenantScope::All => None,
            TenantScope::One(tenant) => Some(tenant),
        }
    }

    /// True when a record of `tenant` lies in the scope.
    pub fn admits(self, tenant: Uuid) -> bool {
        match self {
            TenantScope::All => true,
            TenantScope::One(own) => own == tenant,
        }
    }

    /// Restricts `select` to the scope through its tenant column.
    pub(crate) fn restrict<E: EntityTrait>(
        self,
        select: Select<E>,
        column: E::Column,
    ) -> Select<E> {
        match self {
            TenantScope::All => select,
            TenantScope::One(tenant) => select.filter(column.eq(tenant)),
        }
    }
}
