//! What can be asked of a withdrawal.

use std::fmt;

/// A request to move a withdrawal, from the player, an operator or the
/// payout pipeline. Whether it is allowed is [`transition`](crate::transition())'s call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    /// The player asks for a withdrawal (creates it).
    Request,
    /// An operator approves it: the only approval it needs, or the second
    /// of two (see [`crate::approval_command`]).
    Approve,
    /// An operator gives the first of the two approvals a large withdrawal
    /// needs.
    ApproveFirstOfTwo,
    /// An operator refuses it.
    Reject,
    /// The player withdraws the request before it is approved.
    Cancel,
    /// A payout attempt is started with the PSP (first try or retry).
    StartPayout,
    /// The PSP reports the payout paid.
    PayoutSucceeded,
    /// The PSP reports the payout failed.
    PayoutFailed,
    /// The payout's outcome could not be learnt (timeout, 5xx, connection
    /// error). Never treated as a failure: the PSP may have paid.
    PayoutOutcomeUnknown,
    /// The PSP returned the money of a paid payout.
    Reverse,
}

impl Command {
    /// Every command.
    pub const ALL: [Command; 10] = [
        Command::Request,
        Command::Approve,
        Command::ApproveFirstOfTwo,
        Command::Reject,
        Command::Cancel,
        Command::StartPayout,
        Command::PayoutSucceeded,
        Command::PayoutFailed,
        Command::PayoutOutcomeUnknown,
        Command::Reverse,
    ];

    /// snake_case name (`request`, `start_payout`, …), as used in messages
    /// and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Command::Request => "request",
            Command::Approve => "approve",
            Command::ApproveFirstOfTwo => "approve_first_of_two",
            Command::Reject => "reject",
            Command::Cancel => "cancel",
            Command::StartPayout => "start_payout",
            Command::PayoutSucceeded => "payout_succeeded",
            Command::PayoutFailed => "payout_failed",
            Command::PayoutOutcomeUnknown => "payout_outcome_unknown",
            Command::Reverse => "reverse",
        }
    }
}

impl fmt::Display for Command {
    /// The snake_case name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_snake_case_and_displayed() {
        let names: Vec<&str> = Command::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "request",
                "approve",
                "approve_first_of_two",
                "reject",
                "cancel",
                "start_payout",
                "payout_succeeded",
                "payout_failed",
                "payout_outcome_unknown",
                "reverse"
            ]
        );
        for command in Command::ALL {
            assert_eq!(command.to_string(), command.as_str());
        }
    }
}
