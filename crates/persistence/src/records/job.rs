//! A job as its runner holds it.

use uuid::Uuid;

/// A job leased to one runner: what to run, and the token that proves the lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeasedJob {
    /// Job id.
    pub id: Uuid,
    /// Handler name (`reconciliation_run`, `recheck_stuck_payouts`): the
    /// runner's open vocabulary, so a kind it does not know is its error.
    pub kind: String,
    /// JSON arguments.
    pub payload: String,
    /// Runs started so far, this one included.
    pub attempts: i32,
    /// Runs allowed before the job fails for good.
    pub max_attempts: i32,
    /// Fresh per claim: only its holder may touch the job.
    pub(crate) lease_token: Uuid,
}
