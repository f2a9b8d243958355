//! Everything the ledger refuses.

use rust_decimal::Decimal;

use crate::{Currency, Money};

/// Why the ledger refused a value or a movement.
///
/// Messages are written to be shown to an API user as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// Not a supported ISO 4217 code.
    #[error("unsupported currency {0:?}; expected one of EUR, USD, GBP, TRY, JPY, BHD, KWD")]
    UnknownCurrency(String),
    /// Not a plain decimal string (the reason says what is wrong).
    #[error("invalid amount: {0}")]
    InvalidAmount(String),
    /// More fraction digits than the currency has.
    #[error("{currency} amounts have at most {minor_units} digits after the decimal point")]
    TooManyFractionDigits {
        /// The currency.
        currency: Currency,
        /// Its minor-unit digits.
        minor_units: u32,
    },
    /// Zero or negative where a positive amount is required.
    #[error("amount must be greater than zero")]
    NotPositive,
    /// Above the per-operation maximum.
    #[error("amount must be at most {max}")]
    AboveMaximum {
        /// The maximum.
        max: Decimal,
    },
    /// Two currencies mixed.
    #[error("currency mismatch: expected {expected}, found {found}")]
    CurrencyMismatch {
        /// What was expected.
        expected: Currency,
        /// What was given.
        found: Currency,
    },
    /// Arithmetic left the representable range.
    #[error("amount out of range")]
    Overflow,
    /// A transaction without postings.
    #[error("a ledger transaction needs at least one posting")]
    EmptyTransaction,
    /// A posting of zero.
    #[error("a posting must not be zero")]
    ZeroPosting,
    /// Postings that do not sum to zero in a currency.
    #[error("postings in {currency} sum to {sum}, not zero")]
    Unbalanced {
        /// The currency.
        currency: Currency,
        /// The non-zero sum.
        sum: Decimal,
    },
    /// The movement would make `available` negative.
    #[error("insufficient funds: {available} available, {requested} requested")]
    InsufficientFunds {
        /// What is available.
        available: Money,
        /// What the movement takes.
        requested: Money,
    },
    /// A wallet balance given with a negative `available`.
    #[error("available balance must not be negative")]
    NegativeAvailable,
    /// The movement would make `held` negative (or a balance was given with a
    /// negative `held`).
    #[error("held balance must not be negative")]
    NegativeHeld,
    /// Not a valid account code, or an account that cannot be posted to.
    #[error("invalid account {0:?}")]
    InvalidAccount(String),
    /// Not a known transaction kind.
    #[error("unknown transaction kind {0:?}")]
    UnknownTransactionKind(String),
}
