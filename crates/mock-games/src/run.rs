//! A whole run: log in, open a game session, play the script, and check the
//! player's wallet agrees with the last answer.

use secrecy::{ExposeSecret, SecretString};

use crate::error::PlayError;
use crate::ids::RunIds;
use crate::play::Play;
use crate::player::{PlayerApi, api_base, http_client};
use crate::provider::ProviderApi;
use crate::scripts::{self, Outcome, Script};
use crate::signing::masked;

/// What a run needs.
#[derive(Debug)]
pub struct Config {
    /// Kasa's URL (with or without `/api/v1`).
    pub kasa_url: String,
    /// The tenant's slug.
    pub tenant: String,
    /// The game provider's slug.
    pub provider: String,
    /// The provider's signing secret.
    pub secret: SecretString,
    /// The player's email.
    pub player_email: String,
    /// The player's password.
    pub player_password: SecretString,
    /// How many normal rounds to play.
    pub rounds: u32,
    /// Which scenario.
    pub script: Script,
    /// The game code the calls carry.
    pub game: String,
    /// Deposit this amount (in the wallet's currency) before playing.
    pub deposit: Option<String>,
}

/// Plays one run; every answer and the final wallet are checked.
pub async fn run(config: Config) -> Result<Outcome, PlayError> {
    if config.secret.expose_secret().is_empty() {
        return Err(PlayError::Setup("the provider secret is empty".to_owned()));
    }
    let http = http_client()?;
    let base = api_base(&config.kasa_url);
    let player = PlayerApi::login(
        http.clone(),
        &base,
        &config.tenant,
        &config.player_email,
        &config.player_password,
    )
    .await?;
    println!(
        "mock-games: logged in as {} in tenant {}",
        config.player_email, config.tenant
    );
    if let Some(amount) = &config.deposit {
        let currency = player.wallet().await?.currency;
        player.deposit(amount, &currency).await?;
        println!("mock-games: deposited {amount} {currency}");
    }
    let session = player.open_session(&config.provider, &config.game).await?;
    println!(
        "mock-games: session {} (token {}) for {} at {}, {}, expires {}",
        session.id,
        masked(session.token.expose_secret()),
        config.game,
        config.provider,
        session.currency,
        session.expires_at
    );
    let provider = ProviderApi::new(http, &base, &config.tenant, &config.provider, config.secret);
    let mut play = Play::start(provider, player, session, &config.game, RunIds::fresh()).await?;
    scripts::play(&mut play, config.script, config.rounds).await?;

    let wallet = play.wallet().await?;
    let tracker = play.tracker();
    if wallet.available != tracker.balance_text() || wallet.currency != tracker.currency() {
        return Err(PlayError::WalletDisagrees {
            expected: format!("{} {}", tracker.balance_text(), tracker.currency()),
            got: format!("{} {}", wallet.available, wallet.currency),
        });
    }
    Ok(Outcome {
        rounds: config.rounds,
        calls: play.calls(),
        balance: tracker.balance_text(),
        currency: tracker.currency().to_owned(),
    })
}
