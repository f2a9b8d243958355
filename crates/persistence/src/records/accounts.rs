//! Tenants, back-office users and players.

use std::fmt;

use chrono::{DateTime, Utc};
use ledger::{Currency, PlayerId};
use protection::KycStatus;
use serde::{Deserialize, Serialize};

use super::{AdminId, TenantId};

/// An operator; every tenant-owned record points at one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    /// Tenant id.
    pub id: TenantId,
    /// URL-safe unique name used at login and registration.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// Admin roles, from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Read-only.
    Support,
    /// May approve, reject, pay out, recheck and reconcile.
    Finance,
    /// Manages the users of one tenant.
    TenantAdmin,
    /// Everything, on every tenant.
    PlatformAdmin,
}

impl Role {
    /// Every role, least powerful first.
    pub const ALL: [Role; 4] = [
        Role::Support,
        Role::Finance,
        Role::TenantAdmin,
        Role::PlatformAdmin,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Support => "support",
            Role::Finance => "finance",
            Role::TenantAdmin => "tenant_admin",
            Role::PlatformAdmin => "platform_admin",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|r| r.as_str() == raw)
    }
}

/// An Argon2id PHC string. Its `Debug` never shows it, so a record printed
/// in a log line or a test failure does not leak it.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a stored PHC string.
    pub fn new(phc: String) -> Self {
        Self(phc)
    }

    /// The PHC string, for verifying a password against it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(*** redacted ***)")
    }
}

/// A back-office user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminUser {
    /// Admin id.
    pub id: AdminId,
    /// Tenant the admin belongs to; `None` for platform admins.
    pub tenant: Option<TenantId>,
    /// Lower-cased login email.
    pub email: String,
    /// Role.
    pub role: Role,
    /// Password hash (redacted in `Debug`).
    pub password_hash: PasswordHash,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// A player of one tenant, with exactly one wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Player {
    /// Player id.
    pub id: PlayerId,
    /// Owning tenant.
    pub tenant: TenantId,
    /// Lower-cased email, unique within the tenant.
    pub email: String,
    /// Password hash (redacted in `Debug`).
    pub password_hash: PasswordHash,
    /// Currency of the wallet.
    pub currency: Currency,
    /// Where the player's identity check stands.
    pub kyc_status: KycStatus,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_hash_never_shows_in_debug() {
        let hash = PasswordHash::new("$argon2id$v=19$secret".into());
        assert!(!format!("{hash:?}").contains("argon2"));
        assert_eq!(hash.expose(), "$argon2id$v=19$secret");
    }

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
