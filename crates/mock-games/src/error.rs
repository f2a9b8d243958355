//! Why a run stopped.

use thiserror::Error;

/// Everything that ends a run before its last call.
#[derive(Debug, Error)]
pub enum PlayError {
    /// A request could not be sent or its answer not read.
    #[error("{request}: {source}")]
    Transport {
        /// The request, e.g. `POST /game-wallet/t/p/bet`.
        request: String,
        /// What went wrong.
        #[source]
        source: reqwest::Error,
    },
    /// Kasa's player API answered something else than the contract's answer.
    #[error("{request}: expected HTTP {expected}, got {status}: {body}")]
    PlayerApi {
        /// The request.
        request: String,
        /// The status the contract gives.
        expected: u16,
        /// The status Kasa answered.
        status: u16,
        /// The start of the answer's body.
        body: String,
    },
    /// An answer's body is not what the contract describes.
    #[error("{request}: unreadable answer: {detail}")]
    Unreadable {
        /// The request.
        request: String,
        /// What is missing or malformed.
        detail: String,
    },
    /// A game-wallet answer differs from what the contract says.
    #[error("call #{call} ({action}): {detail}")]
    Unexpected {
        /// The number of the call in this run.
        call: usize,
        /// The action and what the call was about.
        action: String,
        /// What was expected and what came.
        detail: String,
    },
    /// The player's `available` is below the next bet.
    #[error(
        "the player's available {available} {currency} is below the next bet of {needed} {currency}: deposit first (POST /me/deposits), then run again"
    )]
    DepositFirst {
        /// The balance Kasa reported last.
        available: String,
        /// The amount of the bet.
        needed: String,
        /// The wallet's currency.
        currency: String,
    },
    /// `GET /me/wallet` disagrees with the last game-wallet answer.
    #[error("GET /me/wallet shows available {got}, the game wallet's last balance was {expected}")]
    WalletDisagrees {
        /// The balance the game wallet answered last.
        expected: String,
        /// What the wallet shows.
        got: String,
    },
    /// The run's own inputs or state are unusable (e.g. zero rounds).
    #[error("{0}")]
    Setup(String),
}
