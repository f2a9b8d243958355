//! Batching: concurrent money movements settled together, in one place.
//!
//! Each movement is a database transaction that locks rows (the player's
//! wallet, an audit chain head, a deposit) and ends in a commit; at peak load
//! (payday, or one big winner's wallet topped up again and again) transactions
//! queue on those locks and on commits. A [`Rounds`] queue takes requests in
//! arrival order, each in the queue of one of its lanes (the lane of its
//! [`RoundMember::lane_key`]: one player's game calls always meet in one lane;
//! else the lane with the fewest waiting); each lane takes the oldest waiting
//! ones (at most [`ROUND_MAX`]) and [`settle_all`] forms rounds of them: no two members of
//! a round share an exclusive key (a wallet, an audit chain, an idempotency
//! key, a deposit, an event id: rows a round writes once) and a round's
//! requests fit its byte budget ([`RoundWork::ROUND_BYTES_MAX`]). Each round
//! is one transaction ([`RoundWork::round`]); one of several that fails or
//! rolls back is run again member by member, so no request waits on another's
//! failure. Every request still gets its own answer, exactly as if it had been
//! settled alone, once its round has committed; its tracing span goes with it
//! (the round's span follows from every member's, and a request settled alone
//! runs in its own).
//!
//! A round never waits on a row lock: a request whose rows another transaction
//! holds comes back [`RoundAnswer::Blocked`]. Usually that is another round
//! (the player's deposit and withdrawal in two lanes at once), so the request
//! goes back to the queue for a later round; one still blocked after
//! [`RETRY_FOR`] is settled alone ([`RoundWork::alone`], waiting for the lock
//! up to the statement timeout), at most [`ALONE_MAX`] at once per queue. The
//! lanes go on meanwhile: a locked wallet holds back nobody else.
//!
//! How a round's writes reach the database (one statement of data-modifying
//! CTEs, cut at [`crate::ROUND_BYTES_MAX`]) is the writer's business
//! (`write_batch`).

mod queue;
mod settle;

use std::future::Future;

use sea_orm::QuerySelect;
use sea_orm::sea_query::{LockBehavior, LockType};

use crate::error::StoreResult;

pub use queue::{ALONE_MAX, RETRY_FOR, ROUND_MAX, Rounds};
pub use settle::settle_all;
pub(crate) use settle::unanswered;

/// Histogram of requests settled per round, by queue.
pub const ROUND_REQUESTS_METRIC: &str = "kasa_round_requests";
/// Counter of blocked round members sent back to their queue, by queue.
pub const ROUND_RETRIES_METRIC: &str = "kasa_round_retries_total";
/// Counter of round members settled alone after being blocked too long, by queue.
pub const ROUND_ALONE_METRIC: &str = "kasa_round_alone_total";

/// How a request given to a round ended.
#[derive(Debug)]
pub enum RoundAnswer<A> {
    /// Settled (or refused) by its round, exactly as alone: its answer.
    Settled(A),
    /// Not settled: a row it needs (its wallet, deposit or audit chain head)
    /// was locked by another transaction, and a round never waits on a lock.
    /// Nothing of it was written; try it again in a later round, or settle it
    /// alone ([`RoundWork::alone`]), which waits for the lock.
    Blocked,
}

/// What a round answers: one answer per member, in order; `None` when it
/// rolled back because a record it must not overwrite appeared meanwhile.
pub type RoundOutcome<T> = StoreResult<Option<Vec<RoundAnswer<StoreResult<T>>>>>;

/// A request that can share a round with others.
pub trait RoundMember {
    /// About how many bytes it adds to its round's write statements.
    fn round_bytes(&self) -> usize;
    /// Keys no two members of one round may share (rows a round writes once).
    fn exclusive_keys(&self) -> Vec<String>;
    /// Requests with one key always go to one lane of their queue, so they
    /// never lock each other's rows from two lanes at once (a round does not
    /// wait on a lock: the loser would be blocked and retried). `None`: any
    /// lane (the one with the fewest waiting).
    fn lane_key(&self) -> Option<u64> {
        None
    }
}

/// A kind of work settled in rounds: how a round runs, and how one request
/// runs alone.
pub trait RoundWork: Send + Sync + 'static {
    /// A request of this kind.
    type Request: RoundMember + Send + Sync + 'static;
    /// Its outcome.
    type Outcome: Send + 'static;
    /// Names the queue in logs and metrics (`queue` label).
    const KIND: &'static str;
    /// Bytes a round's requests may add up to (one request always goes).
    const ROUND_BYTES_MAX: usize;

    /// Settles `members` (no exclusive key twice) in one transaction, never
    /// waiting on a row lock.
    fn round(
        &self,
        members: &[&Self::Request],
    ) -> impl Future<Output = RoundOutcome<Self::Outcome>> + Send;

    /// Settles one request alone, waiting for the rows it needs.
    fn alone(
        &self,
        request: &Self::Request,
    ) -> impl Future<Output = StoreResult<Self::Outcome>> + Send;
}

/// What a locking read does with a row another transaction has locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Locking {
    /// Waits for it (bounded by the statement timeout): a request alone.
    Wait,
    /// Leaves it out of the result (`FOR UPDATE SKIP LOCKED`): a round, whose
    /// members that lack a row are answered [`RoundAnswer::Blocked`]. SQLite
    /// has no row locks (one writer): nothing is ever left out there.
    Skip,
}

impl Locking {
    /// `select` locking its rows `FOR UPDATE` this way.
    pub fn apply<S: QuerySelect>(self, select: S) -> S {
        match self {
            Locking::Wait => select.lock_exclusive(),
            Locking::Skip => select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked),
        }
    }
}
