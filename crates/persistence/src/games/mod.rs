//! The game wallet's storage: providers and their secrets, players' game
//! sessions, and providers' bets, wins and rollbacks applied exactly once
//! (the rules are the pure `games` crate's).

mod calls;
mod protection;
mod providers;
mod reads;
mod rows;
mod sessions;

pub use calls::{GAME_TRANSACTION_REFERENCE, GameAnswer, GameCall};
pub use providers::{
    GameProvider, PREVIOUS_SECRET_VALID_FOR, ProviderKeys, ProviderWithSecret, ShownSecret,
};
pub use reads::{GameTransaction, GameTransactionFilter};
pub use sessions::{GameSession, NewGameSession, OpenedSession, token_digest};
