//! What a PSP deposit event does to a deposit: pure rules, tested exhaustively.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Stored status of a deposit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DepositStatus {
    /// Waiting for the PSP.
    Pending,
    /// Credited (terminal).
    Succeeded,
    /// Failed; nothing moved (terminal).
    Failed,
}

impl DepositStatus {
    /// Every status.
    pub const ALL: [DepositStatus; 3] = [
        DepositStatus::Pending,
        DepositStatus::Succeeded,
        DepositStatus::Failed,
    ];

    /// Whether the deposit is finished for good (`succeeded` or `failed`).
    pub fn is_terminal(self) -> bool {
        match self {
            DepositStatus::Succeeded | DepositStatus::Failed => true,
            DepositStatus::Pending => false,
        }
    }

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DepositStatus::Pending => "pending",
            DepositStatus::Succeeded => "succeeded",
            DepositStatus::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(DepositStatus::Pending),
            "succeeded" => Some(DepositStatus::Succeeded),
            "failed" => Some(DepositStatus::Failed),
            _ => None,
        }
    }
}

impl fmt::Display for DepositStatus {
    /// The stored name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome a PSP event reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepositSignal {
    /// `deposit.succeeded`.
    Succeeded,
    /// `deposit.failed`.
    Failed,
}

impl DepositSignal {
    /// Every signal.
    pub const ALL: [DepositSignal; 2] = [DepositSignal::Succeeded, DepositSignal::Failed];
}

/// What to do with the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepositDecision {
    /// Credit the wallet once and mark the deposit succeeded.
    Credit,
    /// Mark the deposit failed; no money moves.
    MarkFailed,
    /// The deposit already has this outcome: nothing to do.
    AlreadyDone,
    /// A terminal deposit contradicted by a late event: record an anomaly.
    Contradiction,
    /// The event's amount or currency differ from the deposit: record an anomaly, move nothing.
    AmountMismatch,
}

impl DepositDecision {
    /// The deposit's status once this decision is carried out: `succeeded`
    /// after [`DepositDecision::Credit`], `failed` after
    /// [`DepositDecision::MarkFailed`], otherwise `current` (anomalies and
    /// duplicates change nothing).
    pub fn next_status(self, current: DepositStatus) -> DepositStatus {
        match self {
            DepositDecision::Credit => DepositStatus::Succeeded,
            DepositDecision::MarkFailed => DepositStatus::Failed,
            DepositDecision::AlreadyDone
            | DepositDecision::Contradiction
            | DepositDecision::AmountMismatch => current,
        }
    }
}

/// Decides what `signal` does to a deposit in `status`. `amount_matches` says
/// whether the event's amount and currency equal the deposit's.
pub fn decide(
    status: DepositStatus,
    signal: DepositSignal,
    amount_matches: bool,
) -> DepositDecision {
    use DepositDecision::*;
    match (status, signal) {
        (DepositStatus::Pending, _) if !amount_matches => AmountMismatch,
        (DepositStatus::Pending, DepositSignal::Succeeded) => Credit,
        (DepositStatus::Pending, DepositSignal::Failed) => MarkFailed,
        (DepositStatus::Succeeded, DepositSignal::Succeeded)
        | (DepositStatus::Failed, DepositSignal::Failed) => AlreadyDone,
        (DepositStatus::Succeeded, DepositSignal::Failed)
        | (DepositStatus::Failed, DepositSignal::Succeeded) => Contradiction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use DepositDecision as D;
    use DepositSignal as Sig;
    use DepositStatus as S;

    /// The whole contract: (status, signal, amount matches) → decision.
    #[rustfmt::skip]
    const TABLE: [(S, Sig, bool, D); 12] = [
        (S::Pending,   Sig::Succeeded, true,  D::Credit),
        (S::Pending,   Sig::Succeeded, false, D::AmountMismatch),
        (S::Pending,   Sig::Failed,    true,  D::MarkFailed),
        (S::Pending,   Sig::Failed,    false, D::AmountMismatch),
        (S::Succeeded, Sig::Succeeded, true,  D::AlreadyDone),
        (S::Succeeded, Sig::Succeeded, false, D::AlreadyDone),
        (S::Succeeded, Sig::Failed,    true,  D::Contradiction),
        (S::Succeeded, Sig::Failed,    false, D::Contradiction),
        (S::Failed,    Sig::Succeeded, true,  D::Contradiction),
        (S::Failed,    Sig::Succeeded, false, D::Contradiction),
        (S::Failed,    Sig::Failed,    true,  D::AlreadyDone),
        (S::Failed,    Sig::Failed,    false, D::AlreadyDone),
    ];

    #[test]
    fn every_status_signal_and_amount_combination_matches_the_table() {
        let mut checked = 0;
        for status in S::ALL {
            for signal in Sig::ALL {
                for matches in [true, false] {
                    let row = TABLE
                        .iter()
                        .find(|(s, sig, m, _)| (*s, *sig, *m) == (status, signal, matches));
                    let Some((_, _, _, expected)) = row else {
                        panic!("no table row for {status} {signal:?} {matches}");
                    };
                    assert_eq!(decide(status, signal, matches), *expected);
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, TABLE.len());
    }

    #[test]
    fn next_status_follows_the_decision() {
        for current in S::ALL {
            assert_eq!(D::Credit.next_status(current), S::Succeeded);
            assert_eq!(D::MarkFailed.next_status(current), S::Failed);
            for kept in [D::AlreadyDone, D::Contradiction, D::AmountMismatch] {
                assert_eq!(kept.next_status(current), current);
            }
        }
    }

    fn event() -> impl Strategy<Value = (Sig, bool)> {
        (proptest::sample::select(Sig::ALL.to_vec()), any::<bool>())
    }

    proptest! {
        #[test]
        fn terminal_status_never_changes_and_credit_happens_at_most_once(
            start in proptest::sample::select(S::ALL.to_vec()),
            events in proptest::collection::vec(event(), 0..40),
        ) {
            let mut status = start;
            let mut credits = 0;
            for (signal, matches) in events {
                let decision = decide(status, signal, matches);
                if decision == D::Credit {
                    credits += 1;
                    prop_assert!(matches, "credited a mismatched amount");
                }
                let next = decision.next_status(status);
                if status.is_terminal() {
                    prop_assert_eq!(next, status, "terminal deposit changed on {:?}", signal);
                }
                status = next;
            }
            prop_assert!(credits <= 1);
            if start.is_terminal() {
                prop_assert_eq!(credits, 0);
            }
        }
    }

    #[test]
    fn pending_deposit_follows_the_event() {
        assert_eq!(
            decide(DepositStatus::Pending, DepositSignal::Succeeded, true),
            DepositDecision::Credit
        );
        assert_eq!(
            decide(DepositStatus::Pending, DepositSignal::Failed, true),
            DepositDecision::MarkFailed
        );
    }

    #[test]
    fn mismatched_amount_never_credits() {
        for signal in [DepositSignal::Succeeded, DepositSignal::Failed] {
            assert_eq!(
                decide(DepositStatus::Pending, signal, false),
                DepositDecision::AmountMismatch
            );
        }
    }

    #[test]
    fn terminal_deposits_never_change() {
        for matches in [true, false] {
            assert_eq!(
                decide(DepositStatus::Succeeded, DepositSignal::Succeeded, matches),
                DepositDecision::AlreadyDone
            );
            assert_eq!(
                decide(DepositStatus::Failed, DepositSignal::Failed, matches),
                DepositDecision::AlreadyDone
            );
            assert_eq!(
                decide(DepositStatus::Succeeded, DepositSignal::Failed, matches),
                DepositDecision::Contradiction
            );
            assert_eq!(
                decide(DepositStatus::Failed, DepositSignal::Succeeded, matches),
                DepositDecision::Contradiction
            );
        }
    }

    #[test]
    fn status_names_round_trip() {
        for s in [
            DepositStatus::Pending,
            DepositStatus::Succeeded,
            DepositStatus::Failed,
        ] {
            assert_eq!(DepositStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(DepositStatus::parse("paid"), None);
    }
}
