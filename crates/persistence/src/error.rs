//! The errors a use-case can end with.

use ledger::LedgerError;
use sea_orm::DbErr;

/// Why a storage use-case did not complete.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist (or belongs to another tenant or player).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A unique record with the same natural key exists already.
    #[error("{0} already exists")]
    AlreadyExists(&'static str),
    /// The ledger refused the movement (insufficient funds, currency mismatch, ...).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The withdrawal state machine refused the command (409).
    #[error(transparent)]
    Withdrawal(#[from] withdrawal::WithdrawalError),
    /// The payout rules refused (an attempt is still open: 409).
    #[error(transparent)]
    Payout(#[from] payout::PayoutError),
    /// A timeout or self-exclusion of the player is active (`player_blocked`):
    /// the exclusion that ends last.
    #[error("the player is blocked until {}", .0.ends_at().to_rfc3339())]
    PlayerBlocked(protection::Exclusion),
    /// The tenant's policy needs a verified player for this (`kyc_required`).
    #[error(transparent)]
    KycRequired(protection::KycRequired),
    /// A limit of the player would be exceeded (`limit_reached`).
    #[error("the {} {} limit would be exceeded ({} left)", .0.period, .0.kind, .0.room)]
    LimitReached(protection::LimitReached),
    /// An exclusion that cannot be made (its `days` out of the kind's bounds).
    #[error(transparent)]
    Exclusion(#[from] protection::ExclusionError),
    /// A stored value could not be understood (a bug or a manual edit).
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// The idempotency lease of this request was taken over by another processor.
    #[error("idempotency lease lost")]
    LeaseLost,
    /// The queue of a batched use-case has stopped (the server is shutting down).
    #[error("the queue of the use-case has stopped")]
    QueueStopped,
    /// The database failed or is unreachable.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

impl StoreError {
    /// True when the failure is the database's, not the request's: the caller
    /// answers 5xx and leaves no idempotent result behind.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            StoreError::Database(_) | StoreError::LeaseLost | StoreError::QueueStopped
        )
    }
}

/// Result of a storage use-case.
pub type StoreResult<T> = Result<T, StoreError>;

/// True when a database error is a unique-constraint violation.
pub(crate) fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
