//! A withdrawal as the domain knows it, with its payout attempts.

use chrono::{DateTime, Utc};
use ledger::{Money, PlayerId, TenantId, WithdrawalId};
use payout::PayoutAttempt;
use serde::{Deserialize, Serialize};

use crate::{Destination, FirstApproval, WithdrawalState};

/// A withdrawal and its payout attempts (newest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// Its id.
    pub id: WithdrawalId,
    /// The player's tenant.
    pub tenant: TenantId,
    /// The player.
    pub player: PlayerId,
    /// The amount, in the wallet's currency.
    pub amount: Money,
    /// Where it is paid to.
    pub destination: Destination,
    /// Where it stands.
    pub state: WithdrawalState,
    /// Why an admin rejected it.
    pub reject_reason: Option<String>,
    /// The first of two approvals, when the withdrawal needed two and one
    /// was given (kept after the second).
    #[serde(default)]
    pub first_approval: Option<FirstApproval>,
    /// Its payout attempts, newest first.
    pub attempts: Vec<PayoutAttempt>,
    /// When it was requested.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}
