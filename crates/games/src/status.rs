//! The answers of the game-wallet contract.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::GameInputError;
use crate::error::echo;

/// The `status` of a game-wallet answer. Nothing moves unless it is
/// [`GameStatus::Ok`]. Stored and serialized by its contract code
/// ([`GameStatus::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GameStatus {
    /// Applied, or a repeat of an applied transaction.
    Ok,
    /// A bet larger than the player's `available`.
    InsufficientFunds,
    /// A bet on an expired or revoked session (or any call with an unknown
    /// token, which the caller answers before the rules run).
    SessionInvalid,
    /// The currency differs from the wallet's.
    CurrencyMismatch,
    /// A bet while the player is on a timeout or self-excluded.
    PlayerBlocked,
    /// A bet that would exceed the player's loss or wager limit.
    LimitReached,
    /// A bet on a round a `round_closed: true` message closed.
    RoundClosed,
    /// A transaction id seen before with a different body.
    TransactionMismatch,
    /// A bet whose id a rollback already named.
    TransactionRolledBack,
    /// A rollback whose reference is a win, a rollback, another player's
    /// bet, or a bet whose round already has a win credited.
    NotRollbackable,
}

impl GameStatus {
    /// Every status.
    pub const ALL: [GameStatus; 10] = [
        GameStatus::Ok,
        GameStatus::InsufficientFunds,
        GameStatus::SessionInvalid,
        GameStatus::CurrencyMismatch,
        GameStatus::PlayerBlocked,
        GameStatus::LimitReached,
        GameStatus::RoundClosed,
        GameStatus::TransactionMismatch,
        GameStatus::TransactionRolledBack,
        GameStatus::NotRollbackable,
    ];

    /// The contract code (`ok`, `insufficient_funds`, …), the same as its
    /// serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            GameStatus::Ok => "ok",
            GameStatus::InsufficientFunds => "insufficient_funds",
            GameStatus::SessionInvalid => "session_invalid",
            GameStatus::CurrencyMismatch => "currency_mismatch",
            GameStatus::PlayerBlocked => "player_blocked",
            GameStatus::LimitReached => "limit_reached",
            GameStatus::RoundClosed => "round_closed",
            GameStatus::TransactionMismatch => "transaction_mismatch",
            GameStatus::TransactionRolledBack => "transaction_rolled_back",
            GameStatus::NotRollbackable => "not_rollbackable",
        }
    }

    /// Parses a contract code exactly (no other case or spelling).
    pub fn parse(raw: &str) -> Result<GameStatus, GameInputError> {
        GameStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
            .ok_or_else(|| GameInputError::UnknownStatus(echo(raw)))
    }
}

impl fmt::Display for GameStatus {
    /// The contract code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_contracts_and_round_trip() {
        let codes: Vec<&str> = GameStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            codes,
            [
                "ok",
                "insufficient_funds",
                "session_invalid",
                "currency_mismatch",
                "player_blocked",
                "limit_reached",
                "round_closed",
                "transaction_mismatch",
                "transaction_rolled_back",
                "not_rollbackable",
            ]
        );
        for status in GameStatus::ALL {
            assert_eq!(GameStatus::parse(status.as_str()), Ok(status));
            assert_eq!(status.to_string(), status.as_str());
            assert_eq!(
                serde_json::to_string(&status).ok(),
                Some(format!("\"{status}\""))
            );
        }
        assert_eq!(
            GameStatus::parse("OK"),
            Err(GameInputError::UnknownStatus("OK".into()))
        );
    }
}
