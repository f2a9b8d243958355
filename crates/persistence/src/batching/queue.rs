//! The queue of one kind of work and its lanes: a lane takes what fits one
//! round and hands it to [`settle_all`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, Semaphore, mpsc, oneshot};
use tracing::Instrument;

use super::{
    ROUND_ALONE_METRIC, ROUND_REQUESTS_METRIC, ROUND_RETRIES_METRIC, RoundAnswer, RoundMember,
    RoundWork, settle_all,
};
use crate::error::{StoreError, StoreResult};

/// Most requests a lane takes at once (they may make several rounds).
pub const ROUND_MAX: usize = 64;
/// How long a blocked request is tried again in later rounds before it is
/// settled alone.
pub const RETRY_FOR: Duration = Duration::from_millis(500);
/// Pause before a blocked request goes back to the queue (about one round).
const RETRY_PAUSE: Duration = Duration::from_millis(5);
/// Blocked requests of one queue settled alone at once (each holds a pooled
/// connection while it waits for a lock); the others wait for a turn.
pub const ALONE_MAX: usize = 4;
/// Requests that may wait before senders wait for room.
const QUEUE_DEPTH: usize = 4096;

/// One request waiting for its answer.
struct Job<R, O> {
    request: R,
    answer: oneshot::Sender<StoreResult<O>>,
    /// The span of the request that queued it.
    span: tracing::Span,
    /// When a round first answered it `Blocked`.
    blocked_since: Option<Instant>,
}

/// The waiting requests, shared by the lanes.
struct Waiting<R, O> {
    receiver: mpsc::Receiver<Job<R, O>>,
    /// The request that did not fit the previous take: first of the next.
    held_back: Option<Job<R, O>>,
}

/// What the lanes of one queue share.
struct Lane<W: RoundWork> {
    work: W,
    waiting: Mutex<Waiting<W::Request, W::Outcome>>,
    /// Where blocked requests go back (weak: the lanes stop once every
    /// handle is gone).
    queue: mpsc::WeakSender<Job<W::Request, W::Outcome>>,
    /// Turns of the blocked requests settled alone.
    turns: Arc<Semaphore>,
}

/// Handle to a queue and its lanes; cheap to share between workers.
pub struct Rounds<W: RoundWork> {
    sender: mpsc::Sender<Job<W::Request, W::Outcome>>,
}

impl<W: RoundWork> Rounds<W> {
    /// Starts `lanes` lanes (each holds one pooled connection while it works)
    /// on the current tokio runtime; they stop when the handle is dropped.
    /// The `kasa_round_requests` histogram and the `kasa_round_retries_total`
    /// and `kasa_round_alone_total` counters are labelled `queue = W::KIND`;
    /// the counters start at zero.
    pub fn start(lanes: usize, work: W) -> Self {
        metrics::counter!(ROUND_RETRIES_METRIC, "queue" => W::KIND).increment(0);
        metrics::counter!(ROUND_ALONE_METRIC, "queue" => W::KIND).increment(0);
        let (sender, receiver) = mpsc::channel(QUEUE_DEPTH);
        let lane = Arc::new(Lane {
            work,
            waiting: Mutex::new(Waiting {
                receiver,
                held_back: None,
            }),
            queue: sender.downgrade(),
            turns: Arc::new(Semaphore::new(ALONE_MAX)),
        });
        for _ in 0..lanes.max(1) {
            tokio::spawn(run_lane(Arc::clone(&lane)));
        }
        Self { sender }
    }

    /// Queues `request` and waits for its answer;
    /// [`StoreError::QueueStopped`] if the lanes are gone.
    pub async fn settle(&self, request: W::Request) -> StoreResult<W::Outcome> {
        let (answer, answered) = oneshot::channel();
        let job = Job {
            request,
            answer,
            span: tracing::Span::current(),
            blocked_since: None,
        };
        self.sender
            .send(job)
            .await
            .map_err(|_| StoreError::QueueStopped)?;
        answered.await.map_err(|_| StoreError::QueueStopped)?
    }
}

/// Settles rounds and answers each request, until every sender is gone.
async fn run_lane<W: RoundWork>(lane: Arc<Lane<W>>) {
    while let Some(jobs) = next_jobs(&lane).await {
        metrics::histogram!(ROUND_REQUESTS_METRIC, "queue" => W::KIND).record(jobs.len() as f64);
        let span = tracing::debug_span!("round", queue = W::KIND, requests = jobs.len());
        for job in &jobs {
            span.follows_from(job.span.id());
        }
        let members: Vec<&W::Request> = jobs.iter().map(|job| &job.request).collect();
        let outcomes = settle_all(&lane.work, &members).instrument(span).await;
        for (job, outcome) in jobs.into_iter().zip(outcomes) {
            match outcome {
                // A request whose client went away is settled all the same; its
                // retry is answered as a duplicate or from its idempotency record.
                RoundAnswer::Settled(outcome) => {
                    let _ = job.answer.send(outcome);
                }
                RoundAnswer::Blocked => blocked(&lane, job),
            }
        }
    }
}

/// Sends a blocked request back to the queue after a pause, or, blocked for
/// [`RETRY_FOR`], settles it alone on a task of its own once a turn is free.
fn blocked<W: RoundWork>(lane: &Arc<Lane<W>>, mut job: Job<W::Request, W::Outcome>) {
    let since = *job.blocked_since.get_or_insert_with(Instant::now);
    if since.elapsed() < RETRY_FOR {
        metrics::counter!(ROUND_RETRIES_METRIC, "queue" => W::KIND).increment(1);
        let queue = lane.queue.clone();
        tokio::spawn(async move {
            tokio::time::sleep(RETRY_PAUSE).await;
            // Once the queue is gone the job is dropped: its caller gets `QueueStopped`.
            if let Some(queue) = queue.upgrade() {
                let _ = queue.send(job).await;
            }
        });
        return;
    }
    metrics::counter!(ROUND_ALONE_METRIC, "queue" => W::KIND).increment(1);
    let lane = Arc::clone(lane);
    tokio::spawn(async move {
        // The semaphore is never closed, so a turn always comes.
        let _turn = lane.turns.acquire().await;
        let span = job.span.clone();
        let outcome = lane.work.alone(&job.request).instrument(span).await;
        let _ = job.answer.send(outcome);
    });
}

/// Waits for the oldest request, then takes those queued behind it that fit
/// one round ([`RoundWork::ROUND_BYTES_MAX`], at most [`ROUND_MAX`]), so that
/// the other lanes take the next round meanwhile; `None` once every sender is
/// gone.
async fn next_jobs<W: RoundWork>(lane: &Lane<W>) -> Option<Vec<Job<W::Request, W::Outcome>>> {
    let mut waiting = lane.waiting.lock().await;
    let first = match waiting.held_back.take() {
        Some(job) => job,
        None => waiting.receiver.recv().await?,
    };
    let mut bytes = first.request.round_bytes();
    let mut jobs = vec![first];
    while jobs.len() < ROUND_MAX {
        let Ok(job) = waiting.receiver.try_recv() else {
            break;
        };
        let size = job.request.round_bytes();
        if bytes + size > W::ROUND_BYTES_MAX {
            waiting.held_back = Some(job);
            break;
        }
        bytes += size;
        jobs.push(job);
    }
    Some(jobs)
}
