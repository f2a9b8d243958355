//! The bodies of game providers' calls, parsed into the `games` crate's
//! edge types, and the answer they get.

use games::{GameCode, GameMessage, ProviderTransactionId, RoundId};
use ledger::{Currency, Money};
use persistence::games::GameAnswer;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::body::parse_json;
use crate::problem::ApiError;

/// What a provider asks in the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The player's balance.
    Balance,
    /// A bet.
    Bet,
    /// A win.
    Win,
    /// A bet's rollback.
    Rollback,
}

impl Action {
    /// The action named `raw`, if any.
    pub fn parse(raw: &str) -> Option<Action> {
        match raw {
            "balance" => Some(Action::Balance),
            "bet" => Some(Action::Bet),
            "win" => Some(Action::Win),
            "rollback" => Some(Action::Rollback),
            _ => None,
        }
    }

    /// Its name in the path.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Balance => "balance",
            Action::Bet => "bet",
            Action::Win => "win",
            Action::Rollback => "rollback",
        }
    }
}

#[derive(Deserialize)]
struct BalanceBody {
    session: String,
}

#[derive(Deserialize)]
struct MoveBody {
    session: String,
    transaction_id: String,
    round_id: String,
    game: String,
    amount: String,
    currency: String,
    #[serde(default)]
    round_closed: bool,
}

#[derive(Deserialize)]
struct RollbackBody {
    session: String,
    transaction_id: String,
    reference_transaction_id: String,
    round_id: String,
    game: String,
}

/// A bet, win or rollback, parsed.
#[derive(Debug, Clone)]
pub struct MoveCall {
    /// The session token as sent.
    pub session: String,
    /// The provider's transaction id.
    pub transaction_id: ProviderTransactionId,
    /// The provider's round id.
    pub round_id: RoundId,
    /// The game.
    pub game: GameCode,
    /// What it asks.
    pub message: GameMessage,
}

/// A call's body, parsed.
#[derive(Debug, Clone)]
pub enum CallBody {
    /// `balance`.
    Balance {
        /// The session token as sent.
        session: String,
    },
    /// `bet`, `win` or `rollback`.
    Move(MoveCall),
}

/// A malformed call: the contract answers it 400 `validation_failed`.
fn malformed(detail: impl std::fmt::Display) -> ApiError {
    ApiError::MalformedJson(format!("malformed call: {detail}"))
}

fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    parse_json(body).map_err(|e| match e {
        ApiError::Validation(detail) => ApiError::MalformedJson(detail),
        other => other,
    })
}

/// Parses the body of an `action` call; amounts are at most `amount_max`.
pub fn parse_call(action: Action, body: &[u8], amount_max: Decimal) -> Result<CallBody, ApiError> {
    let ids = |transaction_id: &str, round_id: &str, game: &str| {
        Ok::<_, ApiError>((
            ProviderTransactionId::parse(transaction_id)
                .map_err(|e| malformed(format!("transaction_id: {e}")))?,
            RoundId::parse(round_id).map_err(|e| malformed(format!("round_id: {e}")))?,
            GameCode::parse(game).map_err(|e| malformed(format!("game: {e}")))?,
        ))
    };
    match action {
        Action::Balance => {
            let body: BalanceBody = json(body)?;
            Ok(CallBody::Balance {
                session: body.session,
            })
        }
        Action::Bet | Action::Win => {
            let body: MoveBody = json(body)?;
            let (transaction_id, round_id, game) =
                ids(&body.transaction_id, &body.round_id, &body.game)?;
            let amount = stake(
                &body.amount,
                &body.currency,
                amount_max,
                action == Action::Win,
            )?;
            let message = if action == Action::Bet {
                GameMessage::Bet {
                    amount,
                    round_closed: body.round_closed,
                }
            } else {
                GameMessage::Win {
                    amount,
                    round_closed: body.round_closed,
                }
            };
            Ok(CallBody::Move(MoveCall {
                session: body.session,
                transaction_id,
                round_id,
                game,
                message,
            }))
        }
        Action::Rollback => {
            let body: RollbackBody = json(body)?;
            let (transaction_id, round_id, game) =
                ids(&body.transaction_id, &body.round_id, &body.game)?;
            let reference = ProviderTransactionId::parse(&body.reference_transaction_id)
                .map_err(|e| malformed(format!("reference_transaction_id: {e}")))?;
            Ok(CallBody::Move(MoveCall {
                session: body.session,
                transaction_id,
                round_id,
                game,
                message: GameMessage::Rollback { reference },
            }))
        }
    }
}

/// A bet's or win's amount: positive and at most `max`; a win may be zero
/// (written `0`, `0.0` or `0.00` in a two-digit currency).
fn stake(raw: &str, currency: &str, max: Decimal, zero_allowed: bool) -> Result<Money, ApiError> {
    let currency = Currency::parse(currency).map_err(|e| malformed(format!("currency: {e}")))?;
    if zero_allowed && is_zero(raw, currency) {
        return Ok(Money::zero(currency));
    }
    Money::parse_amount(raw, currency, max).map_err(|e| malformed(format!("amount: {e}")))
}

fn is_zero(raw: &str, currency: Currency) -> bool {
    match raw.split_once('.') {
        None => raw == "0",
        Some((whole, fraction)) => {
            whole == "0"
                && !fraction.is_empty()
                && u32::try_from(fraction.len()).is_ok_and(|len| len <= currency.minor_units())
                && fraction.bytes().all(|b| b == b'0')
        }
    }
}

/// What every call other than a 4xx is answered.
#[derive(Serialize, utoipa::ToSchema)]
pub struct GameWalletAnswer {
    /// What happened (`ok`, or why nothing moved).
    #[schema(value_type = crate::openapi::enums::GameStatus)]
    status: String,
    /// The player's `available` after the call; absent when the session is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "99.00")]
    balance: Option<String>,
    /// The wallet's currency; absent when the session is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::openapi::enums::Currency>)]
    currency: Option<String>,
    /// The session's player; absent when the session is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    player_id: Option<Uuid>,
    /// The call's transaction id (bet, win, rollback).
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_id: Option<String>,
    /// Kasa's id of the stored transaction that answers for this id.
    #[serde(skip_serializing_if = "Option::is_none")]
    kasa_transaction_id: Option<Uuid>,
}

impl GameWalletAnswer {
    /// The answer to `call`.
    pub fn of(call: &CallBody, answer: &GameAnswer) -> GameWalletAnswer {
        let transaction_id = match call {
            CallBody::Balance { .. } => None,
            CallBody::Move(call) => Some(call.transaction_id.as_str().to_owned()),
        };
        GameWalletAnswer {
            status: answer.status.as_str().to_owned(),
            balance: answer.wallet.map(|(_, available)| available.to_string()),
            currency: answer
                .wallet
                .map(|(_, available)| available.currency().code().to_owned()),
            player_id: answer.wallet.map(|(player, _)| player.0),
            transaction_id,
            kasa_transaction_id: answer.kasa_transaction_id,
        }
    }
}
