//! Property tests: any sequence of commands, with admins approving at
//! random, keeps the approval rules and the money right.

use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::{Effect, transition};

/// What someone asks of a withdrawal in a generated history.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// Admin `n` (of three) approves.
    Approve(u8),
    /// Any other command.
    Other(Command),
}

fn step() -> impl Strategy<Value = Step> {
    let others = Command::ALL
        .into_iter()
        .filter(|c| !matches!(c, Command::Approve | Command::ApproveFirstOfTwo))
        .collect::<Vec<_>>();
    prop_oneof![
        (0u8..3).prop_map(Step::Approve),
        proptest::sample::select(others).prop_map(Step::Other),
    ]
}

/// A withdrawal's life as storage would keep it.
#[derive(Debug, Default)]
struct Life {
    state: Option<WithdrawalState>,
    first_approver: Option<AdminId>,
    /// Admins whose approval was accepted, in order.
    approvers: Vec<AdminId>,
    /// Held amount, in units of the withdrawal's amount (0 or 1).
    held: i32,
    /// Released (reject, cancel) or settled (paid) count.
    released: u32,
    settled: u32,
}

impl Life {
    fn apply(&mut self, step: Step, needs_two: bool) {
        let command = match step {
            Step::Approve(n) => {
                let approver = AdminId(Uuid::from_u128(u128::from(n)));
                let Some(from) = self.state else { return };
                match approval_command(from, needs_two, self.first_approver, approver) {
                    Ok(command) => {
                        if transition(Some(from), command).is_ok() {
                            self.approvers.push(approver);
                            if command == Command::ApproveFirstOfTwo {
                                self.first_approver = Some(approver);
                            }
                        }
                        command
                    }
                    Err(WithdrawalError::SameApprover) => {
                        assert_eq!(self.first_approver, Some(approver));
                        return;
                    }
                    Err(other) => panic!("unexpected {other}"),
                }
            }
            Step::Other(command) => command,
        };
        let Ok(step) = transition(self.state, command) else {
            return;
        };
        match step.effect {
            Some(Effect::Hold) => self.held += 1,
            Some(Effect::Release) => {
                self.held -= 1;
                self.released += 1;
            }
            Some(Effect::Settle) => {
                self.held -= 1;
                self.settled += 1;
            }
            Some(Effect::Reverse) | None => {}
        }
        self.state = Some(step.to);
    }
}

proptest! {
    #[test]
    fn approvals_follow_the_threshold_and_money_moves_once(
        needs_two in any::<bool>(),
        steps in proptest::collection::vec(step(), 0..40),
    ) {
        let mut life = Life::default();
        life.apply(Step::Other(Command::Request), needs_two);
        for step in steps {
            life.apply(step, needs_two);
            let state = life.state;
            // The hold is there until it is released or settled, once.
            prop_assert!(life.held == 0 || life.held == 1);
            prop_assert!(life.released + life.settled <= 1);
            prop_assert_eq!(life.held + life.released as i32 + life.settled as i32, 1);
            // Waiting for a second approval happens only when two are needed.
            if state == Some(WithdrawalState::AwaitingSecondApproval) {
                prop_assert!(needs_two);
                prop_assert_eq!(life.approvers.len(), 1);
            }
            // Approved (and beyond) with two needed means two different admins.
            let past_approval = matches!(
                state,
                Some(WithdrawalState::Approved | WithdrawalState::PayoutPending
                    | WithdrawalState::PayoutFailed | WithdrawalState::Paid
                    | WithdrawalState::Reversed)
            );
            if past_approval {
                let expected = if needs_two { 2 } else { 1 };
                prop_assert_eq!(life.approvers.len(), expected);
                if needs_two {
                    prop_assert_ne!(life.approvers[0], life.approvers[1]);
                }
            }
        }
    }
}
