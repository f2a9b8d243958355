//! The durable job queue.

use sea_orm::entity::prelude::*;

/// A row of `jobs`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    /// Job id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// What to run (`reconciliation_run`, `recheck_stuck_payouts`).
    pub kind: String,
    /// JSON arguments.
    pub payload: String,
    /// `queued`, `running`, `succeeded` or `failed`.
    pub status: String,
    /// At most one queued or running job per key.
    pub dedupe_key: Option<String>,
    /// Runs started so far.
    pub attempts: i32,
    /// Runs allowed before the job fails for good.
    pub max_attempts: i32,
    /// Not before this time.
    pub run_at: DateTimeUtc,
    /// The worker holding the lease.
    pub locked_by: Option<String>,
    /// When the lease ends unless renewed by a heartbeat.
    pub lease_expires_at: Option<DateTimeUtc>,
    /// Fresh per claim: only the holder of this token may touch the job.
    pub lease_token: Option<Uuid>,
    /// Error of the last failed run.
    pub last_error: Option<String>,
    /// Enqueue time.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// `jobs` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
