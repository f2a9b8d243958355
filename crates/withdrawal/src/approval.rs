//! Approvals: which approve command an admin's approval is, and who gave the
//! first of two.
//!
//! A withdrawal whose amount reaches the tenant's dual-approval threshold
//! (`protection::needs_dual_approval`) needs two different admins:
//!
//! ```text
//! requested --approve_first_of_two--> awaiting_second_approval --approve (another admin)--> approved
//! requested --approve-----------------------------------------------------------------------> approved
//! ```
//!
//! The second approval by the admin who gave the first is
//! [`WithdrawalError::SameApprover`]; reject works from both waiting states.

use chrono::{DateTime, Utc};
use ledger::AdminId;
use serde::{Deserialize, Serialize};

use crate::{Command, WithdrawalError, WithdrawalState};

/// The first of a withdrawal's two approvals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstApproval {
    /// The admin who gave it.
    pub by: AdminId,
    /// Their email when they gave it (shown in the approvals queue).
    pub email: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// The command that `approver`'s approval of a withdrawal in `from` is.
///
/// * `awaiting_second_approval`: [`Command::Approve`] (the second
///   approval), or [`WithdrawalError::SameApprover`] when `approver` gave
///   the first one (`first_approver`).
/// * `requested`: [`Command::ApproveFirstOfTwo`] when the withdrawal
///   `needs_two` approvals, else [`Command::Approve`].
/// * any other state: [`Command::Approve`], which
///   [`transition`](crate::transition()) refuses with the state named.
///
/// Whether two are needed is decided once, at the first approval: a
/// withdrawal already waiting for its second approval needs it even if the
/// tenant has since raised or dropped its threshold.
pub fn approval_command(
    from: WithdrawalState,
    needs_two: bool,
    first_approver: Option<AdminId>,
    approver: AdminId,
) -> Result<Command, WithdrawalError> {
    match from {
        WithdrawalState::AwaitingSecondApproval if first_approver == Some(approver) => {
            Err(WithdrawalError::SameApprover)
        }
        WithdrawalState::Requested if needs_two => Ok(Command::ApproveFirstOfTwo),
        _ => Ok(Command::Approve),
    }
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
