//! `/metrics` in Prometheus text format (`metrics` + its Prometheus exporter).

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::problem::ApiError;
use crate::state::AppState;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder once; later calls reuse it.
pub fn install() -> Option<PrometheusHandle> {
    HANDLE
        .get_or_init(|| match PrometheusBuilder::new().install_recorder() {
            Ok(handle) => Some(handle),
            Err(e) => {
                tracing::warn!(error = %e, "metrics recorder not installed");
                None
            }
        })
        .clone()
}

/// Refreshes the queue gauges from the database and renders every metric.
pub async fn render(state: &AppState) -> Result<String, ApiError> {
    let handle = install().ok_or(ApiError::Internal)?;
    let stats = state.db.queue_stats().await?;
    metrics::gauge!("kasa_jobs_queued").set(stats.queued as f64);
    metrics::gauge!("kasa_jobs_running").set(stats.running as f64);
    metrics::gauge!("kasa_jobs_failed").set(stats.failed as f64);
    metrics::gauge!("kasa_jobs_oldest_queued_age_seconds").set(stats.oldest_queued_age_s);
    for (state_name, count) in state.db.withdrawal_state_counts().await? {
        metrics::gauge!("kasa_withdrawals", "state" => state_name).set(count as f64);
    }
    Ok(handle.render())
}
