//! Tenants' accounts at payment providers: created and listed by admins,
//! their webhook secret rotated with a 24-hour overlap, and read with their
//! secrets opened for the code that calls the provider or checks its
//! webhooks. Secrets are sealed at rest ([`SecretsKey`]) and never leave
//! this module except as [`SecretString`]s.

mod cipher;

use chrono::{DateTime, SubsecRound, Utc};
use psp::account::{AccountSpec, ProviderKind, previous_still_valid, previous_valid_until};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, TransactionTrait,
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use cipher::{KEY_LEN, SecretsKey, SecretsKeyError};

use crate::audit::{self, AuditContext, AuditRecord};
use crate::completion::{Completion, complete_optional};
use crate::db::Db;
use crate::entities::psp_account as row;
use crate::error::{StoreError, StoreResult, is_unique_violation};
use crate::pagination::{Page, PageRequest, fetch_page};
use crate::records::TenantId;
use crate::scope::TenantScope;

/// An account as admins see it: never its secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PspAccount {
    /// Its id.
    pub id: Uuid,
    /// Owning tenant.
    pub tenant: TenantId,
    /// Slug, unique per tenant.
    pub slug: String,
    /// Protocol name (`mock`, `stripe`).
    pub kind: String,
    /// Where its API is.
    pub base_url: String,
    /// Whether an API key is stored.
    pub has_api_key: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When its webhook secret was last rotated.
    pub rotated_at: Option<DateTime<Utc>>,
}

/// An account with its secrets opened, for the provider client and the
/// webhook check.
#[derive(Debug)]
pub struct PspAccountSecrets {
    /// The account.
    pub account: PspAccount,
    /// Its protocol.
    pub kind: ProviderKind,
    /// Its API key, if it has one.
    pub api_key: Option<SecretString>,
    /// The webhook secrets accepted now: the current one, then the previous
    /// one during the 24 hours after a rotation.
    pub webhook_secrets: Vec<SecretString>,
}

/// The associated data of a sealed column.
fn context(id: Uuid, field: &str) -> String {
    format!("psp_account:{id}:{field}")
}

impl Db {
    /// Records a new account of `tenant` with its secrets sealed by `key`
    /// (audited without them); `AlreadyExists` when the tenant has the slug.
    pub async fn create_psp_account(
        &self,
        tenant: TenantId,
        spec: AccountSpec,
        key: &SecretsKey,
        audit: &AuditContext,
        completion: Option<Completion<'_>>,
    ) -> StoreResult<PspAccount> {
        let id = Uuid::now_v7();
        let api_key = match &spec.api_key {
            Some(secret) => Some(key.seal(secret, &context(id, "api_key"))?),
            None => None,
        };
        let webhook = key.seal(&spec.webhook_secret, &context(id, "webhook_secret"))?;
        let txn = self.conn().begin().await?;
        let inserted = row::ActiveModel {
            id: Set(id),
            tenant_id: Set(tenant.0),
            slug: Set(spec.slug),
            kind: Set(spec.kind.as_str().to_owned()),
            base_url: Set(spec.base_url),
            api_key_sealed: Set(api_key),
            webhook_secret_sealed: Set(webhook),
            previous_webhook_secret_sealed: Set(None),
            previous_valid_until: Set(None),
            created_at: Set(Utc::now().trunc_subsecs(6)),
            rotated_at: Set(None),
        }
        .insert(&txn)
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                StoreError::AlreadyExists("psp account")
            } else {
                StoreError::Database(error)
            }
        })?;
        let created = account_of(&inserted);
        let record = AuditRecord {
            tenant_id: Some(tenant.0),
            action: "psp_account.create",
            target_type: "psp_account",
            target_id: created.id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "slug": created.slug, "kind": created.kind, "base_url": created.base_url,
                "has_api_key": created.has_api_key,
            })),
        };
        audit::append(&txn, audit, record).await?;
        complete_optional(completion, &txn, &created).await?;
        txn.commit().await?;
        Ok(created)
    }

    /// Replaces the webhook secret of the account `id` in `scope` (audited);
    /// the current one stays accepted for 24 hours.
    pub async fn rotate_psp_webhook_secret(
        &self,
        scope: TenantScope,
        id: Uuid,
        secret: &SecretString,
        key: &SecretsKey,
        audit: &AuditContext,
        completion: Option<Completion<'_>>,
    ) -> StoreResult<PspAccount> {
        let txn = self.conn().begin().await?;
        let current = scope
            .restrict(row::Entity::find_by_id(id), row::Column::TenantId)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("psp account"))?;
        let now = Utc::now().trunc_subsecs(6);
        // Re-sealed for its new column: the sealed value is bound to it.
        let previous = key.open(
            &current.webhook_secret_sealed,
            &context(id, "webhook_secret"),
        )?;
        let mut update: row::ActiveModel = current.clone().into();
        update.previous_webhook_secret_sealed = Set(Some(
            key.seal(&previous, &context(id, "previous_webhook_secret"))?,
        ));
        update.previous_valid_until = Set(Some(previous_valid_until(now)));
        update.webhook_secret_sealed = Set(key.seal(secret, &context(id, "webhook_secret"))?);
        update.rotated_at = Set(Some(now));
        let rotated = account_of(&update.update(&txn).await?);
        let record = AuditRecord {
            tenant_id: Some(current.tenant_id),
            action: "psp_account.rotate_webhook_secret",
            target_type: "psp_account",
            target_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({"slug": rotated.slug, "rotated_at": now})),
        };
        audit::append(&txn, audit, record).await?;
        complete_optional(completion, &txn, &rotated).await?;
        txn.commit().await?;
        Ok(rotated)
    }

    /// A page of the accounts in `scope`, newest first, without secrets.
    pub async fn psp_accounts(
        &self,
        scope: TenantScope,
        page: PageRequest,
    ) -> StoreResult<Page<PspAccount>> {
        let select = scope.restrict(row::Entity::find(), row::Column::TenantId);
        let rows = fetch_page(select, row::Column::Id, page, |r| r.id, self.conn()).await?;
        rows.try_map(|r| Ok(account_of(&r)))
    }

    /// The account `slug` of `tenant` with its secrets opened by `key`, the
    /// webhook secrets those accepted at `now`; `None` when there is none.
    pub async fn psp_account_secrets(
        &self,
        tenant: TenantId,
        slug: &str,
        key: &SecretsKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<PspAccountSecrets>> {
        let Some(found) = row::Entity::find()
            .filter(row::Column::TenantId.eq(tenant.0))
            .filter(row::Column::Slug.eq(slug))
            .one(self.conn())
            .await?
        else {
            return Ok(None);
        };
        let kind = ProviderKind::parse(&found.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("psp_accounts.kind {:?}", found.kind)))?;
        let api_key = match &found.api_key_sealed {
            Some(sealed) => Some(key.open(sealed, &context(found.id, "api_key"))?),
            None => None,
        };
        let mut webhook_secrets = vec![key.open(
            &found.webhook_secret_sealed,
            &context(found.id, "webhook_secret"),
        )?];
        if let Some(sealed) = &found.previous_webhook_secret_sealed
            && previous_still_valid(found.previous_valid_until, now)
        {
            webhook_secrets.push(key.open(sealed, &context(found.id, "previous_webhook_secret"))?);
        }
        Ok(Some(PspAccountSecrets {
            account: account_of(&found),
            kind,
            api_key,
            webhook_secrets,
        }))
    }

    /// How many accounts exist (a server without `KASA__SECRETS__KEY`
    /// refuses to start when there are any).
    pub async fn psp_account_count(&self) -> StoreResult<u64> {
        Ok(row::Entity::find().count(self.conn()).await?)
    }
}

/// A row as admins see it.
fn account_of(r: &row::Model) -> PspAccount {
    PspAccount {
        id: r.id,
        tenant: TenantId(r.tenant_id),
        slug: r.slug.clone(),
        kind: r.kind.clone(),
        base_url: r.base_url.clone(),
        has_api_key: r.api_key_sealed.is_some(),
        created_at: r.created_at,
        rotated_at: r.rotated_at,
    }
}
