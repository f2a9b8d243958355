//! Everything the payout rules refuse.

use crate::AttemptStatus;

/// Longest part of a refused input kept in an error message.
const INPUT_ECHO_LEN_MAX: usize = 40;

/// Why a payout operation was refused.
///
/// Messages are written to be shown to an API user as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayoutError {
    /// Not a known attempt status name (see [`AttemptStatus::as_str`]).
    #[error("unknown payout attempt status {0:?}")]
    UnknownStatus(String),
    /// Another attempt of the same withdrawal is still `pending` or
    /// `unknown`; it must be resolved (webhook or recheck) first.
    #[error(
        "a payout attempt for this withdrawal is still {status}; it must be resolved before another is started"
    )]
    AttemptInProgress {
        /// The status of the unresolved attempt.
        status: AttemptStatus,
    },
}

impl PayoutError {
    /// [`PayoutError::UnknownStatus`] for `raw`, shortened so that a huge
    /// input does not end up in logs or responses whole.
    pub(crate) fn unknown_status(raw: &str) -> Self {
        PayoutError::UnknownStatus(raw.chars().take(INPUT_ECHO_LEN_MAX).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_what_is_wrong() {
        assert_eq!(
            PayoutError::AttemptInProgress {
                status: AttemptStatus::Unknown
            }
            .to_string(),
            "a payout attempt for this withdrawal is still unknown; it must be resolved before another is started"
        );
        assert_eq!(
            PayoutError::unknown_status(&"y".repeat(500)),
            PayoutError::UnknownStatus("y".repeat(INPUT_ECHO_LEN_MAX))
        );
        assert_eq!(
            PayoutError::unknown_status("done").to_string(),
            "unknown payout attempt status \"done\""
        );
    }
}
