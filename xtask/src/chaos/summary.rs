//! The run's summary: calls and retries, answers, chaos events, verifications and
//! findings; and whether any of it fails the run.

use std::collections::BTreeMap;
use std::time::Duration;

use super::answers::RetryCause;
use super::checks::Finding;
use super::faults::{Kills, Locks, Terminations};
use super::journal::WithdrawalAnswer;
use super::load::ClientLog;
use super::retry::Tally;
use super::verify::{Check, Periodic, show};

/// How many findings are printed one by one.
const FINDINGS_SHOWN: usize = 50;

/// Everything a run measured.
#[derive(Debug)]
pub struct Summary {
    /// How long the load ran.
    pub duration: Duration,
    /// Concurrent clients.
    pub clients: usize,
    /// Seeded players.
    pub players: usize,
    /// What the clients sent and got.
    pub log: ClientLog,
    /// `pg_terminate_backend` rounds.
    pub terminations: Terminations,
    /// SIGKILLs and restarts.
    pub kills: Kills,
    /// Wallet-row locks, and how long each was held.
    pub locks: Locks,
    /// How long each lock was held.
    pub hold: Duration,
    /// Verifications during the run.
    pub periodic: Periodic,
    /// The ledger verification after the run.
    pub ledger: Check,
    /// The audit verification after the run.
    pub audit: Check,
    /// Game calls whose answer a killed attempt lost after its effect was stored.
    pub lost_game_answers: u64,
    /// Broken expectations found in the database.
    pub findings: Vec<Finding>,
}

impl Summary {
    /// Why the run failed; empty when it passed.
    pub fn failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        if !self.findings.is_empty() {
            failures.push(format!("{} mismatches", self.findings.len()));
        }
        let stuck = self.log.journal.stuck();
        if stuck > 0 {
            failures.push(format!("{stuck} calls got no definitive answer"));
        }
        if !self.periodic.failures.is_empty() {
            failures.push(format!(
                "{} verifications failed during the run",
                self.periodic.failures.len()
            ));
        }
        for (name, check) in [("ledger", &self.ledger), ("audit", &self.audit)] {
            if !matches!(check, Check::Ok(_)) {
                failures.push(format!("{name} verify after the run: {}", show(check)));
            }
        }
        failures
    }

    /// Prints the summary.
    pub fn print(&self) {
        let (games, withdrawals) = (&self.log.games, &self.log.withdrawals);
        let mut all = games.clone();
        all.merge(withdrawals);
        println!(
            "chaos: summary ({} s, {} clients, {} players)",
            self.duration.as_secs(),
            self.clients,
            self.players
        );
        println!(
            "  calls          {} game-wallet ({}), {} withdrawals ({})",
            games.calls,
            attempts(games),
            withdrawals.calls,
            attempts(withdrawals)
        );
        let causes: Vec<String> = RetryCause::ALL
            .iter()
            .map(|cause| format!("{} {}", cause.name(), all.retries[cause.index()]))
            .collect();
        println!("  retries        {}", causes.join(", "));
        println!(
            "  lost answers   {} calls answered only after a retry; {} game calls and {} \
             withdrawals (replays) of those had taken effect on an earlier attempt",
            all.retried_calls, self.lost_game_answers, withdrawals.replayed_after_retry
        );
        println!(
            "  slowest call   {:.2} s to a definitive answer; {} stuck",
            all.slowest.as_secs_f64(),
            all.stuck
        );
        println!("  answers        {}", self.answers().join("; "));
        println!(
            "  chaos          pg_terminate_backend {} rounds ({} kasa connections killed{}), \
             SIGKILL+restart {} (down max {:.2} s, mean {:.2} s), wallet row locks {} x {:.1} s{}",
            self.terminations.rounds,
            self.terminations.backends,
            failed(self.terminations.errors),
            self.kills.kills,
            self.kills.downtime_max.as_secs_f64(),
            mean(self.kills.downtime_total, self.kills.kills),
            self.locks.held,
            self.hold.as_secs_f64(),
            failed(self.locks.errors)
        );
        println!(
            "  verify during  {} rounds ok, {} skipped (server not answering), {} failed",
            self.periodic.ok,
            self.periodic.skipped,
            self.periodic.failures.len()
        );
        println!(
            "  verify after   ledger {}; audit {}",
            show(&self.ledger),
            show(&self.audit)
        );
        println!(
            "  checks         {} transaction ids, {} Idempotency-Keys, {} wallets: {} mismatches",
            self.log.journal.games.len(),
            self.log.journal.withdrawals.len(),
            self.players,
            self.findings.len()
        );
        self.print_details(&all);
    }

    /// Failures, findings and the first answer of each retry cause.
    fn print_details(&self, all: &Tally) {
        for error in [&self.terminations.first_error, &self.locks.first_error]
            .into_iter()
            .flatten()
        {
            println!("  chaos error    {error}");
        }
        for cause in RetryCause::ALL {
            if let Some(sample) = &all.samples[cause.index()] {
                println!("  first {} retry: {sample}", cause.name());
            }
        }
        for failure in &self.periodic.failures {
            println!("  FAILED         {failure}");
        }
        for found in self.findings.iter().take(FINDINGS_SHOWN) {
            println!("  MISMATCH       {}: {}", found.kind, found.detail);
        }
        if self.findings.len() > FINDINGS_SHOWN {
            println!(
                "  ...            and {} more",
                self.findings.len() - FINDINGS_SHOWN
            );
        }
    }

    /// `bet ok 4000`, `withdrawal 422 insufficient_funds 12`, ...
    fn answers(&self) -> Vec<String> {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for game in &self.log.journal.games {
            let status = game.status.as_deref().unwrap_or("(none)");
            *counts
                .entry(format!("{} {status}", game.action.name()))
                .or_default() += 1;
        }
        for withdrawal in &self.log.journal.withdrawals {
            let answer = match &withdrawal.answer {
                Some(WithdrawalAnswer::Created { .. }) => "created".to_owned(),
                Some(WithdrawalAnswer::Refused { status, code }) => format!("{status} {code}"),
                None => "(none)".to_owned(),
            };
            *counts.entry(format!("withdrawal {answer}")).or_default() += 1;
        }
        counts
            .into_iter()
            .map(|(answer, count)| format!("{answer} {count}"))
            .collect()
    }
}

/// `attempts 9500, retries 500`.
fn attempts(tally: &Tally) -> String {
    format!(
        "attempts {}, retries {}",
        tally.attempts,
        tally.retries_total()
    )
}

/// `, 2 failed` or nothing.
fn failed(errors: u64) -> String {
    if errors == 0 {
        String::new()
    } else {
        format!(", {errors} failed")
    }
}

/// `total / count` in seconds (0 for no count).
fn mean(total: Duration, count: u64) -> f64 {
    if count == 0 {
        0.0
    } else {
        total.as_secs_f64() / count as f64
    }
}
