//! The wallet rules: available and held are never negative.

use crate::{Currency, LedgerError, LedgerTransaction, Money, PlayerId};

/// How a transaction changes one player's wallet (see
/// [`LedgerTransaction::player_deltas`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalletDelta {
    /// Change of `available`.
    pub available: Money,
    /// Change of `held`.
    pub held: Money,
}

/// A player's wallet in one currency; neither balance is ever negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalletBalance {
    available: Money,
    held: Money,
}

impl WalletBalance {
    /// Balances in one currency, neither negative.
    pub fn new(available: Money, held: Money) -> Result<Self, LedgerError> {
        if available.currency() != held.currency() {
            return Err(LedgerError::CurrencyMismatch {
                expected: available.currency(),
                found: held.currency(),
            });
        }
        if available.is_negative() {
            return Err(LedgerError::NegativeAvailable);
        }
        if held.is_negative() {
            return Err(LedgerError::NegativeHeld);
        }
        Ok(Self { available, held })
    }

    /// An empty wallet.
    pub fn zero(currency: Currency) -> Self {
        Self {
            available: Money::zero(currency),
            held: Money::zero(currency),
        }
    }

    /// What the player may spend or withdraw.
    pub fn available(&self) -> Money {
        self.available
    }

    /// What pending withdrawals have reserved.
    pub fn held(&self) -> Money {
        self.held
    }

    /// The wallet's currency.
    pub fn currency(&self) -> Currency {
        self.available.currency()
    }

    /// The balances after `tx`'s postings on `player`'s accounts, or why `tx`
    /// is not allowed: [`LedgerError::InsufficientFunds`] if available would
    /// go negative, [`LedgerError::NegativeHeld`] if held would, and
    /// [`LedgerError::CurrencyMismatch`] for a posting on the player's
    /// accounts in another currency. Postings on other accounts are ignored.
    pub fn apply(
        &self,
        player: PlayerId,
        tx: &LedgerTransaction,
    ) -> Result<WalletBalance, LedgerError> {
        let delta = tx.player_deltas(player, self.currency())?;
        let available = self.available.checked_add(&delta.available)?;
        if available.is_negative() {
            return Err(LedgerError::InsufficientFunds {
                available: self.available,
                requested: delta.available.negated(),
            });
        }
        let held = self.held.checked_add(&delta.held)?;
        if held.is_negative() {
            return Err(LedgerError::NegativeHeld);
        }
        Ok(Self { available, held })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        Account, bet, bet_rollback, deposit, payout_reversal, win, withdrawal_hold,
        withdrawal_paid, withdrawal_release,
    };
    use proptest::prelude::*;
    use uuid::Uuid;

    fn eur(units: i64) -> Money {
        Money::from_minor_units(units, Currency::EUR)
    }

    const P: PlayerId = PlayerId(Uuid::from_u128(1));

    fn funded(units: i64) -> WalletBalance {
        let tx = deposit(P, "mock", eur(units)).expect("deposit");
        WalletBalance::zero(Currency::EUR)
            .apply(P, &tx)
            .expect("a deposit is always allowed")
    }

    #[test]
    fn holds_are_refused_once_available_is_spent() {
        let mut wallet = funded(5000);
        let hold = withdrawal_hold(P, eur(1000)).expect("hold");
        let mut accepted = 0;
        for _ in 0..6 {
            if let Ok(next) = wallet.apply(P, &hold) {
                wallet = next;
                accepted += 1;
            }
        }
        assert_eq!(accepted, 5);
        assert_eq!((wallet.available(), wallet.held()), (eur(0), eur(5000)));
        assert_eq!(
            wallet.apply(P, &hold),
            Err(LedgerError::InsufficientFunds {
                available: eur(0),
                requested: eur(1000)
            })
        );
    }

    #[test]
    fn insufficient_funds_reports_what_is_available_and_what_is_asked() {
        let wallet = funded(250);
        let hold = withdrawal_hold(P, eur(300)).expect("hold");
        assert_eq!(
            wallet.apply(P, &hold),
            Err(LedgerError::InsufficientFunds {
                available: eur(250),
                requested: eur(300)
            })
        );
    }

    #[test]
    fn held_cannot_be_released_or_paid_beyond_what_is_held() {
        let wallet = funded(1000)
            .apply(P, &withdrawal_hold(P, eur(400)).expect("hold"))
            .expect("enough");
        assert_eq!(
            wallet.apply(P, &withdrawal_release(P, eur(401)).expect("release")),
            Err(LedgerError::NegativeHeld)
        );
        assert_eq!(
            wallet.apply(P, &withdrawal_paid(P, "mock", eur(401)).expect("paid")),
            Err(LedgerError::NegativeHeld)
        );
        let paid = wallet
            .apply(P, &withdrawal_paid(P, "mock", eur(400)).expect("paid"))
            .expect("held covers it");
        assert_eq!((paid.available(), paid.held()), (eur(600), eur(0)));
        let reversed = paid
            .apply(P, &payout_reversal(P, "mock", eur(400)).expect("reversal"))
            .expect("credit");
        assert_eq!((reversed.available(), reversed.held()), (eur(1000), eur(0)));
    }

    #[test]
    fn other_players_postings_do_not_touch_this_wallet() {
        let other = PlayerId(Uuid::from_u128(2));
        let wallet = WalletBalance::zero(Currency::EUR);
        let tx = deposit(other, "mock", eur(100)).expect("deposit");
        assert_eq!(wallet.apply(P, &tx), Ok(wallet));
        let usd =
            deposit(other, "mock", Money::from_minor_units(100, Currency::USD)).expect("deposit");
        assert_eq!(wallet.apply(P, &usd), Ok(wallet));
    }

    #[test]
    fn postings_in_another_currency_are_refused() {
        let wallet = WalletBalance::zero(Currency::EUR);
        let usd = deposit(P, "mock", Money::from_minor_units(100, Currency::USD)).expect("deposit");
        assert_eq!(
            wallet.apply(P, &usd),
            Err(LedgerError::CurrencyMismatch {
                expected: Currency::EUR,
                found: Currency::USD
            })
        );
    }

    #[test]
    fn new_refuses_mixed_currencies_and_negative_balances() {
        assert_eq!(
            WalletBalance::new(eur(1), Money::zero(Currency::USD)),
            Err(LedgerError::CurrencyMismatch {
                expected: Currency::EUR,
                found: Currency::USD
            })
        );
        assert_eq!(
            WalletBalance::new(eur(-1), eur(0)),
            Err(LedgerError::NegativeAvailable)
        );
        assert_eq!(
            WalletBalance::new(eur(0), eur(-1)),
            Err(LedgerError::NegativeHeld)
        );
        let wallet = WalletBalance::new(eur(7), eur(3)).expect("valid");
        assert_eq!(
            (wallet.available(), wallet.held(), wallet.currency()),
            (eur(7), eur(3), Currency::EUR)
        );
        assert_eq!(
            WalletBalance::zero(Currency::JPY).available(),
            Money::zero(Currency::JPY)
        );
    }

    #[derive(Debug, Clone, Copy)]
    enum Step {
        Deposit(i64),
        Hold(i64),
        Release(i64),
        Paid(i64),
        Reversal(i64),
        Bet(i64),
        Win(i64),
        BetRollback(i64),
    }

    fn step() -> impl Strategy<Value = Step> {
        let units = 1i64..50_000;
        prop_oneof![
            units.clone().prop_map(Step::Deposit),
            units.clone().prop_map(Step::Hold),
            units.clone().prop_map(Step::Release),
            units.clone().prop_map(Step::Paid),
            units.clone().prop_map(Step::Reversal),
            units.clone().prop_map(Step::Bet),
            units.clone().prop_map(Step::Win),
            units.prop_map(Step::BetRollback),
        ]
    }

    proptest! {
        #[test]
        fn random_movements_never_go_negative_and_conserve_money(
            steps in proptest::collection::vec((step(), any::<bool>()), 0..80),
        ) {
            let mut wallet = WalletBalance::zero(Currency::EUR);
            // A plain integer model of the wallet, to check each refusal is the right one.
            let (mut available, mut held) = (0i64, 0i64);
            let mut house = 0i128;
            let mut all_postings = 0i128;
            for (s, second_provider) in steps {
                let provider = if second_provider { "other" } else { "mock" };
                let (tx, expected) = match s {
                    Step::Deposit(u) => (deposit(P, provider, eur(u)), Ok((available + u, held))),
                    Step::Hold(u) if u > available => (withdrawal_hold(P, eur(u)), Err(LedgerError::InsufficientFunds { available: eur(available), requested: eur(u) })),
                    Step::Hold(u) => (withdrawal_hold(P, eur(u)), Ok((available - u, held + u))),
                    Step::Release(u) if u > held => (withdrawal_release(P, eur(u)), Err(LedgerError::NegativeHeld)),
                    Step::Release(u) => (withdrawal_release(P, eur(u)), Ok((available + u, held - u))),
                    Step::Paid(u) if u > held => (withdrawal_paid(P, provider, eur(u)), Err(LedgerError::NegativeHeld)),
                    Step::Paid(u) => (withdrawal_paid(P, provider, eur(u)), Ok((available, held - u))),
                    Step::Reversal(u) => (payout_reversal(P, provider, eur(u)), Ok((available + u, held))),
                    Step::Bet(u) if u > available => (bet(P, provider, eur(u)), Err(LedgerError::InsufficientFunds { available: eur(available), requested: eur(u) })),
                    Step::Bet(u) => (bet(P, provider, eur(u)), Ok((available - u, held))),
                    Step::Win(u) => (win(P, provider, eur(u)), Ok((available + u, held))),
                    Step::BetRollback(u) => (bet_rollback(P, provider, eur(u)), Ok((available + u, held))),
                };
                let tx = tx.expect("recipes accept positive amounts");
                match wallet.apply(P, &tx) {
                    Ok(next) => {
                        wallet = next;
                        for posting in tx.postings() {
                            all_postings += posting.amount.units();
                            if posting.account.player().is_none() {
                                prop_assert!(matches!(posting.account, Account::PspClearing { .. } | Account::GamesHouse { .. }), "house posting on {}", posting.account);
                                house += posting.amount.units();
                            }
                        }
                    }
                    Err(e) => prop_assert_eq!(Err(e), expected.clone()),
                }
                if let Ok((a, h)) = expected {
                    (available, held) = (a, h);
                }
                prop_assert_eq!((wallet.available(), wallet.held()), (eur(available), eur(held)));
                prop_assert!(!wallet.available().is_negative());
                prop_assert!(!wallet.held().is_negative());
                prop_assert_eq!(wallet.available().units() + wallet.held().units() + house, 0);
                prop_assert_eq!(all_postings, 0);
            }
        }
    }
}
