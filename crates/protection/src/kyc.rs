//! Know-your-customer gates.

use ledger::Money;

use crate::names::named;
use crate::{CheckError, GatedAction, TenantPolicy};

/// Where a player's identity check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum KycStatus {
    /// Nothing sent yet (every player starts here).
    #[default]
    Unverified,
    /// Sent, not yet decided.
    Pending,
    /// Verified: no KYC gate ever applies.
    Verified,
    /// Refused.
    Rejected,
}

named!(KycStatus, "kyc status", [
    Unverified => "unverified",
    Pending => "pending",
    Verified => "verified",
    Rejected => "rejected",
]);

impl KycStatus {
    /// Whether the player counts as verified (only [`KycStatus::Verified`]).
    pub fn is_verified(self) -> bool {
        self == KycStatus::Verified
    }
}

/// Why an action needs a verified player (`403 kyc_required`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum KycRequired {
    /// The tenant lists the action in `kyc_required_for`.
    #[error("{0} needs a verified identity")]
    Action(GatedAction),
    /// The deposit would take the last 30 days' deposits above the tenant's
    /// `kyc_deposit_threshold`.
    #[error("deposits above {threshold} in 30 days need a verified identity")]
    DepositThreshold {
        /// The threshold in the deposit's currency.
        threshold: Money,
    },
}

/// The answer of the deposit KYC check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KycCheck {
    /// The deposit needs no (further) verification.
    Allowed,
    /// The deposit needs a verified player.
    Required(KycRequired),
}

/// The `kyc_required_for` rule: `action` by a player who is not verified is
/// refused when the tenant lists it. For [`GatedAction::Game`] the caller
/// asks when a game session is created (bets are not KYC-gated); for
/// deposits use [`kyc_deposit_gate`], which adds the threshold rule.
pub fn kyc_gate(
    policy: &TenantPolicy,
    status: KycStatus,
    action: GatedAction,
) -> Result<(), KycRequired> {
    if !status.is_verified() && policy.requires_kyc_for(action) {
        Err(KycRequired::Action(action))
    } else {
        Ok(())
    }
}

/// Both KYC rules for a deposit of `amount` by a player whose deposits of
/// the last 30 days (the [`crate::LimitPeriod::Month`] window, gross,
/// not failed) sum to `deposits_last_30d`. Unless the player is verified:
/// refused when `deposit` is in `kyc_required_for`, then when
/// `deposits_last_30d + amount` is **above** the threshold for the
/// deposit's currency (reaching it exactly is fine; a currency without a
/// threshold has no such rule).
///
/// `amount` must be positive and both in one currency ([`CheckError`]).
pub fn kyc_deposit_gate(
    policy: &TenantPolicy,
    status: KycStatus,
    deposits_last_30d: Money,
    amount: Money,
) -> Result<KycCheck, CheckError> {
    if amount.currency() != deposits_last_30d.currency() {
        return Err(CheckError::CurrencyMismatch {
            expected: deposits_last_30d.currency(),
            found: amount.currency(),
        });
    }
    if !amount.is_positive() {
        return Err(CheckError::NotPositive);
    }
    let after = deposits_last_30d
        .checked_add(&amount)
        .map_err(|_| CheckError::OutOfRange)?;
    if let Err(required) = kyc_gate(policy, status, GatedAction::Deposit) {
        return Ok(KycCheck::Required(required));
    }
    let over = policy
        .kyc_deposit_threshold()
        .get(amount.currency())
        .filter(|threshold| after.amount() > threshold.amount());
    Ok(match over {
        Some(threshold) if !status.is_verified() => {
            KycCheck::Required(KycRequired::DepositThreshold { threshold })
        }
        _ => KycCheck::Allowed,
    })
}

#[cfg(test)]
mod tests;
