//! The load: clients that play game rounds through the signed game wallet (a bet
//! with a fresh transaction id, then a win or a rollback of that bet) and request
//! withdrawals, each call retried with the identical body and key until it gets a
//! definitive answer, which the client records.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::answers::{game_verdict, withdrawal_verdict};
use super::journal::{GameAction, GameRecord, Journal, WithdrawalRecord, decimal};
use super::retry::{Tally, until_definitive};
use crate::bench::games::{GAME, GameWallet};
use crate::bench::seed::Player;

/// Smallest and largest bet, cents.
const BET_MINOR: (i64, i64) = (10, 500);
/// Largest win, cents (a win may be zero).
const WIN_MINOR_MAX: i64 = 1_000;
/// Smallest and largest ordinary withdrawal, cents.
const WITHDRAWAL_MINOR: (i64, i64) = (100, 2_000);
/// A withdrawal larger than any wallet holds after seeding (10,000.00), which
/// Kasa refuses `422 insufficient_funds`: a definitive 4xx that must stay one.
const OVERDRAWN_MINOR: i64 = 2_000_000;
/// One iteration in this many is a withdrawal request (the others are rounds).
const WITHDRAWAL_ONE_IN: u32 = 6;
/// One withdrawal in this many asks for [`OVERDRAWN_MINOR`].
const OVERDRAWN_ONE_IN: u32 = 20;
/// Where withdrawals go.
const DESTINATION: &str = "DE89370400440532013000";

/// What the clients share.
pub struct Load {
    /// The HTTP client (its timeout is [`super::retry::ATTEMPT_TIMEOUT`]).
    pub http: reqwest::Client,
    /// The provider's side of the game wallet, with a session per player.
    pub wallet: GameWallet,
    /// `http://127.0.0.1:<port>/api/v1`.
    pub api_base: String,
    /// The seeded players, by index.
    pub players: Arc<Vec<Player>>,
    /// Calls answered so far (progress lines).
    pub answered: AtomicU64,
}

/// What one client (or all, merged) sent and got.
#[derive(Debug, Default)]
pub struct ClientLog {
    /// The calls and their definitive answers.
    pub journal: Journal,
    /// Game-wallet calls and attempts.
    pub games: Tally,
    /// Withdrawal requests and attempts.
    pub withdrawals: Tally,
}

impl ClientLog {
    fn merge(&mut self, other: ClientLog) {
        self.journal.merge(other.journal);
        self.games.merge(&other.games);
        self.withdrawals.merge(&other.withdrawals);
    }
}

/// Runs `clients` clients until `deadline` (each finishes the round it is in) and
/// merges what they recorded.
pub async fn run(load: Arc<Load>, clients: usize, deadline: Instant) -> Result<ClientLog> {
    let handles: Vec<_> = (0..clients)
        .map(|_| tokio::spawn(client(load.clone(), deadline)))
        .collect();
    let mut merged = ClientLog::default();
    for handle in handles {
        merged.merge(handle.await.context("a chaos client panicked")??);
    }
    Ok(merged)
}

/// One client: rounds and withdrawals of random players until `deadline`.
async fn client(load: Arc<Load>, deadline: Instant) -> Result<ClientLog> {
    let mut rng = StdRng::from_os_rng();
    let mut log = ClientLog::default();
    while Instant::now() < deadline {
        let player = rng.random_range(0..load.players.len());
        if rng.random_ratio(1, WITHDRAWAL_ONE_IN) {
            let amount = if rng.random_ratio(1, OVERDRAWN_ONE_IN) {
                OVERDRAWN_MINOR
            } else {
                rng.random_range(WITHDRAWAL_MINOR.0..=WITHDRAWAL_MINOR.1)
            };
            load.withdraw(&mut log, player, amount).await?;
        } else {
            load.round(&mut log, &mut rng, player).await?;
        }
    }
    Ok(log)
}

impl Load {
    /// A bet, then (once the bet is answered) a win closing the round or a rollback
    /// of the bet, half and half.
    async fn round(&self, log: &mut ClientLog, rng: &mut StdRng, player: usize) -> Result<()> {
        let session = self.wallet.session(u64::try_from(player)?);
        let round_id = fresh("round");
        let bet_id = fresh("bet");
        let bet_minor = rng.random_range(BET_MINOR.0..=BET_MINOR.1);
        let bet = json!({
            "session": session,
            "transaction_id": bet_id,
            "round_id": round_id,
            "game": GAME,
            "amount": decimal(bet_minor),
            "currency": "EUR",
        });
        let call = (player, bet_id.clone(), GameAction::Bet, bet_minor);
        if !self.game(log, call, &bet).await? {
            return Ok(());
        }
        if rng.random_bool(0.5) {
            let id = fresh("win");
            let win_minor = rng.random_range(0..=WIN_MINOR_MAX);
            let win = json!({
                "session": session,
                "transaction_id": id,
                "round_id": round_id,
                "game": GAME,
                "amount": decimal(win_minor),
                "currency": "EUR",
                "round_closed": true,
            });
            self.game(log, (player, id, GameAction::Win, win_minor), &win)
                .await?;
        } else {
            let id = fresh("rollback");
            let rollback = json!({
                "session": session,
                "transaction_id": id,
                "reference_transaction_id": bet_id,
                "round_id": round_id,
                "game": GAME,
            });
            let action = GameAction::Rollback { reference: bet_id };
            self.game(log, (player, id, action, 0), &rollback).await?;
        }
        Ok(())
    }

    /// Sends one game call (player, transaction id, action, amount) until it is
    /// answered and records it; whether it was.
    async fn game(
        &self,
        log: &mut ClientLog,
        (player, transaction_id, action, amount_minor): (usize, String, GameAction, i64),
        body: &Value,
    ) -> Result<bool> {
        let bytes = serde_json::to_vec(body).context("serializing a game call")?;
        let name = action.name();
        let answer = until_definitive(
            &mut log.games,
            || self.wallet.send(&self.http, name, bytes.clone()),
            game_verdict,
        )
        .await;
        self.answered.fetch_add(1, Ordering::Relaxed);
        let answered = answer.is_some();
        let (status, kasa_transaction_id, resent_us) = match answer {
            Some(got) => (
                Some(got.answer.status),
                got.answer.kasa_transaction_id,
                got.resent_us,
            ),
            None => (None, None, None),
        };
        log.journal.games.push(GameRecord {
            player,
            transaction_id,
            action,
            amount_minor,
            status,
            kasa_transaction_id,
            resent_us,
        });
        Ok(answered)
    }

    /// Requests a withdrawal of `amount_minor` for `player` with a fresh
    /// Idempotency-Key until it is answered, and records it.
    async fn withdraw(&self, log: &mut ClientLog, player: usize, amount_minor: i64) -> Result<()> {
        let token = &self
            .players
            .get(player)
            .context("a player index out of range")?
            .token;
        let key = format!("chaos-{}", uuid::Uuid::new_v4());
        let body = json!({
            "amount": decimal(amount_minor),
            "currency": "EUR",
            "destination": {"type": "bank_account", "account": DESTINATION},
        });
        let bytes = serde_json::to_vec(&body).context("serializing a withdrawal")?;
        let url = format!("{}/me/withdrawals", self.api_base);
        let answer = until_definitive(
            &mut log.withdrawals,
            || {
                self.http
                    .post(&url)
                    .bearer_auth(token)
                    .header("Idempotency-Key", &key)
                    .header("Content-Type", "application/json")
                    .body(bytes.clone())
                    .send()
            },
            withdrawal_verdict,
        )
        .await;
        self.answered.fetch_add(1, Ordering::Relaxed);
        log.journal.withdrawals.push(WithdrawalRecord {
            player,
            key,
            amount_minor,
            answer: answer.map(|got| got.answer),
        });
        Ok(())
    }
}

/// `chaos-<kind>-<uuid>`, unique per call.
fn fresh(kind: &str) -> String {
    format!("chaos-{kind}-{}", uuid::Uuid::new_v4().simple())
}
