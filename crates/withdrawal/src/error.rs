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
    #[error("cannot {command} a withdrawal {}", InState(*.from))]
    InvalidTransition {
        /// The state the withdrawal is in, `None` if it does not exist yet.
        from: Option<WithdrawalState>,
        /// The refused command.
        command: Command,
    },
}

impl WithdrawalError {
    /// [`WithdrawalError::UnknownState`] for `raw`, shortened so that a huge
    /// input does not end up in logs or responses whole.
    pub(crate) fn unknown_state(raw: &str) -> Self {
        WithdrawalError::UnknownState(raw.chars().take(INPUT_ECHO_LEN_MAX).collect())
    }
}

/// "in state paid", or "that does not exist" for `None`.
struct InState(Option<WithdrawalState>);

impl fmt::Display for InState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(state) => write!(f, "in state {state}"),
            None => f.write_str("that does not exist"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_transition_names_the_command_and_the_state() {
        let paid = WithdrawalError::InvalidTransition {
            from: Some(WithdrawalState::Paid),
            command: Command::Approve,
        };
        assert_eq!(
            paid.to_string(),
            "cannot approve a withdrawal in state paid"
        );
        let pending = WithdrawalError::InvalidTransition {
            from: Some(WithdrawalState::PayoutPending),
            command: Command::Cancel,
        };
        assert_eq!(
            pending.to_string(),
            "cannot cancel a withdrawal in state payout_pending"
        );
        let missing = WithdrawalError::InvalidTransition {
            from: None,
            command: Command::StartPayout,
        };
        assert_eq!(
            missing.to_string(),
            "cannot start_payout a withdrawal that does not exist"
        );
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
