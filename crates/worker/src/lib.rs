//! The job runner: claims jobs from the database queue, keeps their lease
//! alive with a heartbeat, runs them, and retries failures with backoff.
//!
//! `KASA__JOBS__RUNNER=inline` runs it inside `kasa serve`; `worker` leaves it
//! to `kasa worker` processes. Any number of runners may share one database:
//! a job is leased to one of them at a time (`FOR UPDATE SKIP LOCKED`), and a
//! job whose runner died is claimed again when its lease expires.
//!
//! The runner opens no transaction of its own: every write is one `Db`
//! use-case, and a job run ends in a [`JobError`] or succeeds.

mod error;
mod handlers;
pub mod metric_names;
mod observe;

use std::sync::Arc;
use std::time::Duration;

use persistence::jobs::{ClaimedJob, NewJob};
use persistence::{Db, StoreError};
use psp::PaymentProvider;
use tokio_util::sync::CancellationToken;

use crate::metric_names as catalog;

pub use error::JobError;
pub use handlers::RECHECK_JOB;
pub use observe::{observation_of, observe_payout};

/// Every job kind a runner knows; other kinds label metrics as `other`.
pub const JOB_KINDS: [&str; 2] = [persistence::reconciliation::RECONCILIATION_JOB, RECHECK_JOB];

/// The `kind` label of a job: its kind when known, else `other`.
fn kind_label(kind: &str) -> &'static str {
    JOB_KINDS
        .into_iter()
        .find(|known| *known == kind)
        .unwrap_or("other")
}

/// Runner settings.
#[derive(Debug, Clone)]
pub struct RunnerSettings {
    /// Name of this runner (shown in `jobs.locked_by`).
    pub worker_id: String,
    /// Pause between polls of an empty queue.
    pub poll_interval: Duration,
    /// Lease of a claimed job; renewed every third of it.
    pub lease: Duration,
    /// How often the scheduled recheck of stuck payouts is enqueued.
    pub recheck_interval: Duration,
    /// Attempts `pending`/`unknown` for longer than this are rechecked.
    pub recheck_age: Duration,
}

/// What jobs need.
pub struct JobContext {
    /// The database.
    pub db: Db,
    /// The PSP.
    pub psp: Arc<dyn PaymentProvider>,
    /// Settings.
    pub settings: RunnerSettings,
}

/// Runs the claim loop and the scheduler until `shutdown` is cancelled; the
/// job in hand is finished first.
pub async fn run(ctx: Arc<JobContext>, shutdown: CancellationToken) {
    tracing::info!(worker = %ctx.settings.worker_id, "job runner started");
    let scheduler = tokio::spawn(schedule(Arc::clone(&ctx), shutdown.clone()));
    while !shutdown.is_cancelled() {
        match ctx
            .db
            .claim_job(&ctx.settings.worker_id, ctx.settings.lease)
            .await
        {
            Ok(Some(claimed)) => execute(&ctx, claimed).await,
            Ok(None) => pause(&shutdown, ctx.settings.poll_interval).await,
            Err(e) => {
                tracing::warn!(error = %e, "claiming a job failed");
                pause(&shutdown, ctx.settings.poll_interval.saturating_mul(4)).await;
            }
        }
    }
    let _ = scheduler.await;
    tracing::info!(worker = %ctx.settings.worker_id, "job runner stopped");
}

async fn pause(shutdown: &CancellationToken, duration: Duration) {
    tokio::select! {
        () = shutdown.cancelled() => {}
        () = tokio::time::sleep(duration) => {}
    }
}

/// Runs one claimed job with a heartbeat beside it. A heartbeat that finds the
/// lease lost stops the job where it is: another worker holds it now.
pub async fn execute(ctx: &JobContext, claimed: ClaimedJob) {
    let kind = claimed.job.kind.clone();
    tracing::info!(job_id = %claimed.job.id, kind, attempt = claimed.job.attempts, "job started");
    let beat = CancellationToken::new();
    let lost = CancellationToken::new();
    let heartbeat = tokio::spawn(heartbeat(
        ctx.db.clone(),
        claimed.clone(),
        ctx.settings.lease,
        beat.clone(),
        lost.clone(),
    ));
    let result = tokio::select! {
        result = handlers::run(ctx, &claimed) => Some(result),
        () = lost.cancelled() => None,
    };
    beat.cancel();
    let _ = heartbeat.await;
    let Some(result) = result else {
        metrics::counter!(catalog::JOBS_LEASE_LOST, "kind" => kind_label(&kind)).increment(1);
        tracing::warn!(job_id = %claimed.job.id, kind, "job lease lost; job stopped, its new holder runs it");
        return;
    };
    match result {
        Ok(()) => {
            metrics::counter!(catalog::JOBS_COMPLETED, "kind" => kind_label(&kind)).increment(1);
            tracing::info!(job_id = %claimed.job.id, kind, "job succeeded");
        }
        Err(error) => {
            metrics::counter!(catalog::JOBS_FAILED_RUNS, "kind" => kind_label(&kind)).increment(1);
            let error = error.to_string();
            match ctx.db.fail_job(&claimed, &error).await {
                Ok(true) => {
                    tracing::error!(job_id = %claimed.job.id, kind, %error, "job failed for good");
                    handlers::gave_up(ctx, &claimed, &error).await;
                }
                Ok(false) => {
                    tracing::warn!(job_id = %claimed.job.id, kind, %error, "job failed; will retry")
                }
                Err(e) => {
                    tracing::warn!(job_id = %claimed.job.id, error = %e, "could not record a job failure")
                }
            }
        }
    }
}

/// Renews the lease every third of it until `stop`; cancels `lost` and ends
/// when the lease turns out to be lost (another failure is retried next beat).
async fn heartbeat(
    db: Db,
    claimed: ClaimedJob,
    lease: Duration,
    stop: CancellationToken,
    lost: CancellationToken,
) {
    let every = lease / 3;
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
        match db.heartbeat_job(&claimed, lease).await {
            Ok(()) => {}
            Err(StoreError::LeaseLost) => {
                lost.cancel();
                return;
            }
            Err(e) => {
                tracing::warn!(job_id = %claimed.job.id, error = %e, "job heartbeat failed")
            }
        }
    }
}

/// Enqueues the periodic recheck; the dedupe key keeps one in the queue.
async fn schedule(ctx: Arc<JobContext>, shutdown: CancellationToken) {
    while !shutdown.is_cancelled() {
        let mut job = NewJob::now(RECHECK_JOB, "{}".to_owned());
        job.dedupe_key = Some(RECHECK_JOB.to_owned());
        job.max_attempts = 1;
        if let Err(e) = ctx.db.enqueue_job(job).await {
            tracing::warn!(error = %e, "scheduling the payout recheck failed");
        }
        pause(&shutdown, ctx.settings.recheck_interval).await;
    }
}
