//! What the read paths hand upward: plain domain values with typed ids,
//! currencies, money and statuses, and no sea-orm in them. Rows become these
//! in one place, `crate::mapping`; nothing above it sees a stored string.

mod accounts;
mod exclusion;
mod ids;
mod job;
mod limits;
mod reconciliation;
mod wallet;

pub use accounts::{AdminUser, PasswordHash, Player, Role, Tenant};
pub use exclusion::PlayerExclusion;
pub use ids::{AdminId, RunId, TenantId};
pub use job::LeasedJob;
pub use limits::{LimitEntry, LimitsSnapshot, PendingEntry};
pub use reconciliation::{
    FindingKind, FindingSubject, ReconciliationFinding, ReconciliationRun, RunStats, RunStatus,
};
pub use wallet::{Anomaly, RecordedTransaction, WalletSnapshot};
