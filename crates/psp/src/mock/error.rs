//! [`MockError`]: failures of the mock's control helpers.

use thiserror::Error;

use super::state::MockStatus;

/// A control helper could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MockError {
    /// No transaction with this reference.
    #[error("no transaction with reference {0}")]
    NotFound(String),
    /// Only a succeeded payout can be reversed.
    #[error("payout {reference} is {status:?}, only a succeeded payout can be reversed")]
    NotReversible {
        /// The payout's reference.
        reference: String,
        /// Its current status.
        status: MockStatus,
    },
}
