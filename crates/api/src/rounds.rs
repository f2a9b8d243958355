//! Concurrent money movements settled together.
//!
//! Each movement is a database transaction that locks rows (the player's
//! wallet, an audit chain head) and ends in a commit; at peak load (payday, or
//! one big winner's wallet topped up again and again) transactions queue on
//! those locks and on commits. A [`Rounds`] queue takes requests in arrival
//! order; each of its lanes takes the oldest waiting requests that fit one
//! round (a byte budget, at most [`ROUND_MAX`]) and settles them with one call
//! of its use-case, which runs them in as few transactions as their rows allow
//! (`Db::apply_deposit_events`, `Db::request_withdrawals`). Every request still
//! gets its own answer, exactly as if it had been settled alone, once its round
//! has committed.
//!
//! A round never waits on a row lock: a request whose rows another transaction
//! holds comes back [`RoundAnswer::Blocked`]. Usually that is another round
//! (the player's deposit and withdrawal in two lanes at once), so the request
//! goes back to the queue for a later round; one still blocked after
//! [`RETRY_FOR`] is settled alone on a task of its own (waiting for the lock,
//! up to the statement timeout), at most [`ALONE_MAX`] at once per queue. The
//! lanes go on meanwhile: a locked wallet holds back nobody else.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use persistence::RoundAnswer;
use tokio::sync::{Mutex, Semaphore, mpsc, oneshot};

use crate::metrics::catalog;

/// Most requests one round takes.
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

/// A boxed future, as the use-cases return them.
pub type Pending<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Settles a round's requests, never waiting on a row lock; hands the requests
/// back with one answer each, in the order given.
pub type Settle<R, A> = Arc<dyn Fn(Vec<R>) -> Pending<(Vec<R>, Vec<RoundAnswer<A>>)> + Send + Sync>;

/// Settles one blocked request alone, waiting for the rows it needs.
pub type Alone<R, A> = Arc<dyn Fn(R) -> Pending<A> + Send + Sync>;

/// How a queue settles its requests.
pub struct UseCase<R, A> {
    /// A round's requests together.
    pub settle: Settle<R, A>,
    /// A request blocked for [`RETRY_FOR`], alone.
    pub alone: Alone<R, A>,
}

/// One request waiting for its answer.
struct Job<R, A> {
    request: R,
    answer: oneshot::Sender<A>,
    /// When a round first answered it `Blocked`.
    blocked_since: Option<Instant>,
}

/// The waiting requests, shared by the lanes.
struct Queue<R, A> {
    receiver: mpsc::Receiver<Job<R, A>>,
    /// The request that did not fit the previous round: first of the next.
    held_back: Option<Job<R, A>>,
}

/// What the lanes of one queue share.
struct Lane<R, A> {
    name: &'static str,
    use_case: UseCase<R, A>,
    /// Where blocked requests go back (weak: the lanes stop once every
    /// handle is gone).
    queue: mpsc::WeakSender<Job<R, A>>,
    /// Turns of the blocked requests settled alone.
    turns: Arc<Semaphore>,
}

/// What sizes a round.
pub struct RoundBudget<R> {
    /// Bytes a round's requests may add up to (one request always goes).
    pub bytes_max: usize,
    /// A request's bytes.
    pub bytes_of: fn(&R) -> usize,
}

// Not derived: a derive would ask `R: Copy`, though only a fn pointer is copied.
impl<R> Clone for RoundBudget<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for RoundBudget<R> {}

/// Handle to a queue and its lanes; cheap to share between workers.
pub struct Rounds<R, A> {
    sender: mpsc::Sender<Job<R, A>>,
}

/// The lanes stopped (they never do while the queue handle lives, unless a
/// use-case panicked).
#[derive(Debug)]
pub struct Stopped;

impl<R: Send + 'static, A: Send + 'static> Rounds<R, A> {
    /// Starts `lanes` lanes (each holds one pooled connection while it works)
    /// on the current tokio runtime; they stop when the handle is dropped.
    /// `name` labels the `kasa_round_requests` histogram and the
    /// `kasa_round_retries_total` and `kasa_round_alone_total` counters
    /// (`queue`); the counters start at zero.
    pub fn start(
        name: &'static str,
        lanes: usize,
        budget: RoundBudget<R>,
        use_case: UseCase<R, A>,
    ) -> Self {
        metrics::counter!(catalog::ROUND_RETRIES, "queue" => name).increment(0);
        metrics::counter!(catalog::ROUND_ALONE, "queue" => name).increment(0);
        let (sender, receiver) = mpsc::channel(QUEUE_DEPTH);
        let queue = Arc::new(Mutex::new(Queue {
            receiver,
            held_back: None,
        }));
        let lane = Arc::new(Lane {
            name,
            use_case,
            queue: sender.downgrade(),
            turns: Arc::new(Semaphore::new(ALONE_MAX)),
        });
        for _ in 0..lanes.max(1) {
            tokio::spawn(run_lane(Arc::clone(&lane), Arc::clone(&queue), budget));
        }
        Self { sender }
    }

    /// Queues `request` and waits for its answer.
    pub async fn settle(&self, request: R) -> Result<A, Stopped> {
        let (answer, answered) = oneshot::channel();
        self.sender
            .send(Job {
                request,
                answer,
                blocked_since: None,
            })
            .await
            .map_err(|_| Stopped)?;
        answered.await.map_err(|_| Stopped)
    }
}

/// Settles rounds and answers each request, until every sender is gone.
async fn run_lane<R: Send + 'static, A: Send + 'static>(
    lane: Arc<Lane<R, A>>,
    queue: Arc<Mutex<Queue<R, A>>>,
    budget: RoundBudget<R>,
) {
    while let Some(jobs) = next_round(&queue, budget).await {
        metrics::histogram!(catalog::ROUND_REQUESTS, "queue" => lane.name)
            .record(jobs.len() as f64);
        let (requests, jobs): (Vec<_>, Vec<_>) = jobs
            .into_iter()
            .map(|job| (job.request, (job.answer, job.blocked_since)))
            .unzip();
        let (requests, outcomes) = (lane.use_case.settle)(requests).await;
        for ((request, (answer, blocked_since)), outcome) in
            requests.into_iter().zip(jobs).zip(outcomes)
        {
            match outcome {
                // A request whose client went away is settled all the same; its
                // retry is answered as a duplicate or from its idempotency record.
                RoundAnswer::Settled(outcome) => {
                    let _ = answer.send(outcome);
                }
                RoundAnswer::Blocked => blocked(
                    &lane,
                    Job {
                        request,
                        answer,
                        blocked_since: Some(blocked_since.unwrap_or_else(Instant::now)),
                    },
                ),
            }
        }
    }
}

/// Sends a blocked request back to the queue after a pause, or, blocked for
/// [`RETRY_FOR`], settles it alone on a task of its own once a turn is free.
fn blocked<R: Send + 'static, A: Send + 'static>(lane: &Lane<R, A>, job: Job<R, A>) {
    let waited = job
        .blocked_since
        .map_or(Duration::ZERO, |since| since.elapsed());
    if waited < RETRY_FOR {
        metrics::counter!(catalog::ROUND_RETRIES, "queue" => lane.name).increment(1);
        let queue = lane.queue.clone();
        tokio::spawn(async move {
            tokio::time::sleep(RETRY_PAUSE).await;
            // Once the queue is gone the job is dropped: its caller gets `Stopped`.
            if let Some(queue) = queue.upgrade() {
                let _ = queue.send(job).await;
            }
        });
        return;
    }
    metrics::counter!(catalog::ROUND_ALONE, "queue" => lane.name).increment(1);
    let turns = Arc::clone(&lane.turns);
    let alone = Arc::clone(&lane.use_case.alone);
    tokio::spawn(async move {
        // The semaphore is never closed, so a turn always comes.
        let _turn = turns.acquire_owned().await;
        let _ = job.answer.send(alone(job.request).await);
    });
}

/// Waits for the oldest request, then takes those queued behind it that fit
/// the round; `None` once every sender is gone.
async fn next_round<R, A>(
    queue: &Mutex<Queue<R, A>>,
    budget: RoundBudget<R>,
) -> Option<Vec<Job<R, A>>> {
    let mut queue = queue.lock().await;
    let first = match queue.held_back.take() {
        Some(job) => job,
        None => queue.receiver.recv().await?,
    };
    let mut bytes = (budget.bytes_of)(&first.request);
    let mut jobs = vec![first];
    while jobs.len() < ROUND_MAX {
        let Ok(job) = queue.receiver.try_recv() else {
            break;
        };
        let size = (budget.bytes_of)(&job.request);
        if bytes + size > budget.bytes_max {
            queue.held_back = Some(job);
            break;
        }
        bytes += size;
        jobs.push(job);
    }
    Some(jobs)
}
