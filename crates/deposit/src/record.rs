//! A deposit as the domain knows it.

use chrono::{DateTime, Utc};
use ledger::{DepositId, Money, PlayerId, TenantId};
use serde::{Deserialize, Serialize};

use crate::DepositStatus;

/// A player's deposit through a PSP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deposit {
    /// Its id (also its reference at the PSP).
    pub id: DepositId,
    /// The player's tenant.
    pub tenant: TenantId,
    /// The depositing player.
    pub player: PlayerId,
    /// The amount, in the wallet's currency.
    pub amount: Money,
    /// Where it stands.
    pub status: DepositStatus,
    /// The PSP it goes through (its configured name).
    pub provider: String,
    /// The PSP's id for it, once known.
    pub provider_ref: Option<String>,
    /// The PSP's failure code, when it failed.
    pub failure_code: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl Deposit {
    /// Created and not yet answered by the PSP: its create call must be
    /// (re-)sent.
    pub fn awaits_psp_answer(&self) -> bool {
        self.status == DepositStatus::Pending && self.provider_ref.is_none()
    }
}

#[cfg(test)]
mod tests {
    use ledger::Currency;
    use uuid::Uuid;

    use super::*;

    #[test]
    fn a_deposit_round_trips_as_a_stored_outcome() {
        let now = Utc::now();
        let deposit = Deposit {
            id: DepositId(Uuid::from_u128(1)),
            tenant: TenantId(Uuid::from_u128(2)),
            player: PlayerId(Uuid::from_u128(3)),
            amount: Money::from_minor_units(2500, Currency::EUR),
            status: DepositStatus::Pending,
            provider: "mock".into(),
            provider_ref: None,
            failure_code: None,
            created_at: now,
            updated_at: now,
        };
        assert!(deposit.awaits_psp_answer());
        let json = serde_json::to_string(&deposit).unwrap_or_default();
        assert!(json.contains(r#""status":"pending""#), "{json}");
        let back: Result<Deposit, _> = serde_json::from_str(&json);
        assert_eq!(back.ok(), Some(deposit));
    }
}
