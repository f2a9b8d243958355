//! The game wallet's storage: providers and their secrets, players' game
//! sessions, and providers' bets, wins and rollbacks applied exactly once
//! in rounds (the rules are the pure `games` crate's).

mod calls;
mod protection;
mod providers;
mod reads;
mod round_reads;
mod rows;
mod sessions;
mod settle;

pub use calls::{GAME_TRANSACTION_REFERENCE, GameAnswer, GameCall, GameCalls};
pub use providers::{
    GameProvider, PREVIOUS_SECRET_VALID_FOR, ProviderKeys, ProviderWithSecret, ShownSecret,
};
pub use reads::{GameTransaction, GameTransactionFilter};
pub use sessions::{GameSession, NewGameSession, OpenedSession, token_digest};
pub use settle::GAME_ROUND_BYTES_MAX;
