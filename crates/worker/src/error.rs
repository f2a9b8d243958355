//! Why a job run failed (it is retried with backoff until `max_attempts`).

use persistence::StoreError;
use psp::PspError;

/// Why a job run did not succeed. The message is what the job row keeps as
/// its `last_error` (and a failed run as its `error`).
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// No handler knows the job's kind.
    #[error("unknown job kind {0}")]
    UnknownKind(String),
    /// The payload is not the JSON the kind expects.
    #[error("bad payload: {0}")]
    Payload(#[from] serde_json::Error),
    /// The run names a PSP this process is not configured for.
    #[error("provider {0} is not configured")]
    ProviderNotConfigured(String),
    /// The PSP did not hand over its report.
    #[error("PSP report: {0}")]
    Report(#[source] PspError),
    /// The recheck age setting does not fit a time span.
    #[error("recheck age: {0}")]
    RecheckAge(#[from] chrono::OutOfRangeError),
    /// Storage failed (or the job's lease was lost).
    #[error(transparent)]
    Store(#[from] StoreError),
}
