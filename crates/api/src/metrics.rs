//! `/metrics` in Prometheus text format (`metrics` + its Prometheus exporter).
//! [`catalog`] names every metric and bounds its labels.

pub mod catalog;

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use withdrawal::WithdrawalState;

use crate::problem::ApiError;
use crate::state::AppState;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// How often recorded histogram samples are folded into their buckets. Without
/// this every observation stays in memory until the next scrape, and a server
/// nobody scrapes grows without bound.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Buckets (seconds) of the latency histograms: aggregable across instances,
/// unlike client-side quantiles.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Buckets of [`catalog::ROUND_REQUESTS`] (requests settled per round).
const ROUND_SIZE_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];

/// Installs the process-wide recorder once (with a thread that runs its
/// upkeep), describes every metric and creates the known series at zero;
/// later calls reuse it.
pub fn install() -> Option<PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets(LATENCY_BUCKETS)
                .and_then(|builder| {
                    builder.set_buckets_for_metric(
                        Matcher::Full(catalog::ROUND_REQUESTS.to_owned()),
                        ROUND_SIZE_BUCKETS,
                    )
                })
                .and_then(PrometheusBuilder::install_recorder);
            match installed {
                Ok(handle) => {
                    catalog::describe();
                    catalog::zero_series();
                    spawn_upkeep(handle.clone());
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .clone()
}

/// Folds pending histogram samples every [`UPKEEP_EVERY`] for the life of the process.
fn spawn_upkeep(handle: PrometheusHandle) {
    let spawned = std::thread::Builder::new()
        .name("metrics-upkeep".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                handle.run_upkeep();
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "metrics upkeep thread not started");
    }
}

/// Refreshes the queue and withdrawal gauges from the database and renders
/// every metric.
pub async fn render(state: &AppState) -> Result<String, ApiError> {
    let handle = install().ok_or(ApiError::Internal)?;
    let stats = state.db.queue_stats().await?;
    metrics::gauge!(catalog::JOBS_QUEUED).set(stats.queued as f64);
    metrics::gauge!(catalog::JOBS_RUNNING).set(stats.running as f64);
    metrics::gauge!(catalog::JOBS_FAILED).set(stats.failed as f64);
    metrics::gauge!(catalog::JOBS_OLDEST_QUEUED_AGE).set(stats.oldest_queued_age_s);
    let counts: HashMap<String, i64> = state
        .db
        .withdrawal_state_counts()
        .await?
        .into_iter()
        .collect();
    // Every known state, 0 when none is in it: a state that empties reads 0,
    // not its last count.
    for known in WithdrawalState::ALL {
        let count = counts.get(known.as_str()).copied().unwrap_or(0);
        metrics::gauge!(catalog::WITHDRAWALS, "state" => known.as_str()).set(count as f64);
    }
    Ok(handle.render())
}
