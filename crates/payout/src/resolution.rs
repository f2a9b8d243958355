//! What an observation does to an attempt.

use crate::{AttemptStatus, Observation};

/// What to do with an attempt after an [`Observation`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// The attempt succeeded: mark it `succeeded` and settle the withdrawal.
    Succeed,
    /// The attempt failed: mark it `failed` (the withdrawal may be retried
    /// or rejected).
    Fail {
        /// The PSP's failure code, if it gave one.
        failure_code: Option<String>,
    },
    /// An `unknown` attempt turns out to be known to the PSP and still
    /// running: mark it `pending`.
    StillPending,
    /// Nothing to record. For an open attempt the PSP said nothing new (or
    /// has no record of it yet, which operations must look into if it
    /// lasts); for a finished one the news changes nothing.
    NoChange,
    /// A succeeded payout came back: reverse the withdrawal. The attempt
    /// itself stays `succeeded`.
    Reverse,
    /// The same terminal outcome again (a redelivered webhook): nothing to
    /// do.
    Duplicate,
    /// The observation contradicts what is recorded. Nothing changes; it
    /// must be raised to operations.
    Anomaly {
        /// What is contradictory.
        reason: &'static str,
    },
}

impl Resolution {
    /// The attempt's status after this resolution: `succeeded` after
    /// [`Resolution::Succeed`], `failed` after [`Resolution::Fail`],
    /// `pending` after [`Resolution::StillPending`], otherwise `current`.
    pub fn next_status(&self, current: AttemptStatus) -> AttemptStatus {
        match self {
            Resolution::Succeed => AttemptStatus::Succeeded,
            Resolution::Fail { .. } => AttemptStatus::Failed,
            Resolution::StillPending => AttemptStatus::Pending,
            Resolution::NoChange
            | Resolution::Reverse
            | Resolution::Duplicate
            | Resolution::Anomaly { .. } => current,
        }
    }
}

/// What `observed` (from a webhook or a recheck alike) means for an attempt
/// whose status is `current`.
///
/// | current \ observed | succeeded | failed    | pending       | not found | reversed  |
/// |--------------------|-----------|-----------|---------------|-----------|-----------|
/// | pending            | succeed   | fail      | no change     | no change | anomaly   |
/// | unknown            | succeed   | fail      | still pending | no change | anomaly   |
/// | succeeded          | duplicate | anomaly   | no change     | no change | reverse   |
/// | failed             | anomaly   | duplicate | no change     | no change | anomaly   |
///
/// * "Not found" never fails an open attempt: a PSP may not list a payout
///   it received a moment ago, and an `unknown` attempt may have been paid.
///   Failing it would allow a second attempt and a double payout, so it
///   stays open and is escalated to operations if it lasts.
/// * A terminal attempt never changes: the same outcome again is a
///   [`Resolution::Duplicate`], the opposite one an [`Resolution::Anomaly`].
///   Stale `pending` or "not found" news about a finished attempt changes
///   nothing.
/// * A reversal only follows a success; of anything else it is an anomaly.
pub fn resolve(current: AttemptStatus, observed: &Observation) -> Resolution {
    use AttemptStatus as A;
    use Observation as O;

    match (current, observed) {
        (A::Pending | A::Unknown, O::Succeeded) => Resolution::Succeed,
        (A::Pending | A::Unknown, O::Failed { failure_code }) => Resolution::Fail {
            failure_code: failure_code.clone(),
        },
        (A::Pending, O::Pending) => Resolution::NoChange,
        (A::Unknown, O::Pending) => Resolution::StillPending,
        (A::Pending | A::Unknown, O::NotFound) => Resolution::NoChange,
        (A::Pending | A::Unknown, O::Reversed) => Resolution::Anomaly {
            reason: "reversal of an unsettled payout",
        },
        (A::Succeeded, O::Succeeded) | (A::Failed, O::Failed { .. }) => Resolution::Duplicate,
        (A::Succeeded, O::Failed { .. }) => Resolution::Anomaly {
            reason: "failure after success",
        },
        (A::Failed, O::Succeeded) => Resolution::Anomaly {
            reason: "success after failure",
        },
        (A::Succeeded, O::Reversed) => Resolution::Reverse,
        (A::Failed, O::Reversed) => Resolution::Anomaly {
            reason: "reversal of a failed payout",
        },
        (A::Succeeded | A::Failed, O::Pending | O::NotFound) => Resolution::NoChange,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use AttemptStatus as A;
    use Observation as O;
    use Resolution as R;

    fn failed() -> O {
        O::Failed {
            failure_code: Some("bank_rejected".into()),
        }
    }

    fn fail() -> R {
        R::Fail {
            failure_code: Some("bank_rejected".into()),
        }
    }

    const fn anomaly(reason: &'static str) -> R {
        R::Anomaly { reason }
    }

    /// Column order of [`table`].
    fn columns() -> [O; 5] {
        [O::Succeeded, failed(), O::Pending, O::NotFound, O::Reversed]
    }

    /// The whole contract, one row per status.
    #[rustfmt::skip]
    fn table() -> [(A, [R; 5]); 4] {
        [
            //              succeeded                         failed                            pending          not found    reversed
            (A::Pending,   [R::Succeed,                       fail(),                           R::NoChange,     R::NoChange, anomaly("reversal of an unsettled payout")]),
            (A::Unknown,   [R::Succeed,                       fail(),                           R::StillPending, R::NoChange, anomaly("reversal of an unsettled payout")]),
            (A::Succeeded, [R::Duplicate,                     anomaly("failure after success"), R::NoChange,     R::NoChange, R::Reverse]),
            (A::Failed,    [anomaly("success after failure"), R::Duplicate,                     R::NoChange,     R::NoChange, anomaly("reversal of a failed payout")]),
        ]
    }

    #[test]
    fn every_status_and_observation_pair_matches_the_table() {
        let rows: Vec<A> = table().iter().map(|(status, _)| *status).collect();
        assert_eq!(rows.len(), A::ALL.len());
        assert!(A::ALL.iter().all(|status| rows.contains(status)));
        let mut checked = 0;
        for (current, cells) in table() {
            for (observed, expected) in columns().iter().zip(cells) {
                let got = resolve(current, observed);
                assert_eq!(got, expected, "{current} {observed:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, 20);
    }

    #[test]
    fn a_failure_without_code_stays_without_code() {
        let observed = O::Failed { failure_code: None };
        for current in [A::Pending, A::Unknown] {
            assert_eq!(resolve(current, &observed), R::Fail { failure_code: None });
        }
        assert_eq!(resolve(A::Failed, &observed), R::Duplicate);
    }

    #[test]
    fn not_found_never_fails_an_open_attempt() {
        for current in [A::Pending, A::Unknown] {
            let resolution = resolve(current, &O::NotFound);
            assert_eq!(resolution, R::NoChange);
            assert_eq!(resolution.next_status(current), current);
        }
    }

    #[test]
    fn next_status_follows_the_resolution() {
        for current in A::ALL {
            assert_eq!(R::Succeed.next_status(current), A::Succeeded);
            assert_eq!(fail().next_status(current), A::Failed);
            assert_eq!(R::StillPending.next_status(current), A::Pending);
            for kept in [R::NoChange, R::Reverse, R::Duplicate, anomaly("x")] {
                assert_eq!(kept.next_status(current), current, "{kept:?}");
            }
        }
    }

    fn observation() -> impl Strategy<Value = O> {
        prop_oneof![
            Just(O::Succeeded),
            proptest::option::of("[a-z_]{1,12}")
                .prop_map(|failure_code| O::Failed { failure_code }),
            Just(O::Pending),
            Just(O::NotFound),
            Just(O::Reversed),
        ]
    }

    proptest! {
        #[test]
        fn terminal_attempts_never_change(
            start in proptest::sample::select(A::ALL.to_vec()),
            observations in proptest::collection::vec(observation(), 0..40),
        ) {
            let mut status = start;
            let mut terminal = start.is_terminal().then_some(start);
            let mut succeeded = start == A::Succeeded;
            let mut succeeds = 0;
            for observed in &observations {
                let resolution = resolve(status, observed);
                match resolution {
                    R::Succeed => {
                        succeeds += 1;
                        succeeded = true;
                    }
                    R::Fail { .. } => prop_assert!(!succeeded, "fail after succeed"),
                    R::Reverse => prop_assert_eq!(status, A::Succeeded),
                    _ => {}
                }
                let next = resolution.next_status(status);
                if let Some(terminal) = terminal {
                    prop_assert_eq!(next, terminal, "terminal attempt changed on {:?}", observed);
                }
                status = next;
                if status.is_terminal() && terminal.is_none() {
                    terminal = Some(status);
                }
            }
            prop_assert!(succeeds <= 1);
            if start == A::Succeeded {
                prop_assert_eq!(succeeds, 0);
            }
        }
    }
}
