//! A tenant's player-protection policy (`GET`/`PUT /admin/tenants/{slug}/policy`).

mod body;
mod thresholds;

use std::collections::BTreeSet;

use chrono::Duration;
use ledger::Money;

use crate::PolicyError;
use crate::names::named;

pub use body::{PolicyBody, ThresholdEntries};
pub use thresholds::{THRESHOLD_AMOUNT_MAX, Thresholds};

/// Longest cooling-off a tenant may set: 720 hours (30 days, the longest
/// limit window). Zero is allowed and makes raises and removals apply at once.
pub const COOLING_OFF_HOURS_MAX: u32 = 720;

/// The contract's default cooling-off (v1 behaviour).
pub const COOLING_OFF_HOURS_DEFAULT: u32 = 24;

/// An action a tenant may reserve for KYC-verified players
/// (`kyc_required_for`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GatedAction {
    /// Creating a deposit.
    Deposit,
    /// Requesting a withdrawal.
    Withdrawal,
    /// Creating a game session (bets themselves are not KYC-gated).
    Game,
}

named!(GatedAction, "action", [
    Deposit => "deposit",
    Withdrawal => "withdrawal",
    Game => "game",
]);

/// A valid tenant policy: a value that exists passed every check, so the
/// rules never check it again.
///
/// Serde uses the contract's JSON form (through [`PolicyBody`]), and
/// deserializing validates it; [`TenantPolicy::try_from`] a [`PolicyBody`]
/// gives the typed [`PolicyError`] instead of a serde message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "PolicyBody", into = "PolicyBody")]
pub struct TenantPolicy {
    cooling_off_hours: u32,
    kyc_required_for: BTreeSet<GatedAction>,
    kyc_deposit_threshold: Thresholds,
    dual_approval_threshold: Thresholds,
    player_cancel_allowed: bool,
}

impl Default for TenantPolicy {
    /// The contract's defaults, which keep v1 behaviour: 24 hours of
    /// cooling-off, no KYC requirement, no thresholds, players may cancel.
    fn default() -> Self {
        TenantPolicy {
            cooling_off_hours: COOLING_OFF_HOURS_DEFAULT,
            kyc_required_for: BTreeSet::new(),
            kyc_deposit_threshold: Thresholds::none(),
            dual_approval_threshold: Thresholds::none(),
            player_cancel_allowed: true,
        }
    }
}

impl TenantPolicy {
    /// A policy from typed parts. Only `cooling_off_hours` can still be
    /// wrong ([`PolicyError::CoolingOffHours`] above
    /// [`COOLING_OFF_HOURS_MAX`]); a repeated action counts once.
    pub fn new(
        cooling_off_hours: u32,
        kyc_required_for: impl IntoIterator<Item = GatedAction>,
        kyc_deposit_threshold: Thresholds,
        dual_approval_threshold: Thresholds,
        player_cancel_allowed: bool,
    ) -> Result<TenantPolicy, PolicyError> {
        if cooling_off_hours > COOLING_OFF_HOURS_MAX {
            return Err(PolicyError::CoolingOffHours {
                hours: i64::from(cooling_off_hours),
            });
        }
        Ok(TenantPolicy {
            cooling_off_hours,
            kyc_required_for: kyc_required_for.into_iter().collect(),
            kyc_deposit_threshold,
            dual_approval_threshold,
            player_cancel_allowed,
        })
    }

    /// Hours a raised or removed limit waits before it applies.
    pub fn cooling_off_hours(&self) -> u32 {
        self.cooling_off_hours
    }

    /// [`TenantPolicy::cooling_off_hours`] as a duration.
    pub fn cooling_off(&self) -> Duration {
        Duration::hours(i64::from(self.cooling_off_hours))
    }

    /// The actions reserved for verified players (empty: KYC gates nothing).
    pub fn kyc_required_for(&self) -> &BTreeSet<GatedAction> {
        &self.kyc_required_for
    }

    /// Whether `action` is reserved for verified players.
    pub fn requires_kyc_for(&self, action: GatedAction) -> bool {
        self.kyc_required_for.contains(&action)
    }

    /// Per currency: the 30-day deposit total above which a deposit needs a
    /// verified player (empty: the rule is off).
    pub fn kyc_deposit_threshold(&self) -> &Thresholds {
        &self.kyc_deposit_threshold
    }

    /// Per currency: the withdrawal amount from which two different admins
    /// must approve (empty: the rule is off).
    pub fn dual_approval_threshold(&self) -> &Thresholds {
        &self.dual_approval_threshold
    }

    /// Whether a player may cancel their own pending withdrawal.
    pub fn player_cancel_allowed(&self) -> bool {
        self.player_cancel_allowed
    }
}

/// Whether a withdrawal of `amount` needs two different admins: its currency
/// has a `dual_approval_threshold` and `amount` is at or above it. A currency
/// without a threshold never does.
pub fn needs_dual_approval(policy: &TenantPolicy, amount: Money) -> bool {
    policy
        .dual_approval_threshold
        .get(amount.currency())
        .is_some_and(|threshold| amount.amount() >= threshold.amount())
}

/// Whether a player may cancel their own withdrawal (`player_cancel_allowed`);
/// when not, the caller refuses the cancel.
pub fn player_may_cancel(policy: &TenantPolicy) -> bool {
    policy.player_cancel_allowed
}

#[cfg(test)]
mod tests;
