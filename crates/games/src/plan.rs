//! What [`decide`](crate::decide()) answers, and what storage does with it.

use ledger::{LedgerError, LedgerTransaction, Money, PlayerId, TransactionKind};

use crate::{
    GameInput, GameMessage, GameStatus, GameTxState, ProviderSlug, RoundState, StoredTransaction,
};

/// The decision on one call.
///
/// Storage applies it in the transaction that read the inputs:
/// * [`GameDecision::Repeat`]: write nothing; answer `status` (and the first
///   answer's Kasa transaction id) with the current balance.
/// * [`GameDecision::Refuse`]: when `record`, insert
///   [`GameDecision::row_to_store`] so a repeat answers the same; answer
///   `status`. Nothing moves.
/// * [`GameDecision::Apply`]: insert [`GameDecision::row_to_store`], post
///   [`Plan::ledger_transaction`] if any, apply [`Plan::reference_becomes`]
///   to the referenced row, store [`Plan::round_after`]; answer `ok`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GameDecision {
    /// The transaction id was seen before with the same body: nothing moves
    /// again, the answer is the first one's.
    Repeat {
        /// The first answer's status.
        status: GameStatus,
    },
    /// Refused; nothing moves.
    Refuse {
        /// The answer.
        status: GameStatus,
        /// Whether to store the call as a refused row so that a repeat
        /// answers the same. False for `session_invalid` (a retry on a live
        /// session may succeed), `transaction_mismatch` (it must not
        /// overwrite the first body) and `transaction_rolled_back` (the
        /// tombstone stays as it is).
        record: bool,
    },
    /// Accepted: answer `ok` and do what the plan says.
    Apply(Plan),
}

impl GameDecision {
    /// The status to answer.
    pub fn status(&self) -> GameStatus {
        match self {
            GameDecision::Repeat { status } | GameDecision::Refuse { status, .. } => *status,
            GameDecision::Apply(_) => GameStatus::Ok,
        }
    }

    /// The row to insert under the call's transaction id, or `None` when
    /// nothing is stored (a repeat, or a refusal that is not recorded).
    ///
    /// Its amount is the message's for bets and wins; for a rollback, what it
    /// credits back (zero when nothing moves).
    pub fn row_to_store(&self, input: &GameInput) -> Option<StoredTransaction> {
        let (status, state, movement) = match self {
            GameDecision::Repeat { .. } | GameDecision::Refuse { record: false, .. } => {
                return None;
            }
            GameDecision::Refuse {
                status,
                record: true,
            } => (*status, GameTxState::Refused, None),
            GameDecision::Apply(plan) => (GameStatus::Ok, GameTxState::Applied, plan.movement),
        };
        let amount = match &input.message {
            GameMessage::Bet { amount, .. } | GameMessage::Win { amount, .. } => *amount,
            GameMessage::Rollback { .. } => movement.map_or_else(
                || Money::zero(input.available.currency()),
                |movement| movement.amount,
            ),
        };
        Some(StoredTransaction {
            kind: input.message.kind(),
            player: input.player,
            round: input.round_id.clone(),
            amount,
            fingerprint: input.fingerprint.clone(),
            status,
            state,
        })
    }
}

/// What an accepted call does. Its answer is always `ok`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The money it moves; `None` for a zero win and for rollbacks that move
    /// nothing (of a bet never seen, refused, or already rolled back).
    pub movement: Option<Movement>,
    /// What happens to the row a rollback references.
    pub reference_becomes: Option<ReferenceChange>,
    /// The round after the call: the input round when nothing changes.
    /// For a rollback it is the referenced bet's round.
    pub round_after: RoundState,
}

impl Plan {
    /// The balanced ledger transaction of the movement, on the player's
    /// available and the provider's games house account; `None` when nothing
    /// moves. An error means the message was not what the edge guarantees (a
    /// bet of zero, a negative win).
    pub fn ledger_transaction(
        &self,
        player: PlayerId,
        provider: &ProviderSlug,
    ) -> Option<Result<LedgerTransaction, LedgerError>> {
        self.movement
            .map(|movement| movement.ledger_transaction(player, provider))
    }
}

/// A money movement of the game wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Movement {
    /// Which movement.
    pub kind: MovementKind,
    /// What it moves, positive.
    pub amount: Money,
}

impl Movement {
    /// The signed change of the player's available: `-amount` for a bet.
    pub fn available_delta(&self) -> Money {
        match self.kind.direction() {
            Direction::Debit => self.amount.negated(),
            Direction::Credit => self.amount,
        }
    }

    /// The balanced ledger transaction (see [`Plan::ledger_transaction`]).
    pub fn ledger_transaction(
        &self,
        player: PlayerId,
        provider: &ProviderSlug,
    ) -> Result<LedgerTransaction, LedgerError> {
        let recipe = match self.kind {
            MovementKind::Bet => ledger::bet,
            MovementKind::Win => ledger::win,
            MovementKind::BetRollback => ledger::bet_rollback,
        };
        recipe(player, provider.as_str(), self.amount)
    }
}

/// The three movements of the game wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MovementKind {
    /// Available to the games house.
    Bet,
    /// The games house to available.
    Win,
    /// A bet's amount back from the games house to available.
    BetRollback,
}

impl MovementKind {
    /// The ledger transaction kind it is recorded as.
    pub fn ledger_kind(self) -> TransactionKind {
        match self {
            MovementKind::Bet => TransactionKind::Bet,
            MovementKind::Win => TransactionKind::Win,
            MovementKind::BetRollback => TransactionKind::BetRollback,
        }
    }

    /// Which way the player's available goes.
    pub fn direction(self) -> Direction {
        match self {
            MovementKind::Bet => Direction::Debit,
            MovementKind::Win | MovementKind::BetRollback => Direction::Credit,
        }
    }
}

/// Which way a movement takes the player's available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Available goes down.
    Debit,
    /// Available goes up.
    Credit,
}

/// What an accepted rollback does to the row it references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceChange {
    /// The referenced bet becomes [`GameTxState::RolledBack`].
    RolledBack,
    /// The reference was never seen: insert this row under the reference id
    /// (a [`StoredTransaction::tombstone`]) so a bet with it arriving later is
    /// refused.
    NewTombstone(StoredTransaction),
}
