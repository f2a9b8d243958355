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

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, oneshot};

/// Most requests one round takes.
pub const ROUND_MAX: usize = 64;
/// Requests that may wait before senders wait for room.
const QUEUE_DEPTH: usize = 4096;

/// Settles a round's requests; answers in the order given.
pub type Settle<R, A> =
    Arc<dyn Fn(Vec<R>) -> Pin<Box<dyn Future<Output = Vec<A>> + Send>> + Send + Sync>;

/// One request waiting for its answer.
struct Job<R, A> {
    request: R,
    answer: oneshot::Sender<A>,
}

/// The waiting requests, shared by the lanes.
struct Queue<R, A> {
    receiver: mpsc::Receiver<Job<R, A>>,
    /// The request that did not fit the previous round: first of the next.
    held_back: Option<Job<R, A>>,
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
    /// `name` labels the `kasa_round_requests` histogram (`queue`).
    pub fn start(
        name: &'static str,
        lanes: usize,
        budget: RoundBudget<R>,
        settle: Settle<R, A>,
    ) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE_DEPTH);
        let queue = Arc::new(Mutex::new(Queue {
            receiver,
            held_back: None,
        }));
        for _ in 0..lanes.max(1) {
            tokio::spawn(run_lane(
                name,
                Arc::clone(&queue),
                budget,
                Arc::clone(&settle),
            ));
        }
        Self { sender }
    }

    /// Queues `request` and waits for its answer.
    pub async fn settle(&self, request: R) -> Result<A, Stopped> {
        let (answer, answered) = oneshot::channel();
        self.sender
            .send(Job { request, answer })
            .await
            .map_err(|_| Stopped)?;
        answered.await.map_err(|_| Stopped)
    }
}

/// Settles rounds and answers each request, until every sender is gone.
async fn run_lane<R, A>(
    name: &'static str,
    queue: Arc<Mutex<Queue<R, A>>>,
    budget: RoundBudget<R>,
    settle: Settle<R, A>,
) {
    while let Some(jobs) = next_round(&queue, budget).await {
        metrics::histogram!("kasa_round_requests", "queue" => name).record(jobs.len() as f64);
        let (requests, answers): (Vec<_>, Vec<_>) = jobs
            .into_iter()
            .map(|job| (job.request, job.answer))
            .unzip();
        let outcomes = settle(requests).await;
        for (answer, outcome) in answers.into_iter().zip(outcomes) {
            // A request whose client went away is settled all the same; its
            // retry is answered as a duplicate or from its idempotency record.
            let _ = answer.send(outcome);
        }
    }
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
