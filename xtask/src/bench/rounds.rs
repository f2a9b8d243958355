//! How the server's rounds went during a scenario, from its `/metrics`: rounds
//! settled, requests per round, and blocked requests sent back to their queue
//! or settled alone (a wallet another lane held). Printed after each scenario,
//! as the first thing to look at when a batched scenario is slower than its model.

use std::collections::BTreeMap;

use anyhow::{Context, Result};

/// Counters of one queue, as the server reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct QueueFigures {
    rounds: f64,
    requests: f64,
    retries: f64,
    alone: f64,
}

/// The counters of every queue at one moment.
#[derive(Debug, Clone, Default)]
pub struct RoundCounters(BTreeMap<String, QueueFigures>);

impl RoundCounters {
    /// Reads the server's counters; `metrics_url` is its `/metrics`.
    pub async fn read(http: &reqwest::Client, metrics_url: &str) -> Result<Self> {
        let text = http
            .get(metrics_url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .context("reading the server's /metrics")?
            .text()
            .await
            .context("reading the server's /metrics")?;
        Ok(Self::parse(&text))
    }

    /// The counters in Prometheus text exposition `text`.
    fn parse(text: &str) -> Self {
        let mut queues: BTreeMap<String, QueueFigures> = BTreeMap::new();
        for line in text.lines().filter(|line| !line.starts_with('#')) {
            let Some((series, value)) = line.rsplit_once(' ') else {
                continue;
            };
            let Ok(value) = value.parse::<f64>() else {
                continue;
            };
            let Some((name, labels)) = series.split_once('{') else {
                continue;
            };
            let Some(queue) = label(labels, "queue") else {
                continue;
            };
            let figures = queues.entry(queue.to_owned()).or_default();
            match name {
                "kasa_round_requests_count" => figures.rounds = value,
                "kasa_round_requests_sum" => figures.requests = value,
                "kasa_round_retries_total" => figures.retries = value,
                "kasa_round_alone_total" => figures.alone = value,
                _ => {}
            }
        }
        Self(queues)
    }

    /// One line per queue that worked between `earlier` and these counters.
    pub fn since(&self, earlier: &RoundCounters) -> Vec<String> {
        self.0
            .iter()
            .filter_map(|(queue, now)| {
                let before = earlier.0.get(queue).copied().unwrap_or_default();
                let takes = now.rounds - before.rounds;
                let requests = now.requests - before.requests;
                (takes > 0.0).then(|| {
                    format!(
                        "{queue}: {requests:.0} requests in {takes:.0} lane takes \
                         ({:.1} per take), {:.0} blocked and retried, {:.0} settled alone",
                        requests / takes,
                        now.retries - before.retries,
                        now.alone - before.alone,
                    )
                })
            })
            .collect()
    }
}

/// The value of label `name` in `labels` (`a="x",b="y"}`).
fn label<'a>(labels: &'a str, name: &str) -> Option<&'a str> {
    labels
        .trim_end_matches('}')
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| key.trim() == name)
        .map(|(_, value)| value.trim_matches('"'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_read_per_queue_and_compared() {
        let before = RoundCounters::parse(
            "# TYPE kasa_round_retries_total counter\n\
             kasa_round_retries_total{queue=\"game\"} 2\n\
             kasa_round_requests_sum{queue=\"game\"} 100\n\
             kasa_round_requests_count{queue=\"game\"} 10\n",
        );
        let after = RoundCounters::parse(
            "kasa_round_retries_total{queue=\"game\"} 7\n\
             kasa_round_alone_total{queue=\"game\"} 1\n\
             kasa_round_requests_sum{queue=\"game\"} 400\n\
             kasa_round_requests_count{queue=\"game\"} 20\n\
             kasa_round_requests_count{queue=\"deposit\"} 0\n",
        );
        assert_eq!(
            after.since(&before),
            vec![
                "game: 300 requests in 10 lane takes (30.0 per take), 5 blocked and retried, 1 settled alone"
                    .to_owned()
            ]
        );
    }
}
