//! Tenants, admin users and players.

use ledger::PlayerId;
use protection::KycStatus;

use super::{corrupt, currency};
use crate::entities::{admin_user as admin_row, player as player_row, tenant as tenant_row};
use crate::error::StoreResult;
use crate::records::{AdminId, AdminUser, PasswordHash, Player, Role, Tenant, TenantId};

/// A `tenants` row.
pub(crate) fn tenant(row: tenant_row::Model) -> Tenant {
    Tenant {
        id: TenantId(row.id),
        slug: row.slug,
        name: row.name,
        created_at: row.created_at,
    }
}

/// An `admin_users` row.
pub(crate) fn admin_user(row: admin_row::Model) -> StoreResult<AdminUser> {
    let role = Role::parse(&row.role)
        .ok_or_else(|| corrupt("admin_users.role", format_args!("{:?}", row.role)))?;
    Ok(AdminUser {
        id: AdminId(row.id),
        tenant: row.tenant_id.map(TenantId),
        email: row.email,
        role,
        password_hash: PasswordHash::new(row.password_hash),
        created_at: row.created_at,
    })
}

/// A `players` row.
pub(crate) fn player(row: player_row::Model) -> StoreResult<Player> {
    Ok(Player {
        id: PlayerId(row.id),
        tenant: TenantId(row.tenant_id),
        currency: currency("players.currency", &row.currency)?,
        kyc_status: KycStatus::parse(&row.kyc_status)
            .map_err(|_| corrupt("players.kyc_status", format_args!("{:?}", row.kyc_status)))?,
        email: row.email,
        password_hash: PasswordHash::new(row.password_hash),
        created_at: row.created_at,
    })
}
