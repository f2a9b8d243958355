//! A payout attempt as the domain knows it: one try at paying a withdrawal
//! out through a PSP.

use chrono::{DateTime, Utc};
use ledger::AttemptId;
use serde::{Deserialize, Serialize};

use crate::AttemptStatus;

/// One payout attempt of a withdrawal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutAttempt {
    /// Its id (also its reference and idempotency key at the PSP).
    pub id: AttemptId,
    /// Where it stands.
    pub status: AttemptStatus,
    /// The PSP it went to (its configured name).
    pub provider: String,
    /// The PSP's id for it, once known.
    pub provider_ref: Option<String>,
    /// The PSP's failure code, when it failed.
    pub failure_code: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}
