//! What a provider asks, past the part every call shares.

use ledger::Money;

use crate::{GameTxKind, ProviderTransactionId};

/// The action-specific part of a `bet`, `win` or `rollback` call. The part
/// every call shares (session, transaction id, round, game) is carried by the
/// caller: it finds the stored rows and states with it and hands them to
/// [`decide`](crate::decide()) in a [`GameInput`](crate::GameInput).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GameMessage {
    /// Take `amount` from the player's available. `amount` is positive (the
    /// edge parses it with [`Money::parse_amount`]).
    Bet {
        /// The stake, in the currency the provider sent.
        amount: Money,
        /// Whether this message closes the round.
        round_closed: bool,
    },
    /// Give `amount` to the player's available. `amount` may be zero: a round
    /// closed without a win.
    Win {
        /// The win, in the currency the provider sent; zero or positive.
        amount: Money,
        /// Whether this message closes the round.
        round_closed: bool,
    },
    /// Reverse the bet whose transaction id is `reference`.
    Rollback {
        /// The provider's transaction id of the bet to reverse.
        reference: ProviderTransactionId,
    },
}

impl GameMessage {
    /// The kind of row this message is stored as.
    pub fn kind(&self) -> GameTxKind {
        match self {
            GameMessage::Bet { .. } => GameTxKind::Bet,
            GameMessage::Win { .. } => GameTxKind::Win,
            GameMessage::Rollback { .. } => GameTxKind::Rollback,
        }
    }
}
