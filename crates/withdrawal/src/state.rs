//! Where a withdrawal is in its life.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::WithdrawalError;

/// The state of an existing withdrawal. Stored and serialized by its
/// snake_case name ([`WithdrawalState::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WithdrawalState {
    /// Asked for by the player; the amount is held.
    Requested,
    /// Large enough that the tenant wants two admins: one approved it, a
    /// different one must approve it too. The amount is still held.
    AwaitingSecondApproval,
    /// Approved by an operator; no payout attempt has started yet.
    Approved,
    /// Refused by an operator; the held amount went back to available.
    /// Terminal.
    Rejected,
    /// Withdrawn by the player before approval; the held amount went back to
    /// available. Terminal.
    Cancelled,
    /// A payout attempt is under way with the PSP (including one whose
    /// outcome is not known yet).
    PayoutPending,
    /// The last payout attempt failed; the amount is still held, so the
    /// payout may be retried or the withdrawal rejected.
    PayoutFailed,
    /// The PSP paid the player; the held amount left the wallet.
    ///
    /// Not terminal: the PSP may still return the money
    /// ([`WithdrawalState::Reversed`]).
    Paid,
    /// The PSP returned a paid-out amount; it was credited back to
    /// available. Terminal.
    Reversed,
}

impl WithdrawalState {
    /// Every state.
    pub const ALL: [WithdrawalState; 9] = [
        WithdrawalState::Requested,
        WithdrawalState::AwaitingSecondApproval,
        WithdrawalState::Approved,
        WithdrawalState::Rejected,
        WithdrawalState::Cancelled,
        WithdrawalState::PayoutPending,
        WithdrawalState::PayoutFailed,
        WithdrawalState::Paid,
        WithdrawalState::Reversed,
    ];

    /// Stored name (`requested`, `payout_pending`, …), the same as its serde
    /// name.
    pub fn as_str(self) -> &'static str {
        match self {
            WithdrawalState::Requested => "requested",
            WithdrawalState::AwaitingSecondApproval => "awaiting_second_approval",
            WithdrawalState::Approved => "approved",
            WithdrawalState::Rejected => "rejected",
            WithdrawalState::Cancelled => "cancelled",
            WithdrawalState::PayoutPending => "payout_pending",
            WithdrawalState::PayoutFailed => "payout_failed",
            WithdrawalState::Paid => "paid",
            WithdrawalState::Reversed => "reversed",
        }
    }

    /// Parses a stored name exactly (no other case or spelling).
    pub fn parse(raw: &str) -> Result<Self, WithdrawalError> {
        WithdrawalState::ALL
            .into_iter()
            .find(|state| state.as_str() == raw)
            .ok_or_else(|| WithdrawalError::unknown_state(raw))
    }

    /// Whether no command can move the withdrawal any more: `rejected`,
    /// `cancelled` and `reversed`.
    ///
    /// `paid` is deliberately not terminal: a PSP can return a paid-out
    /// amount later, which moves the withdrawal to `reversed`.
    pub fn is_terminal(self) -> bool {
        match self {
            WithdrawalState::Rejected | WithdrawalState::Cancelled | WithdrawalState::Reversed => {
                true
            }
            WithdrawalState::Requested
            | WithdrawalState::AwaitingSecondApproval
            | WithdrawalState::Approved
            | WithdrawalState::PayoutPending
            | WithdrawalState::PayoutFailed
            | WithdrawalState::Paid => false,
        }
    }
}

impl fmt::Display for WithdrawalState {
    /// The stored name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WithdrawalState {
    type Err = WithdrawalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        WithdrawalState::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    fn deserialize(raw: &str) -> Result<WithdrawalState, DeError> {
        let deserializer: StrDeserializer<'_, DeError> = raw.into_deserializer();
        WithdrawalState::deserialize(deserializer)
    }

    #[test]
    fn names_are_the_documented_snake_case_strings() {
        let names: Vec<&str> = WithdrawalState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "requested",
                "awaiting_second_approval",
                "approved",
                "rejected",
                "cancelled",
                "payout_pending",
                "payout_failed",
                "paid",
                "reversed"
            ]
        );
    }

    #[test]
    fn names_round_trip_through_parse_display_and_serde() {
        for state in WithdrawalState::ALL {
            assert_eq!(WithdrawalState::parse(state.as_str()), Ok(state));
            assert_eq!(state.as_str().parse::<WithdrawalState>(), Ok(state));
            assert_eq!(state.to_string(), state.as_str());
            assert_eq!(deserialize(state.as_str()), Ok(state));
        }
    }

    #[test]
    fn parse_refuses_other_spellings() {
        for raw in [
            "",
            "Paid",
            "PAID",
            "payout-pending",
            "PayoutPending",
            " paid",
            "done",
        ] {
            assert_eq!(
                WithdrawalState::parse(raw),
                Err(WithdrawalError::UnknownState(raw.into())),
                "{raw:?}"
            );
            assert!(deserialize(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn only_rejected_cancelled_and_reversed_are_terminal() {
        let terminal: Vec<WithdrawalState> = WithdrawalState::ALL
            .into_iter()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(
            terminal,
            [
                WithdrawalState::Rejected,
                WithdrawalState::Cancelled,
                WithdrawalState::Reversed
            ]
        );
        assert!(!WithdrawalState::Paid.is_terminal());
    }
}
