//! `mock-games`: a game provider simulator that plays scripted rounds against
//! Kasa's game wallet and exits non-zero when an answer breaks the contract.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mock_games::report::summary;
use mock_games::{Config, Script, run};
use secrecy::SecretString;

/// A game provider simulator for Kasa's seamless game wallet.
#[derive(Parser)]
#[command(name = "mock-games", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Log in as a player, open a game session and play scripted rounds,
    /// checking every answer's status and balance.
    Play(PlayArgs),
}

#[derive(clap::Args)]
struct PlayArgs {
    /// Kasa's URL, e.g. http://127.0.0.1:8080 (`/api/v1` is added when missing).
    #[arg(long, env = "MOCK_GAMES_KASA_URL")]
    kasa_url: String,
    /// The tenant's slug.
    #[arg(long, env = "MOCK_GAMES_TENANT")]
    tenant: String,
    /// The game provider's slug (registered with POST /admin/game-providers).
    #[arg(long, env = "MOCK_GAMES_PROVIDER")]
    provider: String,
    /// The provider's signing secret (never printed).
    #[arg(long, env = "MOCK_GAMES_SECRET", hide_env_values = true)]
    secret: SecretString,
    /// The player's email.
    #[arg(long, env = "MOCK_GAMES_PLAYER_EMAIL")]
    player_email: String,
    /// The player's password (never printed).
    #[arg(long, env = "MOCK_GAMES_PLAYER_PASSWORD", hide_env_values = true)]
    player_password: SecretString,
    /// Normal rounds to play (a bet and a win each).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    rounds: u32,
    /// `normal`: the rounds only; `all`: the rounds, then every refusal and
    /// repeat of the contract.
    #[arg(long, value_enum, default_value_t = Script::Normal)]
    script: Script,
    /// The game code the calls carry.
    #[arg(long, default_value = "demo-slots")]
    game: String,
    /// Deposit this amount (e.g. `50.00`, in the wallet's currency) through
    /// `POST /me/deposits` and wait for it to settle before playing.
    #[arg(long)]
    deposit: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let Command::Play(args) = Cli::parse().command;
    let config = Config {
        kasa_url: args.kasa_url,
        tenant: args.tenant,
        provider: args.provider,
        secret: args.secret,
        player_email: args.player_email,
        player_password: args.player_password,
        rounds: args.rounds,
        script: args.script,
        game: args.game,
        deposit: args.deposit,
    };
    match run(config).await {
        Ok(outcome) => {
            println!(
                "{}",
                summary(
                    outcome.rounds,
                    outcome.calls,
                    &outcome.balance,
                    &outcome.currency
                )
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("mock-games: FAILED: {error}");
            ExitCode::FAILURE
        }
    }
}
