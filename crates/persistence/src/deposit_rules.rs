//! What a PSP deposit event does to a deposit: pure rules, tested exhaustively.

/// Stored status of a deposit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepositStatus {
    /// Waiting for the PSP.
    Pending,
    /// Credited (terminal).
    Succeeded,
    /// Failed; nothing moved (terminal).
    Failed,
}

impl DepositStatus {
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

/// The outcome a PSP event reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepositSignal {
    /// `deposit.succeeded`.
    Succeeded,
    /// `deposit.failed`.
    Failed,
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
