//! A wallet's balances, the ledger movements on it, and anomalies.

use chrono::{DateTime, Utc};
use ledger::{Money, PlayerId, TransactionKind, WalletBalance};
use uuid::Uuid;

use super::TenantId;

/// A player's wallet as last written (the projection of the ledger).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletSnapshot {
    /// The owner (one wallet per player).
    pub player: PlayerId,
    /// Owning tenant.
    pub tenant: TenantId,
    /// Available and held, in the wallet's currency.
    pub balance: WalletBalance,
    /// Time of the last balance change.
    pub updated_at: DateTime<Utc>,
}

/// A committed ledger movement on a wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedTransaction {
    /// Transaction id (UUIDv7).
    pub id: Uuid,
    /// What it records.
    pub kind: TransactionKind,
    /// Size of the movement (positive), in the wallet's currency.
    pub amount: Money,
    /// Wallet available balance right after it.
    pub available_after: Option<Money>,
    /// Wallet held balance right after it.
    pub held_after: Option<Money>,
    /// What caused it (`deposit`, `withdrawal`, ...).
    pub reference_type: String,
    /// Id of the cause.
    pub reference_id: Uuid,
    /// Commit time.
    pub created_at: DateTime<Utc>,
}

/// PSP news that contradicted Kasa's records; it moved no money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    /// Anomaly id.
    pub id: Uuid,
    /// Tenant of the referenced record, when known.
    pub tenant: Option<TenantId>,
    /// PSP name.
    pub provider: String,
    /// The PSP event id (`recheck` when a recheck found it).
    pub event_id: String,
    /// What was wrong (`late_decline`, `amount_mismatch`, ...): an open
    /// vocabulary of codes for humans, not a state anything branches on.
    pub kind: String,
    /// Type of the referenced record (`deposit`, `payout_attempt`).
    pub reference_type: String,
    /// Id of the referenced record.
    pub reference_id: Option<Uuid>,
    /// Human-readable detail.
    pub detail: String,
    /// Detection time.
    pub created_at: DateTime<Utc>,
}
