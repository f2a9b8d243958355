//! Deposit settlement by PSP events.
//!
//! One database transaction per event: lock the deposit, decide with the pure
//! rules, credit the wallet through the ledger writer, and insert the event with
//! its outcome into the inbox keyed by (provider, event id). A second delivery of
//! the same id waits on the deposit lock, conflicts on the inbox and rolls back
//! as a duplicate, so its effects never commit. If the referenced deposit does
//! not exist the whole transaction rolls back, so the PSP's retry is processed.

use chrono::Utc;
use ledger::{Money, PlayerId};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::anomalies::{self, NewAnomaly};
use crate::db::Db;
use crate::deposit_rules::{DepositDecision, DepositSignal, DepositStatus, decide};
use crate::entities::deposit;
use crate::error::{StoreError, StoreResult};
use crate::inbox::{self, EventOutcome, InboxEntry};
use crate::ledger_writer::{self, MovementCause};

/// A verified, parsed deposit event from a PSP.
#[derive(Debug, Clone)]
pub struct DepositEvent {
    /// PSP name (path segment of the webhook URL).
    pub provider: String,
    /// PSP event id (the dedupe key).
    pub event_id: String,
    /// Event type as sent (`deposit.succeeded`, ...).
    pub event_type: String,
    /// The outcome the event reports.
    pub signal: DepositSignal,
    /// Kasa's deposit id.
    pub deposit_id: Uuid,
    /// The PSP's id of the deposit.
    pub provider_ref: Option<String>,
    /// Amount the PSP reports.
    pub amount: Money,
    /// PSP failure code.
    pub failure_code: Option<String>,
    /// The raw body, kept in the inbox.
    pub raw: String,
}

impl Db {
    /// Applies a deposit event exactly once.
    pub async fn apply_deposit_event(&self, event: &DepositEvent) -> StoreResult<EventOutcome> {
        let txn = self.conn().begin().await?;
        let row = deposit::Entity::find_by_id(event.deposit_id)
            .filter(deposit::Column::Provider.eq(event.provider.as_str()))
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("deposit"))?;
        let outcome = settle(&txn, &row, event).await?;
        let entry = InboxEntry {
            provider: &event.provider,
            event_id: &event.event_id,
            event_type: &event.event_type,
            reference: event.deposit_id.to_string(),
            raw: &event.raw,
        };
        if inbox::insert_with_outcome(&txn, entry, outcome)
            .await?
            .is_none()
        {
            // Seen before: drop whatever this delivery did.
            txn.rollback().await?;
            return Ok(EventOutcome::Duplicate);
        }
        txn.commit().await?;
        Ok(outcome)
    }
}

async fn settle(
    txn: &DatabaseTransaction,
    row: &deposit::Model,
    event: &DepositEvent,
) -> StoreResult<EventOutcome> {
    let status = DepositStatus::parse(&row.status)
        .ok_or_else(|| StoreError::Corrupt(format!("deposit status {}", row.status)))?;
    let amount = Money::from_minor_units(row.amount_minor, ledger::Currency::parse(&row.currency)?);
    match decide(status, event.signal, amount == event.amount) {
        DepositDecision::Credit => {
            let player = PlayerId(row.player_id);
            let mut wallet = ledger_writer::lock_wallet(txn, player).await?;
            let tx = ledger::deposit(player, &row.provider, amount)?;
            let cause = MovementCause {
                reference_type: "deposit",
                reference_id: row.id,
            };
            ledger_writer::post(txn, &mut wallet, &tx, amount, cause).await?;
            mark(txn, row, DepositStatus::Succeeded, event).await?;
            Ok(EventOutcome::Processed)
        }
        DepositDecision::MarkFailed => {
            mark(txn, row, DepositStatus::Failed, event).await?;
            Ok(EventOutcome::Processed)
        }
        DepositDecision::AlreadyDone => Ok(EventOutcome::Duplicate),
        DepositDecision::Contradiction => {
            let detail = format!(
                "deposit is {} but the PSP reports {}",
                row.status, event.event_type
            );
            record_anomaly(txn, row, event, "late_contradicting_event", detail).await?;
            Ok(EventOutcome::Anomaly)
        }
        DepositDecision::AmountMismatch => {
            let detail = format!(
                "deposit is {amount} {} but the PSP reports {} {}",
                amount.currency(),
                event.amount,
                event.amount.currency()
            );
            record_anomaly(txn, row, event, "amount_mismatch", detail).await?;
            Ok(EventOutcome::Anomaly)
        }
    }
}

async fn mark(
    txn: &DatabaseTransaction,
    row: &deposit::Model,
    status: DepositStatus,
    event: &DepositEvent,
) -> StoreResult<()> {
    let mut update: deposit::ActiveModel = row.clone().into();
    update.status = Set(status.as_str().to_owned());
    if row.provider_ref.is_none() {
        update.provider_ref = Set(event.provider_ref.clone());
    }
    if status == DepositStatus::Failed {
        update.failure_code = Set(event.failure_code.clone());
    }
    update.updated_at = Set(Utc::now());
    update.update(txn).await?;
    Ok(())
}

async fn record_anomaly(
    txn: &DatabaseTransaction,
    row: &deposit::Model,
    event: &DepositEvent,
    kind: &'static str,
    detail: String,
) -> StoreResult<()> {
    let anomaly = NewAnomaly {
        tenant_id: Some(row.tenant_id),
        provider: event.provider.clone(),
        event_id: event.event_id.clone(),
        kind,
        reference_type: "deposit",
        reference_id: Some(row.id),
        detail,
    };
    anomalies::record(txn, anomaly).await
}
