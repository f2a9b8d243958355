//! The rules: one call and what storage knows in, a decision out.

use ledger::Money;

use crate::{
    BodyFingerprint, GameDecision, GameMessage, GameStatus, GameTxKind, GameTxState, Movement,
    MovementKind, Plan, PlayerGate, ProviderTransactionId, ReferenceChange, RoundId, RoundState,
    SessionState, StoredTransaction,
};

/// Everything a decision depends on. The caller reads it in the transaction
/// that will store the decision (locking the wallet, the rows and the round).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameInput {
    /// The call's transaction id.
    pub transaction_id: ProviderTransactionId,
    /// The call's round.
    pub round_id: RoundId,
    /// The session's player.
    pub player: ledger::PlayerId,
    /// What the call asks.
    pub message: GameMessage,
    /// The call's body ([`BodyFingerprint::of`]).
    pub fingerprint: BodyFingerprint,
    /// The stored row with this transaction id, if any.
    pub earlier: Option<StoredTransaction>,
    /// For a rollback: the stored row with the reference id, if any.
    /// Ignored for bets and wins.
    pub reference: Option<StoredTransaction>,
    /// The round the call concerns: the call's round for bets, wins and
    /// rollbacks of an unknown reference; the referenced row's round for
    /// other rollbacks. [`RoundState::default`] for a round never seen.
    pub round: RoundState,
    /// The session the call carries.
    pub session: SessionState,
    /// Whether the player may bet now.
    pub gate: PlayerGate,
    /// The player's available (held money can never be bet); its currency is
    /// the wallet's.
    pub available: Money,
}

/// Decides one call. In order:
///
/// 1. **An earlier row with this transaction id.** A tombstone answers a bet
///    `transaction_rolled_back` (the tombstone stays); any other kind or body
///    than the first is `transaction_mismatch`, not stored; the same body is
///    a [`GameDecision::Repeat`] of the first answer. Nothing moves again.
/// 2. **Bet**: an ended session is `session_invalid` (not stored); then
///    `currency_mismatch`, `round_closed`, `player_blocked`, `limit_reached`,
///    `insufficient_funds` (stored); else debit the amount, and close the
///    round if the bet says so.
/// 3. **Win**: the session and the player gate do not matter, and a closed
///    round does not either (providers retry wins until acknowledged, so a
///    win may not fail for a reason a retry cannot fix; a win after its
///    round's bet was rolled back is accepted too). `currency_mismatch`
///    (stored); else credit the amount (a zero win moves nothing); the round
///    gets a win if it is positive, and closes if the win says so.
/// 4. **Rollback**: the session does not matter. A reference to itself is
///    `not_rollbackable`. A reference never seen moves nothing and becomes a
///    tombstone; a tombstoned, refused or rolled-back bet moves nothing (a bet
///    is reversed exactly once); a win, a rollback, another player's bet or a
///    bet whose round has a win credited is `not_rollbackable` (stored); an
///    applied bet is credited back exactly and becomes rolled back.
pub fn decide(input: &GameInput) -> GameDecision {
    match (&input.earlier, &input.message) {
        (Some(earlier), GameMessage::Bet { .. }) if earlier.state == GameTxState::Tombstone => {
            refuse(GameStatus::TransactionRolledBack, false)
        }
        (Some(earlier), _)
            if earlier.state == GameTxState::Tombstone
                || earlier.kind != input.message.kind()
                || earlier.fingerprint != input.fingerprint =>
        {
            refuse(GameStatus::TransactionMismatch, false)
        }
        (Some(earlier), _) => GameDecision::Repeat {
            status: earlier.status,
        },
        (
            None,
            GameMessage::Bet {
                amount,
                round_closed,
            },
        ) => bet(input, *amount, *round_closed),
        (
            None,
            GameMessage::Win {
                amount,
                round_closed,
            },
        ) => win(input, *amount, *round_closed),
        (None, GameMessage::Rollback { reference }) => rollback(input, reference),
    }
}

fn bet(input: &GameInput, amount: Money, round_closed: bool) -> GameDecision {
    let same_currency = amount.currency() == input.available.currency();
    let covered = same_currency
        && input
            .available
            .checked_sub(&amount)
            .is_ok_and(|rest| !rest.is_negative());
    match (
        input.session,
        same_currency,
        input.round.closed,
        input.gate,
        covered,
    ) {
        (SessionState::Ended, ..) => refuse(GameStatus::SessionInvalid, false),
        (_, false, ..) => refuse(GameStatus::CurrencyMismatch, true),
        (_, _, true, ..) => refuse(GameStatus::RoundClosed, true),
        (_, _, _, PlayerGate::Blocked, _) => refuse(GameStatus::PlayerBlocked, true),
        (_, _, _, PlayerGate::LimitReached, _) => refuse(GameStatus::LimitReached, true),
        (_, _, _, PlayerGate::Allowed, false) => refuse(GameStatus::InsufficientFunds, true),
        (_, _, false, PlayerGate::Allowed, true) => GameDecision::Apply(Plan {
            movement: Some(Movement {
                kind: MovementKind::Bet,
                amount,
            }),
            reference_becomes: None,
            round_after: RoundState {
                closed: round_closed,
                win_credited: input.round.win_credited,
            },
        }),
    }
}

fn win(input: &GameInput, amount: Money, round_closed: bool) -> GameDecision {
    if amount.currency() != input.available.currency() {
        return refuse(GameStatus::CurrencyMismatch, true);
    }
    GameDecision::Apply(Plan {
        movement: (!amount.is_zero()).then_some(Movement {
            kind: MovementKind::Win,
            amount,
        }),
        reference_becomes: None,
        round_after: RoundState {
            closed: input.round.closed || round_closed,
            win_credited: input.round.win_credited || amount.is_positive(),
        },
    })
}

fn rollback(input: &GameInput, reference: &ProviderTransactionId) -> GameDecision {
    let nothing_moves = |reference_becomes| {
        GameDecision::Apply(Plan {
            movement: None,
            reference_becomes,
            round_after: input.round,
        })
    };
    match &input.reference {
        _ if *reference == input.transaction_id => refuse(GameStatus::NotRollbackable, true),
        None => nothing_moves(Some(ReferenceChange::NewTombstone(
            StoredTransaction::tombstone(
                input.player,
                input.round_id.clone(),
                input.available.currency(),
            ),
        ))),
        Some(referenced) => match (referenced.kind, referenced.state) {
            (
                GameTxKind::Bet,
                GameTxState::Tombstone | GameTxState::RolledBack | GameTxState::Refused,
            ) => nothing_moves(None),
            (GameTxKind::Win | GameTxKind::Rollback, _) => {
                refuse(GameStatus::NotRollbackable, true)
            }
            (GameTxKind::Bet, GameTxState::Applied)
                if referenced.player != input.player || input.round.win_credited =>
            {
                refuse(GameStatus::NotRollbackable, true)
            }
            (GameTxKind::Bet, GameTxState::Applied) => GameDecision::Apply(Plan {
                movement: Some(Movement {
                    kind: MovementKind::BetRollback,
                    amount: referenced.amount,
                }),
                reference_becomes: Some(ReferenceChange::RolledBack),
                round_after: input.round,
            }),
        },
    }
}

fn refuse(status: GameStatus, record: bool) -> GameDecision {
    GameDecision::Refuse { status, record }
}

#[cfg(test)]
mod table;
