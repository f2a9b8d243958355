//! Tokens, passwords and the authenticated principals.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use ledger::PlayerId;
use persistence::TenantScope;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::problem::ApiError;
use crate::state::AppState;

/// Admin roles (stored with the admin user, so defined by storage's records).
pub use persistence::records::Role;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    kind: PrincipalKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tenant: Option<Uuid>,
    iss: String,
    aud: String,
    iat: i64,
    exp: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum PrincipalKind {
    Admin,
    Player,
}

/// Signs and checks HS256 tokens. The algorithm is pinned; `exp`, `iss` and
/// `aud` are required.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
}

/// An issued token.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IssuedToken {
    /// The JWT.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Lifetime in seconds.
    pub expires_in: u64,
}

impl TokenKeys {
    /// Keys from the shared secret.
    pub fn new(secret: &SecretString, issuer: &str, audience: &str) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        }
    }

    fn issue(&self, claims_of: ClaimsOf, ttl_s: u64) -> Result<IssuedToken, ApiError> {
        let now = Utc::now().timestamp();
        let (sub, kind, role, tenant) = match claims_of {
            ClaimsOf::Admin(a) => (
                a.admin_id,
                PrincipalKind::Admin,
                Some(a.role),
                a.tenant_id(),
            ),
            ClaimsOf::Player(p) => (
                p.player_id.0,
                PrincipalKind::Player,
                None,
                Some(p.tenant_id),
            ),
        };
        let claims = Claims {
            sub,
            kind,
            role,
            tenant,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            exp: now.saturating_add(i64::try_from(ttl_s).unwrap_or(i64::MAX)),
        };
        let access_token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(
                |e| {
                    tracing::error!(error = %e, "token signing failed");
                    ApiError::Internal
                },
            )?;
        Ok(IssuedToken {
            access_token,
            token_type: "Bearer",
            expires_in: ttl_s,
        })
    }

    /// Issues an admin token.
    pub fn issue_admin(&self, admin: AdminPrincipal, ttl_s: u64) -> Result<IssuedToken, ApiError> {
        self.issue(ClaimsOf::Admin(admin), ttl_s)
    }

    /// Issues a player token.
    pub fn issue_player(
        &self,
        player: PlayerPrincipal,
        ttl_s: u64,
    ) -> Result<IssuedToken, ApiError> {
        self.issue(ClaimsOf::Player(player), ttl_s)
    }

    fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| ApiError::Unauthorized)
    }
}

enum ClaimsOf {
    Admin(AdminPrincipal),
    Player(PlayerPrincipal),
}

/// An authenticated admin. Built only through [`AdminPrincipal::new`], which
/// pairs the role with its tenant scope: a platform admin has no tenant and
/// sees every tenant; any other admin has exactly one tenant.
#[derive(Debug, Clone, Copy)]
pub struct AdminPrincipal {
    /// Admin id.
    pub admin_id: Uuid,
    role: Role,
    scope: TenantScope,
}

impl AdminPrincipal {
    /// An admin of `role` and `tenant_id`; `Unauthorized` when they do not fit
    /// (a non-platform admin without a tenant, or a platform admin with one),
    /// so a principal never widens to every tenant by a missing claim.
    pub fn new(admin_id: Uuid, role: Role, tenant_id: Option<Uuid>) -> Result<Self, ApiError> {
        let scope = match (role, tenant_id) {
            (Role::PlatformAdmin, None) => TenantScope::All,
            (Role::PlatformAdmin, Some(_)) | (_, None) => {
                tracing::warn!(%admin_id, role = role.as_str(), "admin principal without a fitting tenant refused");
                return Err(ApiError::Unauthorized);
            }
            (_, Some(tenant)) => TenantScope::One(tenant),
        };
        Ok(Self {
            admin_id,
            role,
            scope,
        })
    }

    /// Role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Tenant; `None` for platform admins.
    pub fn tenant_id(&self) -> Option<Uuid> {
        self.scope.tenant_id()
    }

    /// Fails with 403 unless the admin has at least `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// The tenants the admin's reads and actions cover.
    pub fn tenant_filter(&self) -> TenantScope {
        self.scope
    }

    /// True when the admin may see records of `tenant_id`.
    pub fn sees_tenant(&self, tenant_id: Uuid) -> bool {
        self.scope.admits(tenant_id)
    }
}

/// An authenticated player.
#[derive(Debug, Clone, Copy)]
pub struct PlayerPrincipal {
    /// Player id.
    pub player_id: PlayerId,
    /// Tenant of the player.
    pub tenant_id: Uuid,
}

fn bearer(req: &HttpRequest) -> Result<&str, ApiError> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthorized)
}

fn claims(req: &HttpRequest) -> Result<Claims, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or(ApiError::Internal)?;
    state.tokens.verify(bearer(req)?)
}

impl FromRequest for AdminPrincipal {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(claims(req).and_then(|c| match (c.kind, c.role) {
            (PrincipalKind::Admin, Some(role)) => AdminPrincipal::new(c.sub, role, c.tenant),
            _ => Err(ApiError::Forbidden),
        }))
    }
}

impl FromRequest for PlayerPrincipal {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(claims(req).and_then(|c| match (c.kind, c.tenant) {
            (PrincipalKind::Player, Some(tenant_id)) => Ok(PlayerPrincipal {
                player_id: PlayerId(c.sub),
                tenant_id,
            }),
            _ => Err(ApiError::Forbidden),
        }))
    }
}

/// Shortest password accepted.
pub const PASSWORD_LEN_MIN: usize = 10;
/// Longest password accepted (hashing cost stays bounded).
pub const PASSWORD_LEN_MAX: usize = 128;

/// Checks the password policy.
pub fn check_password_policy(password: &str) -> Result<(), ApiError> {
    let len = password.chars().count();
    if !(PASSWORD_LEN_MIN..=PASSWORD_LEN_MAX).contains(&len) {
        return Err(ApiError::Validation(format!(
            "password must be {PASSWORD_LEN_MIN} to {PASSWORD_LEN_MAX} characters"
        )));
    }
    Ok(())
}

/// At most this many password hashes run at once (one per core). Each Argon2id
/// run holds about 19 MiB, so a login storm costs bounded memory and queues
/// instead of starving the request workers.
static PASSWORD_WORK: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        tokio::sync::Semaphore::new(cores)
    });

/// Runs `work` on the blocking pool under a [`PASSWORD_WORK`] permit; `None` if
/// the pool is gone (shutdown).
async fn password_work<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let _permit = PASSWORD_WORK.acquire().await.ok()?;
    web::block(work).await.ok()
}

/// Hashes a password with Argon2id (random salt) on the blocking pool.
pub async fn hash_password(password: SecretString) -> Result<String, ApiError> {
    password_work(move || {
        Argon2::default()
            .hash_password(password.expose_secret().as_bytes())
            .map(|h| h.to_string())
    })
    .await
    .ok_or(ApiError::Internal)?
    .map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        ApiError::Internal
    })
}

/// Verifies a password against a stored hash on the blocking pool. With no
/// stored hash it still spends the same work against a fixed hash, so a
/// missing account does not answer faster than a wrong password.
pub async fn verify_password(password: SecretString, stored: Option<String>) -> bool {
    password_work(move || {
        let matches = |hash: &str| {
            Argon2::default()
                .verify_password(password.expose_secret().as_bytes(), hash)
                .is_ok()
        };
        match stored {
            Some(hash) => matches(&hash),
            None => {
                let _ = matches(&DUMMY_HASH);
                false
            }
        }
    })
    .await
    .unwrap_or(false)
}

static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    Argon2::default()
        .hash_password_with_salt(b"kasa-no-such-account", b"kasa-fixed-salt!")
        .map(|h| h.to_string())
        .unwrap_or_default()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_follows_the_role_and_never_widens() {
        let (id, tenant) = (Uuid::now_v7(), Uuid::now_v7());
        for role in [Role::Support, Role::Finance, Role::TenantAdmin] {
            assert!(
                AdminPrincipal::new(id, role, None).is_err(),
                "{role:?} without tenant"
            );
            let admin = AdminPrincipal::new(id, role, Some(tenant)).map_err(|e| e.to_string());
            assert_eq!(
                admin.map(|a| a.tenant_filter()),
                Ok(TenantScope::One(tenant))
            );
        }
        assert!(AdminPrincipal::new(id, Role::PlatformAdmin, Some(tenant)).is_err());
        let platform =
            AdminPrincipal::new(id, Role::PlatformAdmin, None).map_err(|e| e.to_string());
        assert_eq!(platform.map(|a| a.tenant_filter()), Ok(TenantScope::All));
    }
}
