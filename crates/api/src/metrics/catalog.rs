//! Every metric Kasa records: its name, its HELP text, the bounded values of
//! its labels, and the series that exist at zero from the start.
//!
//! No label takes a value chosen by a client: methods outside
//! [`HTTP_METHODS`] count as [`OTHER_METHOD`], paths that match no route as
//! [`UNMATCHED_ROUTE`], and every other label comes from a closed set.

use ledger::Currency;
use persistence::EventOutcome;
use psp::EventType;
use withdrawal::WithdrawalState;

/// Requests by method, route pattern and status.
pub const HTTP_REQUESTS: &str = "kasa_http_requests_total";
/// Latency of requests by method and route pattern.
pub const HTTP_REQUEST_DURATION: &str = "kasa_http_request_duration_seconds";
/// Deposits created by currency.
pub const DEPOSITS_CREATED: &str = "kasa_deposits_created_total";
/// PSP events by type and outcome.
pub const WEBHOOK_EVENTS: &str = "kasa_webhook_events_total";
/// Game-wallet calls by action and answered status.
pub const GAME_CALLS: &str = "kasa_game_calls_total";
/// Anomalous PSP events by type.
pub const ANOMALIES: &str = "kasa_anomalies_total";
/// PSP answers to payout create calls by outcome.
pub const PAYOUT_ATTEMPTS: &str = "kasa_payout_attempts_total";
/// Withdrawals per state (a gauge read from the database at scrape time).
pub const WITHDRAWALS: &str = "kasa_withdrawals";
/// Jobs waiting in the queue.
pub const JOBS_QUEUED: &str = "kasa_jobs_queued";
/// Jobs leased to a runner.
pub const JOBS_RUNNING: &str = "kasa_jobs_running";
/// Jobs that failed for good.
pub const JOBS_FAILED: &str = "kasa_jobs_failed";
/// Age of the oldest queued job.
pub const JOBS_OLDEST_QUEUED_AGE: &str = "kasa_jobs_oldest_queued_age_seconds";
// The runner's own counters are named where it records them.
pub use worker::metric_names::{JOBS_COMPLETED, JOBS_FAILED_RUNS, JOBS_LEASE_LOST};
/// Requests settled per round, by queue.
pub const ROUND_REQUESTS: &str = persistence::batching::ROUND_REQUESTS_METRIC;
/// Blocked round members sent back to their queue, by queue.
pub const ROUND_RETRIES: &str = persistence::batching::ROUND_RETRIES_METRIC;
/// Round members settled alone after being blocked too long, by queue.
pub const ROUND_ALONE: &str = persistence::batching::ROUND_ALONE_METRIC;

/// Value of the `method` label of every method outside [`HTTP_METHODS`].
pub const OTHER_METHOD: &str = "OTHER";
/// Value of the `route` label of requests that match no route.
pub const UNMATCHED_ROUTE: &str = "unmatched";
/// Methods that label requests as they are.
pub const HTTP_METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];
/// Values of the `action` label of [`GAME_CALLS`].
pub const GAME_ACTIONS: [&str; 4] = ["balance", "bet", "win", "rollback"];
/// Values of the `outcome` label of [`PAYOUT_ATTEMPTS`].
pub const PAYOUT_OUTCOMES: [&str; 4] = ["pending", "succeeded", "failed", "unknown"];

/// The `method` label of a request's method.
pub fn method_label(method: &str) -> &'static str {
    HTTP_METHODS
        .into_iter()
        .find(|known| *known == method)
        .unwrap_or(OTHER_METHOD)
}

enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// Every metric with its kind and HELP text.
const METRICS: [(&str, Kind, &str); 18] = [
    (
        HTTP_REQUESTS,
        Kind::Counter,
        "HTTP requests by method (unknown ones as OTHER), route pattern (unmatched when none) and status.",
    ),
    (
        HTTP_REQUEST_DURATION,
        Kind::Histogram,
        "HTTP request latency in seconds by method and route pattern.",
    ),
    (
        DEPOSITS_CREATED,
        Kind::Counter,
        "Deposits created, by currency.",
    ),
    (
        WEBHOOK_EVENTS,
        Kind::Counter,
        "PSP webhook events handled, by type and outcome (processed, duplicate, anomaly).",
    ),
    (
        GAME_CALLS,
        Kind::Counter,
        "Game-wallet calls from game providers, by action and answered status.",
    ),
    (
        ANOMALIES,
        Kind::Counter,
        "PSP events that are late or contradict Kasa's records, by type.",
    ),
    (
        PAYOUT_ATTEMPTS,
        Kind::Counter,
        "PSP answers to payout create calls, by outcome (pending, succeeded, failed, unknown).",
    ),
    (
        WITHDRAWALS,
        Kind::Gauge,
        "Withdrawals per state, read from the database at scrape time.",
    ),
    (
        JOBS_QUEUED,
        Kind::Gauge,
        "Jobs waiting in the queue, read from the database at scrape time.",
    ),
    (
        JOBS_RUNNING,
        Kind::Gauge,
        "Jobs leased to a runner, read from the database at scrape time.",
    ),
    (
        JOBS_FAILED,
        Kind::Gauge,
        "Jobs that failed for good, read from the database at scrape time.",
    ),
    (
        JOBS_OLDEST_QUEUED_AGE,
        Kind::Gauge,
        "Age in seconds of the oldest queued job (0 when none), read at scrape time.",
    ),
    (
        JOBS_COMPLETED,
        Kind::Counter,
        "Job runs of this process that succeeded, by kind.",
    ),
    (
        JOBS_FAILED_RUNS,
        Kind::Counter,
        "Job runs of this process that failed (retried or given up), by kind.",
    ),
    (
        JOBS_LEASE_LOST,
        Kind::Counter,
        "Job runs of this process stopped because another runner took their lease, by kind.",
    ),
    (
        ROUND_REQUESTS,
        Kind::Histogram,
        "Requests settled per round, by queue.",
    ),
    (
        ROUND_RETRIES,
        Kind::Counter,
        "Blocked round members sent back to their queue, by queue.",
    ),
    (
        ROUND_ALONE,
        Kind::Counter,
        "Round members settled alone after being blocked too long, by queue.",
    ),
];

/// Gives every metric its HELP text.
pub(super) fn describe() {
    for (name, kind, help) in METRICS {
        match kind {
            Kind::Counter => metrics::describe_counter!(name, help),
            Kind::Gauge => metrics::describe_gauge!(name, help),
            Kind::Histogram => metrics::describe_histogram!(name, help),
        }
    }
}

/// Creates the series of every known type, outcome, state, currency and job
/// kind at zero, so that the first increment is an increase alerts see.
pub(super) fn zero_series() {
    for event in EventType::ALL {
        metrics::counter!(ANOMALIES, "type" => event.as_str()).increment(0);
        for outcome in EventOutcome::ALL {
            metrics::counter!(WEBHOOK_EVENTS, "type" => event.as_str(), "outcome" => outcome.as_str())
                .increment(0);
        }
    }
    for outcome in PAYOUT_OUTCOMES {
        metrics::counter!(PAYOUT_ATTEMPTS, "outcome" => outcome).increment(0);
    }
    for currency in Currency::ALL {
        metrics::counter!(DEPOSITS_CREATED, "currency" => currency.code()).increment(0);
    }
    for kind in worker::JOB_KINDS {
        for name in [JOBS_COMPLETED, JOBS_FAILED_RUNS, JOBS_LEASE_LOST] {
            metrics::counter!(name, "kind" => kind).increment(0);
        }
    }
    for action in GAME_ACTIONS {
        for status in games::GameStatus::ALL {
            metrics::counter!(GAME_CALLS, "action" => action, "status" => status.as_str())
                .increment(0);
        }
    }
    for state in WithdrawalState::ALL {
        metrics::gauge!(WITHDRAWALS, "state" => state.as_str()).set(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_outside_the_standard_ones_fold_into_other() {
        assert_eq!(method_label("GET"), "GET");
        assert_eq!(method_label("PATCH"), "PATCH");
        assert_eq!(method_label("ZZTEST1"), OTHER_METHOD);
        assert_eq!(method_label("get"), OTHER_METHOD);
    }
}
