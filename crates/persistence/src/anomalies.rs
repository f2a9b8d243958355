//! Anomalies: PSP news that contradicts Kasa's records. They move no money
//! and wait for a human.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use uuid::Uuid;

use crate::entities::anomaly;
use crate::error::StoreResult;

/// What brought the news an anomaly records.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NewsFrom<'a> {
    /// A PSP webhook: its event id.
    Event(&'a str),
    /// The PSP's answer to Kasa's own call (a deposit or payout create).
    Reply,
    /// A recheck Kasa asked for.
    Recheck,
}

impl NewsFrom<'_> {
    /// What `anomalies.event_id` holds for it: the event's id, or `psp_reply`
    /// and `recheck`, which no PSP event id can be mistaken for in the
    /// back office (they name Kasa's own calls).
    pub(crate) fn event_id(self) -> String {
        match self {
            NewsFrom::Event(id) => id.to_owned(),
            NewsFrom::Reply => "psp_reply".to_owned(),
            NewsFrom::Recheck => "recheck".to_owned(),
        }
    }
}

/// An anomaly to record.
#[derive(Debug, Clone)]
pub(crate) struct NewAnomaly {
    pub tenant_id: Option<Uuid>,
    pub provider: String,
    /// What brought the news ([`NewsFrom::event_id`]).
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
