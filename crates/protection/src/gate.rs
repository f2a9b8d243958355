//! One entry point per player action, with a fixed precedence.

use chrono::{DateTime, Utc};
use ledger::Money;

use crate::{
    CheckError, Exclusion, GatedAction, KycCheck, KycRequired, KycStatus, LimitCheck, LimitKind,
    LimitPeriod, LimitReached, PlayerLimits, TenantPolicy, Totals, blocked, kyc_deposit_gate,
    kyc_gate,
};

/// What the gates know about a player: the tenant's policy, the player's
/// KYC status, recorded exclusions and limits. Storage reads it once per
/// request.
#[derive(Debug, Clone, Copy)]
pub struct PlayerProtection<'a> {
    /// The tenant's policy.
    pub policy: &'a TenantPolicy,
    /// The player's KYC status.
    pub kyc: KycStatus,
    /// Every exclusion recorded for the player (ended ones may be left in).
    pub exclusions: &'a [Exclusion],
    /// The player's limits and pending changes, as stored.
    pub limits: &'a PlayerLimits,
}

/// The answer of a gate. Only [`Gate::Allowed`] lets the action go ahead;
/// a refused one creates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gate {
    /// Go ahead.
    Allowed,
    /// A timeout or self-exclusion is active: `403 player_blocked` (the
    /// `player_blocked` status for a bet). The exclusion ending last.
    Blocked(Exclusion),
    /// `403 kyc_required`.
    KycRequired(KycRequired),
    /// `422 limit_reached` (the `limit_reached` status for a bet).
    LimitReached(LimitReached),
}

impl Gate {
    /// Whether the action may go ahead.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Gate::Allowed)
    }

    /// The contract's error code of a refusal (`player_blocked`,
    /// `kyc_required`, `limit_reached`); `None` when allowed.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Gate::Allowed => None,
            Gate::Blocked(_) => Some("player_blocked"),
            Gate::KycRequired(_) => Some("kyc_required"),
            Gate::LimitReached(_) => Some("limit_reached"),
        }
    }
}

impl From<LimitCheck> for Gate {
    fn from(check: LimitCheck) -> Gate {
        match check {
            LimitCheck::Allowed => Gate::Allowed,
            LimitCheck::LimitReached(reached) => Gate::LimitReached(reached),
        }
    }
}

/// A deposit of `amount` at `now`, in this order: an active exclusion
/// blocks; then KYC ([`kyc_deposit_gate`]: `kyc_required_for`, then the
/// 30-day threshold, with `totals`' deposits over
/// [`LimitPeriod::Month`]); then the deposit limits
/// ([`PlayerLimits::check_deposit`]). Inputs are checked before any rule
/// ([`CheckError`]).
pub fn deposit_gate(
    player: &PlayerProtection<'_>,
    amount: Money,
    totals: &Totals,
    now: DateTime<Utc>,
) -> Result<Gate, CheckError> {
    let limits = player.limits.check_deposit(amount, totals, now)?;
    let last_30d = totals.get(LimitKind::Deposit, LimitPeriod::Month);
    let kyc = kyc_deposit_gate(player.policy, player.kyc, last_30d, amount)?;
    if let Some(exclusion) = blocked(player.exclusions, now) {
        return Ok(Gate::Blocked(*exclusion));
    }
    if let KycCheck::Required(required) = kyc {
        return Ok(Gate::KycRequired(required));
    }
    Ok(limits.into())
}

/// A bet of `amount` at `now`: an active exclusion blocks; then the loss
/// and wager limits ([`PlayerLimits::check_bet`]). Bets are not KYC-gated
/// (KYC for `game` applies when a session is created).
pub fn bet_gate(
    player: &PlayerProtection<'_>,
    amount: Money,
    totals: &Totals,
    now: DateTime<Utc>,
) -> Result<Gate, CheckError> {
    let limits = player.limits.check_bet(amount, totals, now)?;
    if let Some(exclusion) = blocked(player.exclusions, now) {
        return Ok(Gate::Blocked(*exclusion));
    }
    Ok(limits.into())
}

/// Creating a game session at `now`: an active exclusion blocks; then
/// `game` in `kyc_required_for` needs a verified player.
pub fn game_session_gate(player: &PlayerProtection<'_>, now: DateTime<Utc>) -> Gate {
    if let Some(exclusion) = blocked(player.exclusions, now) {
        return Gate::Blocked(*exclusion);
    }
    match kyc_gate(player.policy, player.kyc, GatedAction::Game) {
        Ok(()) => Gate::Allowed,
        Err(required) => Gate::KycRequired(required),
    }
}

/// Requesting a withdrawal: exclusions never block it (a blocked player can
/// still take their money out); `withdrawal` in `kyc_required_for` needs a
/// verified player.
pub fn withdrawal_gate(player: &PlayerProtection<'_>) -> Gate {
    match kyc_gate(player.policy, player.kyc, GatedAction::Withdrawal) {
        Ok(()) => Gate::Allowed,
        Err(required) => Gate::KycRequired(required),
    }
}

#[cfg(test)]
mod tests;
