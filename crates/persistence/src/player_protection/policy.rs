//! Tenant policies: one row per tenant at most; none means the contract's
//! defaults.

use chrono::Utc;
use protection::{PolicyBody, TenantPolicy};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect, TransactionTrait};

use crate::audit::{self, AuditContext, AuditRecord};
use crate::db::Db;
use crate::entities::tenant_policy;
use crate::error::{StoreError, StoreResult};
use crate::mapping;
use crate::records::TenantId;

impl Db {
    /// The policy of `tenant`: the stored one, else the contract's defaults.
    pub async fn tenant_policy(&self, tenant: TenantId) -> StoreResult<TenantPolicy> {
        policy_of(self.conn(), tenant).await
    }

    /// Replaces the whole policy of `tenant`, audited with the policy before
    /// and after (`tenant.policy_update`).
    pub async fn set_tenant_policy(
        &self,
        tenant: TenantId,
        policy: TenantPolicy,
        audit: &AuditContext,
    ) -> StoreResult<TenantPolicy> {
        let txn = self.conn().begin().await?;
        let before = tenant_policy::Entity::find_by_id(tenant.0)
            .lock_exclusive()
            .one(&txn)
            .await?
            .map(|row| mapping::tenant_policy(&row))
            .transpose()?
            .unwrap_or_default();
        let row = mapping::tenant_policy_row(tenant.0, &policy, Utc::now())?;
        tenant_policy::Entity::insert(tenant_policy::ActiveModel::from(row))
            .on_conflict(
                OnConflict::column(tenant_policy::Column::TenantId)
                    .update_columns([
                        tenant_policy::Column::CoolingOffHours,
                        tenant_policy::Column::KycRequiredFor,
                        tenant_policy::Column::KycDepositThreshold,
                        tenant_policy::Column::DualApprovalThreshold,
                        tenant_policy::Column::PlayerCancelAllowed,
                        tenant_policy::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        let record = AuditRecord {
            tenant_id: Some(tenant.0),
            action: "tenant.policy_update",
            target_type: "tenant",
            target_id: tenant.to_string(),
            before: Some(policy_json(&before)?),
            after: Some(policy_json(&policy)?),
        };
        audit::append(&txn, audit, record).await?;
        txn.commit().await?;
        Ok(policy)
    }
}

/// The policy of `tenant`, read on `conn` (defaults when it has none).
pub(crate) async fn policy_of<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
) -> StoreResult<TenantPolicy> {
    tenant_policy::Entity::find_by_id(tenant.0)
        .one(conn)
        .await?
        .map(|row| mapping::tenant_policy(&row))
        .transpose()
        .map(Option::unwrap_or_default)
}

/// The contract's JSON form of `policy`, for the audit log.
fn policy_json(policy: &TenantPolicy) -> StoreResult<serde_json::Value> {
    serde_json::to_value(PolicyBody::from(policy))
        .map_err(|e| StoreError::Corrupt(format!("a policy could not be encoded: {e}")))
}
