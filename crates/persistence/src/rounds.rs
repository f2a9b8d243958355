//! What deposit and withdrawal rounds share: splitting requests into rounds
//! (a byte budget, and keys no two members may share), running each round with
//! a fallback to one request at a time, and cutting a round's writes into
//! statements of at most [`ROUND_BYTES_MAX`].

use std::collections::HashSet;
use std::future::Future;

use crate::error::{StoreError, StoreResult};
use crate::write_batch::WriteBatch;

/// Bytes a round's write statement may take: sqlx 0.9.0 leaves Nagle's
/// algorithm on, and a message larger than the socket's initial send buffer
/// (16 KiB on Linux) waits up to ~100 ms for PostgreSQL's delayed ACK. A
/// round's writes therefore go in statements (chunks) of at most this size.
pub const ROUND_BYTES_MAX: usize = 14 * 1024;

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

/// Runs `items` in rounds of at most `bytes_max`: `round` settles a round's
/// members in one transaction (`None`: it rolled back because a record it
/// must not overwrite appeared meanwhile); a round of one, and every member of
/// a round that failed or rolled back, goes to `alone`. Answers in the order
/// given.
pub(crate) async fn in_rounds<'a, T, A, RoundFuture, AloneFuture>(
    kind: &'static str,
    items: &'a [T],
    bytes_max: usize,
    round: impl Fn(Vec<&'a T>) -> RoundFuture,
    alone: impl Fn(&'a T) -> AloneFuture,
) -> Vec<StoreResult<A>>
where
    T: RoundMember,
    RoundFuture: Future<Output = StoreResult<Option<Vec<StoreResult<A>>>>>,
    AloneFuture: Future<Output = StoreResult<A>>,
{
    let mut answers: Vec<Option<StoreResult<A>>> = items.iter().map(|_| None).collect();
    let mut pending: Vec<usize> = (0..items.len()).collect();
    while !pending.is_empty() {
        let (indexes, later) = next_round(items, pending, bytes_max);
        pending = later;
        let members: Vec<&T> = indexes.iter().map(|&i| &items[i]).collect();
        let settled = if members.len() > 1 {
            match round(members).await {
                Ok(settled) => settled,
                Err(error) => {
                    tracing::warn!(%error, kind, requests = indexes.len(), "round failed; running its requests one by one");
                    None
                }
            }
        } else {
            None
        };
        match settled {
            Some(outcomes) => {
                for (&index, outcome) in indexes.iter().zip(outcomes) {
                    answers[index] = Some(outcome);
                }
            }
            None => {
                for &index in &indexes {
                    answers[index] = Some(alone(&items[index]).await);
                }
            }
        }
    }
    answers
        .into_iter()
        .map(|answer| answer.unwrap_or_else(|| Err(unanswered())))
        .collect()
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
