//! Names of the metrics the runner records; the API's metric catalog gives
//! them their HELP text and zero series (it depends on this crate, not the
//! reverse).

/// Job runs of this process that succeeded, by kind.
pub const JOBS_COMPLETED: &str = "kasa_jobs_completed_total";
/// Job runs of this process that failed, by kind.
pub const JOBS_FAILED_RUNS: &str = "kasa_jobs_failed_runs_total";
/// Job runs of this process stopped because their lease was lost, by kind.
pub const JOBS_LEASE_LOST: &str = "kasa_jobs_lease_lost_total";
