use uuid::Uuid;

use super::*;
use crate::transition;

fn admin(n: u128) -> AdminId {
    AdminId(Uuid::from_u128(n))
}

#[test]
fn below_the_threshold_one_approval_approves() {
    let command = approval_command(WithdrawalState::Requested, false, None, admin(1));
    assert_eq!(command, Ok(Command::Approve));
    let step = command.and_then(|c| transition(Some(WithdrawalState::Requested), c));
    assert_eq!(step.map(|s| s.to), Ok(WithdrawalState::Approved));
}

#[test]
fn at_the_threshold_the_first_approval_waits_for_a_second() {
    let command = approval_command(WithdrawalState::Requested, true, None, admin(1));
    assert_eq!(command, Ok(Command::ApproveFirstOfTwo));
    let step = command.and_then(|c| transition(Some(WithdrawalState::Requested), c));
    assert_eq!(
        step.map(|s| (s.to, s.effect)),
        Ok((WithdrawalState::AwaitingSecondApproval, None))
    );
}

#[test]
fn the_second_approval_needs_another_admin() {
    let waiting = WithdrawalState::AwaitingSecondApproval;
    assert_eq!(
        approval_command(waiting, true, Some(admin(1)), admin(1)),
        Err(WithdrawalError::SameApprover)
    );
    let command = approval_command(waiting, true, Some(admin(1)), admin(2));
    assert_eq!(command, Ok(Command::Approve));
    let step = command.and_then(|c| transition(Some(waiting), c));
    assert_eq!(step.map(|s| s.to), Ok(WithdrawalState::Approved));
}

#[test]
fn a_waiting_withdrawal_needs_its_second_approval_whatever_the_threshold_now() {
    let waiting = WithdrawalState::AwaitingSecondApproval;
    for needs_two in [false, true] {
        assert_eq!(
            approval_command(waiting, needs_two, Some(admin(1)), admin(1)),
            Err(WithdrawalError::SameApprover)
        );
    }
}

#[test]
fn approving_from_any_other_state_is_refused_by_the_table() {
    for from in WithdrawalState::ALL {
        if matches!(
            from,
            WithdrawalState::Requested | WithdrawalState::AwaitingSecondApproval
        ) {
            continue;
        }
        for needs_two in [false, true] {
            let command = approval_command(from, needs_two, None, admin(1));
            assert_eq!(command, Ok(Command::Approve), "{from}");
            assert_eq!(
                transition(Some(from), Command::Approve),
                Err(WithdrawalError::InvalidTransition {
                    from: Some(from),
                    command: Command::Approve
                }),
                "{from}"
            );
        }
    }
}

#[test]
fn same_approver_reads_as_the_contract_says() {
    assert_eq!(
        WithdrawalError::SameApprover.to_string(),
        "the second approval must come from another admin than the first"
    );
}
