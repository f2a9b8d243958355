//! [`PspError`]: how a PSP call can fail, and what the caller may conclude.

use thiserror::Error;

/// A failed PSP call.
///
/// Only [`PspError::Declined`] tells the caller that nothing happened at the PSP.
/// The other variants leave the outcome **unknown**: the PSP may well have moved
/// the money. A caller must then keep the operation open and learn the truth from
/// a webhook, a later `GET` or the transaction report — never treat it as failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PspError {
    /// The PSP answered 4xx: it definitely did not carry out the request.
    #[error("declined by the PSP (HTTP {status}): {code}")]
    Declined {
        /// HTTP status of the answer (422 from the in-process mock).
        status: u16,
        /// `error.code` of the answer, or `http_<status>` when it had none.
        code: String,
    },
    /// Timeout, connection failure or 5xx: the outcome is unknown.
    #[error("PSP unavailable: {0}")]
    Unavailable(String),
    /// The PSP answered 2xx with a body that could not be understood: the outcome
    /// is unknown. [`crate::HttpProvider::new`] also reports an unusable
    /// configuration with this variant.
    #[error("PSP protocol error: {0}")]
    Protocol(String),
}

impl PspError {
    /// A decline with HTTP `status` and `code`, the code cut to
    /// [`crate::bounds::FAILURE_CODE_MAX_CHARS`].
    pub fn declined(status: u16, code: impl Into<String>) -> Self {
        Self::Declined {
            status,
            code: crate::bounds::failure_code(code.into()),
        }
    }

    /// Whether the PSP may have carried out the request (every variant but `Declined`).
    pub fn outcome_unknown(&self) -> bool {
        !matches!(self, Self::Declined { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_declined_is_a_known_outcome() {
        let declined = PspError::Declined {
            status: 422,
            code: "declined".into(),
        };
        assert!(!declined.outcome_unknown());
        assert!(PspError::Unavailable("timeout".into()).outcome_unknown());
        assert!(PspError::Protocol("bad json".into()).outcome_unknown());
    }
}
