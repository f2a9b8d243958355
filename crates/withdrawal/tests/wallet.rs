//! Withdrawals driven by random commands against a simulated wallet: money
//! is conserved, held never goes negative, a payout settles at most once and
//! terminal states are never left.

use ledger::{Account, Currency, LedgerError, Money, PlayerId, WalletBalance};
use proptest::prelude::*;
use withdrawal::{Command, Effect, WithdrawalError, WithdrawalState, transition};

const PROVIDER: &str = "mock";

fn player() -> PlayerId {
    Account::parse("player:67e55044-10b1-426f-9247-bb680e5fe0c8:available")
        .ok()
        .and_then(|account| account.player())
        .expect("a valid player account code")
}

fn eur(units: i64) -> Money {
    Money::from_minor_units(units, Currency::EUR)
}

fn units(money: Money) -> i64 {
    money.to_minor_units().expect("test amounts fit an i64")
}

/// States in which the withdrawal's amount sits in `held`.
fn holds_money(state: Option<WithdrawalState>) -> bool {
    matches!(
        state,
        Some(
            WithdrawalState::Requested
                | WithdrawalState::AwaitingSecondApproval
                | WithdrawalState::Approved
                | WithdrawalState::PayoutPending
                | WithdrawalState::PayoutFailed
        )
    )
}

/// One simulated withdrawal.
#[derive(Debug, Clone)]
struct Simulated {
    amount: i64,
    state: Option<WithdrawalState>,
    settled: u32,
    reversed: u32,
    /// The first terminal state it reached.
    terminal: Option<WithdrawalState>,
}

/// A wallet and the withdrawals made from it.
#[derive(Debug)]
struct Simulation {
    start: i64,
    wallet: WalletBalance,
    withdrawals: Vec<Simulated>,
    paid_out: i64,
    reversed_in: i64,
}

/// What happened to one command.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Moved(Option<Effect>),
    /// The state machine refused it.
    Refused,
    /// The state machine allowed it but the wallet could not pay for it.
    Unfunded,
}

impl Simulation {
    fn new(start: i64, amounts: &[i64]) -> Self {
        Simulation {
            start,
            wallet: WalletBalance::new(eur(start), eur(0)).expect("non-negative start"),
            withdrawals: amounts
                .iter()
                .map(|&amount| Simulated {
                    amount,
                    state: None,
                    settled: 0,
                    reversed: 0,
                    terminal: None,
                })
                .collect(),
            paid_out: 0,
            reversed_in: 0,
        }
    }

    /// Applies `command` to withdrawal `index` the way a caller would: the
    /// new state is kept only if the wallet accepts the transition's effect.
    fn apply(&mut self, index: usize, command: Command) -> Result<Outcome, TestCaseError> {
        let w = &mut self.withdrawals[index];
        let next = match transition(w.state, command) {
            Ok(next) => next,
            Err(e) => {
                prop_assert_eq!(
                    e,
                    WithdrawalError::InvalidTransition {
                        from: w.state,
                        command
                    }
                );
                return Ok(Outcome::Refused);
            }
        };
        if let Some(effect) = next.effect {
            let tx = effect
                .ledger_transaction(player(), Some(PROVIDER), eur(w.amount))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            match self.wallet.apply(player(), &tx) {
                Ok(wallet) => self.wallet = wallet,
                Err(e) => {
                    // Only a new hold can lack funds: every other movement is
                    // covered by what this withdrawal holds or was paid.
                    prop_assert_eq!(effect, Effect::Hold);
                    prop_assert!(
                        matches!(e, LedgerError::InsufficientFunds { .. }),
                        "{:?}",
                        e
                    );
                    return Ok(Outcome::Unfunded);
                }
            }
            match effect {
                Effect::Settle => {
                    w.settled += 1;
                    self.paid_out += w.amount;
                }
                Effect::Reverse => {
                    w.reversed += 1;
                    self.reversed_in += w.amount;
                }
                Effect::Hold | Effect::Release => {}
            }
        }
        w.state = Some(next.to);
        if w.terminal.is_none() && next.to.is_terminal() {
            w.terminal = Some(next.to);
        }
        Ok(Outcome::Moved(next.effect))
    }

    fn check_invariants(&self) -> Result<(), TestCaseError> {
        let available = units(self.wallet.available());
        let held = units(self.wallet.held());
        prop_assert!(held >= 0, "held {}", held);
        prop_assert!(available >= 0, "available {}", available);
        prop_assert_eq!(
            available + held + self.paid_out - self.reversed_in,
            self.start,
            "money is conserved"
        );
        let expected_held: i64 = self
            .withdrawals
            .iter()
            .filter(|w| holds_money(w.state))
            .map(|w| w.amount)
            .sum();
        prop_assert_eq!(held, expected_held, "held is what open withdrawals hold");
        for w in &self.withdrawals {
            prop_assert!(w.settled <= 1, "settled twice: {:?}", w);
            prop_assert!(w.reversed <= w.settled, "reversed unpaid: {:?}", w);
            if let Some(terminal) = w.terminal {
                prop_assert_eq!(w.state, Some(terminal), "left a terminal state");
            }
        }
        Ok(())
    }

    fn check_final(&self) -> Result<(), TestCaseError> {
        for w in &self.withdrawals {
            let (settled, reversed) = match w.state {
                Some(WithdrawalState::Paid) => (1, 0),
                Some(WithdrawalState::Reversed) => (1, 1),
                _ => (0, 0),
            };
            prop_assert_eq!((w.settled, w.reversed), (settled, reversed), "{:?}", w);
        }
        Ok(())
    }
}

#[test]
fn a_paid_then_reversed_withdrawal_moves_the_money_once_each_way() -> Result<(), TestCaseError> {
    let mut sim = Simulation::new(10_000, &[4_000]);
    let steps = [
        (Command::Request, Outcome::Moved(Some(Effect::Hold))),
        (Command::Approve, Outcome::Moved(None)),
        (Command::StartPayout, Outcome::Moved(None)),
        (Command::PayoutOutcomeUnknown, Outcome::Moved(None)),
        (Command::StartPayout, Outcome::Refused),
        (Command::PayoutFailed, Outcome::Moved(None)),
        (Command::StartPayout, Outcome::Moved(None)),
        (
            Command::PayoutSucceeded,
            Outcome::Moved(Some(Effect::Settle)),
        ),
        (Command::PayoutSucceeded, Outcome::Refused),
        (Command::Reverse, Outcome::Moved(Some(Effect::Reverse))),
        (Command::Reverse, Outcome::Refused),
    ];
    for (command, expected) in steps {
        prop_assert_eq!(sim.apply(0, command)?, expected, "{}", command);
        sim.check_invariants()?;
    }
    prop_assert_eq!(sim.withdrawals[0].state, Some(WithdrawalState::Reversed));
    prop_assert_eq!(
        (sim.wallet.available(), sim.wallet.held()),
        (eur(10_000), eur(0))
    );
    prop_assert_eq!((sim.paid_out, sim.reversed_in), (4_000, 4_000));
    sim.check_final()
}

#[test]
fn a_request_beyond_available_is_not_created() -> Result<(), TestCaseError> {
    let mut sim = Simulation::new(1_000, &[600, 600]);
    prop_assert_eq!(
        sim.apply(0, Command::Request)?,
        Outcome::Moved(Some(Effect::Hold))
    );
    prop_assert_eq!(sim.apply(1, Command::Request)?, Outcome::Unfunded);
    prop_assert_eq!(sim.withdrawals[1].state, None);
    prop_assert_eq!(
        sim.apply(0, Command::Cancel)?,
        Outcome::Moved(Some(Effect::Release))
    );
    prop_assert_eq!(
        sim.apply(1, Command::Request)?,
        Outcome::Moved(Some(Effect::Hold))
    );
    prop_assert_eq!(
        (sim.wallet.available(), sim.wallet.held()),
        (eur(400), eur(600))
    );
    sim.check_invariants()?;
    sim.check_final()
}

fn command() -> impl Strategy<Value = Command> {
    proptest::sample::select(Command::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_commands_conserve_money_and_settle_at_most_once(
        start in 0i64..50_000,
        amounts in proptest::collection::vec(1i64..30_000, 1..4),
        steps in proptest::collection::vec((0usize..4, command()), 0..120),
    ) {
        let mut sim = Simulation::new(start, &amounts);
        sim.check_invariants()?;
        for (index, command) in steps {
            let index = index % amounts.len();
            sim.apply(index, command)?;
            sim.check_invariants()?;
        }
        sim.check_final()?;
    }
}
