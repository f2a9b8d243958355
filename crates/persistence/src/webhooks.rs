//! Deposit settlement by PSP events.
//!
//! One database transaction per event: lock the deposit and its wallet, decide
//! with the pure rules, stage the credit through the ledger writer and the event
//! with its outcome for the inbox keyed by (provider, event id), and send those
//! writes as one batch. A second delivery of
//! the same id waits on the deposit lock, conflicts on the inbox and rolls back
//! as a duplicate, so its effects never commit. If the referenced deposit does
//! not exist the whole transaction rolls back, so the PSP's retry is processed.

use chrono::Utc;
use ledger::Money;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, QueryTrait, TransactionTrait,
};
use uuid::Uuid;

use crate::anomalies::{self, NewAnomaly};
use crate::db::Db;
use crate::deposit_rules::{DepositDecision, DepositSignal, DepositStatus, decide};
use crate::entities::{deposit, wallet};
use crate::error::{StoreError, StoreResult};
use crate::inbox::{self, EventOutcome, InboxEntry};
use crate::joined;
use crate::ledger_writer::{self, LockedWallet, MovementCause};
use crate::write_batch::WriteBatch;

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
    /// Applies a deposit event exactly once: one statement locks the deposit and
    /// its wallet, one sends every write (ledger, wallet, deposit, inbox).
    pub async fn apply_deposit_event(&self, event: &DepositEvent) -> StoreResult<EventOutcome> {
        let txn = self.conn().begin().await?;
        let (row, mut wallet) = lock_deposit_and_wallet(&txn, event).await?;
        let mut batch = WriteBatch::new();
        let outcome = settle(&txn, &mut batch, &row, &mut wallet, event).await?;
        let entry = InboxEntry {
            provider: &event.provider,
            event_id: &event.event_id,
            event_type: &event.event_type,
            reference: event.deposit_id.to_string(),
            raw: &event.raw,
            tenant_id: Some(row.tenant_id),
        };
        let inbox = inbox::stage_with_outcome(&mut batch, entry, outcome);
        if batch.run(&txn).await?.rows(inbox) == 0 {
            // Seen before: drop whatever this delivery did.
            txn.rollback().await?;
            return Ok(EventOutcome::Duplicate);
        }
        txn.commit().await?;
        Ok(outcome)
    }
}

/// Locks the event's deposit and its player's wallet (in one statement) until
/// the transaction ends.
async fn lock_deposit_and_wallet(
    txn: &DatabaseTransaction,
    event: &DepositEvent,
) -> StoreResult<(deposit::Model, LockedWallet)> {
    let mut select = deposit::Entity::find_by_id(event.deposit_id)
        .filter(deposit::Column::Provider.eq(event.provider.as_str()))
        .lock_exclusive()
        .into_query();
    select.inner_join(
        wallet::Entity,
        Expr::col((wallet::Entity, wallet::Column::PlayerId))
            .equals((deposit::Entity, deposit::Column::PlayerId)),
    );
    joined::select_prefixed::<wallet::Entity>(&mut select, "w_");
    let found = txn
        .query_one(&select)
        .await?
        .ok_or(StoreError::NotFound("deposit"))?;
    let row = deposit::Model::from_query_result(&found, "")?;
    let wallet = LockedWallet::from_row(&wallet::Model::from_query_result(&found, "w_")?)?;
    Ok((row, wallet))
}

/// Decides what the event does to the locked deposit and stages its writes.
async fn settle(
    txn: &DatabaseTransaction,
    batch: &mut WriteBatch,
    row: &deposit::Model,
    wallet: &mut LockedWallet,
    event: &DepositEvent,
) -> StoreResult<EventOutcome> {
    let status = DepositStatus::parse(&row.status)
        .ok_or_else(|| StoreError::Corrupt(format!("deposit status {}", row.status)))?;
    let amount = Money::from_minor_units(row.amount_minor, ledger::Currency::parse(&row.currency)?);
    match decide(status, event.signal, amount == event.amount) {
        DepositDecision::Credit => {
            let tx = ledger::deposit(wallet.player, &row.provider, amount)?;
            let cause = MovementCause {
                reference_type: "deposit",
                reference_id: row.id,
            };
            ledger_writer::stage(batch, wallet, &tx, amount, cause)?;
            mark(batch, row, DepositStatus::Succeeded, event);
            Ok(EventOutcome::Processed)
        }
        DepositDecision::MarkFailed => {
            mark(batch, row, DepositStatus::Failed, event);
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

/// Stages the deposit's new status (and the PSP's reference, failure code).
fn mark(batch: &mut WriteBatch, row: &deposit::Model, status: DepositStatus, event: &DepositEvent) {
    let mut update = deposit::Entity::update_many()
        .col_expr(deposit::Column::Status, Expr::value(status.as_str()))
        .col_expr(deposit::Column::UpdatedAt, Expr::value(Utc::now()));
    if row.provider_ref.is_none() {
        update = update.col_expr(
            deposit::Column::ProviderRef,
            Expr::value(event.provider_ref.clone()),
        );
    }
    if status == DepositStatus::Failed {
        update = update.col_expr(
            deposit::Column::FailureCode,
            Expr::value(event.failure_code.clone()),
        );
    }
    batch.update(update.filter(deposit::Column::Id.eq(row.id)));
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
