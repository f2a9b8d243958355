//! The table of allowed moves.

use crate::{Command, Effect, WithdrawalError, WithdrawalState};

/// An allowed move: the state the withdrawal goes to and the ledger movement
/// it makes.
///
/// A transition makes **at most one** ledger movement, so the effect is an
/// `Option` rather than a list: `None` for moves that touch no money
/// (approve, start payout, payout failed, outcome unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// The state after the move (may equal the current one).
    pub to: WithdrawalState,
    /// The ledger movement to record with the new state, if any.
    pub effect: Option<Effect>,
}

/// Where `command` takes a withdrawal in state `from` (`None`: it does not
/// exist yet), or [`WithdrawalError::InvalidTransition`] naming both.
///
/// | from                                                       | command                | to                       | effect  |
/// |------------------------------------------------------------|------------------------|--------------------------|---------|
/// | none                                                       | request                | requested                | hold    |
/// | requested, awaiting_second_approval                        | approve                | approved                 |         |
/// | requested                                                  | approve_first_of_two   | awaiting_second_approval |         |
/// | requested, awaiting_second_approval, approved, payout_failed | reject               | rejected                 | release |
/// | requested                                                  | cancel                 | cancelled                | release |
/// | approved, payout_failed                                    | start_payout           | payout_pending           |         |
/// | payout_pending                                             | payout_succeeded       | paid                     | settle  |
/// | payout_pending                                             | payout_failed          | payout_failed            |         |
/// | payout_pending                                             | payout_outcome_unknown | payout_pending           |         |
/// | paid                                                       | reverse                | reversed                 | reverse |
///
/// Which approve command an admin's approval is (one approval, the first of
/// two, or the second by a different admin) is [`crate::approval_command`]'s
/// call; this table only says where each one is allowed.
///
/// An unknown payout outcome keeps the withdrawal in `payout_pending`: the
/// PSP may have paid, so it is never taken for a failure (which would allow
/// a second attempt or a release of the held amount).
///
/// `paid` is reached only from `payout_pending` and never left except to
/// `reversed`, so [`Effect::Settle`] happens at most once per withdrawal.
pub fn transition(
    from: Option<WithdrawalState>,
    command: Command,
) -> Result<Transition, WithdrawalError> {
    use Command as C;
    use WithdrawalState as S;

    let (to, effect) = match (from, command) {
        (None, C::Request) => (S::Requested, Some(Effect::Hold)),
        (Some(S::Requested | S::AwaitingSecondApproval), C::Approve) => (S::Approved, None),
        (Some(S::Requested), C::ApproveFirstOfTwo) => (S::AwaitingSecondApproval, None),
        (
            Some(S::Requested | S::AwaitingSecondApproval | S::Approved | S::PayoutFailed),
            C::Reject,
        ) => (S::Rejected, Some(Effect::Release)),
        (Some(S::Requested), C::Cancel) => (S::Cancelled, Some(Effect::Release)),
        (Some(S::Approved | S::PayoutFailed), C::StartPayout) => (S::PayoutPending, None),
        (Some(S::PayoutPending), C::PayoutSucceeded) => (S::Paid, Some(Effect::Settle)),
        (Some(S::PayoutPending), C::PayoutFailed) => (S::PayoutFailed, None),
        (Some(S::PayoutPending), C::PayoutOutcomeUnknown) => (S::PayoutPending, None),
        (Some(S::Paid), C::Reverse) => (S::Reversed, Some(Effect::Reverse)),
        (from, command) => return Err(WithdrawalError::InvalidTransition { from, command }),
    };
    Ok(Transition { to, effect })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    use Effect as E;
    use WithdrawalState as S;

    /// An expected cell: `None` is a refusal.
    type Cell = Option<(S, Option<E>)>;

    /// Refused.
    const X: Cell = None;

    const fn to(state: S, effect: Option<E>) -> Cell {
        Some((state, effect))
    }

    /// Column order of [`table`].
    const COLUMNS: [Command; 10] = [
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

    /// The whole contract, one row per state (and "does not exist").
    #[rustfmt::skip]
    fn table() -> [(Option<S>, [Cell; 10]); 10] {
        let awaiting = to(S::AwaitingSecondApproval, None);
        let approved = to(S::Approved, None);
        let rejected = to(S::Rejected, Some(E::Release));
        let cancelled = to(S::Cancelled, Some(E::Release));
        let pending = to(S::PayoutPending, None);
        [
            //                                 request                          approve   first_of_two reject    cancel     start_payout payout_succeeded              payout_failed              payout_outcome_unknown reverse
            (None,                             [to(S::Requested, Some(E::Hold)), X,        X,           X,        X,         X,           X,                            X,                         X,                     X]),
            (Some(S::Requested),               [X,                               approved, awaiting,    rejected, cancelled, X,           X,                            X,                         X,                     X]),
            (Some(S::AwaitingSecondApproval),  [X,                               approved, X,           rejected, X,         X,           X,                            X,                         X,                     X]),
            (Some(S::Approved),                [X,                               X,        X,           rejected, X,         pending,     X,                            X,                         X,                     X]),
            (Some(S::Rejected),                [X,                               X,        X,           X,        X,         X,           X,                            X,                         X,                     X]),
            (Some(S::Cancelled),               [X,                               X,        X,           X,        X,         X,           X,                            X,                         X,                     X]),
            (Some(S::PayoutPending),           [X,                               X,        X,           X,        X,         X,           to(S::Paid, Some(E::Settle)), to(S::PayoutFailed, None), pending,               X]),
            (Some(S::PayoutFailed),            [X,                               X,        X,           rejected, X,         pending,     X,                            X,                         X,                     X]),
            (Some(S::Paid),                    [X,                               X,        X,           X,        X,         X,           X,                            X,                         X,                     to(S::Reversed, Some(E::Reverse))]),
            (Some(S::Reversed),                [X,                               X,        X,           X,        X,         X,           X,                            X,                         X,                     X]),
        ]
    }

    #[test]
    fn the_table_covers_every_state_and_command_once() {
        let rows: HashSet<Option<S>> = table().iter().map(|(from, _)| *from).collect();
        let expected: HashSet<Option<S>> = std::iter::once(None)
            .chain(S::ALL.into_iter().map(Some))
            .collect();
        assert_eq!(rows, expected);
        assert_eq!(rows.len(), 10);
        assert_eq!(COLUMNS, Command::ALL);
    }

    #[test]
    fn every_state_and_command_pair_matches_the_table() {
        let mut checked = 0;
        let mut allowed = 0;
        for (from, cells) in table() {
            for (command, cell) in COLUMNS.into_iter().zip(cells) {
                let got = transition(from, command);
                match cell {
                    Some((to, effect)) => {
                        assert_eq!(got, Ok(Transition { to, effect }), "{from:?} {command}");
                        allowed += 1;
                    }
                    None => {
                        assert_eq!(
                            got,
                            Err(WithdrawalError::InvalidTransition { from, command }),
                            "{from:?} {command}"
                        );
                    }
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 100);
        assert_eq!(allowed, 15);
    }

    #[test]
    fn refusals_name_the_allowed_states_and_the_current_one() {
        for (from, cells) in table() {
            for (command, cell) in COLUMNS.into_iter().zip(cells) {
                if cell.is_some() {
                    continue;
                }
                let message = transition(from, command)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                match from {
                    Some(state) => {
                        assert!(
                            message.ends_with(&format!("; this withdrawal is {state}")),
                            "{message}"
                        );
                        for allowed in S::ALL {
                            if transition(Some(allowed), command).is_ok() {
                                assert!(message.contains(allowed.as_str()), "{message}");
                            }
                        }
                    }
                    None => assert_eq!(message, "this withdrawal does not exist"),
                }
            }
        }
        assert_eq!(
            transition(Some(S::Paid), Command::Approve)
                .err()
                .map(|e| e.to_string()),
            Some(
                "a withdrawal can only be approved from requested or awaiting_second_approval; this withdrawal is paid"
                    .to_owned()
            )
        );
    }

    #[test]
    fn an_unknown_outcome_is_never_a_failure() {
        let unknown = transition(Some(S::PayoutPending), Command::PayoutOutcomeUnknown);
        assert_eq!(
            unknown,
            Ok(Transition {
                to: S::PayoutPending,
                effect: None
            })
        );
        // Still pending, so no retry and no release is possible.
        assert!(transition(Some(S::PayoutPending), Command::StartPayout).is_err());
        assert!(transition(Some(S::PayoutPending), Command::Reject).is_err());
        assert!(transition(Some(S::PayoutPending), Command::Cancel).is_err());
    }

    #[test]
    fn a_withdrawal_exists_only_through_request() {
        for command in Command::ALL {
            assert_eq!(
                transition(None, command).is_ok(),
                command == Command::Request,
                "{command}"
            );
        }
        for state in S::ALL {
            assert!(
                transition(Some(state), Command::Request).is_err(),
                "{state}"
            );
        }
    }

    fn terminal_state() -> impl Strategy<Value = S> {
        proptest::sample::select(
            S::ALL
                .into_iter()
                .filter(|s| s.is_terminal())
                .collect::<Vec<_>>(),
        )
    }

    proptest! {
        #[test]
        fn any_command_from_a_terminal_state_is_refused(
            state in terminal_state(),
            command in proptest::sample::select(Command::ALL.to_vec()),
        ) {
            prop_assert_eq!(
                transition(Some(state), command),
                Err(WithdrawalError::InvalidTransition { from: Some(state), command })
            );
        }
    }
}
