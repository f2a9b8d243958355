//! The scenarios a run plays on one game session.
//!
//! * `normal`: rounds of a bet then a win that closes the round.
//! * `all`: the normal rounds, then every answer of the contract's table that
//!   a provider can cause: lost answers and rollbacks, duplicate deliveries,
//!   mismatched bodies, closed rounds, early rollbacks, insufficient funds,
//!   wins that cannot be rolled back, bad signatures, unknown and revoked
//!   sessions.

mod faults;
mod normal;
mod sessions;

use rust_decimal::Decimal;

use crate::error::PlayError;
use crate::money::cents;
use crate::play::Play;

/// The stake of every scripted bet (1.00 in a two-digit currency).
pub fn bet_amount() -> Decimal {
    cents(100)
}

/// Which scenario to play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Script {
    /// Rounds of a bet and a win.
    Normal,
    /// The normal rounds, then every refusal and repeat the contract describes.
    All,
}

/// What a run that passed ends with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Normal rounds played.
    pub rounds: u32,
    /// Provider calls sent.
    pub calls: usize,
    /// The final balance, as Kasa writes it.
    pub balance: String,
    /// The wallet's currency.
    pub currency: String,
}

/// Plays `script` with `rounds` normal rounds on `play`'s session.
pub async fn play(play: &mut Play, script: Script, rounds: u32) -> Result<(), PlayError> {
    normal::rounds(play, rounds).await?;
    if script == Script::All {
        faults::lost_bet_rolled_back(play).await?;
        faults::duplicate_deliveries(play).await?;
        faults::early_rollback(play).await?;
        faults::insufficient_funds(play).await?;
        faults::win_not_rollbackable(play).await?;
        sessions::bad_signature(play).await?;
        sessions::unknown_session(play).await?;
        // Last: the session ends here.
        sessions::revoked_session(play).await?;
    }
    Ok(())
}
