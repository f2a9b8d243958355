//! What the PSP says about an existing attempt.

/// What a webhook or a recheck (the PSP's transaction report) says about an
/// existing payout attempt. Both feed the same [`crate::resolve`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Observation {
    /// The payout was paid.
    Succeeded,
    /// The payout failed.
    Failed {
        /// The PSP's failure code, if it gave one.
        failure_code: Option<String>,
    },
    /// The PSP has the payout and has not finished it.
    Pending,
    /// The PSP has no record of the payout (yet).
    NotFound,
    /// A paid payout came back (`payout.reversed`).
    Reversed,
}
