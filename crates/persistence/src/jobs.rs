//! The durable job queue, in the database.
//!
//! * [`enqueue`] runs inside the caller's transaction: the row that asks for
//!   work and the job are committed together, or neither is.
//! * [`Db::claim_job`] takes the oldest due job with `FOR UPDATE SKIP LOCKED`
//!   on PostgreSQL (on SQLite the single writer connection serializes claims),
//!   and leases it to one worker. A job whose lease expired (its worker died)
//!   is due again.
//! * The worker renews the lease ([`Db::heartbeat_job`]) and ends the job with
//!   [`Db::complete_job`] / [`Db::fail_job`] / [`Db::release_job`]; each only
//!   succeeds while the worker still holds the lease. Each claim draws a fresh
//!   lease token, so a worker whose lease expired and was claimed again (even
//!   by a runner of the same name) holds nothing any more;
//!   [`Db::confirm_lease`] lets a job's own writes check it too.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::db::Db;
use crate::entities::job::{self, Column, Entity};
use crate::error::{StoreError, StoreResult};
use crate::mapping;
use crate::records::LeasedJob;

/// Job status names.
pub mod status {
    /// Waiting for a worker (or for its `run_at`).
    pub const QUEUED: &str = "queued";
    /// Leased by a worker.
    pub const RUNNING: &str = "running";
    /// Done.
    pub const SUCCEEDED: &str = "succeeded";
    /// Gave up after `max_attempts`.
    pub const FAILED: &str = "failed";
}

/// Longest backoff between two runs of a failing job.
const BACKOFF_MAX: Duration = Duration::from_secs(300);
/// Backoff after the first failure; doubles after each one.
const BACKOFF_BASE: Duration = Duration::from_secs(1);
/// Longest stored error message.
const ERROR_LEN_MAX: usize = 2000;

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Handler name.
    pub kind: String,
    /// JSON arguments.
    pub payload: String,
    /// At most one queued or running job with this key.
    pub dedupe_key: Option<String>,
    /// Runs allowed.
    pub max_attempts: i32,
    /// Not before.
    pub run_at: DateTime<Utc>,
}

impl NewJob {
    /// A job due now with 5 attempts.
    pub fn now(kind: &str, payload: String) -> Self {
        Self {
            kind: kind.to_owned(),
            payload,
            dedupe_key: None,
            max_attempts: 5,
            run_at: Utc::now(),
        }
    }
}

/// A leased job.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    /// The job as claimed.
    pub job: LeasedJob,
    /// The worker holding it.
    pub worker: String,
}

/// Queue figures for `/metrics`.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueStats {
    /// Queued jobs.
    pub queued: u64,
    /// Running jobs.
    pub running: u64,
    /// Jobs that failed for good.
    pub failed: u64,
    /// Age of the oldest due queued job, seconds.
    pub oldest_queued_age_s: f64,
}

/// Enqueues `new` inside the caller's transaction. With a dedupe key already
/// queued or running it does nothing and returns `None`.
pub async fn enqueue<C: ConnectionTrait>(txn: &C, new: NewJob) -> StoreResult<Option<Uuid>> {
    let id = Uuid::now_v7();
    let now = Utc::now();
    let row = job::ActiveModel {
        id: Set(id),
        kind: Set(new.kind),
        payload: Set(new.payload),
        status: Set(status::QUEUED.to_owned()),
        dedupe_key: Set(new.dedupe_key),
        attempts: Set(0),
        max_attempts: Set(new.max_attempts.max(1)),
        run_at: Set(new.run_at),
        locked_by: Set(None),
        lease_expires_at: Set(None),
        lease_token: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let result = Entity::insert(row)
        .on_conflict_do_nothing()
        .exec_without_returning(txn)
        .await?;
    Ok(matches!(result, sea_orm::TryInsertResult::Inserted(n) if n > 0).then_some(id))
}

fn lease_until(lease: Duration) -> StoreResult<DateTime<Utc>> {
    let lease = chrono::Duration::from_std(lease)
        .map_err(|e| StoreError::Corrupt(format!("lease: {e}")))?;
    Ok(Utc::now() + lease)
}

/// Exponential backoff after `attempts` runs: 1 s, 2 s, 4 s, … capped at 5 min.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    BACKOFF_BASE.saturating_mul(1 << exponent).min(BACKOFF_MAX)
}

impl Db {
    /// Leases the oldest due job (queued and due, or running with an expired lease).
    pub async fn claim_job(
        &self,
        worker: &str,
        lease: Duration,
    ) -> StoreResult<Option<ClaimedJob>> {
        let txn = self.conn().begin().await?;
        let now = Utc::now();
        let due = Condition::any()
            .add(
                Condition::all()
                    .add(Column::Status.eq(status::QUEUED))
                    .add(Column::RunAt.lte(now)),
            )
            .add(
                Condition::all()
                    .add(Column::Status.eq(status::RUNNING))
                    .add(Column::LeaseExpiresAt.lt(now)),
            );
        let Some(found) = Entity::find()
            .filter(due)
            .order_by_asc(Column::RunAt)
            .limit(1)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .one(&txn)
            .await?
        else {
            return Ok(None);
        };
        let until = lease_until(lease)?;
        let attempts = found.attempts.saturating_add(1);
        let mut update: job::ActiveModel = found.into();
        update.status = Set(status::RUNNING.to_owned());
        update.locked_by = Set(Some(worker.to_owned()));
        update.lease_expires_at = Set(Some(until));
        update.lease_token = Set(Some(Uuid::new_v4()));
        update.attempts = Set(attempts);
        update.updated_at = Set(now);
        let claimed = sea_orm::ActiveModelTrait::update(update, &txn).await?;
        txn.commit().await?;
        Ok(Some(ClaimedJob {
            job: mapping::leased_job(claimed)?,
            worker: worker.to_owned(),
        }))
    }

    /// Renews the lease; `LeaseLost` when another worker took the job over.
    pub async fn heartbeat_job(&self, claimed: &ClaimedJob, lease: Duration) -> StoreResult<()> {
        let until = lease_until(lease)?;
        finish(
            self.conn(),
            claimed,
            vec![(Column::LeaseExpiresAt, Expr::value(until))],
        )
        .await
    }

    /// Fails with `LeaseLost` unless `claimed` still holds its lease. Inside a
    /// transaction it also locks the job row until commit, so the caller's
    /// writes in that transaction land only while the lease is held.
    pub async fn confirm_lease<C: ConnectionTrait>(
        &self,
        txn: &C,
        claimed: &ClaimedJob,
    ) -> StoreResult<()> {
        finish(txn, claimed, Vec::new()).await
    }

    /// Marks the job done. Call it inside the transaction that commits the
    /// job's effects, so effects and completion land together.
    pub async fn complete_job<C: ConnectionTrait>(
        &self,
        txn: &C,
        claimed: &ClaimedJob,
    ) -> StoreResult<()> {
        finish(
            txn,
            claimed,
            vec![
                (Column::Status, Expr::value(status::SUCCEEDED)),
                (Column::LockedBy, Expr::value(Option::<String>::None)),
                (
                    Column::LeaseExpiresAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                ),
                (Column::LeaseToken, Expr::value(Option::<Uuid>::None)),
            ],
        )
        .await
    }

    /// Completes a job whose effects committed in transactions of their own
    /// (the scheduled recheck), in one more transaction, only under its lease.
    pub async fn complete_job_alone(&self, claimed: &ClaimedJob) -> StoreResult<()> {
        let txn = self.conn().begin().await?;
        self.complete_job(&txn, claimed).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Enqueues `new` by itself, outside any use-case (the scheduler).
    pub async fn enqueue_job(&self, new: NewJob) -> StoreResult<Option<Uuid>> {
        enqueue(self.conn(), new).await
    }

    /// Records a failed run: queued again after a backoff, or failed for good
    /// after `max_attempts`. Returns true when the job failed for good.
    pub async fn fail_job(&self, claimed: &ClaimedJob, error: &str) -> StoreResult<bool> {
        let job = &claimed.job;
        let final_failure = job.attempts >= job.max_attempts;
        let error: String = error.chars().take(ERROR_LEN_MAX).collect();
        let run_at = lease_until(backoff(job.attempts))?;
        let next = if final_failure {
            status::FAILED
        } else {
            status::QUEUED
        };
        finish(
            self.conn(),
            claimed,
            vec![
                (Column::Status, Expr::value(next)),
                (Column::RunAt, Expr::value(run_at)),
                (Column::LastError, Expr::value(error)),
                (Column::LockedBy, Expr::value(Option::<String>::None)),
                (
                    Column::LeaseExpiresAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                ),
                (Column::LeaseToken, Expr::value(Option::<Uuid>::None)),
            ],
        )
        .await?;
        Ok(final_failure)
    }

    /// Gives a job back unrun (graceful shutdown): due at once, attempt not counted.
    pub async fn release_job(&self, claimed: &ClaimedJob) -> StoreResult<()> {
        finish(
            self.conn(),
            claimed,
            vec![
                (Column::Status, Expr::value(status::QUEUED)),
                (
                    Column::Attempts,
                    Expr::value((claimed.job.attempts - 1).max(0)),
                ),
                (Column::RunAt, Expr::value(Utc::now())),
                (Column::LockedBy, Expr::value(Option::<String>::None)),
                (
                    Column::LeaseExpiresAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                ),
                (Column::LeaseToken, Expr::value(Option::<Uuid>::None)),
            ],
        )
        .await
    }

    /// Figures for `/metrics`.
    pub async fn queue_stats(&self) -> StoreResult<QueueStats> {
        let count = |s: &'static str| {
            Entity::find()
                .filter(Column::Status.eq(s))
                .count(self.conn())
        };
        let oldest = Entity::find()
            .filter(Column::Status.eq(status::QUEUED))
            .filter(Column::RunAt.lte(Utc::now()))
            .order_by_asc(Column::RunAt)
            .one(self.conn())
            .await?;
        let oldest_queued_age_s = oldest.map_or(0.0, |j| {
            (Utc::now() - j.run_at).num_milliseconds().max(0) as f64 / 1000.0
        });
        Ok(QueueStats {
            queued: count(status::QUEUED).await?,
            running: count(status::RUNNING).await?,
            failed: count(status::FAILED).await?,
            oldest_queued_age_s,
        })
    }

    /// Deletes succeeded jobs last touched before `cutoff`; returns how many.
    pub async fn purge_succeeded_jobs(&self, cutoff: DateTime<Utc>) -> StoreResult<u64> {
        let result = Entity::delete_many()
            .filter(Column::Status.eq(status::SUCCEEDED))
            .filter(Column::UpdatedAt.lt(cutoff))
            .exec(self.conn())
            .await?;
        Ok(result.rows_affected)
    }

    /// A job by id (tests and ops).
    pub async fn job(&self, id: Uuid) -> StoreResult<Option<job::Model>> {
        Ok(Entity::find_by_id(id).one(self.conn()).await?)
    }
}

/// Updates the job only while `claimed` still holds its lease: running, locked
/// by its worker, under its lease token.
async fn finish<C: ConnectionTrait>(
    db: &C,
    claimed: &ClaimedJob,
    columns: Vec<(Column, sea_orm::sea_query::SimpleExpr)>,
) -> StoreResult<()> {
    let mut update = Entity::update_many()
        .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(Column::Id.eq(claimed.job.id))
        .filter(Column::Status.eq(status::RUNNING))
        .filter(Column::LockedBy.eq(claimed.worker.as_str()))
        .filter(Column::LeaseToken.eq(claimed.job.lease_token));
    for (column, value) in columns {
        update = update.col_expr(column, value);
    }
    let result = update.exec(db).await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::LeaseLost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(5), Duration::from_secs(16));
        assert_eq!(backoff(30), BACKOFF_MAX);
        assert_eq!(backoff(0), Duration::from_secs(1));
    }
}
