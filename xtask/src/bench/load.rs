//! The load generator: a fixed number of clients, each sending one request after the
//! other for a fixed time, latencies into HDR histograms, a progress bar meanwhile.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressStyle};

use super::Shape;
use super::scenarios::Work;

/// The longest latency the histograms hold, µs (slower requests are clamped to it).
const MAX_LATENCY_US: u64 = 60_000_000;

/// What one request came to.
#[derive(Debug)]
pub enum Outcome {
    /// The server answered as the scenario expects.
    Ok,
    /// Anything else: a wrong status, a wrong body, a transport error.
    Failed(String),
    /// The scenario has no more work (e.g. every pending deposit is settled).
    Exhausted,
}

/// Figures of one scenario's run.
#[derive(Debug)]
pub struct Run {
    /// Requests answered as expected.
    pub ok: u64,
    /// Requests that failed.
    pub errors: u64,
    /// Wall time from the first request to the last answer.
    pub elapsed: Duration,
    /// Latencies of the successful requests, µs.
    pub latencies_us: Histogram<u64>,
    /// The first failure, to show what went wrong.
    pub first_error: Option<String>,
    /// Whether the scenario ran out of work before its time was up.
    pub exhausted: bool,
}

/// One client's tally.
struct Tally {
    ok: u64,
    errors: u64,
    latencies_us: Histogram<u64>,
    first_error: Option<String>,
}

/// Runs `work` with `shape.concurrency` clients for `shape.duration`.
pub async fn drive(name: &str, shape: Shape, work: Work) -> Result<Run> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(shape.concurrency)
        .timeout(Duration::from_secs(30))
        .build()
        .context("building the load generator's HTTP client")?;
    let work = Arc::new(work);
    let sequence = Arc::new(AtomicU64::new(0));
    let answered = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let exhausted = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let deadline = started + shape.duration;

    let progress = progress_bar(name, shape.duration);
    let ticker = {
        let (progress, answered, failed) = (progress.clone(), answered.clone(), failed.clone());
        tokio::spawn(async move {
            loop {
                let elapsed = started.elapsed();
                let done = answered.load(Ordering::Relaxed);
                progress.set_position(u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX));
                progress.set_message(format!(
                    "{done} requests, {:.0}/s, {} errors",
                    done as f64 / elapsed.as_secs_f64().max(1e-3),
                    failed.load(Ordering::Relaxed)
                ));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };

    let mut clients = Vec::with_capacity(shape.concurrency);
    for _ in 0..shape.concurrency {
        let (http, work, sequence) = (http.clone(), work.clone(), sequence.clone());
        let (answered, failed, exhausted) = (answered.clone(), failed.clone(), exhausted.clone());
        clients.push(tokio::spawn(async move {
            let mut tally = Tally {
                ok: 0,
                errors: 0,
                latencies_us: Histogram::new_with_bounds(1, MAX_LATENCY_US, 3)?,
                first_error: None,
            };
            while Instant::now() < deadline && !exhausted.load(Ordering::Relaxed) {
                let n = sequence.fetch_add(1, Ordering::Relaxed);
                let sent = Instant::now();
                match work.call(&http, n).await {
                    Outcome::Ok => {
                        let us = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                        tally
                            .latencies_us
                            .saturating_record(us.clamp(1, MAX_LATENCY_US));
                        tally.ok += 1;
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    Outcome::Failed(error) => {
                        tally.errors += 1;
                        tally.first_error.get_or_insert(error);
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                    Outcome::Exhausted => exhausted.store(true, Ordering::Relaxed),
                }
            }
            Ok::<_, anyhow::Error>(tally)
        }));
    }

    let mut run = Run {
        ok: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latencies_us: Histogram::new_with_bounds(1, MAX_LATENCY_US, 3)?,
        first_error: None,
        exhausted: false,
    };
    for client in clients {
        let tally = client.await.context("a load client panicked")??;
        run.ok += tally.ok;
        run.errors += tally.errors;
        run.latencies_us
            .add(&tally.latencies_us)
            .context("merging latency histograms")?;
        if run.first_error.is_none() {
            run.first_error = tally.first_error;
        }
    }
    run.elapsed = started.elapsed();
    run.exhausted = exhausted.load(Ordering::Relaxed);
    ticker.abort();
    progress.finish_and_clear();
    Ok(run)
}

/// A bar over the scenario's duration, with the running count and rate as its message.
fn progress_bar(name: &str, duration: Duration) -> ProgressBar {
    let bar = ProgressBar::new(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX));
    if let Ok(style) = ProgressStyle::with_template("{prefix:>16} [{bar:30}] {elapsed:>3} {msg}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(name.to_owned());
    bar
}
