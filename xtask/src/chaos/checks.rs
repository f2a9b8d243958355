//! The checks after the run: the database against the definitive answers. At most
//! one game transaction row and one ledger transaction per transaction id sent
//! (exactly one of each for a call answered `ok` that moves money), no row for an
//! id never sent, exactly the withdrawals the answers name (one hold each), each
//! Idempotency-Key stored once, and every wallet as the answers add up to.

use std::collections::{HashMap, HashSet};

use super::journal::{Expected, GameAction, GameRecord, Journal, WithdrawalAnswer, decimal};
use super::store::{GameRow, Snapshot};

/// One broken expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What kind (`double game row`, `wallet differs`, ...).
    pub kind: &'static str,
    /// Which key, row or wallet, with the figures.
    pub detail: String,
}

/// Compares everything; no findings means the run kept every invariant.
pub fn compare(
    journal: &Journal,
    expected: &[Expected],
    player_ids: &[String],
    snapshot: &Snapshot,
) -> Vec<Finding> {
    let mut findings = games(journal, snapshot);
    findings.extend(withdrawals(journal, player_ids, snapshot));
    findings.extend(wallets(expected, player_ids, snapshot));
    findings
}

/// Game calls answered only on a retry whose stored row is older than the
/// answered attempt: an earlier attempt had taken effect and its answer was lost
/// (the path at-most-once is about). Not a finding: a measure of what the chaos hit.
pub fn lost_answers(journal: &Journal, snapshot: &Snapshot) -> u64 {
    let created: HashMap<&str, i64> = snapshot
        .games
        .iter()
        .map(|row| (row.transaction_id.as_str(), row.created_us))
        .collect();
    let lost = journal.games.iter().filter(|record| {
        match (
            record.resent_us,
            created.get(record.transaction_id.as_str()),
        ) {
            (Some(resent), Some(&created)) => created < resent,
            _ => false,
        }
    });
    u64::try_from(lost.count()).unwrap_or(u64::MAX)
}

fn finding(kind: &'static str, detail: String) -> Finding {
    Finding { kind, detail }
}

/// Game transaction rows and their ledger transactions against the answers.
fn games(journal: &Journal, snapshot: &Snapshot) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut rows: HashMap<&str, Vec<&GameRow>> = HashMap::new();
    for row in &snapshot.games {
        rows.entry(row.transaction_id.as_str())
            .or_default()
            .push(row);
    }
    let ok_bets: HashSet<&str> = journal
        .games
        .iter()
        .filter(|g| g.action == GameAction::Bet && g.status.as_deref() == Some("ok"))
        .map(|g| g.transaction_id.as_str())
        .collect();
    let sent: HashSet<&str> = journal
        .games
        .iter()
        .map(|g| g.transaction_id.as_str())
        .collect();
    for record in &journal.games {
        let found = rows
            .get(record.transaction_id.as_str())
            .map_or(&[][..], Vec::as_slice);
        let id = &record.transaction_id;
        if found.len() > 1 {
            findings.push(finding(
                "double game row",
                format!("{id}: {} game_transactions rows", found.len()),
            ));
        }
        for row in found.iter().filter(|row| row.ledger > 1) {
            findings.push(finding(
                "double ledger transaction",
                format!(
                    "{id}: {} ledger transactions name row {}",
                    row.ledger, row.id
                ),
            ));
        }
        if let (Some(status), [row]) = (&record.status, found) {
            findings.extend(one_row(record, status, row, &ok_bets));
        }
        if record.status.as_deref() == Some("ok") && found.is_empty() {
            findings.push(finding(
                "missing game row",
                format!("{id}: answered ok, no game_transactions row"),
            ));
        }
    }
    for row in snapshot
        .games
        .iter()
        .filter(|row| !sent.contains(row.transaction_id.as_str()))
    {
        findings.push(finding(
            "unsent game row",
            format!(
                "{}: row {} ({}, {}) for an id no client sent",
                row.transaction_id, row.id, row.status, row.state
            ),
        ));
    }
    if snapshot.orphan_game_ledger > 0 {
        findings.push(finding(
            "orphan ledger transaction",
            format!(
                "{} game ledger transactions name no game transaction",
                snapshot.orphan_game_ledger
            ),
        ));
    }
    findings
}

/// The one row of an answered call: its status, its id and its ledger effect.
fn one_row(
    record: &GameRecord,
    status: &str,
    row: &GameRow,
    ok_bets: &HashSet<&str>,
) -> Vec<Finding> {
    let id = &record.transaction_id;
    let mut findings = Vec::new();
    if row.status != status {
        findings.push(finding(
            "status differs",
            format!(
                "{id}: answered {status}, row {} says {}",
                row.id, row.status
            ),
        ));
    }
    if let Some(kasa) = &record.kasa_transaction_id
        && *kasa != row.id
    {
        findings.push(finding(
            "kasa id differs",
            format!(
                "{id}: answered kasa_transaction_id {kasa}, row is {}",
                row.id
            ),
        ));
    }
    let moves = status == "ok"
        && match &record.action {
            GameAction::Bet => true,
            GameAction::Win => record.amount_minor > 0,
            GameAction::Rollback { reference } => ok_bets.contains(reference.as_str()),
        };
    let want = i64::from(moves);
    if row.ledger != want && row.ledger <= 1 {
        findings.push(finding(
            "ledger effect differs",
            format!(
                "{id} ({} {}): answered {status}, expected {want} ledger transactions, found {}",
                record.action.name(),
                decimal(record.amount_minor),
                row.ledger
            ),
        ));
    }
    findings
}

/// Withdrawal rows against the keys' answers.
fn withdrawals(journal: &Journal, player_ids: &[String], snapshot: &Snapshot) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut answered: HashMap<&str, (&str, i64, Option<&String>)> = HashMap::new();
    for record in &journal.withdrawals {
        if let Some(WithdrawalAnswer::Created { id }) = &record.answer {
            let player = player_ids.get(record.player);
            let earlier = answered.insert(id.as_str(), (&record.key, record.amount_minor, player));
            if let Some((other, ..)) = earlier {
                findings.push(finding(
                    "two keys, one withdrawal",
                    format!(
                        "keys {other} and {} were both answered withdrawal {id}",
                        record.key
                    ),
                ));
            }
        }
    }
    let mut stored = HashSet::new();
    for row in &snapshot.withdrawals {
        stored.insert(row.id.as_str());
        let Some((key, amount, player)) = answered.get(row.id.as_str()) else {
            findings.push(finding(
                "unanswered withdrawal",
                format!(
                    "withdrawal {} ({} of player {}, {}) is named by no key's answer",
                    row.id,
                    decimal(row.amount_minor),
                    row.player_id,
                    row.state
                ),
            ));
            continue;
        };
        let same = *amount == row.amount_minor && *player == Some(&row.player_id);
        if !same || row.ledger != 1 || row.state != "requested" {
            findings.push(finding(
                "withdrawal differs",
                format!(
                    "key {key}: asked {} for player {player:?}; row {} has {} for {}, {}, {} ledger transactions",
                    decimal(*amount),
                    row.id,
                    decimal(row.amount_minor),
                    row.player_id,
                    row.state,
                    row.ledger
                ),
            ));
        }
    }
    for (id, (key, ..)) in &answered {
        if !stored.contains(id) {
            findings.push(finding(
                "missing withdrawal",
                format!("key {key} was answered withdrawal {id}, which is not stored"),
            ));
        }
    }
    for (key, count) in &snapshot.repeated_keys {
        findings.push(finding(
            "key stored twice",
            format!("Idempotency-Key {key}: {count} idempotency records"),
        ));
    }
    findings
}

/// Every wallet whose answers are all definitive against what they add up to.
fn wallets(expected: &[Expected], player_ids: &[String], snapshot: &Snapshot) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (expected, player) in expected.iter().zip(player_ids) {
        if expected.indeterminate {
            continue;
        }
        let want = expected.balance;
        match snapshot.wallets.get(player) {
            Some(got) if *got == want => {}
            Some(got) => findings.push(finding(
                "wallet differs",
                format!(
                    "player {player}: answers imply available {} held {}, wallet has {} / {}",
                    decimal(want.available_minor),
                    decimal(want.held_minor),
                    decimal(got.available_minor),
                    decimal(got.held_minor)
                ),
            )),
            None => findings.push(finding("missing wallet", format!("player {player}"))),
        }
    }
    findings
}

#[cfg(test)]
mod tests;
