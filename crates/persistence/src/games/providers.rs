//! Game providers per tenant: registration, secret rotation, listing, and
//! the keys a provider's call is verified with.

use chrono::{DateTime, Duration, Utc};
use games::ProviderSlug;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::audit::{self, AuditContext, AuditRecord};
use crate::completion::{Completion, complete_optional};
use crate::db::Db;
use crate::entities::game_provider;
use crate::error::{StoreError, StoreResult, is_unique_violation};
use crate::pagination::{Page, PageRequest, fetch_page};
use crate::records::TenantId;
use crate::scope::TenantScope;

/// How long the secret before a rotation is still accepted.
pub const PREVIOUS_SECRET_VALID_FOR: Duration = Duration::hours(24);

/// A registered game provider, without its secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameProvider {
    /// Its id.
    pub id: Uuid,
    /// Owning tenant.
    pub tenant: TenantId,
    /// Its slug, unique per tenant.
    pub slug: ProviderSlug,
    /// Display name.
    pub name: String,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When its secret was last rotated.
    pub rotated_at: Option<DateTime<Utc>>,
}

/// A secret as its one answer shows it: the provider's new signing secret,
/// or a session's token. Its `Debug` is masked; it is serialized only into
/// the idempotency record of the request that made it, so that a replay
/// answers the same.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ShownSecret(pub String);

impl std::fmt::Debug for ShownSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShownSecret(***)")
    }
}

/// A provider with the secret just made for it (registration, rotation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderWithSecret {
    /// The provider.
    pub provider: GameProvider,
    /// Its tenant's slug, as the answer names it.
    pub tenant_slug: String,
    /// Its new secret.
    pub secret: ShownSecret,
}

/// The secrets a provider's call may be signed with: the current one, and
/// the one before the last rotation until its 24 h overlap ends.
pub struct ProviderKeys {
    /// The provider.
    pub provider: GameProvider,
    /// The current secret.
    pub current: SecretString,
    /// The secret before the last rotation, and until when it is accepted.
    pub previous: Option<(SecretString, DateTime<Utc>)>,
}

impl ProviderKeys {
    /// The secrets accepted at `now`, the current first.
    pub fn accepted_at(&self, now: DateTime<Utc>) -> Vec<&SecretString> {
        let mut accepted = vec![&self.current];
        if let Some((previous, until)) = &self.previous
            && *until > now
        {
            accepted.push(previous);
        }
        accepted
    }
}

impl Db {
    /// Registers `slug` for `tenant` (id and slug) with its first signing `secret`
    /// (audited); `AlreadyExists` when the tenant has that slug.
    pub async fn create_game_provider(
        &self,
        (tenant, tenant_slug): (TenantId, String),
        slug: &ProviderSlug,
        name: &str,
        secret: ShownSecret,
        audit: &AuditContext,
        completion: Option<Completion<'_>>,
    ) -> StoreResult<ProviderWithSecret> {
        let txn = self.conn().begin().await?;
        let row = game_provider::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(tenant.0),
            slug: Set(slug.as_str().to_owned()),
            name: Set(name.to_owned()),
            secret: Set(secret.0.clone()),
            previous_secret: Set(None),
            previous_secret_until: Set(None),
            created_at: Set(Utc::now()),
            rotated_at: Set(None),
        };
        let row = row.insert(&txn).await.map_err(|error| {
            if is_unique_violation(&error) {
                StoreError::AlreadyExists("game provider")
            } else {
                StoreError::Database(error)
            }
        })?;
        let created = provider_of(row)?;
        let record = AuditRecord {
            tenant_id: Some(tenant.0),
            action: "game_provider.create",
            target_type: "game_provider",
            target_id: created.id.to_string(),
            before: None,
            after: Some(serde_json::json!({"slug": created.slug, "name": created.name})),
        };
        audit::append(&txn, audit, record).await?;
        let answer = ProviderWithSecret {
            provider: created,
            tenant_slug,
            secret,
        };
        complete_optional(completion, &txn, &answer).await?;
        txn.commit().await?;
        Ok(answer)
    }

    /// Replaces the provider's secret with `secret` (audited); the current
    /// one stays accepted for [`PREVIOUS_SECRET_VALID_FOR`].
    pub async fn rotate_game_provider_secret(
        &self,
        (tenant, tenant_slug): (TenantId, String),
        slug: &ProviderSlug,
        secret: ShownSecret,
        audit: &AuditContext,
        completion: Option<Completion<'_>>,
    ) -> StoreResult<ProviderWithSecret> {
        let txn = self.conn().begin().await?;
        let row = find(tenant, slug)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("game provider"))?;
        let now = Utc::now();
        let mut active: game_provider::ActiveModel = row.clone().into();
        active.previous_secret = Set(Some(row.secret.clone()));
        active.previous_secret_until = Set(Some(now + PREVIOUS_SECRET_VALID_FOR));
        active.secret = Set(secret.0.clone());
        active.rotated_at = Set(Some(now));
        let rotated = provider_of(active.update(&txn).await?)?;
        let record = AuditRecord {
            tenant_id: Some(tenant.0),
            action: "game_provider.rotate_secret",
            target_type: "game_provider",
            target_id: rotated.id.to_string(),
            before: None,
            after: Some(serde_json::json!({"slug": rotated.slug, "rotated_at": now})),
        };
        audit::append(&txn, audit, record).await?;
        let answer = ProviderWithSecret {
            provider: rotated,
            tenant_slug,
            secret,
        };
        complete_optional(completion, &txn, &answer).await?;
        txn.commit().await?;
        Ok(answer)
    }

    /// A page of the providers in `scope`, newest first, without secrets.
    pub async fn list_game_providers(
        &self,
        scope: TenantScope,
        page: PageRequest,
    ) -> StoreResult<Page<GameProvider>> {
        let select = scope.restrict(
            game_provider::Entity::find(),
            game_provider::Column::TenantId,
        );
        let rows = fetch_page(
            select,
            game_provider::Column::Id,
            page,
            |row| row.id,
            self.conn(),
        )
        .await?;
        rows.try_map(provider_of)
    }

    /// The provider `slug` of `tenant` and its signing secrets (see
    /// [`ProviderKeys::accepted_at`]); `None` when the tenant has no such
    /// provider.
    pub async fn game_provider_keys(
        &self,
        tenant: TenantId,
        slug: &ProviderSlug,
    ) -> StoreResult<Option<ProviderKeys>> {
        let Some(row) = find(tenant, slug).one(self.conn()).await? else {
            return Ok(None);
        };
        let previous = match (&row.previous_secret, row.previous_secret_until) {
            (Some(previous), Some(until)) => Some((SecretString::from(previous.clone()), until)),
            _ => None,
        };
        Ok(Some(ProviderKeys {
            current: SecretString::from(row.secret.clone()),
            previous,
            provider: provider_of(row)?,
        }))
    }
}

/// The select of `tenant`'s provider `slug`.
fn find(tenant: TenantId, slug: &ProviderSlug) -> sea_orm::Select<game_provider::Entity> {
    game_provider::Entity::find()
        .filter(game_provider::Column::TenantId.eq(tenant.0))
        .filter(game_provider::Column::Slug.eq(slug.as_str()))
}

/// A provider row as the domain sees it (never its secrets).
fn provider_of(row: game_provider::Model) -> StoreResult<GameProvider> {
    Ok(GameProvider {
        id: row.id,
        tenant: TenantId(row.tenant_id),
        slug: ProviderSlug::parse(&row.slug).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        name: row.name,
        created_at: row.created_at,
        rotated_at: row.rotated_at,
    })
}
