//! The PSP's answer to a payout request, and the attempt status it gives.

use crate::AttemptStatus;

/// Failure code recorded when the PSP reports a failure without one.
pub const DEFAULT_FAILURE_CODE: &str = "failed";

/// Status a PSP reports in a `2xx` answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportedStatus {
    /// Accepted, not finished yet.
    Pending,
    /// Paid.
    Succeeded,
    /// Not paid.
    Failed,
}

/// What came back from a payout request, as far as the attempt's status is
/// concerned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PspReply {
    /// `2xx`: the PSP has the payout and says where it stands.
    Accepted {
        /// The reported status.
        status: ReportedStatus,
        /// The PSP's failure code, if it gave one (meaningful for
        /// [`ReportedStatus::Failed`] only).
        failure_code: Option<String>,
    },
    /// `4xx`: the PSP refused the payout; no money left.
    Declined {
        /// The PSP's error code.
        code: String,
    },
    /// `5xx`, timeout, connection error or an unreadable answer: the PSP may
    /// or may not have the payout.
    Unavailable,
}

/// The status (and failure code, for a failed attempt) of an attempt after
/// the PSP's `reply`:
///
/// | reply                        | status      | failure code                         |
/// |------------------------------|-------------|--------------------------------------|
/// | `2xx` pending                | `pending`   | none                                 |
/// | `2xx` succeeded              | `succeeded` | none                                 |
/// | `2xx` failed                 | `failed`    | the PSP's, else [`DEFAULT_FAILURE_CODE`] |
/// | `4xx` declined               | `failed`    | the PSP's error code                 |
/// | 5xx, timeout, connection     | `unknown`   | none                                 |
///
/// An unavailable PSP never makes a failure: the payout may have gone
/// through, so the attempt stays `unknown` until a webhook or a recheck.
pub fn attempt_after_reply(reply: &PspReply) -> (AttemptStatus, Option<String>) {
    match reply {
        PspReply::Accepted {
            status: ReportedStatus::Pending,
            ..
        } => (AttemptStatus::Pending, None),
        PspReply::Accepted {
            status: ReportedStatus::Succeeded,
            ..
        } => (AttemptStatus::Succeeded, None),
        PspReply::Accepted {
            status: ReportedStatus::Failed,
            failure_code,
        } => (
            AttemptStatus::Failed,
            Some(
                failure_code
                    .clone()
                    .unwrap_or_else(|| DEFAULT_FAILURE_CODE.to_owned()),
            ),
        ),
        PspReply::Declined { code } => (AttemptStatus::Failed, Some(code.clone())),
        PspReply::Unavailable => (AttemptStatus::Unknown, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(status: ReportedStatus, failure_code: Option<&str>) -> PspReply {
        PspReply::Accepted {
            status,
            failure_code: failure_code.map(str::to_owned),
        }
    }

    #[test]
    fn accepted_replies_carry_the_reported_status() {
        assert_eq!(
            attempt_after_reply(&accepted(ReportedStatus::Pending, None)),
            (AttemptStatus::Pending, None)
        );
        assert_eq!(
            attempt_after_reply(&accepted(ReportedStatus::Succeeded, None)),
            (AttemptStatus::Succeeded, None)
        );
    }

    #[test]
    fn a_stray_failure_code_on_a_non_failure_is_dropped() {
        assert_eq!(
            attempt_after_reply(&accepted(ReportedStatus::Pending, Some("x"))),
            (AttemptStatus::Pending, None)
        );
        assert_eq!(
            attempt_after_reply(&accepted(ReportedStatus::Succeeded, Some("x"))),
            (AttemptStatus::Succeeded, None)
        );
    }

    #[test]
    fn an_accepted_failure_keeps_its_code_or_gets_the_default() {
        assert_eq!(
            attempt_after_reply(&accepted(
                ReportedStatus::Failed,
                Some("insufficient_float")
            )),
            (AttemptStatus::Failed, Some("insufficient_float".to_owned()))
        );
        assert_eq!(
            attempt_after_reply(&accepted(ReportedStatus::Failed, None)),
            (AttemptStatus::Failed, Some("failed".to_owned()))
        );
    }

    #[test]
    fn a_decline_is_a_failure_with_the_psp_code() {
        assert_eq!(
            attempt_after_reply(&PspReply::Declined {
                code: "account_closed".into()
            }),
            (AttemptStatus::Failed, Some("account_closed".to_owned()))
        );
    }

    #[test]
    fn an_unavailable_psp_leaves_the_outcome_unknown() {
        let (status, code) = attempt_after_reply(&PspReply::Unavailable);
        assert_eq!((status, code), (AttemptStatus::Unknown, None));
        assert!(!status.is_terminal());
    }
}
