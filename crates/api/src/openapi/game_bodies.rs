//! Schemas of the game-wallet calls that providers send (the handler parses
//! them into the `games` crate's edge types; see `game_calls`).

use serde::Serialize;
use utoipa::ToSchema;

use super::enums;

/// `balance`: the session's player and available.
#[derive(Serialize, ToSchema)]
pub struct BalanceCall {
    /// The session token from `POST /me/game-sessions`.
    #[schema(min_length = 16, max_length = 256)]
    pub session: String,
}

/// `bet` or `win`.
#[derive(Serialize, ToSchema)]
pub struct MoneyCall {
    /// The session token.
    #[schema(min_length = 16, max_length = 256)]
    pub session: String,
    /// Unique per (tenant, provider), forever.
    #[schema(min_length = 1, max_length = 255)]
    pub transaction_id: String,
    /// The provider's round.
    #[schema(min_length = 1, max_length = 255)]
    pub round_id: String,
    /// The provider's game code.
    #[schema(min_length = 1, max_length = 128)]
    pub game: String,
    /// Decimal string; a win may be `"0.00"` (a round closed without a win).
    #[schema(
        example = "1.00",
        pattern = "^[0-9]{1,16}(\\.[0-9]{1,3})?$",
        min_length = 1,
        max_length = 20
    )]
    pub amount: String,
    /// The wallet's currency.
    #[schema(value_type = enums::Currency)]
    pub currency: String,
    /// Closes the round: later bets on it are refused `round_closed`.
    #[schema(required = false)]
    pub round_closed: Option<bool>,
}

/// `rollback`: reverses the referenced bet exactly once.
#[derive(Serialize, ToSchema)]
pub struct RollbackCall {
    /// The session token (an expired or revoked one is accepted).
    #[schema(min_length = 16, max_length = 256)]
    pub session: String,
    /// This rollback's own id.
    #[schema(min_length = 1, max_length = 255)]
    pub transaction_id: String,
    /// The bet to reverse.
    #[schema(min_length = 1, max_length = 255)]
    pub reference_transaction_id: String,
    /// The provider's round.
    #[schema(min_length = 1, max_length = 255)]
    pub round_id: String,
    /// The provider's game code.
    #[schema(min_length = 1, max_length = 128)]
    pub game: String,
}

/// The body of a game-wallet call, by action.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum GameWalletCall {
    /// `balance`.
    Balance(BalanceCall),
    /// `bet` or `win`.
    Money(MoneyCall),
    /// `rollback`.
    Rollback(RollbackCall),
}
