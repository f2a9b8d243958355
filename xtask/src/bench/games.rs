//! The bench plays a game provider: it registers one with Kasa, opens a game session
//! for every player (seeding, not measured) and then sends signed `bet` and `win`
//! calls to Kasa's game wallet, as a provider's servers do while players play.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use futures::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};

use super::load::Outcome;
use super::seed::{self, Population};
use super::stack::Stack;
use crate::smoke::random_hex;

/// Concurrent requests while opening game sessions.
const SESSION_CONCURRENCY: usize = 32;
/// The game every call names.
pub const GAME: &str = "bench-slot";
/// The stake of every bet.
const BET_AMOUNT: &str = "1.00";
/// What every round's win pays.
const WIN_AMOUNT: &str = "2.00";

/// A registered provider's side of Kasa's game wallet, with a session per player.
#[derive(Debug)]
pub struct GameWallet {
    /// `…/api/v1/game-wallet/{tenant}/{provider}`.
    base: String,
    /// The provider's signing secret.
    secret: String,
    /// One game-session token per player, in the players' order.
    sessions: Arc<Vec<String>>,
}

impl GameWallet {
    /// Registers a fresh provider for the population's tenant and opens a game
    /// session for each player.
    pub async fn open(stack: &Stack, population: &Population) -> Result<Self> {
        let api = &population.api;
        let admin = seed::admin_token(api, stack).await?;
        let slug = format!("bench-{}", random_hex(6));
        let provider = seed::post(
            api,
            "/admin/game-providers",
            Some(&admin),
            None,
            &json!({"slug": slug, "name": "Bench provider", "tenant": population.tenant}),
            201,
        )
        .await
        .context("registering the bench's game provider")?;
        let secret = seed::text(&provider, "/secret")?;
        println!(
            "bench: game provider {slug}: opening {} game sessions",
            population.players.len()
        );
        let sessions: Vec<String> = stream::iter(population.players.iter())
            .map(|player| {
                let body = json!({"provider": slug, "game": GAME});
                async move {
                    let session = seed::post(
                        api,
                        "/me/game-sessions",
                        Some(&player.token),
                        None,
                        &body,
                        201,
                    )
                    .await
                    .context("opening a game session")?;
                    seed::text(&session, "/token")
                }
            })
            .buffered(SESSION_CONCURRENCY)
            .try_collect()
            .await?;
        Ok(Self {
            base: format!(
                "{}/game-wallet/{}/{slug}",
                stack.api_base, population.tenant
            ),
            secret,
            sessions: Arc::new(sessions),
        })
    }

    /// The session of player `n` modulo the number of players.
    pub fn session(&self, n: u64) -> &str {
        let index = usize::try_from(n).unwrap_or(0) % self.sessions.len().max(1);
        self.sessions.get(index).map_or("", String::as_str)
    }

    /// A bet of [`BET_AMOUNT`] with a fresh transaction id on round `round_id`.
    pub async fn bet(&self, http: &reqwest::Client, session: &str, round_id: &str) -> Outcome {
        let body = json!({
            "session": session,
            "transaction_id": fresh_id("bet"),
            "round_id": round_id,
            "game": GAME,
            "amount": BET_AMOUNT,
            "currency": "EUR",
        });
        self.call(http, "bet", &body).await
    }

    /// A win of [`WIN_AMOUNT`] that closes round `round_id`.
    pub async fn win(&self, http: &reqwest::Client, session: &str, round_id: &str) -> Outcome {
        let body = json!({
            "session": session,
            "transaction_id": fresh_id("win"),
            "round_id": round_id,
            "game": GAME,
            "amount": WIN_AMOUNT,
            "currency": "EUR",
            "round_closed": true,
        });
        self.call(http, "win", &body).await
    }

    /// Signs `body` and posts it to `action`; `Ok` only for `200` with `status: "ok"`.
    async fn call(&self, http: &reqwest::Client, action: &str, body: &Value) -> Outcome {
        let body = match serde_json::to_vec(body) {
            Ok(body) => body,
            Err(error) => return Outcome::Failed(format!("serializing a {action}: {error}")),
        };
        judge(action, self.send(http, action, body).await).await
    }

    /// Posts `body` to `action` (`bet`, `win`, `rollback`, `balance`), signed with a
    /// fresh timestamp, and returns the response as it came.
    pub async fn send(
        &self,
        http: &reqwest::Client,
        action: &str,
        body: Vec<u8>,
    ) -> reqwest::Result<reqwest::Response> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let signature = psp::signature::sign(&[self.secret.as_bytes()], now, &body);
        http.post(format!("{}/{action}", self.base))
            .header("Content-Type", "application/json")
            .header("Kasa-Signature", signature)
            .body(body)
            .send()
            .await
    }
}

/// A new round id.
pub fn fresh_round() -> String {
    fresh_id("round")
}

/// `bench-<kind>-<uuid>`, unique per call.
fn fresh_id(kind: &str) -> String {
    format!("bench-{kind}-{}", uuid::Uuid::new_v4().simple())
}

/// `Ok` when the provider call was answered `200` with `status: "ok"`.
async fn judge(action: &str, response: reqwest::Result<reqwest::Response>) -> Outcome {
    let response = match response {
        Ok(response) => response,
        Err(error) => return Outcome::Failed(format!("{action}: transport: {error}")),
    };
    let status = response.status().as_u16();
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(error) => return Outcome::Failed(format!("{action}: reading a body: {error}")),
    };
    if status == 200 && answered_ok(&body) {
        Outcome::Ok
    } else {
        Outcome::Failed(format!(
            "{action}: status {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        ))
    }
}

/// Whether a game-wallet answer is JSON with `"status": "ok"`.
fn answered_ok(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .is_ok_and(|answer| answer.get("status").and_then(Value::as_str) == Some("ok"))
}

#[cfg(test)]
mod tests {
    use super::answered_ok;

    #[test]
    fn only_an_ok_status_counts_as_applied() {
        assert!(answered_ok(
            br#"{"status":"ok","balance":"9.00","currency":"EUR"}"#
        ));
        assert!(answered_ok(br#"{ "balance": "9.00", "status" : "ok" }"#));
        assert!(!answered_ok(
            br#"{"status":"insufficient_funds","balance":"0.50"}"#
        ));
        assert!(!answered_ok(br#"{"balance":"9.00","note":"status ok"}"#));
        assert!(!answered_ok(b"not json"));
    }
}
