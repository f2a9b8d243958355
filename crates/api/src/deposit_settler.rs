//! Deposit webhooks settled together.
//!
//! Each settled event is a database transaction that locks the player's wallet
//! row; at PSP peak load (payday, or one big winner's wallet topped up again
//! and again) the transactions queue on that lock and on commits. The settler
//! queues events in arrival order; each of [`LANES`] lanes takes the oldest
//! waiting events that fit one round ([`ROUND_BYTES_MAX`], at most
//! [`ROUND_MAX`]) and settles them in one transaction
//! ([`Db::apply_deposit_events`]). Each webhook still gets its own answer,
//! exactly as if it had been settled alone, after its round has committed.

use std::sync::Arc;

use persistence::{Db, DepositEvent, EventOutcome, ROUND_BYTES_MAX, StoreError, StoreResult};
use tokio::sync::{Mutex, mpsc, oneshot};

use crate::problem::ApiError;

/// Lanes settling concurrently (each holds one pooled connection while it works).
pub const LANES: usize = 4;
/// Most events one round takes.
pub const ROUND_MAX: usize = 64;
/// Events that may wait before senders wait for room.
const QUEUE_DEPTH: usize = 4096;

/// One event waiting for its answer.
struct Job {
    event: DepositEvent,
    answer: oneshot::Sender<StoreResult<EventOutcome>>,
}

/// The waiting events, shared by the lanes.
struct Queue {
    receiver: mpsc::Receiver<Job>,
    /// The event that did not fit the previous round: first of the next.
    held_back: Option<Job>,
}

/// Handle to the lanes; cheap to share between workers.
pub struct DepositSettler {
    sender: mpsc::Sender<Job>,
}

impl DepositSettler {
    /// Starts the lanes on the current tokio runtime; they stop when the
    /// settler is dropped.
    pub fn start(db: &Db) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE_DEPTH);
        let queue = Arc::new(Mutex::new(Queue {
            receiver,
            held_back: None,
        }));
        for _ in 0..LANES {
            tokio::spawn(run_lane(db.clone(), Arc::clone(&queue)));
        }
        Self { sender }
    }

    /// Settles `event` and answers as [`Db::apply_deposit_event`] would; an
    /// unknown deposit is `ReferenceNotFound`.
    pub async fn settle(&self, event: DepositEvent) -> Result<EventOutcome, ApiError> {
        let (answer, answered) = oneshot::channel();
        if self.sender.send(Job { event, answer }).await.is_err() {
            tracing::error!("deposit settler stopped");
            return Err(ApiError::Unavailable);
        }
        match answered.await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(StoreError::NotFound(_))) => Err(ApiError::ReferenceNotFound("deposit")),
            Ok(Err(other)) => Err(ApiError::from(other)),
            Err(_) => {
                tracing::error!("deposit settler dropped an event");
                Err(ApiError::Unavailable)
            }
        }
    }
}

/// Settles rounds and answers each event, until every sender is gone.
async fn run_lane(db: Db, queue: Arc<Mutex<Queue>>) {
    while let Some(jobs) = next_round(&queue).await {
        metrics::histogram!("kasa_deposit_round_events").record(jobs.len() as f64);
        let (events, answers): (Vec<_>, Vec<_>) =
            jobs.into_iter().map(|job| (job.event, job.answer)).unzip();
        let outcomes = db.apply_deposit_events(&events).await;
        for (answer, outcome) in answers.into_iter().zip(outcomes) {
            // A webhook whose client went away is settled all the same; the
            // PSP's redelivery will be answered as a duplicate.
            let _ = answer.send(outcome);
        }
    }
}

/// Waits for the oldest event, then takes those queued behind it that fit the
/// round; `None` once every sender is gone.
async fn next_round(queue: &Mutex<Queue>) -> Option<Vec<Job>> {
    let mut queue = queue.lock().await;
    let first = match queue.held_back.take() {
        Some(job) => job,
        None => queue.receiver.recv().await?,
    };
    let mut bytes = first.event.round_bytes();
    let mut jobs = vec![first];
    while jobs.len() < ROUND_MAX {
        let Ok(job) = queue.receiver.try_recv() else {
            break;
        };
        let size = job.event.round_bytes();
        if bytes + size > ROUND_BYTES_MAX {
            queue.held_back = Some(job);
            break;
        }
        bytes += size;
        jobs.push(job);
    }
    Some(jobs)
}
