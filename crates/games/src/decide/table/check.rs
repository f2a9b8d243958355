//! Checks [`decide`] against the table, cell by cell.

use super::build::{P, earlier_row, eur, input, message, reference_row, round_id, round_state};
use super::*;

#[test]
fn every_cell_of_the_table_is_what_decide_answers() {
    let mut money_moving = 0;
    for cell in TABLE {
        let Cell {
            status,
            out,
            moves,
            ref_to,
            round_after,
            ..
        } = *cell;
        let input = input(cell);
        let decision = decide(&input);
        assert_eq!(decision.status(), status, "{cell:?}");
        let got_out = match &decision {
            GameDecision::Repeat { .. } => Out::Repeat,
            GameDecision::Refuse { record: true, .. } => Out::RefuseStored,
            GameDecision::Refuse { record: false, .. } => Out::RefuseOnly,
            GameDecision::Apply(_) => Out::Apply,
        };
        assert_eq!(got_out, out, "{cell:?}");
        let stored = decision.row_to_store(&input);
        assert_eq!(
            stored.is_some(),
            matches!(out, Out::RefuseStored | Out::Apply),
            "{cell:?}"
        );
        if let Some(stored) = stored {
            let state = if out == Out::Apply {
                GameTxState::Applied
            } else {
                GameTxState::Refused
            };
            assert_eq!(
                (stored.state, stored.status, stored.kind),
                (state, status, input.message.kind()),
                "{cell:?}"
            );
            assert_eq!(stored.fingerprint, input.fingerprint, "{cell:?}");
        }
        let GameDecision::Apply(plan) = decision else {
            assert_eq!(moves, Moves::No, "{cell:?}");
            continue;
        };
        let expected_movement = match moves {
            Moves::No => None,
            Moves::Debit => Some((MovementKind::Bet, eur(-1000))),
            Moves::Credit => Some((MovementKind::Win, eur(1000))),
            Moves::BackSeven => Some((MovementKind::BetRollback, eur(700))),
        };
        assert_eq!(
            plan.movement.map(|m| (m.kind, m.available_delta())),
            expected_movement,
            "{cell:?}"
        );
        let expected_reference = match ref_to {
            RefTo::Same => None,
            RefTo::RolledBack => Some(ReferenceChange::RolledBack),
            RefTo::NewTombstone => Some(ReferenceChange::NewTombstone(
                StoredTransaction::tombstone(P, round_id("r-1"), Currency::EUR),
            )),
        };
        assert_eq!(plan.reference_becomes, expected_reference, "{cell:?}");
        assert_eq!(plan.round_after, round_state(round_after), "{cell:?}");
        let provider = ProviderSlug::parse("evo").expect("valid slug");
        let ledger = plan
            .ledger_transaction(P, &provider)
            .transpose()
            .expect("the recipes accept the movement");
        assert_eq!(ledger.is_some(), moves != Moves::No, "{cell:?}");
        if let (Some(tx), Some(movement)) = (ledger, plan.movement) {
            assert_eq!(tx.kind(), movement.kind.ledger_kind());
            assert_eq!(
                tx.player_deltas(P, Currency::EUR).map(|d| d.available),
                Ok(movement.available_delta())
            );
            money_moving += 1;
        }
    }
    assert_eq!(money_moving, 8);
}

#[test]
fn the_table_covers_every_state_message_pair_and_every_reference() {
    let cells: HashSet<(E, Body, M, R)> = TABLE
        .iter()
        .map(|c| (c.earlier, c.body, c.msg, c.reference))
        .collect();
    let pairs: HashSet<(E, Body, M)> = cells.iter().map(|c| (c.0, c.1, c.2)).collect();
    for earlier in Earlier::ALL {
        for msg in [Msg::Bet, Msg::Win, Msg::Rollback] {
            let bodies: &[Body] = if earlier == Earlier::None {
                &[Body::Same]
            } else {
                &[Body::Same, Body::Different]
            };
            for body in bodies {
                assert!(
                    pairs.contains(&(earlier, *body, msg)),
                    "{earlier:?} {body:?} {msg:?}"
                );
            }
        }
    }
    for reference in Ref::ALL.into_iter().chain([Ref::Itself]) {
        assert!(
            cells.contains(&(Earlier::None, Body::Same, Msg::Rollback, reference)),
            "{reference:?}"
        );
    }
    // Every stored state and kind is somewhere in the table, as this id's row and as a reference.
    let call = message(Msg::Bet, Cur::Wallet);
    let earlier: HashSet<(GameTxKind, GameTxState)> = Earlier::ALL
        .into_iter()
        .filter_map(|e| earlier_row(e, Body::Same, &call))
        .map(|r| (r.kind, r.state))
        .collect();
    let referenced: HashSet<(GameTxKind, GameTxState)> = Ref::ALL
        .into_iter()
        .filter_map(reference_row)
        .map(|r| (r.kind, r.state))
        .collect();
    for state in GameTxState::ALL {
        assert!(
            earlier.iter().any(|(_, s)| *s == state),
            "{state:?} as this id's row"
        );
        assert!(
            referenced.iter().any(|(_, s)| *s == state),
            "{state:?} as a reference"
        );
    }
    for kind in GameTxKind::ALL {
        assert!(
            earlier.iter().any(|(k, _)| *k == kind),
            "{kind:?} as this id's row"
        );
        assert!(
            referenced.iter().any(|(k, _)| *k == kind),
            "{kind:?} as a reference"
        );
    }
    // No input is written twice (with possibly two answers).
    let inputs: HashSet<_> = TABLE
        .iter()
        .map(|c| {
            (
                c.earlier,
                c.body,
                c.msg,
                c.reference,
                c.round,
                c.session,
                c.gate,
                c.funds,
                c.currency,
            )
        })
        .collect();
    assert_eq!(inputs.len(), TABLE.len());
}

#[test]
fn a_bet_of_zero_or_a_negative_win_is_an_error_not_a_movement() {
    let provider = ProviderSlug::parse("evo").expect("valid slug");
    for message in [
        GameMessage::Bet {
            amount: eur(0),
            round_closed: false,
        },
        GameMessage::Win {
            amount: eur(-5),
            round_closed: false,
        },
    ] {
        let mut input = input(&TABLE[0]);
        input.message = message;
        let GameDecision::Apply(plan) = decide(&input) else {
            panic!("accepted by the rules");
        };
        assert_eq!(
            plan.ledger_transaction(P, &provider),
            Some(Err(ledger::LedgerError::NotPositive))
        );
    }
}
