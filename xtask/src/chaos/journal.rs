//! What the clients sent and the definitive answer each call got, and what those
//! answers imply for every wallet. Pure: no I/O, so the arithmetic is unit-tested.

use std::collections::HashMap;

/// What a game-wallet call asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GameAction {
    /// A bet of `amount_minor`.
    Bet,
    /// A win of `amount_minor` (zero: a round closed without a win).
    Win,
    /// A rollback of the bet with the provider transaction id `reference`.
    Rollback {
        /// The bet's transaction id.
        reference: String,
    },
}

impl GameAction {
    /// The URL segment of the action.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Bet => "bet",
            Self::Win => "win",
            Self::Rollback { .. } => "rollback",
        }
    }
}

/// One game-wallet call (one provider transaction id) and its definitive answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameRecord {
    /// Index of the player in the seeded population.
    pub player: usize,
    /// The provider transaction id the client sent (on every attempt).
    pub transaction_id: String,
    /// What it asked.
    pub action: GameAction,
    /// The amount it named, in cents (zero for a rollback, which names none).
    pub amount_minor: i64,
    /// The `status` of the definitive answer; `None` when none came in time (stuck).
    pub status: Option<String>,
    /// `kasa_transaction_id` of the definitive answer, when it had one.
    pub kasa_transaction_id: Option<String>,
    /// When the answered attempt was sent (µs since the Unix epoch), if an
    /// earlier attempt got no definitive answer.
    pub resent_us: Option<i64>,
}

/// The definitive answer to a withdrawal request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WithdrawalAnswer {
    /// `201` (or a `200`/`201` replay): the withdrawal `id` was requested.
    Created {
        /// Kasa's id of the withdrawal.
        id: String,
    },
    /// A `4xx` other than "in flight" or "rate limited": nothing moved.
    Refused {
        /// The HTTP status.
        status: u16,
        /// The problem's `code`.
        code: String,
    },
}

/// One withdrawal request (one Idempotency-Key) and its definitive answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalRecord {
    /// Index of the player in the seeded population.
    pub player: usize,
    /// The Idempotency-Key it was sent with (on every attempt).
    pub key: String,
    /// The amount asked, in cents.
    pub amount_minor: i64,
    /// The definitive answer; `None` when none came in time (stuck).
    pub answer: Option<WithdrawalAnswer>,
}

/// Everything the clients recorded.
#[derive(Debug, Clone, Default)]
pub struct Journal {
    /// Game calls, in no particular order.
    pub games: Vec<GameRecord>,
    /// Withdrawal requests, in no particular order.
    pub withdrawals: Vec<WithdrawalRecord>,
}

impl Journal {
    /// Appends another client's records.
    pub fn merge(&mut self, other: Journal) {
        self.games.extend(other.games);
        self.withdrawals.extend(other.withdrawals);
    }

    /// Calls without a definitive answer.
    pub fn stuck(&self) -> usize {
        self.games.iter().filter(|g| g.status.is_none()).count()
            + self
                .withdrawals
                .iter()
                .filter(|w| w.answer.is_none())
                .count()
    }
}

/// A wallet in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Balance {
    /// `available`.
    pub available_minor: i64,
    /// `held`.
    pub held_minor: i64,
}

/// What the answers imply for one wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    /// The balance the answers add up to.
    pub balance: Balance,
    /// Whether a call of this player got no definitive answer, so its effect is unknown.
    pub indeterminate: bool,
}

/// The status of a call that took effect.
const OK: &str = "ok";

/// Each player's wallet as the definitive answers imply, from `start` (the wallets
/// after seeding, by player index):
///
/// - an `ok` bet takes its amount from `available`;
/// - an `ok` win adds its amount to `available` (a zero win moves nothing);
/// - an `ok` rollback gives back the amount of the bet it names if that bet was
///   answered `ok` (a refused, unknown or already rolled-back bet moves nothing:
///   Kasa answers such a rollback `ok` too);
/// - a created withdrawal moves its amount from `available` to `held` (nothing
///   approves, pays or cancels it during the run); a refused one moves nothing.
///
/// Any other status moves nothing. A player with a call that got no definitive
/// answer is marked indeterminate.
pub fn expected_balances(start: &[Balance], journal: &Journal) -> Vec<Expected> {
    let mut expected: Vec<Expected> = start
        .iter()
        .map(|&balance| Expected {
            balance,
            indeterminate: false,
        })
        .collect();
    let bets: HashMap<&str, &GameRecord> = journal
        .games
        .iter()
        .filter(|g| g.action == GameAction::Bet)
        .map(|g| (g.transaction_id.as_str(), g))
        .collect();
    for game in &journal.games {
        let Some(wallet) = expected.get_mut(game.player) else {
            continue;
        };
        match game.status.as_deref() {
            None => wallet.indeterminate = true,
            Some(OK) => {
                wallet.balance.available_minor += match &game.action {
                    GameAction::Bet => -game.amount_minor,
                    GameAction::Win => game.amount_minor,
                    GameAction::Rollback { reference } => bets
                        .get(reference.as_str())
                        .filter(|bet| bet.status.as_deref() == Some(OK))
                        .map_or(0, |bet| bet.amount_minor),
                };
            }
            Some(_) => {}
        }
    }
    for withdrawal in &journal.withdrawals {
        let Some(wallet) = expected.get_mut(withdrawal.player) else {
            continue;
        };
        match &withdrawal.answer {
            None => wallet.indeterminate = true,
            Some(WithdrawalAnswer::Created { .. }) => {
                wallet.balance.available_minor -= withdrawal.amount_minor;
                wallet.balance.held_minor += withdrawal.amount_minor;
            }
            Some(WithdrawalAnswer::Refused { .. }) => {}
        }
    }
    expected
}

/// `1234` cents as `"12.34"`.
pub fn decimal(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn game(player: usize, id: &str, action: GameAction, amount: i64, status: &str) -> GameRecord {
        GameRecord {
            player,
            transaction_id: id.to_owned(),
            action,
            amount_minor: amount,
            status: Some(status.to_owned()),
            kasa_transaction_id: None,
            resent_us: None,
        }
    }

    fn rollback(player: usize, id: &str, reference: &str, status: &str) -> GameRecord {
        let action = GameAction::Rollback {
            reference: reference.to_owned(),
        };
        game(player, id, action, 0, status)
    }

    fn withdrawal(
        player: usize,
        amount: i64,
        answer: Option<WithdrawalAnswer>,
    ) -> WithdrawalRecord {
        WithdrawalRecord {
            player,
            key: format!("key-{amount}"),
            amount_minor: amount,
            answer,
        }
    }

    fn start(players: usize) -> Vec<Balance> {
        vec![
            Balance {
                available_minor: 1_000_000,
                held_minor: 0,
            };
            players
        ]
    }

    fn balance(available_minor: i64, held_minor: i64) -> Expected {
        Expected {
            balance: Balance {
                available_minor,
                held_minor,
            },
            indeterminate: false,
        }
    }

    #[test]
    fn bets_wins_and_rollbacks_of_ok_bets_move_available() {
        let journal = Journal {
            games: vec![
                game(0, "b1", GameAction::Bet, 150, "ok"),
                game(0, "w1", GameAction::Win, 400, "ok"),
                game(0, "b2", GameAction::Bet, 250, "ok"),
                rollback(0, "r2", "b2", "ok"),
                game(1, "b3", GameAction::Bet, 99, "ok"),
                game(1, "w3", GameAction::Win, 0, "ok"),
            ],
            withdrawals: vec![],
        };
        assert_eq!(
            expected_balances(&start(2), &journal),
            vec![
                balance(1_000_000 - 150 + 400, 0),
                balance(1_000_000 - 99, 0)
            ]
        );
    }

    #[test]
    fn refusals_and_rollbacks_of_refused_bets_move_nothing() {
        let journal = Journal {
            games: vec![
                game(0, "b1", GameAction::Bet, 150, "insufficient_funds"),
                rollback(0, "r1", "b1", "ok"),
                game(0, "w1", GameAction::Win, 70, "currency_mismatch"),
                rollback(0, "r9", "never-sent", "ok"),
                rollback(0, "r8", "b1", "not_rollbackable"),
            ],
            withdrawals: vec![],
        };
        assert_eq!(
            expected_balances(&start(1), &journal),
            vec![balance(1_000_000, 0)]
        );
    }

    #[test]
    fn created_withdrawals_hold_and_refused_ones_do_not() {
        let created = |id: &str| Some(WithdrawalAnswer::Created { id: id.to_owned() });
        let refused = Some(WithdrawalAnswer::Refused {
            status: 422,
            code: "insufficient_funds".to_owned(),
        });
        let journal = Journal {
            games: vec![game(1, "b1", GameAction::Bet, 100, "ok")],
            withdrawals: vec![
                withdrawal(1, 500, created("a")),
                withdrawal(1, 2_000, created("b")),
                withdrawal(1, 9_999_999, refused),
            ],
        };
        assert_eq!(
            expected_balances(&start(2), &journal),
            vec![
                balance(1_000_000, 0),
                balance(1_000_000 - 100 - 2_500, 2_500)
            ]
        );
    }

    #[test]
    fn a_call_without_an_answer_makes_its_wallet_indeterminate() {
        let mut stuck = game(0, "b1", GameAction::Bet, 100, "ok");
        stuck.status = None;
        let journal = Journal {
            games: vec![stuck],
            withdrawals: vec![withdrawal(1, 100, None)],
        };
        let expected = expected_balances(&start(3), &journal);
        assert!(expected[0].indeterminate && expected[1].indeterminate);
        assert!(!expected[2].indeterminate);
        assert_eq!(expected[0].balance, start(1)[0]);
        assert_eq!(journal.stuck(), 2);
    }

    #[test]
    fn decimals_have_two_digits() {
        assert_eq!(decimal(0), "0.00");
        assert_eq!(decimal(5), "0.05");
        assert_eq!(decimal(1234), "12.34");
        assert_eq!(decimal(2_000_000), "20000.00");
        assert_eq!(decimal(-150), "-1.50");
    }
}
