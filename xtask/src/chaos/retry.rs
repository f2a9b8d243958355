//! Sending one request, with the identical body and key every time, until it gets
//! a definitive answer, whatever happens in between; bounded in time, so a request
//! that never gets one is reported as stuck instead of hanging the run.

use std::future::Future;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::answers::{RetryCause, Verdict};

/// How long one attempt may take (the HTTP client's timeout).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a call is retried before it counts as stuck.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(90);
/// The first pause between attempts; it doubles up to [`BACKOFF_MAX`].
const BACKOFF_FIRST: Duration = Duration::from_millis(50);
/// The longest pause between attempts.
const BACKOFF_MAX: Duration = Duration::from_secs(1);
/// The header marking an idempotent replay.
const REPLAYED_HEADER: &str = "Idempotent-Replayed";
/// How much of an unexpected answer the summary shows.
const SAMPLE_CHARS: usize = 300;

/// Counts of calls and attempts.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Calls (keys, transaction ids) sent.
    pub calls: u64,
    /// HTTP attempts, first ones included.
    pub attempts: u64,
    /// Attempts that had to be repeated, by [`RetryCause::index`].
    pub retries: [u64; RetryCause::ALL.len()],
    /// The first answer seen for each cause, by [`RetryCause::index`].
    pub samples: [Option<String>; RetryCause::ALL.len()],
    /// Calls whose definitive answer came only after at least one retry.
    pub retried_calls: u64,
    /// Of those, calls answered by a replay (`Idempotent-Replayed: true`): an
    /// earlier attempt had taken effect and its answer was lost on the way.
    pub replayed_after_retry: u64,
    /// Calls that got no definitive answer within [`GIVE_UP_AFTER`].
    pub stuck: u64,
    /// The longest time a call took to get its definitive answer.
    pub slowest: Duration,
}

impl Tally {
    /// Adds another tally.
    pub fn merge(&mut self, other: &Tally) {
        self.calls += other.calls;
        self.attempts += other.attempts;
        for (mine, theirs) in self.retries.iter_mut().zip(other.retries) {
            *mine += theirs;
        }
        for (mine, theirs) in self.samples.iter_mut().zip(&other.samples) {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
        self.retried_calls += other.retried_calls;
        self.replayed_after_retry += other.replayed_after_retry;
        self.stuck += other.stuck;
        self.slowest = self.slowest.max(other.slowest);
    }

    /// All repeated attempts.
    pub fn retries_total(&self) -> u64 {
        self.retries.iter().sum()
    }

    fn retried(&mut self, cause: RetryCause, sample: impl FnOnce() -> String) {
        self.retries[cause.index()] += 1;
        let slot = &mut self.samples[cause.index()];
        if slot.is_none() {
            *slot = Some(sample());
        }
    }
}

/// A definitive answer and when the attempt that got it was sent.
#[derive(Debug, Clone)]
pub struct Definitive<T> {
    /// The answer.
    pub answer: T,
    /// When the answered attempt was sent (µs since the Unix epoch), if it was
    /// not the first: an effect stored before this was an earlier attempt's.
    pub resent_us: Option<i64>,
}

/// Sends with `send` until `judge` calls an answer definitive, or
/// [`GIVE_UP_AFTER`] has passed (`None`: stuck).
pub async fn until_definitive<T, F, Fut>(
    tally: &mut Tally,
    mut send: F,
    judge: fn(u16, &[u8]) -> Verdict<T>,
) -> Option<Definitive<T>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = reqwest::Result<reqwest::Response>>,
{
    tally.calls += 1;
    let started = Instant::now();
    let mut backoff = BACKOFF_FIRST;
    loop {
        tally.attempts += 1;
        let sent_us = now_us();
        let mut replayed = false;
        let (verdict, sample) = match send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                replayed = response
                    .headers()
                    .get(REPLAYED_HEADER)
                    .is_some_and(|value| value == "true");
                match response.bytes().await {
                    Ok(body) => (judge(status, &body), excerpt(status, &body)),
                    Err(error) => (Verdict::Retry(transport(&error)), error.to_string()),
                }
            }
            Err(error) => (Verdict::Retry(transport(&error)), error.to_string()),
        };
        match verdict {
            Verdict::Definitive(answer) => {
                tally.slowest = tally.slowest.max(started.elapsed());
                let resent = backoff > BACKOFF_FIRST;
                if resent {
                    tally.retried_calls += 1;
                    tally.replayed_after_retry += u64::from(replayed);
                }
                return Some(Definitive {
                    answer,
                    resent_us: resent.then_some(sent_us),
                });
            }
            Verdict::Retry(cause) => {
                tally.retried(cause, || sample);
                if started.elapsed() >= GIVE_UP_AFTER {
                    tally.stuck += 1;
                    return None;
                }
                let jitter = rand::random_range(0..=backoff.as_millis() / 2);
                let pause = backoff + Duration::from_millis(u64::try_from(jitter).unwrap_or(0));
                tokio::time::sleep(pause).await;
                backoff = (backoff * 2).min(BACKOFF_MAX);
            }
        }
    }
}

/// Microseconds since the Unix epoch (0 for a clock before it).
fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

/// The cause of an attempt that got no HTTP answer.
fn transport(error: &reqwest::Error) -> RetryCause {
    if error.is_timeout() {
        RetryCause::Timeout
    } else {
        RetryCause::Transport
    }
}

/// `503: <start of body>`.
fn excerpt(status: u16, body: &[u8]) -> String {
    let text: String = String::from_utf8_lossy(body)
        .chars()
        .take(SAMPLE_CHARS)
        .collect();
    format!("{status}: {text}")
}
