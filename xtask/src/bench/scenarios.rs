//! The load scenarios: what each request is, what it needs seeded first, and which
//! raw-SQL script models it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use clap::ValueEnum;

use super::Shape;
use super::games::{self, GameWallet};
use super::load::Outcome;
use super::seed::{self, PendingDeposit, Player, Population};
use super::stack::Stack;
use super::webhook::{self, Webhooks};

/// Pending deposits seeded per second of `deposit_webhook` (above any rate reached here;
/// the scenario ends early, and says so, if they run out).
const SPREAD_DEPOSITS_PER_SECOND: u64 = 5_000;
/// Pending deposits seeded per second of `hot_wallet`.
const HOT_DEPOSITS_PER_SECOND: u64 = 4_000;
/// The body of every withdrawal request.
const WITHDRAWAL_BODY: &str = r#"{"amount":"0.01","currency":"EUR","destination":{"type":"bank_account","account":"DE89370400440532013000"}}"#;

/// The body of every deposit request.
const DEPOSIT_BODY: &str = r#"{"amount":"1.00","currency":"EUR"}"#;

/// A load scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Scenario {
    /// Signed `deposit.succeeded` webhooks for pending deposits of many players.
    DepositWebhook,
    /// Player withdrawal requests with fresh idempotency keys.
    WithdrawRequest,
    /// Deposit webhooks all for one player's wallet.
    HotWallet,
    /// `GET /me/transactions`, first page.
    HistoryPage,
    /// Signed game-provider bets of 1.00, players in turn, each bet its own round.
    GameBet,
    /// A round per request: a signed bet, then (once answered) its win closing the round.
    GameRound,
    /// `POST /me/deposits` of 1.00 with fresh idempotency keys, players in turn (the
    /// mock PSP answers, and later sends its webhook).
    DepositRequest,
    /// `deposit_request` by players with deposit limits over every period (their window
    /// sums read on every deposit). Leaves the limits in place: runs after the others.
    DepositRequestLimits,
    /// `game_bet` by players with loss and wager limits over every period (their window
    /// sums read once per round). Leaves the limits in place: runs after the others.
    GameBetLimits,
}

impl Scenario {
    /// The scenario's name in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::DepositWebhook => "deposit_webhook",
            Self::WithdrawRequest => "withdraw_request",
            Self::HotWallet => "hot_wallet",
            Self::HistoryPage => "history_page",
            Self::GameBet => "game_bet",
            Self::GameRound => "game_round",
            Self::DepositRequest => "deposit_request",
            Self::DepositRequestLimits => "deposit_request_limits",
            Self::GameBetLimits => "game_bet_limits",
        }
    }

    /// Whether the server settles the scenario's requests in rounds (several requests
    /// in one database transaction), which makes the batched raw-SQL model its limit.
    pub fn batched(self) -> bool {
        match self {
            Self::DepositWebhook | Self::WithdrawRequest | Self::HotWallet => true,
            Self::HistoryPage
            | Self::GameBet
            | Self::GameRound
            | Self::DepositRequest
            | Self::DepositRequestLimits
            | Self::GameBetLimits => false,
        }
    }

    /// Whether the scenario plays a game provider (and its game history is seeded first).
    pub fn plays_games(self) -> bool {
        matches!(self, Self::GameBet | Self::GameRound | Self::GameBetLimits)
    }

    /// The limit kinds the scenario's players are given (after any history is
    /// seeded, so that the limits see it), every period each.
    pub fn limit_kinds(self) -> &'static [&'static str] {
        match self {
            Self::DepositRequestLimits => &["deposit"],
            Self::GameBetLimits => &["loss", "wager"],
            _ => &[],
        }
    }

    /// HTTP calls that make up one request of the scenario.
    pub fn http_calls(self) -> u32 {
        match self {
            Self::GameRound => 2,
            _ => 1,
        }
    }

    /// The pgbench script of the raw-SQL model, if the scenario has one.
    pub fn baseline_script(self) -> Option<&'static str> {
        match self {
            Self::DepositWebhook => Some("deposit.sql"),
            Self::WithdrawRequest => Some("withdraw.sql"),
            Self::HotWallet => Some("hot.sql"),
            Self::GameBet => Some("bet.sql"),
            Self::HistoryPage
            | Self::GameRound
            | Self::DepositRequest
            | Self::DepositRequestLimits
            | Self::GameBetLimits => None,
        }
    }
}

/// What the clients of a scenario send.
#[derive(Debug)]
pub enum Work {
    /// One `deposit.succeeded` webhook per pending deposit, each deposit once.
    Webhooks {
        /// Signs and delivers.
        webhooks: Webhooks,
        /// The deposits to settle.
        deposits: Vec<PendingDeposit>,
        /// The next deposit to settle.
        next: AtomicUsize,
    },
    /// `POST /me/withdrawals`, players in turn.
    Withdrawals {
        /// API base URL.
        base: String,
        /// The players.
        players: Arc<Vec<Player>>,
    },
    /// `POST /me/deposits`, players in turn.
    Deposits {
        /// API base URL.
        base: String,
        /// The players.
        players: Arc<Vec<Player>>,
    },
    /// `GET /me/transactions`, players in turn.
    History {
        /// API base URL.
        base: String,
        /// The players.
        players: Arc<Vec<Player>>,
    },
    /// Game-provider bets, players in turn.
    GameBets(GameWallet),
    /// Game rounds (a bet, then its win), players in turn.
    GameRounds(GameWallet),
}

impl Work {
    /// Sends request number `n` of the scenario.
    pub async fn call(&self, http: &reqwest::Client, n: u64) -> Outcome {
        match self {
            Self::Webhooks {
                webhooks,
                deposits,
                next,
            } => match deposits.get(next.fetch_add(1, Ordering::Relaxed)) {
                Some(deposit) => webhooks.succeed(http, deposit).await,
                None => Outcome::Exhausted,
            },
            Self::Withdrawals { base, players } => {
                let player = pick(players, n);
                let response = http
                    .post(format!("{base}/me/withdrawals"))
                    .bearer_auth(&player.token)
                    .header("Idempotency-Key", format!("bench-{}", uuid::Uuid::new_v4()))
                    .header("Content-Type", "application/json")
                    .body(WITHDRAWAL_BODY)
                    .send()
                    .await;
                webhook::expect(response, 201, b"\"requested\"").await
            }
            Self::Deposits { base, players } => {
                let player = pick(players, n);
                let response = http
                    .post(format!("{base}/me/deposits"))
                    .bearer_auth(&player.token)
                    .header("Idempotency-Key", format!("bench-{}", uuid::Uuid::new_v4()))
                    .header("Content-Type", "application/json")
                    .body(DEPOSIT_BODY)
                    .send()
                    .await;
                webhook::expect(response, 201, b"\"id\"").await
            }
            Self::History { base, players } => {
                let player = pick(players, n);
                let response = http
                    .get(format!("{base}/me/transactions"))
                    .bearer_auth(&player.token)
                    .send()
                    .await;
                webhook::expect(response, 200, b"\"items\"").await
            }
            Self::GameBets(wallet) => {
                wallet
                    .bet(http, wallet.session(n), &games::fresh_round())
                    .await
            }
            Self::GameRounds(wallet) => {
                let (session, round) = (wallet.session(n), games::fresh_round());
                match wallet.bet(http, session, &round).await {
                    Outcome::Ok => wallet.win(http, session, &round).await,
                    failed => failed,
                }
            }
        }
    }
}

/// Player `n` modulo the number of players.
fn pick(players: &[Player], n: u64) -> &Player {
    let index = usize::try_from(n).unwrap_or(0) % players.len().max(1);
    &players[index]
}

/// Seeds what `scenario` consumes and returns its work.
pub async fn prepare(
    scenario: Scenario,
    stack: &Stack,
    population: &Population,
    shape: Shape,
) -> Result<Work> {
    let seconds = shape.duration.as_secs().max(1);
    let work = match scenario {
        Scenario::DepositWebhook | Scenario::HotWallet => {
            let (per_second, spread) = if scenario == Scenario::HotWallet {
                (HOT_DEPOSITS_PER_SECOND, false)
            } else {
                (SPREAD_DEPOSITS_PER_SECOND, true)
            };
            let count = usize::try_from(per_second * seconds).unwrap_or(usize::MAX);
            let players = population.players.len();
            let owners: Vec<usize> = (0..count)
                .map(|i| if spread { i % players } else { 0 })
                .collect();
            println!(
                "bench: {}: seeding {count} pending deposits",
                scenario.name()
            );
            Work::Webhooks {
                webhooks: Webhooks::new(stack),
                deposits: seed::pending_deposits(population, &owners, "10.00").await?,
                next: AtomicUsize::new(0),
            }
        }
        Scenario::WithdrawRequest => Work::Withdrawals {
            base: stack.api_base.clone(),
            players: population.players.clone(),
        },
        Scenario::HistoryPage => Work::History {
            base: stack.api_base.clone(),
            players: population.players.clone(),
        },
        Scenario::GameBet => Work::GameBets(GameWallet::open(stack, population).await?),
        Scenario::GameBetLimits => Work::GameBets(GameWallet::open(stack, population).await?),
        Scenario::DepositRequest | Scenario::DepositRequestLimits => Work::Deposits {
            base: stack.api_base.clone(),
            players: population.players.clone(),
        },
        Scenario::GameRound => Work::GameRounds(GameWallet::open(stack, population).await?),
    };
    Ok(work)
}
