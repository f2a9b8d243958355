//! The game transaction contract written again as a table, and a test that
//! checks [`decide`] against it cell by cell.

use std::collections::HashSet;

use ledger::{Currency, Money, PlayerId};
use uuid::Uuid;

use super::*;
use crate::{GameCode, ProviderSlug};

/// The stored row with the call's own transaction id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Earlier {
    None,
    AppliedBet,
    AppliedWin,
    AppliedRollback,
    /// Refused, of the message's own kind.
    Refused,
    RolledBackBet,
    Tombstone,
}

impl Earlier {
    const ALL: [Earlier; 7] = [
        Earlier::None,
        Earlier::AppliedBet,
        Earlier::AppliedWin,
        Earlier::AppliedRollback,
        Earlier::Refused,
        Earlier::RolledBackBet,
        Earlier::Tombstone,
    ];
}

/// Whether the earlier row was stored for the same body (fields and action)
/// as the call; ignored when there is no earlier row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Body {
    Same,
    Different,
}

/// The call. `Bet`, `Win` and `Rollback` are the columns every state is
/// checked against; the others are extra cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Msg {
    Bet,
    BetClosing,
    Win,
    WinClosing,
    ZeroWin,
    Rollback,
}

/// The stored row a rollback's reference names (or what the reference is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Ref {
    None,
    AppliedBet,
    /// An applied bet whose round has a win credited (the row's round column is `WithWin`).
    AppliedBetRoundWin,
    AppliedWin,
    RollbackRow,
    RefusedBet,
    RolledBackBet,
    Tombstone,
    OtherPlayersBet,
    /// The call's own transaction id.
    Itself,
}

impl Ref {
    const ALL: [Ref; 9] = [
        Ref::None,
        Ref::AppliedBet,
        Ref::AppliedBetRoundWin,
        Ref::AppliedWin,
        Ref::RollbackRow,
        Ref::RefusedBet,
        Ref::RolledBackBet,
        Ref::Tombstone,
        Ref::OtherPlayersBet,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Round {
    Open,
    Closed,
    WithWin,
    ClosedWithWin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Funds {
    Plenty,
    /// Exactly the bet.
    Exact,
    Short,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Cur {
    Wallet,
    Other,
}

/// What the decision is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Out {
    Repeat,
    /// Refused, stored.
    RefuseStored,
    /// Refused, not stored.
    RefuseOnly,
    Apply,
}

/// The money an applied call moves: the bet's 10.00, the win's 10.00, or
/// the referenced bet's 7.00 back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moves {
    No,
    Debit,
    Credit,
    BackSeven,
}

/// What happens to the referenced row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefTo {
    Same,
    RolledBack,
    NewTombstone,
}

use Body::{Different as Diff, Same};
use Cur::{Other as USD, Wallet as EUR};
use Earlier as E;
use Funds::{Exact, Plenty, Short};
use GameStatus as S;
use Moves::{BackSeven, Credit, Debit, No};
use Msg as M;
use Out::{Apply, RefuseOnly, RefuseStored, Repeat};
use PlayerGate::{Allowed as Go, Blocked, LimitReached as Limit};
use Ref as R;
use RefTo::{NewTombstone, RolledBack};
use Round::{Closed, ClosedWithWin, Open, WithWin};
use SessionState::{Active as Live, Ended};

/// One cell: a call with what storage knows, and the expected decision.
#[derive(Debug, Clone, Copy)]
struct Cell {
    earlier: E,
    body: Body,
    msg: M,
    reference: R,
    round: Round,
    session: SessionState,
    gate: PlayerGate,
    funds: Funds,
    currency: Cur,
    status: S,
    out: Out,
    moves: Moves,
    ref_to: RefTo,
    round_after: Round,
}

/// A [`Cell`], written as a table row.
#[allow(clippy::too_many_arguments)]
#[rustfmt::skip]
const fn c(
    earlier: E, body: Body, msg: M, reference: R, round: Round, session: SessionState, gate: PlayerGate,
    funds: Funds, currency: Cur, status: S, out: Out, moves: Moves, ref_to: RefTo, round_after: Round,
) -> Cell {
    Cell { earlier, body, msg, reference, round, session, gate, funds, currency, status, out, moves, ref_to, round_after }
}

/// The whole contract. Inputs: earlier row with this id, body, message,
/// reference, round, session, gate, funds, currency. Expected: status,
/// decision, money, the referenced row, the round after (checked for
/// `Apply` only).
#[rustfmt::skip]
const TABLE: &[Cell] = &[
    // A new id: bets, in the order of their refusals.
    c(E::None, Same, M::Bet,        R::None, Open,    Live,  Go,      Plenty, EUR, S::Ok,                  Apply,        Debit,     RefTo::Same, Open),
    c(E::None, Same, M::Bet,        R::None, Open,    Live,  Go,      Exact,  EUR, S::Ok,                  Apply,        Debit,     RefTo::Same, Open),
    c(E::None, Same, M::BetClosing, R::None, WithWin, Live,  Go,      Plenty, EUR, S::Ok,                  Apply,        Debit,     RefTo::Same, ClosedWithWin),
    c(E::None, Same, M::Bet,        R::None, Open,    Ended, Blocked, Short,  USD, S::SessionInvalid,      RefuseOnly,   No,        RefTo::Same, Open),
    c(E::None, Same, M::Bet,        R::None, Closed,  Live,  Blocked, Short,  USD, S::CurrencyMismatch,    RefuseStored, No,        RefTo::Same, Open),
    c(E::None, Same, M::Bet,        R::None, Closed,  Live,  Blocked, Short,  EUR, S::RoundClosed,         RefuseStored, No,        RefTo::Same, Open),
    c(E::None, Same, M::Bet,        R::None, Open,    Live,  Blocked, Short,  EUR, S::PlayerBlocked,       RefuseStored, No,        RefTo::Same, Open),
    c(E::None, Same, M::Bet,        R::None, Open,    Live,  Limit,   Short,  EUR, S::LimitReached,        RefuseStored, No,        RefTo::Same, Open),
    c(E::None, Same, M::Bet,        R::None, Open,    Live,  Go,      Short,  EUR, S::InsufficientFunds,   RefuseStored, No,        RefTo::Same, Open),
    // A new id: wins.
    c(E::None, Same, M::Win,        R::None, Open,    Live,  Go,      Plenty, EUR, S::Ok,                  Apply,        Credit,    RefTo::Same, WithWin),
    c(E::None, Same, M::Win,        R::None, Closed,  Ended, Blocked, Short,  EUR, S::Ok,                  Apply,        Credit,    RefTo::Same, ClosedWithWin),
    c(E::None, Same, M::WinClosing, R::None, Open,    Live,  Go,      Plenty, EUR, S::Ok,                  Apply,        Credit,    RefTo::Same, ClosedWithWin),
    c(E::None, Same, M::ZeroWin,    R::None, Open,    Live,  Go,      Plenty, EUR, S::Ok,                  Apply,        No,        RefTo::Same, Closed),
    c(E::None, Same, M::ZeroWin,    R::None, WithWin, Live,  Go,      Plenty, EUR, S::Ok,                  Apply,        No,        RefTo::Same, ClosedWithWin),
    c(E::None, Same, M::Win,        R::None, Open,    Ended, Go,      Plenty, USD, S::CurrencyMismatch,    RefuseStored, No,        RefTo::Same, Open),
    // A new id: rollbacks, one row per kind of reference.
    c(E::None, Same, M::Rollback,   R::None,               Open,    Live,  Go,  Plenty, EUR, S::Ok,              Apply,        No,        NewTombstone, Open),
    c(E::None, Same, M::Rollback,   R::AppliedBet,         Open,    Live,  Go,  Plenty, EUR, S::Ok,              Apply,        BackSeven, RolledBack,   Open),
    c(E::None, Same, M::Rollback,   R::AppliedBet,         Closed,  Ended, Blocked, Short, EUR, S::Ok,           Apply,        BackSeven, RolledBack,   Closed),
    c(E::None, Same, M::Rollback,   R::AppliedBetRoundWin, WithWin, Live,  Go,  Plenty, EUR, S::NotRollbackable, RefuseStored, No,        RefTo::Same,  Open),
    c(E::None, Same, M::Rollback,   R::AppliedWin,         Open,    Live,  Go,  Plenty, EUR, S::NotRollbackable, RefuseStored, No,        RefTo::Same,  Open),
    c(E::None, Same, M::Rollback,   R::RollbackRow,        Open,    Live,  Go,  Plenty, EUR, S::NotRollbackable, RefuseStored, No,        RefTo::Same,  Open),
    c(E::None, Same, M::Rollback,   R::RefusedBet,         Open,    Live,  Go,  Plenty, EUR, S::Ok,              Apply,        No,        RefTo::Same,  Open),
    c(E::None, Same, M::Rollback,   R::RolledBackBet,      Open,    Live,  Go,  Plenty, EUR, S::Ok,              Apply,        No,        RefTo::Same,  Open),
    c(E::None, Same, M::Rollback,   R::Tombstone,          Open,    Ended, Go,  Plenty, EUR, S::Ok,              Apply,        No,        RefTo::Same,  Open),
    c(E::None, Same, M::Rollback,   R::OtherPlayersBet,    Open,    Live,  Go,  Plenty, EUR, S::NotRollbackable, RefuseStored, No,        RefTo::Same,  Open),
    c(E::None, Same, M::Rollback,   R::Itself,             Open,    Live,  Go,  Plenty, EUR, S::NotRollbackable, RefuseStored, No,        RefTo::Same,  Open),
    // An id seen before: the same body repeats the first answer, another one is a mismatch.
    c(E::AppliedBet,      Same, M::Bet,      R::None, Open, Ended, Blocked, Short, EUR, S::Ok,                    Repeat,     No, RefTo::Same, Open),
    c(E::AppliedBet,      Diff, M::Bet,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::AppliedBet,      Same, M::Win,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::AppliedBet,      Diff, M::Win,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::AppliedBet,      Same, M::Rollback, R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::AppliedBet,      Diff, M::Rollback, R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::AppliedWin,      Same, M::Bet,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::AppliedWin,      Diff, M::Bet,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::AppliedWin,      Same, M::Win,      R::None, Open, Live,  Go,      Plenty, EUR, S::Ok,                   Repeat,     No, RefTo::Same, Open),
    c(E::AppliedWin,      Diff, M::Win,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::AppliedWin,      Same, M::Rollback, R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::AppliedWin,      Diff, M::Rollback, R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::AppliedRollback, Same, M::Bet,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::AppliedRollback, Diff, M::Bet,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::AppliedRollback, Same, M::Win,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::AppliedRollback, Diff, M::Win,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::AppliedRollback, Same, M::Rollback, R::AppliedBet, Open, Live, Go, Plenty, EUR, S::Ok,                   Repeat,     No, RefTo::Same, Open),
    c(E::AppliedRollback, Diff, M::Rollback, R::AppliedBet, Open, Live, Go, Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::Refused,         Same, M::Bet,      R::None, Open, Live,  Go,      Plenty, EUR, S::InsufficientFunds,    Repeat,     No, RefTo::Same, Open),
    c(E::Refused,         Diff, M::Bet,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::Refused,         Same, M::Win,      R::None, Open, Live,  Go,      Plenty, EUR, S::CurrencyMismatch,     Repeat,     No, RefTo::Same, Open),
    c(E::Refused,         Diff, M::Win,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::Refused,         Same, M::Rollback, R::AppliedBet, Open, Live, Go, Plenty, EUR, S::NotRollbackable,      Repeat,     No, RefTo::Same, Open),
    c(E::Refused,         Diff, M::Rollback, R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::RolledBackBet,   Same, M::Bet,      R::None, Open, Live,  Go,      Plenty, EUR, S::Ok,                   Repeat,     No, RefTo::Same, Open),
    c(E::RolledBackBet,   Diff, M::Bet,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::RolledBackBet,   Same, M::Win,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::RolledBackBet,   Diff, M::Win,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::RolledBackBet,   Same, M::Rollback, R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    c(E::RolledBackBet,   Diff, M::Rollback, R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,  RefuseOnly, No, RefTo::Same, Open),
    // A tombstone has no body: a bet is rolled back every time, anything else is a mismatch.
    c(E::Tombstone,       Same, M::Bet,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionRolledBack, RefuseOnly, No, RefTo::Same, Open),
    c(E::Tombstone,       Diff, M::Bet,      R::None, Open, Ended, Go,      Short,  USD, S::TransactionRolledBack, RefuseOnly, No, RefTo::Same, Open),
    c(E::Tombstone,       Same, M::Win,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,   RefuseOnly, No, RefTo::Same, Open),
    c(E::Tombstone,       Diff, M::Win,      R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,   RefuseOnly, No, RefTo::Same, Open),
    c(E::Tombstone,       Same, M::Rollback, R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,   RefuseOnly, No, RefTo::Same, Open),
    c(E::Tombstone,       Diff, M::Rollback, R::None, Open, Live,  Go,      Plenty, EUR, S::TransactionMismatch,   RefuseOnly, No, RefTo::Same, Open),
];

mod build;
mod check;
