//! What storage knows when a call arrives: the inputs of a decision.

use ledger::{Currency, Money, PlayerId};

use crate::error::echo;
use crate::{BodyFingerprint, GameInputError, GameStatus, RoundId};

/// Declares `ALL`, `as_str` and `parse` for a fieldless enum stored by name.
macro_rules! stored_names {
    ($name:ident, $error:path, [$($variant:ident => $text:literal),+ $(,)?]) => {
        impl $name {
            /// Every value.
            pub const ALL: [$name; [$($name::$variant),+].len()] = [$($name::$variant),+];

            /// Stored name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses a stored name exactly.
            pub fn parse(raw: &str) -> Result<$name, GameInputError> {
                $name::ALL
                    .into_iter()
                    .find(|value| value.as_str() == raw)
                    .ok_or_else(|| $error(echo(raw)))
            }
        }
    };
}

/// What a game transaction row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GameTxKind {
    /// A bet (also every tombstone: only bets can be rolled back).
    Bet,
    /// A win, zero ones included.
    Win,
    /// A rollback naming another transaction id.
    Rollback,
}

stored_names!(GameTxKind, GameInputError::UnknownKind, [
    Bet => "bet",
    Win => "win",
    Rollback => "rollback",
]);

/// Where a game transaction row is in its life.
///
/// ```text
/// (none) ──bet/win/rollback accepted──▶ applied ──rollback of this bet──▶ rolled_back
/// (none) ──refused (stored statuses)──▶ refused
/// (none) ──named by a rollback first──▶ tombstone
/// ```
/// `refused`, `rolled_back` and `tombstone` are final; `applied` is final
/// except for a bet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GameTxState {
    /// Accepted: it moved money, or it was a rollback or zero win that moved
    /// none but was answered `ok`.
    Applied,
    /// Answered a non-`ok` status; kept so that a repeat answers the same.
    Refused,
    /// A bet that a later rollback reversed.
    RolledBack,
    /// The id was named by a rollback before Kasa saw it. No money ever
    /// moves under it: a bet arriving later with this id is answered
    /// `transaction_rolled_back`, every time, and the row stays a tombstone.
    Tombstone,
}

stored_names!(GameTxState, GameInputError::UnknownState, [
    Applied => "applied",
    Refused => "refused",
    RolledBack => "rolled_back",
    Tombstone => "tombstone",
]);

/// A stored game transaction: the earlier row with the incoming call's
/// transaction id, or the row a rollback references. Its key (tenant,
/// provider, transaction id) is storage's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTransaction {
    /// What it records.
    pub kind: GameTxKind,
    /// The player it belongs to.
    pub player: PlayerId,
    /// The round it was sent for.
    pub round: RoundId,
    /// Bet or win: the amount sent. Rollback: the amount it credited back
    /// (zero when nothing moved). Tombstone: zero.
    pub amount: Money,
    /// The first call's body.
    pub fingerprint: BodyFingerprint,
    /// The status it was answered (and every repeat is answered).
    pub status: GameStatus,
    /// Where it is in its life.
    pub state: GameTxState,
}

impl StoredTransaction {
    /// The row of a tombstone: a bet never seen, named by `player`'s
    /// rollback in `round`, with no amount (zero in the wallet's `currency`)
    /// and no body; its status is what a bet arriving with its id is answered.
    pub fn tombstone(player: PlayerId, round: RoundId, currency: Currency) -> StoredTransaction {
        StoredTransaction {
            kind: GameTxKind::Bet,
            player,
            round,
            amount: Money::zero(currency),
            fingerprint: BodyFingerprint::tombstone(),
            status: GameStatus::TransactionRolledBack,
            state: GameTxState::Tombstone,
        }
    }
}

/// A round as Kasa knows it. A round never seen is [`RoundState::default`]:
/// open, no win.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RoundState {
    /// A `round_closed: true` bet or win arrived; further bets are refused.
    pub closed: bool,
    /// A win of more than zero was credited; the round's bets can no longer
    /// be rolled back.
    pub win_credited: bool,
}

/// The game session the call carries, when its token is known. An unknown
/// token never reaches the rules: no player is known, so the caller answers
/// `session_invalid` and stores nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionState {
    /// Neither expired nor revoked.
    Active,
    /// Expired or revoked: bets are refused, wins and rollbacks still apply.
    Ended,
}

/// The player-protection hook: whether the player may bet now. Only bets
/// look at it; wins and rollbacks always apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlayerGate {
    /// The player may bet.
    Allowed,
    /// On a timeout or self-excluded.
    Blocked,
    /// This bet would exceed a loss or wager limit.
    LimitReached,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_states_round_trip_through_their_names() {
        for kind in GameTxKind::ALL {
            assert_eq!(GameTxKind::parse(kind.as_str()), Ok(kind));
        }
        for state in GameTxState::ALL {
            assert_eq!(GameTxState::parse(state.as_str()), Ok(state));
        }
        assert_eq!(GameTxKind::ALL.len(), 3);
        assert_eq!(
            GameTxState::ALL.map(GameTxState::as_str),
            ["applied", "refused", "rolled_back", "tombstone"]
        );
        assert_eq!(
            GameTxKind::parse("Bet"),
            Err(GameInputError::UnknownKind("Bet".into()))
        );
        assert_eq!(
            GameTxState::parse("gone"),
            Err(GameInputError::UnknownState("gone".into()))
        );
    }

    #[test]
    fn an_unseen_round_is_open_without_a_win() {
        assert_eq!(
            RoundState::default(),
            RoundState {
                closed: false,
                win_credited: false
            }
        );
    }
}
