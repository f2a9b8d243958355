//! Everything the protection rules refuse to read.
//!
//! These are input errors (a value that is not one, or a caller that mixed
//! currencies). A *refusal* of a player's action (`player_blocked`,
//! `kyc_required`, `limit_reached`) is not an error: it is an answer of the
//! gates ([`crate::Gate`]).
//!
//! Messages are written to be shown to an API user as they are.

use ledger::{Currency, LedgerError};

use crate::{ExclusionKind, GatedAction};

/// Longest part of a refused input kept in an error message.
const INPUT_ECHO_LEN_MAX: usize = 40;

/// `raw` shortened so that a huge input does not end up in logs or
/// responses whole.
pub(crate) fn echo(raw: &str) -> String {
    raw.chars().take(INPUT_ECHO_LEN_MAX).collect()
}

/// A name that is not one of the contract's (a limit kind, a period, an
/// exclusion kind, a KYC status, a gated action).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}; expected one of {expected}")]
pub struct UnknownName {
    /// What was being read (`"limit kind"`, …).
    pub what: &'static str,
    /// The input, shortened to 40 characters.
    pub value: String,
    /// The accepted names, comma-separated.
    pub expected: &'static str,
}

impl UnknownName {
    pub(crate) fn new(what: &'static str, raw: &str, expected: &'static str) -> UnknownName {
        UnknownName {
            what,
            value: echo(raw),
            expected,
        }
    }
}

/// A field of the tenant policy, named as in the contract's JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyField {
    /// `cooling_off_hours`.
    CoolingOffHours,
    /// `kyc_required_for`.
    KycRequiredFor,
    /// `kyc_deposit_threshold`.
    KycDepositThreshold,
    /// `dual_approval_threshold`.
    DualApprovalThreshold,
}

impl PolicyField {
    /// The JSON field name.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyField::CoolingOffHours => "cooling_off_hours",
            PolicyField::KycRequiredFor => "kyc_required_for",
            PolicyField::KycDepositThreshold => "kyc_deposit_threshold",
            PolicyField::DualApprovalThreshold => "dual_approval_threshold",
        }
    }
}

impl std::fmt::Display for PolicyField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is wrong with one entry of a per-currency threshold map.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThresholdError {
    /// The key is not a supported currency code.
    #[error("{0}")]
    UnknownCurrency(LedgerError),
    /// The same currency twice.
    #[error("{0} appears more than once")]
    Duplicate(Currency),
    /// The amount string is not a positive amount of the currency, at most
    /// [`crate::THRESHOLD_AMOUNT_MAX`].
    #[error("{currency}: {error}")]
    Amount {
        /// The entry's currency.
        currency: Currency,
        /// Why its amount was refused.
        error: LedgerError,
    },
}

/// A proposed tenant policy that is not a valid one; [`PolicyError::field`]
/// says which field is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// `cooling_off_hours` outside `0..=`[`crate::COOLING_OFF_HOURS_MAX`].
    #[error("cooling_off_hours must be 0 to {max}, not {hours}", max = crate::COOLING_OFF_HOURS_MAX)]
    CoolingOffHours {
        /// The hours given.
        hours: i64,
    },
    /// An entry of `kyc_required_for` that is not `deposit`, `withdrawal` or `game`.
    #[error("kyc_required_for: {0}")]
    UnknownAction(UnknownName),
    /// The same action twice in `kyc_required_for`.
    #[error("kyc_required_for: {0} appears more than once")]
    DuplicateAction(GatedAction),
    /// An entry of a threshold map that is wrong.
    #[error("{field}: {error}")]
    Threshold {
        /// `kyc_deposit_threshold` or `dual_approval_threshold`.
        field: PolicyField,
        /// What is wrong with it.
        error: ThresholdError,
    },
}

impl PolicyError {
    /// The field that is wrong.
    pub fn field(&self) -> PolicyField {
        match self {
            PolicyError::CoolingOffHours { .. } => PolicyField::CoolingOffHours,
            PolicyError::UnknownAction(_) | PolicyError::DuplicateAction(_) => {
                PolicyField::KycRequiredFor
            }
            PolicyError::Threshold { field, .. } => *field,
        }
    }
}

/// A limit request or a check given values that do not fit the player.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// A limit or a movement of zero or less.
    #[error("amount must be greater than zero")]
    NotPositive,
    /// An amount or a total in another currency than the player's wallet.
    #[error("currency mismatch: the wallet is in {expected}, found {found}")]
    CurrencyMismatch {
        /// The wallet's currency.
        expected: Currency,
        /// What was given.
        found: Currency,
    },
    /// A sum or a point in time beyond what can be represented.
    #[error("amount or time out of range")]
    OutOfRange,
}

/// An exclusion that cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExclusionError {
    /// `days` outside the kind's bounds ([`ExclusionKind::min_days`] to
    /// [`ExclusionKind::max_days`]).
    #[error("a {kind} lasts {min} to {max} days, not {days}", min = kind.min_days(), max = kind.max_days())]
    DaysOutOfRange {
        /// The kind asked for.
        kind: ExclusionKind,
        /// The days given.
        days: i64,
    },
    /// A stored exclusion that does not end after it starts.
    #[error("an exclusion must end after it starts")]
    EndsBeforeStart,
    /// The end lies beyond the representable time range.
    #[error("exclusion end out of range")]
    OutOfRange,
}
