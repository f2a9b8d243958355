//! Game providers' signing keys, kept in memory: a provider calls for every
//! bet and win, and reading its tenant and secrets from the database each
//! time would cost two round trips before the call's own work.
//!
//! An entry is used for [`KEYS_FRESH_FOR`] after it was read. A signature
//! the cached secrets do not verify is checked once more against secrets
//! read again, so a rotation made on any server is honoured at once; the
//! previous secret's end of validity is checked on every call, cached or not.
//! Only providers that exist are kept (at most one entry each), so calls
//! naming unknown tenants or providers cannot grow the map.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use games::ProviderSlug;
use persistence::Db;
use persistence::games::ProviderKeys;
use persistence::records::TenantId;

use crate::problem::ApiError;
use crate::routes::webhooks::verify_signed;

/// Accepted clock skew of a call's signature timestamp, seconds.
pub const SIGNATURE_TOLERANCE_S: i64 = 300;
/// How long keys read from the database are used without reading them again.
pub const KEYS_FRESH_FOR: Duration = Duration::from_secs(30);

/// A provider's keys as read, with its tenant's id.
struct Entry {
    tenant: TenantId,
    keys: Arc<ProviderKeys>,
    read_at: Instant,
}

/// The cache, shared by the server's workers.
#[derive(Default)]
pub struct GameKeys {
    entries: RwLock<HashMap<(String, ProviderSlug), Entry>>,
}

impl GameKeys {
    /// Verifies the `Kasa-Signature` header `signature` over `body` for
    /// `provider` of the tenant `tenant_slug`, and answers the tenant's id:
    /// `NotFound` (404) when the tenant has no such provider, else
    /// `InvalidSignature` (401) unless a secret accepted now signed it.
    pub async fn verify(
        &self,
        db: &Db,
        tenant_slug: &str,
        provider: &ProviderSlug,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<TenantId, ApiError> {
        let now = Utc::now();
        if let Some((tenant, keys)) = self.fresh(tenant_slug, provider)
            && check(&keys, signature, body, now).is_ok()
        {
            return Ok(tenant);
        }
        let (tenant, keys) = self.read(db, tenant_slug, provider).await?;
        check(&keys, signature, body, now)?;
        Ok(tenant)
    }

    /// The cached keys, when read less than [`KEYS_FRESH_FOR`] ago.
    fn fresh(
        &self,
        tenant_slug: &str,
        provider: &ProviderSlug,
    ) -> Option<(TenantId, Arc<ProviderKeys>)> {
        let entries = self.entries.read().ok()?;
        let entry = entries.get(&(tenant_slug.to_owned(), provider.clone()))?;
        (entry.read_at.elapsed() < KEYS_FRESH_FOR).then(|| (entry.tenant, Arc::clone(&entry.keys)))
    }

    /// Reads the tenant and the provider's keys from the database and
    /// caches them.
    async fn read(
        &self,
        db: &Db,
        tenant_slug: &str,
        provider: &ProviderSlug,
    ) -> Result<(TenantId, Arc<ProviderKeys>), ApiError> {
        let tenant = db
            .tenant_by_slug(tenant_slug)
            .await?
            .ok_or(ApiError::NotFound("tenant"))?;
        let keys = Arc::new(
            db.game_provider_keys(tenant.id, provider)
                .await?
                .ok_or(ApiError::NotFound("provider"))?,
        );
        if let Ok(mut entries) = self.entries.write() {
            let entry = Entry {
                tenant: tenant.id,
                keys: Arc::clone(&keys),
                read_at: Instant::now(),
            };
            entries.insert((tenant_slug.to_owned(), provider.clone()), entry);
        }
        Ok((tenant.id, keys))
    }
}

/// Whether one of the secrets accepted at `now` signed `body`.
fn check(
    keys: &ProviderKeys,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    verify_signed(
        signature,
        body,
        &keys.accepted_at(now),
        now.timestamp(),
        SIGNATURE_TOLERANCE_S,
    )
}
