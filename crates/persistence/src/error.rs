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
