//! What deposit and withdrawal rounds share: splitting requests into rounds
//! (a byte budget, and keys no two members may share), running each round with
//! a fallback to one request at a time, and cutting a round's writes into
//! statements of at most [`ROUND_BYTES_MAX`].

use std::collections::HashSet;
use std::future::Future;

use sea_orm::QuerySelect;
use sea_orm::sea_query::{LockBehavior, LockType};

use crate::error::{StoreError, StoreResult};
use crate::write_batch::WriteBatch;

/// Bytes a round's write statement may take: sqlx 0.9.0 leaves Nagle's
/// algorithm on, and a message larger than the socket's initial send buffer
/// (16 KiB on Linux) waits up to ~100 ms for PostgreSQL's delayed ACK. A
/// round's writes therefore go in statements (chunks) of at most this size.
pub const ROUND_BYTES_MAX: usize = 14 * 1024;

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

/// A request that can share a round with others.
pub(crate) trait RoundMember {
    /// About how many bytes it adds to its round's write statements.
    fn round_bytes(&self) -> usize;
    /// Keys no two members of one round may share (rows a round writes once).
    fn exclusive_keys(&self) -> Vec<String>;
}

/// Splits `pending` (indexes into `items`) into the next round, within
/// `bytes_max` (though never empty) and with no exclusive key twice, and the
/// items left for later rounds.
fn next_round<T: RoundMember>(
    items: &[T],
    pending: Vec<usize>,
    bytes_max: usize,
) -> (Vec<usize>, Vec<usize>) {
    let mut taken: HashSet<String> = HashSet::new();
    let mut bytes = 0;
    let mut members = 0;
    pending.into_iter().partition(|&index| {
        let item = &items[index];
        let size = item.round_bytes();
        let keys = item.exclusive_keys();
        let fits = members == 0 || bytes + size <= bytes_max;
        if fits && keys.iter().all(|key| !taken.contains(key)) {
            taken.extend(keys);
            bytes += size;
            members += 1;
            true
        } else {
            false
        }
    })
}

/// How a request given to a round ended.
#[derive(Debug)]
pub enum RoundAnswer<A> {
    /// Settled (or refused) by its round, exactly as alone: its answer.
    Settled(A),
    /// Not settled: a row it needs (its wallet, deposit or audit chain head)
    /// was locked by another transaction, and a round never waits on a lock.
    /// Nothing of it was written; try it again in a later round, or settle it
    /// alone (`Db::apply_deposit_event`, `Db::request_withdrawal_alone`),
    /// which waits for the lock.
    Blocked,
}

/// Runs `items` in rounds of at most `bytes_max`: `round` settles a round's
/// members in one transaction without waiting on a row lock (`None`: it rolled
/// back because a record it must not overwrite appeared meanwhile), answering
/// [`RoundAnswer::Blocked`] for a member whose rows were locked elsewhere.
/// Every member of a round of several that failed or rolled back is tried
/// again as a round of one; a round of one that fails or rolls back answers
/// `Blocked` (the caller settles it alone). Answers in the order given.
pub(crate) async fn in_rounds<'a, T, A, RoundFuture>(
    kind: &'static str,
    items: &'a [T],
    bytes_max: usize,
    round: impl Fn(Vec<&'a T>) -> RoundFuture,
) -> Vec<RoundAnswer<StoreResult<A>>>
where
    T: RoundMember,
    RoundFuture: Future<Output = StoreResult<Option<Vec<RoundAnswer<StoreResult<A>>>>>>,
{
    let mut answers: Vec<Option<RoundAnswer<StoreResult<A>>>> =
        items.iter().map(|_| None).collect();
    let mut pending: Vec<usize> = (0..items.len()).collect();
    while !pending.is_empty() {
        let (indexes, later) = next_round(items, pending, bytes_max);
        pending = later;
        let members: Vec<&T> = indexes.iter().map(|&i| &items[i]).collect();
        match settled(kind, round(members).await, indexes.len()) {
            Some(outcomes) => {
                for (&index, outcome) in indexes.iter().zip(outcomes) {
                    answers[index] = Some(outcome);
                }
            }
            None if indexes.len() == 1 => answers[indexes[0]] = Some(RoundAnswer::Blocked),
            None => {
                for &index in &indexes {
                    let single = settled(kind, round(vec![&items[index]]).await, 1);
                    let answer = single.and_then(|mut outcomes| outcomes.pop());
                    answers[index] = Some(answer.unwrap_or(RoundAnswer::Blocked));
                }
            }
        }
    }
    answers
        .into_iter()
        .map(|answer| answer.unwrap_or_else(|| RoundAnswer::Settled(Err(unanswered()))))
        .collect()
}

/// A round's answers, or `None` (logged) when it failed or rolled back.
fn settled<A>(
    kind: &'static str,
    outcome: StoreResult<Option<Vec<A>>>,
    requests: usize,
) -> Option<Vec<A>> {
    match outcome {
        Ok(settled) => settled,
        Err(error) => {
            tracing::warn!(%error, kind, requests, "round failed; running its requests one by one");
            None
        }
    }
}

/// A request of a round got no answer (a bug).
pub(crate) fn unanswered() -> StoreError {
    StoreError::Corrupt("a request of the round was not answered".to_owned())
}

/// A round's writes, cut into statements of at most [`ROUND_BYTES_MAX`];
/// each chunk carries what its caller checks after running it (`X`).
pub(crate) struct WriteChunks<X> {
    chunks: Vec<(WriteBatch, X)>,
    bytes: usize,
}

impl<X: Default> WriteChunks<X> {
    /// No chunk yet.
    pub fn new() -> Self {
        Self {
            chunks: Vec::new(),
            bytes: ROUND_BYTES_MAX,
        }
    }

    /// The chunk a member of `bytes` goes to (a new one when it would not fit).
    pub fn for_member(&mut self, bytes: usize) -> &mut (WriteBatch, X) {
        if self.bytes + bytes > ROUND_BYTES_MAX || self.chunks.is_empty() {
            self.chunks.push((WriteBatch::new(), X::default()));
            self.bytes = 0;
        }
        self.bytes += bytes;
        let last = self.chunks.len() - 1;
        &mut self.chunks[last]
    }

    /// The last chunk, if any.
    pub fn last_mut(&mut self) -> Option<&mut (WriteBatch, X)> {
        self.chunks.last_mut()
    }

    /// The chunks, in order.
    pub fn into_inner(self) -> Vec<(WriteBatch, X)> {
        self.chunks
    }
}
