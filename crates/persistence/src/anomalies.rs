//! Anomalies: PSP news that contradicts Kasa's records. They move no money
//! and wait for a human.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use uuid::Uuid;

use crate::entities::anomaly;
use crate::error::StoreResult;

/// An anomaly to record.
#[derive(Debug, Clone)]
pub(crate) struct NewAnomaly {
    pub tenant_id: Option<Uuid>,
    pub provider: String,
    /// The PSP event id, or `recheck` when a recheck found it.
    pub event_id: String,
    pub kind: &'static str,
    pub reference_type: &'static str,
    pub reference_id: Option<Uuid>,
    pub detail: String,
}

/// Records an anomaly inside the caller's transaction.
pub(crate) async fn record<C: ConnectionTrait>(txn: &C, new: NewAnomaly) -> StoreResult<()> {
    tracing::warn!(
        event_id = %new.event_id,
        reference_id = ?new.reference_id,
        kind = new.kind,
        "psp anomaly"
    );
    anomaly::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(new.tenant_id),
        provider: Set(new.provider),
        event_id: Set(new.event_id),
        kind: Set(new.kind.to_owned()),
        reference_type: Set(new.reference_type.to_owned()),
        reference_id: Set(new.reference_id),
        detail: Set(new.detail),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    Ok(())
}
