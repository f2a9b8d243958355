//! Demo scenarios: what the mock does with a create call no script was queued
//! for, picked by the amount's fractional part.
//!
//! This table is the one place the rule lives: the engine applies it (so the
//! in-process mock of `kasa serve --dev` and the `mock-psp` process behave
//! alike), and `kasa serve --dev`, the README and the console show it. A
//! script queued through [`super::MockPsp::push_script`] (or `POST
//! /control/script`) always takes precedence.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::script::{Operation, Script};

/// Failure code of a deposit the `x.13` scenario declines.
pub const DECLINED_DEPOSIT_CODE: &str = "card_declined";
/// Failure code of the first `x.77` payout to a destination.
pub const FAILED_PAYOUT_CODE: &str = "account_closed";
/// Failure code of the late, contradicting `deposit.failed` of the `x.44` scenario.
pub const CONTRADICTION_CODE: &str = "late_failure";

/// A demo scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// Deposit accepted pending, then `deposit.failed`.
    DepositDeclined,
    /// Deposit succeeds, then a contradicting `deposit.failed` arrives (an anomaly in Kasa).
    DepositContradicted,
    /// Payout carried out (succeeded) but the caller gets no answer: Kasa's call times
    /// out, the attempt is `unknown`, and a recheck finds it `succeeded`.
    PayoutTimesOut,
    /// Payout accepted pending, then `payout.failed`; a later payout of the same
    /// amount to the same destination succeeds.
    PayoutFailsOnce,
}

/// One row of the scenario table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScenarioRule {
    /// The create call it applies to.
    pub operation: Operation,
    /// The amount's fractional part, in hundredths (`13` for `x.13`).
    pub hundredths: u32,
    /// What happens.
    pub scenario: Scenario,
    /// What happens, in words (one line, for the `--dev` banner and docs).
    pub summary: &'static str,
}

impl ScenarioRule {
    /// The amount pattern, e.g. `x.13`.
    pub fn pattern(&self) -> String {
        format!("x.{:02}", self.hundredths)
    }
}

/// The demo scenarios; any other amount succeeds.
pub const SCENARIOS: [ScenarioRule; 4] = [
    ScenarioRule {
        operation: Operation::Deposit,
        hundredths: 13,
        scenario: Scenario::DepositDeclined,
        summary: "declined: the deposit ends failed (webhook deposit.failed)",
    },
    ScenarioRule {
        operation: Operation::Deposit,
        hundredths: 44,
        scenario: Scenario::DepositContradicted,
        summary: "succeeds, then a contradicting late deposit.failed webhook: an anomaly",
    },
    ScenarioRule {
        operation: Operation::Payout,
        hundredths: 66,
        scenario: Scenario::PayoutTimesOut,
        summary: "the PSP call times out: attempt unknown until a recheck finds it paid",
    },
    ScenarioRule {
        operation: Operation::Payout,
        hundredths: 77,
        scenario: Scenario::PayoutFailsOnce,
        summary: "payout.failed webhook a moment later; a retry to the same destination pays",
    },
];

/// The scenario a create call of `op` for `amount` hits, if any: the amount's
/// fractional part is exactly the rule's hundredths (`10.13` and `10.130` match
/// `x.13`; `10.135`, `10.1` and `13` do not). An unreadable amount hits none.
pub fn scenario_for(op: Operation, amount: &str) -> Option<Scenario> {
    let fraction = Decimal::from_str(amount.trim()).ok()?.fract();
    SCENARIOS
        .iter()
        .find(|rule| rule.operation == op && fraction == Decimal::new(rule.hundredths.into(), 2))
        .map(|rule| rule.scenario)
}

impl Scenario {
    /// The script the scenario plays. `failed_before` says whether a payout of this
    /// amount to this destination already failed by this scenario (then it pays).
    pub fn script(self, failed_before: bool) -> Script {
        match self {
            Self::DepositDeclined => Script::fail(DECLINED_DEPOSIT_CODE),
            Self::DepositContradicted => Script::succeed().contradicted(),
            Self::PayoutTimesOut => Script::timeout(),
            Self::PayoutFailsOnce if failed_before => Script::succeed(),
            Self::PayoutFailsOnce => Script::fail(FAILED_PAYOUT_CODE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::script::Outcome;

    #[test]
    fn amounts_pick_their_scenario() {
        let cases = [
            (Operation::Deposit, "10.13", Some(Scenario::DepositDeclined)),
            (Operation::Deposit, "0.13", Some(Scenario::DepositDeclined)),
            (Operation::Deposit, "7.130", Some(Scenario::DepositDeclined)),
            (
                Operation::Deposit,
                "10.44",
                Some(Scenario::DepositContradicted),
            ),
            (Operation::Payout, "10.66", Some(Scenario::PayoutTimesOut)),
            (Operation::Payout, "3.77", Some(Scenario::PayoutFailsOnce)),
            // The rule is per operation.
            (Operation::Payout, "10.13", None),
            (Operation::Payout, "10.44", None),
            (Operation::Deposit, "10.66", None),
            (Operation::Deposit, "10.77", None),
            // Only the exact fractional part counts.
            (Operation::Deposit, "13", None),
            (Operation::Deposit, "13.00", None),
            (Operation::Deposit, "10.1", None),
            (Operation::Deposit, "10.131", None),
            (Operation::Payout, "10.667", None),
            (Operation::Payout, "66.00", None),
            (Operation::Deposit, "10.00", None),
            (Operation::Deposit, "not-a-number", None),
        ];
        for (op, amount, expected) in cases {
            assert_eq!(scenario_for(op, amount), expected, "{op:?} {amount}");
        }
    }

    #[test]
    fn each_scenario_plays_its_script() {
        let declined = Scenario::DepositDeclined.script(false);
        assert_eq!(declined.outcome, Outcome::Fail);
        assert_eq!(
            declined.failure_code.as_deref(),
            Some(DECLINED_DEPOSIT_CODE)
        );
        let contradicted = Scenario::DepositContradicted.script(false);
        assert_eq!(contradicted.outcome, Outcome::Succeed);
        assert!(contradicted.contradict);
        assert_eq!(Scenario::PayoutTimesOut.script(false), Script::timeout());
        let first = Scenario::PayoutFailsOnce.script(false);
        assert_eq!(first.outcome, Outcome::Fail);
        assert_eq!(first.failure_code.as_deref(), Some(FAILED_PAYOUT_CODE));
        assert_eq!(Scenario::PayoutFailsOnce.script(true), Script::succeed());
    }

    #[test]
    fn patterns_read_as_the_docs_write_them() {
        let patterns: Vec<String> = SCENARIOS.iter().map(ScenarioRule::pattern).collect();
        assert_eq!(patterns, ["x.13", "x.44", "x.66", "x.77"]);
    }
}
