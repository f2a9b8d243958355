//! The figures of a bench run: a table on the terminal and, with `--json`, a file.

use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};

use super::Shape;
use super::load::Run;

/// Figures of one scenario.
#[derive(Debug, Clone)]
pub struct ScenarioFigures {
    /// Successful requests per second.
    pub rps: f64,
    /// Successful requests in all.
    pub requests: u64,
    /// Median latency, ms.
    pub p50_ms: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
    /// Failed requests.
    pub errors: u64,
    /// The first failure, if any.
    pub first_error: Option<String>,
    /// Whether the scenario ran out of seeded work early.
    pub exhausted: bool,
    /// pgbench's transactions/s for the raw-SQL model, with `--baseline`.
    pub baseline_tps: Option<f64>,
    /// pgbench's average latency, ms (the raw model's floor for Kasa's latencies).
    pub baseline_latency_avg_ms: Option<f64>,
    /// Whether the server settles the scenario's requests in rounds (batches), so that
    /// the batched raw-SQL model is its limit too.
    pub batched: bool,
    /// Movements/s of the batched raw-SQL model, with `--baseline` (batched scenarios).
    pub batched_baseline_mps: Option<f64>,
    /// HTTP calls that make up one request of the scenario (2 for a bet and its win).
    pub http_calls: u32,
}

impl ScenarioFigures {
    /// The figures of a load run.
    pub fn from_run(run: &Run) -> Self {
        let seconds = run.elapsed.as_secs_f64().max(1e-9);
        let ms = |quantile: f64| run.latencies_us.value_at_quantile(quantile) as f64 / 1000.0;
        Self {
            rps: run.ok as f64 / seconds,
            requests: run.ok,
            p50_ms: ms(0.50),
            p99_ms: ms(0.99),
            errors: run.errors,
            first_error: run.first_error.clone(),
            exhausted: run.exhausted,
            baseline_tps: None,
            baseline_latency_avg_ms: None,
            batched: false,
            batched_baseline_mps: None,
            http_calls: 1,
        }
    }

    /// Kasa's rate as a share of the per-transaction raw-SQL rate.
    pub fn ratio(&self) -> Option<f64> {
        share(self.rps, self.baseline_tps)
    }

    /// Kasa's rate as a share of the batched raw-SQL model's movements/s.
    pub fn batched_ratio(&self) -> Option<f64> {
        share(self.rps, self.batched_baseline_mps)
    }
}

/// `rate / limit`, when there is a positive limit.
fn share(rate: f64, limit: Option<f64>) -> Option<f64> {
    limit.filter(|limit| *limit > 0.0).map(|limit| rate / limit)
}

impl ScenarioFigures {
    /// The scenario's entry in the JSON figures; only batched scenarios have the
    /// batched model's keys.
    fn to_json(&self) -> Value {
        let mut entry = json!({
            "rps": round(self.rps),
            "p50_ms": round(self.p50_ms),
            "p99_ms": round(self.p99_ms),
            "errors": self.errors,
            "baseline_tps": self.baseline_tps.map(round),
            "baseline_latency_avg_ms": self.baseline_latency_avg_ms.map(round),
            "requests": self.requests,
            "ratio": self.ratio().map(round),
            "http_calls_per_request": self.http_calls,
        });
        if self.batched
            && let Some(map) = entry.as_object_mut()
        {
            map.insert(
                "batched_baseline_mps".to_owned(),
                json!(self.batched_baseline_mps.map(round)),
            );
            map.insert(
                "batched_ratio".to_owned(),
                json!(self.batched_ratio().map(round)),
            );
        }
        entry
    }
}

/// Every scenario's figures, in the order they ran, and the server's peak memory.
#[derive(Debug, Default)]
pub struct Report {
    scenarios: Vec<(&'static str, ScenarioFigures)>,
    /// The largest resident set of `kasa serve` while scenarios ran, MiB.
    pub server_rss_mb_max: Option<f64>,
}

impl Report {
    /// Adds a scenario's figures.
    pub fn add(&mut self, name: &'static str, figures: ScenarioFigures) {
        self.scenarios.push((name, figures));
    }

    /// Failed requests over all scenarios.
    pub fn errors(&self) -> u64 {
        self.scenarios.iter().map(|(_, f)| f.errors).sum()
    }

    /// Prints the table.
    pub fn print_table(&self, shape: Shape) {
        println!();
        println!(
            "bench: {} clients, {} s per scenario",
            shape.concurrency,
            shape.duration.as_secs()
        );
        println!(
            "{:<18} {:>9} {:>9} {:>9} {:>9} {:>7} {:>12} {:>11} {:>7} {:>13} {:>7}",
            "scenario",
            "requests",
            "rps",
            "p50 ms",
            "p99 ms",
            "errors",
            "raw SQL tps",
            "raw avg ms",
            "ratio",
            "raw batch m/s",
            "ratio b"
        );
        for (name, f) in &self.scenarios {
            let baseline = or_dash(f.baseline_tps, 0);
            let raw_ms = or_dash(f.baseline_latency_avg_ms, 2);
            let ratio = or_dash(f.ratio(), 2);
            let batched = or_dash(f.batched_baseline_mps, 0);
            let batched_ratio = or_dash(f.batched_ratio(), 2);
            println!(
                "{name:<18} {:>9} {:>9.0} {:>9.2} {:>9.2} {:>7} {baseline:>12} {raw_ms:>11} {ratio:>7} {batched:>13} {batched_ratio:>7}",
                f.requests, f.rps, f.p50_ms, f.p99_ms, f.errors
            );
        }
        if let Some(rss) = self.server_rss_mb_max {
            println!("server RSS max: {rss:.1} MiB");
        }
        if self
            .scenarios
            .iter()
            .any(|(_, f)| f.batched_baseline_mps.is_some())
        {
            println!(
                "ratio = rps / raw SQL tps (one movement per transaction); ratio b = rps / raw \
                 batch m/s (movements/s of the batched model: tps × 20), for scenarios settled in rounds"
            );
        }
        for (name, f) in &self.scenarios {
            if f.http_calls > 1 {
                println!(
                    "note: one {name} request is {} HTTP calls in sequence (rps, p50 and p99 are of the whole)",
                    f.http_calls
                );
            }
            if f.exhausted {
                println!("note: {name} used up its seeded work before its time was up");
            }
            if let Some(error) = &f.first_error {
                println!("first error of {name}: {error}");
            }
        }
    }

    /// The figures as JSON.
    pub fn to_json(&self) -> Value {
        let scenarios: Map<String, Value> = self
            .scenarios
            .iter()
            .map(|(name, f)| ((*name).to_owned(), f.to_json()))
            .collect();
        json!({
            "scenarios": scenarios,
            "server_rss_mb_max": self.server_rss_mb_max.map(round),
        })
    }

    /// Writes [`Report::to_json`] to `path`.
    pub fn write_json(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(&self.to_json()).context("encoding figures")?;
        std::fs::write(path, text + "\n").with_context(|| format!("writing {}", path.display()))
    }
}

/// `value` with `decimals` decimals, or `-` when there is none.
fn or_dash(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.decimals$}"))
}

/// Two decimals are enough for every figure.
fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::{Report, ScenarioFigures};

    fn figures(rps: f64, batched: bool) -> ScenarioFigures {
        ScenarioFigures {
            rps,
            requests: 1000,
            p50_ms: 10.0,
            p99_ms: 30.0,
            errors: 0,
            first_error: None,
            exhausted: false,
            baseline_tps: Some(1000.0),
            baseline_latency_avg_ms: Some(40.0),
            batched,
            batched_baseline_mps: batched.then_some(10_000.0),
            http_calls: 1,
        }
    }

    #[test]
    fn batched_scenarios_carry_the_batched_model_beside_the_per_transaction_one() {
        let mut report = Report::default();
        report.add("deposit_webhook", figures(2500.0, true));
        report.add("history_page", figures(500.0, false));
        let json = report.to_json();

        let deposit = &json["scenarios"]["deposit_webhook"];
        assert_eq!(deposit["baseline_tps"], 1000.0);
        assert_eq!(deposit["ratio"], 2.5);
        assert_eq!(deposit["batched_baseline_mps"], 10_000.0);
        assert_eq!(deposit["batched_ratio"], 0.25);

        let unbatched = &json["scenarios"]["history_page"];
        assert_eq!(unbatched["ratio"], 0.5);
        assert!(unbatched.get("batched_baseline_mps").is_none());
        assert!(unbatched.get("batched_ratio").is_none());
    }

    #[test]
    fn a_batched_scenario_without_baseline_has_null_figures() {
        let mut alone = figures(2500.0, true);
        alone.baseline_tps = None;
        alone.batched_baseline_mps = None;
        let mut report = Report::default();
        report.add("withdraw_request", alone);
        let entry = &report.to_json()["scenarios"]["withdraw_request"];
        for key in ["batched_baseline_mps", "batched_ratio", "ratio"] {
            assert!(
                entry.get(key).is_some_and(Value::is_null),
                "{key} in {entry}"
            );
        }
    }
}
