//! Everything the withdrawal state machine refuses.

use std::fmt;

use crate::{Command, WithdrawalState};

/// Longest part of a refused input kept in an error message.
const INPUT_ECHO_LEN_MAX: usize = 40;

/// Why a withdrawal operation was refused.
///
/// Messages are written to be shown to an API user as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WithdrawalError {
    /// Not a known state name (see [`WithdrawalState::as_str`]).
    #[error("unknown withdrawal state {0:?}")]
    UnknownState(String),
    /// The command is not allowed from the withdrawal's state; `from` is
    /// `None` when the withdrawal does not exist yet.
    #[error("{}", Refusal { from: *.from, command: *.command })]
    InvalidTransition {
        /// The state the withdrawal is in, `None` if it does not exist yet.
        from: Option<WithdrawalState>,
        /// The refused command.
        command: Command,
    },
    /// The second approval of a withdrawal that needs two came from the
    /// admin who gave the first.
    #[error("the second approval must come from another admin than the first")]
    SameApprover,
    /// The player asked to cancel, and the tenant does not let players
    /// cancel their withdrawals (`player_cancel_allowed: false`).
    #[error("this operator does not let players cancel withdrawals; contact support")]
    CancelNotAllowed,
}

impl WithdrawalError {
    /// [`WithdrawalError::UnknownState`] for `raw`, shortened so that a huge
    /// input does not end up in logs or responses whole.
    pub(crate) fn unknown_state(raw: &str) -> Self {
        WithdrawalError::UnknownState(raw.chars().take(INPUT_ECHO_LEN_MAX).collect())
    }
}

/// A refused transition in the contract's words: which states the action is
/// allowed from, and the state the withdrawal is in.
struct Refusal {
    from: Option<WithdrawalState>,
    command: Command,
}

impl Refusal {
    /// "a payout can only start", "a withdrawal can only be approved", ...
    fn action(&self) -> &'static str {
        match self.command {
            Command::Request => "a withdrawal can only be requested once",
            Command::Approve => "a withdrawal can only be approved",
            Command::ApproveFirstOfTwo => "a withdrawal can only get its first approval",
            Command::Reject => "a withdrawal can only be rejected",
            Command::Cancel => "a withdrawal can only be cancelled",
            Command::StartPayout => "a payout can only start",
            Command::PayoutSucceeded => "a payout can only succeed",
            Command::PayoutFailed => "a payout can only fail",
            Command::PayoutOutcomeUnknown => "a payout can only stay unresolved",
            Command::Reverse => "a payout can only be reversed",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(state) = self.from else {
            return f.write_str("this withdrawal does not exist");
        };
        let allowed: Vec<&str> = WithdrawalState::ALL
            .into_iter()
            .filter(|s| crate::transition(Some(*s), self.command).is_ok())
            .map(WithdrawalState::as_str)
            .collect();
        f.write_str(self.action())?;
        if let Some((last, rest)) = allowed.split_last() {
            f.write_str(" from ")?;
            if !rest.is_empty() {
                write!(f, "{} or ", rest.join(", "))?;
            }
            f.write_str(last)?;
        }
        write!(f, "; this withdrawal is {state}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_transition_names_the_allowed_states_and_the_current_one() {
        let cases = [
            (
                Some(WithdrawalState::Paid),
                Command::Approve,
                "a withdrawal can only be approved from requested or awaiting_second_approval; this withdrawal is paid",
            ),
            (
                Some(WithdrawalState::PayoutPending),
                Command::Cancel,
                "a withdrawal can only be cancelled from requested; this withdrawal is payout_pending",
            ),
            (
                Some(WithdrawalState::Requested),
                Command::StartPayout,
                "a payout can only start from approved or payout_failed; this withdrawal is requested",
            ),
            (
                Some(WithdrawalState::Paid),
                Command::Reject,
                "a withdrawal can only be rejected from requested, awaiting_second_approval, approved or payout_failed; this withdrawal is paid",
            ),
            (
                Some(WithdrawalState::Approved),
                Command::Request,
                "a withdrawal can only be requested once; this withdrawal is approved",
            ),
            (None, Command::StartPayout, "this withdrawal does not exist"),
        ];
        for (from, command, expected) in cases {
            let err = WithdrawalError::InvalidTransition { from, command };
            assert_eq!(err.to_string(), expected);
        }
    }

    #[test]
    fn unknown_state_echoes_a_bounded_input() {
        let long = "x".repeat(1000);
        assert_eq!(
            WithdrawalError::unknown_state(&long),
            WithdrawalError::UnknownState("x".repeat(INPUT_ECHO_LEN_MAX))
        );
        assert_eq!(
            WithdrawalError::unknown_state("done").to_string(),
            "unknown withdrawal state \"done\""
        );
    }
}
