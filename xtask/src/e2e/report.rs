//! Reading Playwright's JSON report: how many tests passed and which failed.

use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

/// What a Playwright run reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Tests whose outcome was the expected one (`expected`, plus `flaky` ones that passed on a retry).
    pub passed: u64,
    /// Tests with an unexpected outcome.
    pub failed: u64,
    /// Tests skipped (counted neither as passed nor as failed).
    pub skipped: u64,
    /// `file › title` of every test that did not pass, for the closing message.
    pub failures: Vec<String>,
}

/// Reads the report Playwright's `json` reporter wrote to `path`.
pub fn read(path: &Path) -> Result<Summary> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading Playwright's JSON report {}", path.display()))?;
    let report: Value = serde_json::from_str(&text)
        .with_context(|| format!("parsing Playwright's JSON report {}", path.display()))?;
    summarize(&report)
}

/// The counts of a parsed report, from its `stats` object, and the failed tests' titles.
pub fn summarize(report: &Value) -> Result<Summary> {
    let stats = report
        .get("stats")
        .context("Playwright's report has no `stats` object")?;
    let count = |name: &str| stats.get(name).and_then(Value::as_u64).unwrap_or(0);
    let mut failures = Vec::new();
    if let Some(suites) = report.get("suites").and_then(Value::as_array) {
        for suite in suites {
            collect_failures(suite, &mut failures);
        }
    }
    Ok(Summary {
        passed: count("expected") + count("flaky"),
        failed: count("unexpected"),
        skipped: count("skipped"),
        failures,
    })
}

/// Walks a suite (and its nested suites) adding `file › title` of each spec that did not pass.
fn collect_failures(suite: &Value, failures: &mut Vec<String>) {
    let file = suite.get("file").and_then(Value::as_str).unwrap_or("?");
    for spec in suite
        .get("specs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let passed = spec.get("ok").and_then(Value::as_bool).unwrap_or(false);
        let skipped = spec
            .get("tests")
            .and_then(Value::as_array)
            .is_some_and(|tests| {
                tests
                    .iter()
                    .all(|t| t.get("status").and_then(Value::as_str) == Some("skipped"))
            });
        if !passed && !skipped {
            let title = spec.get("title").and_then(Value::as_str).unwrap_or("?");
            failures.push(format!("{file} › {title}"));
        }
    }
    for inner in suite
        .get("suites")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect_failures(inner, failures);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    #[test]
    fn counts_come_from_stats_and_failures_name_file_and_title() {
        let report = json!({
            "stats": {"expected": 5, "unexpected": 1, "flaky": 1, "skipped": 2, "duration": 1.0},
            "suites": [{
                "file": "withdrawals.spec.ts",
                "specs": [
                    {"title": "approve once", "ok": true, "tests": [{"status": "expected"}]},
                    {"title": "payout retried", "ok": false, "tests": [{"status": "unexpected"}]}
                ],
                "suites": [{
                    "file": "withdrawals.spec.ts",
                    "specs": [{"title": "nested broken", "ok": false, "tests": [{"status": "unexpected"}]}]
                }]
            }, {
                "file": "skipped.spec.ts",
                "specs": [{"title": "later", "ok": false, "tests": [{"status": "skipped"}]}]
            }]
        });
        let summary = summarize(&report).unwrap();
        assert_eq!(summary.passed, 6);
        assert_eq!(summary.failed, 1);
        assert_eq!(summary.skipped, 2);
        assert_eq!(
            summary.failures,
            vec![
                "withdrawals.spec.ts › payout retried".to_owned(),
                "withdrawals.spec.ts › nested broken".to_owned()
            ]
        );
    }

    #[test]
    fn a_report_without_stats_is_an_error() {
        let error = summarize(&json!({"suites": []})).unwrap_err();
        assert!(error.to_string().contains("stats"), "{error}");
    }

    #[test]
    fn read_fails_on_a_missing_file() {
        let missing = std::env::temp_dir().join("kasa-e2e-no-such-report.json");
        let error = read(&missing).unwrap_err();
        assert!(format!("{error:#}").contains("reading Playwright's JSON report"));
    }
}
