//! Players' KYC status, set by admins with a reason.

use chrono::{DateTime, Utc};
use ledger::{Currency, PlayerId};
use protection::KycStatus;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QuerySelect, TransactionTrait};
use serde::{Deserialize, Serialize};

use crate::audit::{self, AuditContext, AuditRecord};
use crate::completion::{Completion, complete_optional};
use crate::db::Db;
use crate::entities::{player, tenant};
use crate::error::{StoreError, StoreResult};
use crate::mapping;
use crate::records::TenantId;
use crate::scope::TenantScope;

/// A player as an admin's change is answered (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerAccount {
    /// Player id.
    pub id: PlayerId,
    /// Owning tenant.
    pub tenant: TenantId,
    /// The tenant's slug.
    pub tenant_slug: String,
    /// Lower-cased email.
    pub email: String,
    /// Currency of the wallet.
    pub currency: Currency,
    /// Where the identity check stands.
    pub kyc_status: KycStatus,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

impl Db {
    /// Sets the KYC status of `player`, who must lie in `scope` (else
    /// `NotFound`), audited with the status before and after and the
    /// admin's `reason` (`player.kyc_update`; setting the same status again
    /// is recorded too: it is a decision).
    pub async fn set_kyc_status(
        &self,
        player: PlayerId,
        scope: TenantScope,
        status: KycStatus,
        reason: &str,
        audit: &AuditContext,
        completion: Option<Completion<'_>>,
    ) -> StoreResult<PlayerAccount> {
        let txn = self.conn().begin().await?;
        let row = scope
            .restrict(
                player::Entity::find_by_id(player.0),
                player::Column::TenantId,
            )
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("player"))?;
        let tenant = tenant::Entity::find_by_id(row.tenant_id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("player {} of a missing tenant", row.id)))?;
        let before = row.kyc_status.clone();
        let mut update: player::ActiveModel = row.into();
        update.kyc_status = Set(status.as_str().to_owned());
        let updated = mapping::player(update.update(&txn).await?)?;
        let record = AuditRecord {
            tenant_id: Some(updated.tenant.0),
            action: "player.kyc_update",
            target_type: "player",
            target_id: updated.id.to_string(),
            before: Some(serde_json::json!({"kyc_status": before})),
            after: Some(serde_json::json!({"kyc_status": status.as_str(), "reason": reason})),
        };
        audit::append(&txn, audit, record).await?;
        let account = PlayerAccount {
            id: updated.id,
            tenant: updated.tenant,
            tenant_slug: tenant.slug,
            email: updated.email,
            currency: updated.currency,
            kyc_status: updated.kyc_status,
            created_at: updated.created_at,
        };
        complete_optional(completion, &txn, &account).await?;
        txn.commit().await?;
        Ok(account)
    }
}
