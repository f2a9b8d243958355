//! The JSON bodies of the provider calls, with the contract's field names.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::expect::Tracker;

/// A bet or a win as the provider sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stake {
    /// The provider's transaction id.
    pub transaction_id: String,
    /// The round it belongs to.
    pub round_id: String,
    /// The amount, already in the currency's digits ([`Tracker::sendable`]).
    pub amount: Decimal,
    /// Whether this message closes the round.
    pub round_closed: bool,
}

/// `balance {session}`.
pub fn balance(session: &str) -> Value {
    json!({"session": session})
}

/// `bet` or `win` `{session, transaction_id, round_id, game, amount, currency, round_closed}`,
/// the amount written with the wallet currency's digits.
pub fn stake(session: &str, game: &str, stake: &Stake, wallet: &Tracker) -> Value {
    json!({
        "session": session,
        "transaction_id": stake.transaction_id,
        "round_id": stake.round_id,
        "game": game,
        "amount": wallet.text(stake.amount),
        "currency": wallet.currency(),
        "round_closed": stake.round_closed,
    })
}

/// `rollback {session, transaction_id, reference_transaction_id, round_id, game}`.
pub fn rollback(
    session: &str,
    transaction_id: &str,
    reference: &str,
    round_id: &str,
    game: &str,
) -> Value {
    json!({
        "session": session,
        "transaction_id": transaction_id,
        "reference_transaction_id": reference,
        "round_id": round_id,
        "game": game,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Answer;
    use crate::money::cents;

    fn eur_wallet() -> Tracker {
        let answer = Answer::read(
            200,
            br#"{"status":"ok","balance":"10.00","currency":"EUR"}"#,
        );
        Tracker::start(&answer).expect("a EUR wallet")
    }

    #[test]
    fn bodies_carry_the_contract_fields() {
        assert_eq!(balance("tok"), json!({"session": "tok"}));
        let bet = Stake {
            transaction_id: "t1".to_owned(),
            round_id: "r1".to_owned(),
            amount: cents(100),
            round_closed: false,
        };
        assert_eq!(
            stake("tok", "demo-slots", &bet, &eur_wallet()),
            json!({
                "session": "tok",
                "transaction_id": "t1",
                "round_id": "r1",
                "game": "demo-slots",
                "amount": "1.00",
                "currency": "EUR",
                "round_closed": false,
            })
        );
        assert_eq!(
            rollback("tok", "t2", "t1", "r1", "demo-slots"),
            json!({
                "session": "tok",
                "transaction_id": "t2",
                "reference_transaction_id": "t1",
                "round_id": "r1",
                "game": "demo-slots",
            })
        );
    }

    #[test]
    fn a_zero_win_is_written_with_its_digits() {
        let win = Stake {
            transaction_id: "t".to_owned(),
            round_id: "r".to_owned(),
            amount: Decimal::ZERO,
            round_closed: true,
        };
        let body = stake("tok", "g", &win, &eur_wallet());
        assert_eq!(body["amount"], "0.00");
        assert_eq!(body["round_closed"], true);
    }
}
