use super::*;
use crate::chaos::journal::{Balance, WithdrawalRecord, expected_balances};
use crate::chaos::store::WithdrawalRow;

fn record(id: &str, action: GameAction, amount: i64, status: Option<&str>) -> GameRecord {
    GameRecord {
        player: 0,
        transaction_id: id.to_owned(),
        action,
        amount_minor: amount,
        status: status.map(str::to_owned),
        kasa_transaction_id: Some(format!("k-{id}")),
        resent_us: None,
    }
}

fn row(id: &str, status: &str, state: &str, ledger: i64) -> GameRow {
    GameRow {
        transaction_id: id.to_owned(),
        id: format!("k-{id}"),
        status: status.to_owned(),
        state: state.to_owned(),
        ledger,
        created_us: 1_000,
    }
}

fn kinds(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.kind).collect()
}

fn rollback_of(reference: &str) -> GameAction {
    GameAction::Rollback {
        reference: reference.to_owned(),
    }
}

/// A bet rolled back and a zero win, as Kasa stores them.
fn clean_games() -> (Journal, Snapshot) {
    let journal = Journal {
        games: vec![
            record("b1", GameAction::Bet, 100, Some("ok")),
            record("r1", rollback_of("b1"), 0, Some("ok")),
            record("b2", GameAction::Bet, 100, Some("ok")),
            record("w2", GameAction::Win, 0, Some("ok")),
        ],
        withdrawals: vec![],
    };
    let snapshot = Snapshot {
        games: vec![
            row("b1", "ok", "rolled_back", 1),
            row("r1", "ok", "applied", 1),
            row("b2", "ok", "applied", 1),
            row("w2", "ok", "applied", 0),
        ],
        ..Snapshot::default()
    };
    (journal, snapshot)
}

#[test]
fn one_row_and_one_ledger_transaction_per_moving_call_is_clean() {
    let (journal, snapshot) = clean_games();
    assert_eq!(games(&journal, &snapshot), vec![]);
}

#[test]
fn doubled_rows_and_ledger_transactions_are_found() {
    let (journal, mut snapshot) = clean_games();
    snapshot.games.push(row("b2", "ok", "applied", 1));
    snapshot.games[0].ledger = 2;
    snapshot.orphan_game_ledger = 1;
    assert_eq!(
        kinds(&games(&journal, &snapshot)),
        vec![
            "double ledger transaction",
            "double game row",
            "orphan ledger transaction"
        ]
    );
}

#[test]
fn missing_effects_and_rows_nobody_sent_are_found() {
    let (mut journal, mut snapshot) = clean_games();
    snapshot.games[2].ledger = 0;
    snapshot.games[3].status = "insufficient_funds".into();
    snapshot.games.push(row("zz", "ok", "tombstone", 0));
    journal
        .games
        .push(record("b3", GameAction::Bet, 5, Some("ok")));
    assert_eq!(
        kinds(&games(&journal, &snapshot)),
        vec![
            "ledger effect differs",
            "status differs",
            "missing game row",
            "unsent game row"
        ]
    );
}

#[test]
fn a_stuck_call_may_have_one_row_or_none() {
    let (mut journal, mut snapshot) = clean_games();
    journal.games.push(record("b4", GameAction::Bet, 5, None));
    journal.games.push(record("b5", GameAction::Bet, 5, None));
    snapshot.games.push(row("b4", "ok", "applied", 1));
    assert_eq!(games(&journal, &snapshot), vec![]);
}

fn withdrawal(key: &str, amount: i64, id: Option<&str>) -> WithdrawalRecord {
    WithdrawalRecord {
        player: 0,
        key: key.to_owned(),
        amount_minor: amount,
        answer: Some(match id {
            Some(id) => WithdrawalAnswer::Created { id: id.to_owned() },
            None => WithdrawalAnswer::Refused {
                status: 422,
                code: "insufficient_funds".into(),
            },
        }),
    }
}

fn stored(id: &str, amount: i64) -> WithdrawalRow {
    WithdrawalRow {
        id: id.to_owned(),
        player_id: "p0".into(),
        amount_minor: amount,
        state: "requested".into(),
        ledger: 1,
    }
}

#[test]
fn withdrawals_must_be_exactly_those_answered() {
    let journal = Journal {
        games: vec![],
        withdrawals: vec![
            withdrawal("k1", 500, Some("w1")),
            withdrawal("k2", 700, Some("w2")),
            withdrawal("k3", 9_000_000, None),
        ],
    };
    let players = vec!["p0".to_owned()];
    let mut snapshot = Snapshot {
        withdrawals: vec![stored("w1", 500), stored("w2", 700)],
        ..Snapshot::default()
    };
    assert_eq!(withdrawals(&journal, &players, &snapshot), vec![]);

    snapshot.withdrawals.push(stored("w3", 9_000_000));
    snapshot.withdrawals[1].ledger = 2;
    snapshot.withdrawals.remove(0);
    snapshot.repeated_keys.push(("k1".into(), 2));
    let mut found = kinds(&withdrawals(&journal, &players, &snapshot));
    found.sort_unstable();
    assert_eq!(
        found,
        vec![
            "key stored twice",
            "missing withdrawal",
            "unanswered withdrawal",
            "withdrawal differs"
        ]
    );
}

#[test]
fn wallets_must_hold_what_the_answers_imply() {
    let journal = Journal {
        games: vec![
            record("b1", GameAction::Bet, 100, Some("ok")),
            record("w1", GameAction::Win, 300, Some("ok")),
        ],
        withdrawals: vec![withdrawal("k1", 500, Some("w1"))],
    };
    let start = [Balance {
        available_minor: 10_000,
        held_minor: 0,
    }];
    let expected = expected_balances(&start, &journal);
    let players = vec!["p0".to_owned()];
    let mut snapshot = Snapshot::default();
    snapshot.wallets.insert(
        "p0".into(),
        Balance {
            available_minor: 9_700,
            held_minor: 500,
        },
    );
    assert_eq!(wallets(&expected, &players, &snapshot), vec![]);
    snapshot.wallets.insert(
        "p0".into(),
        Balance {
            available_minor: 9_600,
            held_minor: 500,
        },
    );
    assert_eq!(
        kinds(&wallets(&expected, &players, &snapshot)),
        vec!["wallet differs"]
    );
}

#[test]
fn a_retried_call_stored_before_its_answered_attempt_lost_an_answer() {
    let (mut journal, snapshot) = clean_games();
    journal.games[0].resent_us = Some(2_000);
    journal.games[1].resent_us = Some(500);
    assert_eq!(lost_answers(&journal, &snapshot), 1);
}
