//! Gives the bench's players limits (seeding, not measured), so that the
//! `*_limits` scenarios measure the deposit and bet paths with their window
//! sums against the same paths without: every period of the given kinds,
//! far above anything the load moves, so nothing is refused.

use anyhow::{Result, bail};
use futures::{StreamExt, TryStreamExt, stream};
use serde_json::json;

use super::seed::Population;
use super::stack::Stack;

/// Concurrent `PUT /me/limits` while seeding.
const LIMIT_CONCURRENCY: usize = 16;
/// The limit given: never reached by the load.
const LIMIT_AMOUNT: &str = "1000000.00";
/// Every window.
const PERIODS: [&str; 3] = ["day", "week", "month"];

/// Sets a limit of each of `kinds` over every period for every player.
pub async fn give(stack: &Stack, population: &Population, kinds: &[&str]) -> Result<()> {
    println!(
        "bench: giving {} players {} limits",
        population.players.len(),
        kinds.join(" and ")
    );
    let http = reqwest::Client::new();
    let requests: Vec<(String, String, &str)> = population
        .players
        .iter()
        .flat_map(|player| {
            kinds.iter().flat_map(move |kind| {
                PERIODS
                    .iter()
                    .map(move |period| (player.token.clone(), (*kind).to_owned(), *period))
            })
        })
        .collect();
    stream::iter(requests)
        .map(|(token, kind, period)| {
            let http = &http;
            async move {
                let response = http
                    .put(format!("{}/me/limits", stack.api_base))
                    .bearer_auth(token)
                    .header("Content-Type", "application/json")
                    .body(
                        json!({"kind": kind, "period": period, "amount": LIMIT_AMOUNT}).to_string(),
                    )
                    .send()
                    .await?;
                if !response.status().is_success() {
                    bail!(
                        "PUT /me/limits: {}: {}",
                        response.status(),
                        response.text().await.unwrap_or_default()
                    );
                }
                Ok(())
            }
        })
        .buffer_unordered(LIMIT_CONCURRENCY)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(())
}
