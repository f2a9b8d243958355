//! Builds each cell's input: the rows, round, session and wallet it names.

use super::*;

pub(super) const P: PlayerId = PlayerId(Uuid::from_u128(1));
const Q: PlayerId = PlayerId(Uuid::from_u128(2));

pub(super) fn eur(units: i64) -> Money {
    Money::from_minor_units(units, Currency::EUR)
}

fn id(raw: &str) -> ProviderTransactionId {
    ProviderTransactionId::parse(raw).expect("valid transaction id")
}

pub(super) fn round_id(raw: &str) -> RoundId {
    RoundId::parse(raw).expect("valid round id")
}

fn game() -> GameCode {
    GameCode::parse("slot-1").expect("valid game")
}

/// The call's own id, and the id its rollbacks name.
const OWN_ID: &str = "t-own";
const REFERENCE_ID: &str = "t-ref";

pub(super) fn message(msg: Msg, currency: Cur) -> GameMessage {
    let amount = |units| match currency {
        Cur::Wallet => eur(units),
        Cur::Other => Money::from_minor_units(units, Currency::USD),
    };
    match msg {
        Msg::Bet => GameMessage::Bet {
            amount: amount(1000),
            round_closed: false,
        },
        Msg::BetClosing => GameMessage::Bet {
            amount: amount(1000),
            round_closed: true,
        },
        Msg::Win => GameMessage::Win {
            amount: amount(1000),
            round_closed: false,
        },
        Msg::WinClosing => GameMessage::Win {
            amount: amount(1000),
            round_closed: true,
        },
        Msg::ZeroWin => GameMessage::Win {
            amount: amount(0),
            round_closed: true,
        },
        Msg::Rollback => GameMessage::Rollback {
            reference: id(REFERENCE_ID),
        },
    }
}

/// A message of `kind`: the call's own when it is of that kind.
fn message_of_kind(kind: GameTxKind, call: &GameMessage) -> GameMessage {
    match kind {
        _ if call.kind() == kind => call.clone(),
        GameTxKind::Bet => message(Msg::Bet, Cur::Wallet),
        GameTxKind::Win => message(Msg::Win, Cur::Wallet),
        GameTxKind::Rollback => message(Msg::Rollback, Cur::Wallet),
    }
}

/// The same action with another amount or reference.
fn other_body(message: &GameMessage) -> GameMessage {
    match message {
        GameMessage::Bet {
            amount,
            round_closed,
        } => GameMessage::Bet {
            amount: amount.checked_add(&eur(1)).unwrap_or(*amount),
            round_closed: *round_closed,
        },
        GameMessage::Win {
            amount,
            round_closed,
        } => GameMessage::Win {
            amount: *amount,
            round_closed: !round_closed,
        },
        GameMessage::Rollback { .. } => GameMessage::Rollback {
            reference: id("t-else"),
        },
    }
}

fn row(
    kind: GameTxKind,
    player: PlayerId,
    state: GameTxState,
    status: GameStatus,
    body: &GameMessage,
) -> StoredTransaction {
    let round = round_id("r-1");
    StoredTransaction {
        kind,
        player,
        fingerprint: BodyFingerprint::of(player, &round, &game(), body),
        round,
        amount: match body {
            GameMessage::Bet { amount, .. } | GameMessage::Win { amount, .. } => *amount,
            GameMessage::Rollback { .. } => eur(0),
        },
        status,
        state,
    }
}

pub(super) fn earlier_row(
    earlier: Earlier,
    body: Body,
    call: &GameMessage,
) -> Option<StoredTransaction> {
    use GameTxKind as K;
    use GameTxState as T;
    let (kind, state, status) = match earlier {
        Earlier::None => return None,
        Earlier::Tombstone => {
            return Some(StoredTransaction::tombstone(
                P,
                round_id("r-1"),
                Currency::EUR,
            ));
        }
        Earlier::AppliedBet => (K::Bet, T::Applied, GameStatus::Ok),
        Earlier::AppliedWin => (K::Win, T::Applied, GameStatus::Ok),
        Earlier::AppliedRollback => (K::Rollback, T::Applied, GameStatus::Ok),
        Earlier::RolledBackBet => (K::Bet, T::RolledBack, GameStatus::Ok),
        Earlier::Refused => match call.kind() {
            K::Bet => (K::Bet, T::Refused, GameStatus::InsufficientFunds),
            K::Win => (K::Win, T::Refused, GameStatus::CurrencyMismatch),
            K::Rollback => (K::Rollback, T::Refused, GameStatus::NotRollbackable),
        },
    };
    let same = message_of_kind(kind, call);
    let stored = match body {
        Body::Same => same,
        Body::Different => other_body(&same),
    };
    Some(row(kind, P, state, status, &stored))
}

pub(super) fn reference_row(reference: Ref) -> Option<StoredTransaction> {
    use GameTxKind as K;
    use GameTxState as T;
    let bet = GameMessage::Bet {
        amount: eur(700),
        round_closed: false,
    };
    let win = message(Msg::Win, Cur::Wallet);
    let rollback = GameMessage::Rollback {
        reference: id("t-older"),
    };
    Some(match reference {
        Ref::None | Ref::Itself => return None,
        Ref::AppliedBet | Ref::AppliedBetRoundWin => {
            row(K::Bet, P, T::Applied, GameStatus::Ok, &bet)
        }
        Ref::AppliedWin => row(K::Win, P, T::Applied, GameStatus::Ok, &win),
        Ref::RollbackRow => row(K::Rollback, P, T::Applied, GameStatus::Ok, &rollback),
        Ref::RefusedBet => row(K::Bet, P, T::Refused, GameStatus::InsufficientFunds, &bet),
        Ref::RolledBackBet => row(K::Bet, P, T::RolledBack, GameStatus::Ok, &bet),
        Ref::Tombstone => StoredTransaction::tombstone(P, round_id("r-1"), Currency::EUR),
        Ref::OtherPlayersBet => row(K::Bet, Q, T::Applied, GameStatus::Ok, &bet),
    })
}

pub(super) fn round_state(round: Round) -> RoundState {
    let (closed, win_credited) = match round {
        Round::Open => (false, false),
        Round::Closed => (true, false),
        Round::WithWin => (false, true),
        Round::ClosedWithWin => (true, true),
    };
    RoundState {
        closed,
        win_credited,
    }
}

pub(super) fn input(cell: &Cell) -> GameInput {
    let Cell {
        earlier,
        body,
        msg,
        reference,
        round,
        session,
        gate,
        funds,
        currency,
        ..
    } = *cell;
    let mut message = message(msg, currency);
    if reference == Ref::Itself {
        message = GameMessage::Rollback {
            reference: id(OWN_ID),
        };
    }
    assert!(
        (reference == Ref::AppliedBetRoundWin) <= round_state(round).win_credited,
        "a bet of a round with a win needs a round with a win: {cell:?}"
    );
    let round_id = round_id("r-1");
    GameInput {
        transaction_id: id(OWN_ID),
        fingerprint: BodyFingerprint::of(P, &round_id, &game(), &message),
        round_id,
        player: P,
        earlier: earlier_row(earlier, body, &message),
        reference: reference_row(reference),
        message,
        round: round_state(round),
        session,
        gate,
        available: match funds {
            Funds::Plenty => eur(5000),
            Funds::Exact => eur(1000),
            Funds::Short => eur(999),
        },
    }
}
