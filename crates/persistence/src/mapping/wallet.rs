//! Wallets, ledger transactions and anomalies.

use ledger::{PlayerId, TransactionKind, WalletBalance};

use super::{corrupt, currency, money};
use crate::entities::{anomaly as anomaly_row, ledger_transaction, wallet as wallet_row};
use crate::error::StoreResult;
use crate::records::{Anomaly, RecordedTransaction, TenantId, WalletSnapshot};

/// A `wallets` row.
pub(crate) fn wallet(row: wallet_row::Model) -> StoreResult<WalletSnapshot> {
    let currency = currency("wallets.currency", &row.currency)?;
    let balance = WalletBalance::new(
        money(row.available_minor, currency),
        money(row.held_minor, currency),
    )
    .map_err(|e| corrupt("wallets.available_minor/held_minor", e))?;
    Ok(WalletSnapshot {
        player: PlayerId(row.player_id),
        tenant: TenantId(row.tenant_id),
        balance,
        updated_at: row.updated_at,
    })
}

/// A `ledger_transactions` row.
pub(crate) fn transaction(row: ledger_transaction::Model) -> StoreResult<RecordedTransaction> {
    let currency = currency("ledger_transactions.currency", &row.currency)?;
    let kind = TransactionKind::parse(&row.kind)
        .map_err(|_| corrupt("ledger_transactions.kind", format_args!("{:?}", row.kind)))?;
    Ok(RecordedTransaction {
        id: row.id,
        kind,
        amount: money(row.amount_minor, currency),
        available_after: row.available_after_minor.map(|m| money(m, currency)),
        held_after: row.held_after_minor.map(|m| money(m, currency)),
        reference_type: row.reference_type,
        reference_id: row.reference_id,
        created_at: row.created_at,
    })
}

/// An `anomalies` row.
pub(crate) fn anomaly(row: anomaly_row::Model) -> Anomaly {
    Anomaly {
        id: row.id,
        tenant: row.tenant_id.map(TenantId),
        provider: row.provider,
        event_id: row.event_id,
        kind: row.kind,
        reference_type: row.reference_type,
        reference_id: row.reference_id,
        detail: row.detail,
        created_at: row.created_at,
    }
}
