//! Forming rounds of the requests a lane took, and the one-by-one fallback.

use std::collections::HashSet;

use super::{RoundAnswer, RoundMember, RoundWork};
use crate::error::{StoreError, StoreResult};

/// Settles `items` in rounds: each within `W::ROUND_BYTES_MAX` (though never
/// empty) and with no exclusive key twice, run by [`RoundWork::round`] in
/// arrival order. Every member of a round of several that failed or rolled
/// back is tried again as a round of one; a round of one that fails or rolls
/// back answers `Blocked` (the caller settles it alone). Answers in the order
/// given.
pub async fn settle_all<W: RoundWork>(
    work: &W,
    items: &[&W::Request],
) -> Vec<RoundAnswer<StoreResult<W::Outcome>>> {
    let mut answers: Vec<Option<RoundAnswer<StoreResult<W::Outcome>>>> =
        items.iter().map(|_| None).collect();
    let mut pending: Vec<usize> = (0..items.len()).collect();
    while !pending.is_empty() {
        let (indexes, later) = next_round(items, pending, W::ROUND_BYTES_MAX);
        pending = later;
        let members: Vec<&W::Request> = indexes.iter().map(|&i| items[i]).collect();
        match settled::<W::Outcome>(W::KIND, work.round(&members).await) {
            Some(outcomes) => {
                for (&index, outcome) in indexes.iter().zip(outcomes) {
                    answers[index] = Some(outcome);
                }
            }
            None if indexes.len() == 1 => answers[indexes[0]] = Some(RoundAnswer::Blocked),
            None => {
                for &index in &indexes {
                    let single = settled(W::KIND, work.round(&[items[index]]).await);
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

/// Splits `pending` (indexes into `items`) into the next round, within
/// `bytes_max` (though never empty) and with no exclusive key twice, and the
/// items left for later rounds.
fn next_round<T: RoundMember>(
    items: &[&T],
    pending: Vec<usize>,
    bytes_max: usize,
) -> (Vec<usize>, Vec<usize>) {
    let mut taken: HashSet<String> = HashSet::new();
    let mut bytes = 0;
    let mut members = 0;
    pending.into_iter().partition(|&index| {
        let item = items[index];
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

/// A round's answers, or `None` (logged) when it failed or rolled back.
fn settled<O>(
    kind: &'static str,
    outcome: StoreResult<Option<Vec<RoundAnswer<StoreResult<O>>>>>,
) -> Option<Vec<RoundAnswer<StoreResult<O>>>> {
    match outcome {
        Ok(settled) => settled,
        Err(error) => {
            tracing::warn!(%error, kind, "round failed; running its requests one by one");
            None
        }
    }
}

/// A request of the round got no answer (a bug).
pub(crate) fn unanswered() -> StoreError {
    StoreError::Corrupt("a request of the round was not answered".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item {
        bytes: usize,
        keys: Vec<&'static str>,
    }

    impl RoundMember for Item {
        fn round_bytes(&self) -> usize {
            self.bytes
        }
        fn exclusive_keys(&self) -> Vec<String> {
            self.keys.iter().map(|k| (*k).to_owned()).collect()
        }
    }

    fn item(bytes: usize, keys: &[&'static str]) -> Item {
        Item {
            bytes,
            keys: keys.to_vec(),
        }
    }

    #[test]
    fn a_round_takes_no_key_twice_and_keeps_within_its_budget() {
        let items = [
            item(10, &["w1"]),
            item(10, &["w1"]),
            item(10, &["w2"]),
            item(100, &["w3"]),
            item(10, &["w4"]),
        ];
        let refs: Vec<&Item> = items.iter().collect();
        let (round, later) = next_round(&refs, (0..5).collect(), 50);
        assert_eq!(round, vec![0, 2, 4]);
        assert_eq!(later, vec![1, 3]);
        // A request larger than the budget still goes, alone.
        let (round, later) = next_round(&refs, vec![3, 1], 50);
        assert_eq!((round, later), (vec![3], vec![1]));
    }
}
