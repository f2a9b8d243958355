//! The queue of one kind of work and its lanes: a lane takes what fits one
//! round and hands it to [`settle_all`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, mpsc, oneshot};
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

/// The requests waiting for one lane.
struct Waiting<R, O> {
    receiver: mpsc::Receiver<Job<R, O>>,
    /// The request that did not fit the previous take: first of the next.
    held_back: Option<Job<R, O>>,
}

/// What the lanes of one queue share.
struct Lane<W: RoundWork> {
    work: W,
    /// Where requests go, one queue per lane (weak: the lanes stop once
    /// every handle is gone); blocked requests go back to theirs.
    queues: Vec<mpsc::WeakSender<Job<W::Request, W::Outcome>>>,
    /// Turns of the blocked requests settled alone.
    turns: Arc<Semaphore>,
}

/// Handle to a queue and its lanes; cheap to share between workers.
pub struct Rounds<W: RoundWork> {
    senders: Vec<mpsc::Sender<Job<W::Request, W::Outcome>>>,
}

impl<W: RoundWork> Rounds<W> {
    /// Starts `lanes` lanes (each holds one pooled connection while it works)
    /// on the current tokio runtime; they stop when the handle is dropped.
    /// A request with a [`RoundMember::lane_key`] always goes to the lane of
    /// its key, so requests for one wallet never meet in two lanes at once;
    /// one without goes to the lane with the fewest waiting.
    /// The `kasa_round_requests` histogram and the `kasa_round_retries_total`
    /// and `kasa_round_alone_total` counters are labelled `queue = W::KIND`;
    /// the counters start at zero.
    pub fn start(lanes: usize, work: W) -> Self {
        metrics::counter!(ROUND_RETRIES_METRIC, "queue" => W::KIND).increment(0);
        metrics::counter!(ROUND_ALONE_METRIC, "queue" => W::KIND).increment(0);
        let (senders, receivers): (Vec<_>, Vec<_>) = (0..lanes.max(1))
            .map(|_| mpsc::channel(QUEUE_DEPTH))
            .unzip();
        let lane = Arc::new(Lane {
            work,
            queues: senders.iter().map(mpsc::Sender::downgrade).collect(),
            turns: Arc::new(Semaphore::new(ALONE_MAX)),
        });
        for (index, receiver) in receivers.into_iter().enumerate() {
            let waiting = Waiting {
                receiver,
                held_back: None,
            };
            tokio::spawn(run_lane(Arc::clone(&lane), index, waiting));
        }
        Self { senders }
    }

    /// Queues `request` and waits for its answer;
    /// [`StoreError::QueueStopped`] if the lanes are gone.
    pub async fn settle(&self, request: W::Request) -> StoreResult<W::Outcome> {
        let lane = lane_of(&request, self.senders.len(), |index| {
            self.senders.get(index).map_or(0, mpsc::Sender::capacity)
        });
        let sender = self.senders.get(lane).ok_or(StoreError::QueueStopped)?;
        let (answer, answered) = oneshot::channel();
        let job = Job {
            request,
            answer,
            span: tracing::Span::current(),
            blocked_since: None,
        };
        sender
            .send(job)
            .await
            .map_err(|_| StoreError::QueueStopped)?;
        answered.await.map_err(|_| StoreError::QueueStopped)?
    }
}

/// The lane of `request` among `lanes`: its key's, or the one with the most
/// free room (`room(lane)`).
fn lane_of<R: RoundMember>(request: &R, lanes: usize, room: impl Fn(usize) -> usize) -> usize {
    let lanes = lanes.max(1);
    match request.lane_key() {
        // The remainder is below `lanes`, a usize.
        Some(key) => usize::try_from(key % lanes as u64).unwrap_or(0),
        None => (0..lanes).max_by_key(|&lane| room(lane)).unwrap_or(0),
    }
}

/// Settles rounds and answers each request, until every sender is gone.
async fn run_lane<W: RoundWork>(
    lane: Arc<Lane<W>>,
    index: usize,
    mut waiting: Waiting<W::Request, W::Outcome>,
) {
    while let Some(jobs) = next_jobs(&mut waiting, W::ROUND_BYTES_MAX).await {
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
                RoundAnswer::Blocked => blocked(&lane, index, job),
            }
        }
    }
}

/// Sends a blocked request back to its lane's queue (lane `index`) after a
/// pause, or, blocked for [`RETRY_FOR`], settles it alone on a task of its
/// own once a turn is free.
fn blocked<W: RoundWork>(lane: &Arc<Lane<W>>, index: usize, mut job: Job<W::Request, W::Outcome>) {
    let since = *job.blocked_since.get_or_insert_with(Instant::now);
    if since.elapsed() < RETRY_FOR {
        metrics::counter!(ROUND_RETRIES_METRIC, "queue" => W::KIND).increment(1);
        let queue = lane.queues.get(index).cloned();
        tokio::spawn(async move {
            tokio::time::sleep(RETRY_PAUSE).await;
            // Once the queue is gone the job is dropped: its caller gets `QueueStopped`.
            if let Some(queue) = queue.and_then(|queue| queue.upgrade()) {
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

/// Waits for the oldest request of a lane, then takes those queued behind it
/// that fit one round (`bytes_max`, at most [`ROUND_MAX`]); `None` once every sender is gone.
async fn next_jobs<R: RoundMember, O>(
    waiting: &mut Waiting<R, O>,
    bytes_max: usize,
) -> Option<Vec<Job<R, O>>> {
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
        if bytes + size > bytes_max {
            waiting.held_back = Some(job);
            break;
        }
        bytes += size;
        jobs.push(job);
    }
    Some(jobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Keyed(Option<u64>);

    impl RoundMember for Keyed {
        fn round_bytes(&self) -> usize {
            1
        }
        fn exclusive_keys(&self) -> Vec<String> {
            Vec::new()
        }
        fn lane_key(&self) -> Option<u64> {
            self.0
        }
    }

    #[test]
    fn a_keyed_request_goes_to_its_keys_lane_and_another_to_the_emptiest() {
        let room = |lane: usize| [10, 30, 20][lane];
        assert_eq!(lane_of(&Keyed(Some(7)), 3, room), 1);
        assert_eq!(lane_of(&Keyed(Some(u64::MAX)), 3, room), 0);
        assert_eq!(lane_of(&Keyed(None), 3, room), 1);
        assert_eq!(lane_of(&Keyed(None), 0, |_| 0), 0);
    }
}
