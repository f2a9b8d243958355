//! What the simulator expects: the player's balance after every call, and the
//! check of each answer against the contract.
//!
//! The [`Tracker`] starts from the first `balance` call and follows the money
//! each expected answer moves. A call is checked before the balance changes,
//! so a failed check leaves the expectation where it was.

use rust_decimal::Decimal;

use crate::answer::Answer;
use crate::money;

/// What an answer moves on the player's `available`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    /// Nothing moves (refusals, repeats, balance calls).
    None,
    /// The amount leaves `available` (a bet).
    Debit(Decimal),
    /// The amount comes to `available` (a win, a rollback of a bet).
    Credit(Decimal),
}

/// The answer the contract gives to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// `200 {status, balance, currency}`: the player is known, so `balance` is
    /// there and is the expected balance after `movement`.
    Answer {
        /// The `status` code.
        status: &'static str,
        /// What the call moves.
        movement: Movement,
    },
    /// `200 {status}` for a session Kasa does not know: no player, so no balance.
    UnknownPlayer {
        /// The `status` code.
        status: &'static str,
    },
    /// A problem answer (`401 invalid_signature`); nothing moves.
    Problem {
        /// The HTTP status.
        http: u16,
        /// The problem's `code`.
        code: &'static str,
    },
}

impl Expected {
    /// `ok`, moving `movement`.
    pub fn ok(movement: Movement) -> Self {
        Expected::Answer {
            status: "ok",
            movement,
        }
    }

    /// A `status` that moves nothing (a refusal, or `ok` for a repeat).
    pub fn still(status: &'static str) -> Self {
        Expected::Answer {
            status,
            movement: Movement::None,
        }
    }

    /// The answer, for messages: `ok -1.00`, `insufficient_funds`, `HTTP 401 invalid_signature`.
    pub fn describe(&self, scale: u32) -> String {
        match self {
            Expected::Answer {
                status,
                movement: Movement::Debit(amount),
            } => format!("{status} -{}", money::format(*amount, scale)),
            Expected::Answer {
                status,
                movement: Movement::Credit(amount),
            } => format!("{status} +{}", money::format(*amount, scale)),
            Expected::Answer { status, .. } | Expected::UnknownPlayer { status } => {
                (*status).to_owned()
            }
            Expected::Problem { http, code } => format!("HTTP {http} {code}"),
        }
    }
}

/// The balance the simulator expects, in the wallet's currency and digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracker {
    balance: Decimal,
    scale: u32,
    currency: String,
}

impl Tracker {
    /// Starts from the answer of the first `balance` call, which must be `ok`
    /// with a balance and a currency.
    pub fn start(answer: &Answer) -> Result<Self, String> {
        if answer.http != 200 || answer.status.as_deref() != Some("ok") {
            return Err(format!(
                "the first balance call answered {}, expected ok: {}",
                answer.verdict(),
                answer.excerpt
            ));
        }
        let balance = answer.balance.as_deref().unwrap_or_default();
        let Some((balance, scale)) = money::parse(balance) else {
            return Err(format!(
                "the first balance call has no decimal balance: {}",
                answer.excerpt
            ));
        };
        let Some(currency) = answer.currency.clone().filter(|c| !c.is_empty()) else {
            return Err(format!(
                "the first balance call has no currency: {}",
                answer.excerpt
            ));
        };
        Ok(Self {
            balance,
            scale,
            currency,
        })
    }

    /// The expected balance.
    pub fn balance(&self) -> Decimal {
        self.balance
    }

    /// The expected balance as Kasa writes it.
    pub fn balance_text(&self) -> String {
        money::format(self.balance, self.scale)
    }

    /// The wallet's currency.
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// The wallet currency's fraction digits.
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// `amount` rounded to the currency's digits: what a call may send.
    pub fn sendable(&self, amount: Decimal) -> Decimal {
        let mut rounded = amount;
        rounded.rescale(self.scale);
        rounded
    }

    /// `amount` as a call writes it.
    pub fn text(&self, amount: Decimal) -> String {
        money::format(amount, self.scale)
    }

    /// Whether a bet of `amount` fits the expected balance.
    pub fn affords(&self, amount: Decimal) -> bool {
        amount <= self.balance
    }

    /// Checks `answer` against `expected`; when it matches, the expected balance
    /// follows the movement. The error says what differs.
    pub fn check(&mut self, answer: &Answer, expected: &Expected) -> Result<(), String> {
        let mismatch = |what: String| {
            format!(
                "expected {}, got {what}: {}",
                expected.describe(self.scale),
                answer.excerpt
            )
        };
        match expected {
            Expected::Problem { http, code } => {
                if answer.http != *http || answer.code.as_deref() != Some(*code) {
                    return Err(mismatch(answer.verdict()));
                }
                Ok(())
            }
            Expected::UnknownPlayer { status } => {
                if answer.http != 200 || answer.status.as_deref() != Some(*status) {
                    return Err(mismatch(answer.verdict()));
                }
                Ok(())
            }
            Expected::Answer { status, movement } => {
                if answer.http != 200 || answer.status.as_deref() != Some(*status) {
                    return Err(mismatch(answer.verdict()));
                }
                let after = match movement {
                    Movement::None => self.balance,
                    Movement::Debit(amount) => self.balance - amount,
                    Movement::Credit(amount) => self.balance + amount,
                };
                let want = money::format(after, self.scale);
                let got = answer.balance.as_deref().unwrap_or("no balance");
                if got != want {
                    return Err(format!(
                        "{status} with balance {want} {}, got balance {got}: {}",
                        self.currency, answer.excerpt
                    ));
                }
                let currency = answer.currency.as_deref().unwrap_or("no currency");
                if currency != self.currency {
                    return Err(format!(
                        "currency {}, got {currency}: {}",
                        self.currency, answer.excerpt
                    ));
                }
                self.balance = after;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests;
