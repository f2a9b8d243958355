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
        }
    }

    /// Kasa's rate as a share of the raw-SQL rate.
    pub fn ratio(&self) -> Option<f64> {
        self.baseline_tps
            .filter(|tps| *tps > 0.0)
            .map(|tps| self.rps / tps)
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
            "{:<18} {:>9} {:>9} {:>9} {:>9} {:>7} {:>12} {:>11} {:>7}",
            "scenario",
            "requests",
            "rps",
            "p50 ms",
            "p99 ms",
            "errors",
            "raw SQL tps",
            "raw avg ms",
            "ratio"
        );
        for (name, f) in &self.scenarios {
            let baseline = or_dash(f.baseline_tps, 0);
            let raw_ms = or_dash(f.baseline_latency_avg_ms, 2);
            let ratio = or_dash(f.ratio(), 2);
            println!(
                "{name:<18} {:>9} {:>9.0} {:>9.2} {:>9.2} {:>7} {baseline:>12} {raw_ms:>11} {ratio:>7}",
                f.requests, f.rps, f.p50_ms, f.p99_ms, f.errors
            );
        }
        if let Some(rss) = self.server_rss_mb_max {
            println!("server RSS max: {rss:.1} MiB");
        }
        for (name, f) in &self.scenarios {
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
            .map(|(name, f)| {
                (
                    (*name).to_owned(),
                    json!({
                        "rps": round(f.rps),
                        "p50_ms": round(f.p50_ms),
                        "p99_ms": round(f.p99_ms),
                        "errors": f.errors,
                        "baseline_tps": f.baseline_tps.map(round),
                        "baseline_latency_avg_ms": f.baseline_latency_avg_ms.map(round),
                        "requests": f.requests,
                        "ratio": f.ratio().map(round),
                    }),
                )
            })
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
