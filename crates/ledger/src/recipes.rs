//! The money movements of Kasa's contract, as balanced transactions.
//!
//! Each takes a positive amount (else [`LedgerError::NotPositive`]); whether
//! the wallet allows the movement is [`WalletBalance::apply`]'s business.
//!
//! [`WalletBalance::apply`]: crate::WalletBalance::apply

use crate::{
    Account, LedgerError, LedgerTransaction, Money, PlayerId, TransactionBuilder, TransactionKind,
};

fn positive(amount: Money) -> Result<Money, LedgerError> {
    if amount.is_positive() {
        Ok(amount)
    } else {
        Err(LedgerError::NotPositive)
    }
}

fn clearing(provider: &str, amount: Money) -> Account {
    Account::PspClearing {
        provider: provider.to_owned(),
        currency: amount.currency(),
    }
}

fn games_house(provider: &str, amount: Money) -> Account {
    Account::GamesHouse {
        provider: provider.to_owned(),
        currency: amount.currency(),
    }
}

/// A PSP deposit credited: available +a, PSP clearing −a.
pub fn deposit(
    player: PlayerId,
    provider: &str,
    amount: Money,
) -> Result<LedgerTransaction, LedgerError> {
    let a = positive(amount)?;
    TransactionBuilder::new(TransactionKind::Deposit)
        .post(Account::PlayerAvailable(player), a)
        .post(clearing(provider, a), a.negated())
        .build()
}

/// A withdrawal requested: available −a, held +a.
pub fn withdrawal_hold(player: PlayerId, amount: Money) -> Result<LedgerTransaction, LedgerError> {
    let a = positive(amount)?;
    TransactionBuilder::new(TransactionKind::WithdrawalHold)
        .post(Account::PlayerAvailable(player), a.negated())
        .post(Account::PlayerHeld(player), a)
        .build()
}

/// A withdrawal rejected or cancelled: held −a, available +a.
pub fn withdrawal_release(
    player: PlayerId,
    amount: Money,
) -> Result<LedgerTransaction, LedgerError> {
    let a = positive(amount)?;
    TransactionBuilder::new(TransactionKind::WithdrawalRelease)
        .post(Account::PlayerHeld(player), a.negated())
        .post(Account::PlayerAvailable(player), a)
        .build()
}

/// A withdrawal paid out through the PSP: held −a, PSP clearing +a.
pub fn withdrawal_paid(
    player: PlayerId,
    provider: &str,
    amount: Money,
) -> Result<LedgerTransaction, LedgerError> {
    let a = positive(amount)?;
    TransactionBuilder::new(TransactionKind::WithdrawalPaid)
        .post(Account::PlayerHeld(player), a.negated())
        .post(clearing(provider, a), a)
        .build()
}

/// A paid-out withdrawal returned by the PSP: available +a, PSP clearing −a.
pub fn payout_reversal(
    player: PlayerId,
    provider: &str,
    amount: Money,
) -> Result<LedgerTransaction, LedgerError> {
    let a = positive(amount)?;
    TransactionBuilder::new(TransactionKind::PayoutReversal)
        .post(Account::PlayerAvailable(player), a)
        .post(clearing(provider, a), a.negated())
        .build()
}

/// A bet at a game provider: available −a, the provider's games house +a.
pub fn bet(
    player: PlayerId,
    provider: &str,
    amount: Money,
) -> Result<LedgerTransaction, LedgerError> {
    let a = positive(amount)?;
    TransactionBuilder::new(TransactionKind::Bet)
        .post(Account::PlayerAvailable(player), a.negated())
        .post(games_house(provider, a), a)
        .build()
}

/// A win at a game provider: available +a, the provider's games house −a.
pub fn win(
    player: PlayerId,
    provider: &str,
    amount: Money,
) -> Result<LedgerTransaction, LedgerError> {
    let a = positive(amount)?;
    TransactionBuilder::new(TransactionKind::Win)
        .post(Account::PlayerAvailable(player), a)
        .post(games_house(provider, a), a.negated())
        .build()
}

/// A bet reversed by its game provider, the exact inverse of [`bet`]:
/// available +a, the provider's games house −a.
pub fn bet_rollback(
    player: PlayerId,
    provider: &str,
    amount: Money,
) -> Result<LedgerTransaction, LedgerError> {
    let a = positive(amount)?;
    TransactionBuilder::new(TransactionKind::BetRollback)
        .post(Account::PlayerAvailable(player), a)
        .post(games_house(provider, a), a.negated())
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Currency, Posting};
    use uuid::Uuid;

    const P: PlayerId = PlayerId(Uuid::from_u128(3));

    fn bhd(units: i64) -> Money {
        Money::from_minor_units(units, Currency::BHD)
    }

    fn postings(
        tx: Result<LedgerTransaction, LedgerError>,
    ) -> (TransactionKind, Vec<(Account, Money)>) {
        let tx = tx.expect("recipe builds");
        let postings = tx
            .postings()
            .iter()
            .map(|Posting { account, amount }| (account.clone(), *amount))
            .collect();
        (tx.kind(), postings)
    }

    fn psp() -> Account {
        Account::PspClearing {
            provider: "acme".into(),
            currency: Currency::BHD,
        }
    }

    #[test]
    fn each_recipe_posts_its_documented_movement() {
        let available = Account::PlayerAvailable(P);
        let held = Account::PlayerHeld(P);
        assert_eq!(
            postings(deposit(P, "acme", bhd(1250))),
            (
                TransactionKind::Deposit,
                vec![(available.clone(), bhd(1250)), (psp(), bhd(-1250))]
            )
        );
        assert_eq!(
            postings(withdrawal_hold(P, bhd(1250))),
            (
                TransactionKind::WithdrawalHold,
                vec![(available.clone(), bhd(-1250)), (held.clone(), bhd(1250))]
            )
        );
        assert_eq!(
            postings(withdrawal_release(P, bhd(1250))),
            (
                TransactionKind::WithdrawalRelease,
                vec![(held.clone(), bhd(-1250)), (available.clone(), bhd(1250))]
            )
        );
        assert_eq!(
            postings(withdrawal_paid(P, "acme", bhd(1250))),
            (
                TransactionKind::WithdrawalPaid,
                vec![(held, bhd(-1250)), (psp(), bhd(1250))]
            )
        );
        assert_eq!(
            postings(payout_reversal(P, "acme", bhd(1250))),
            (
                TransactionKind::PayoutReversal,
                vec![(available, bhd(1250)), (psp(), bhd(-1250))]
            )
        );
    }

    fn games() -> Account {
        Account::GamesHouse {
            provider: "evo".into(),
            currency: Currency::BHD,
        }
    }

    #[test]
    fn game_recipes_post_their_documented_movement() {
        let available = Account::PlayerAvailable(P);
        assert_eq!(
            postings(bet(P, "evo", bhd(1250))),
            (
                TransactionKind::Bet,
                vec![(available.clone(), bhd(-1250)), (games(), bhd(1250))]
            )
        );
        assert_eq!(
            postings(win(P, "evo", bhd(40))),
            (
                TransactionKind::Win,
                vec![(available.clone(), bhd(40)), (games(), bhd(-40))]
            )
        );
        assert_eq!(
            postings(bet_rollback(P, "evo", bhd(1250))),
            (
                TransactionKind::BetRollback,
                vec![(available, bhd(1250)), (games(), bhd(-1250))]
            )
        );
    }

    #[test]
    fn a_bet_rollback_is_the_exact_negation_of_its_bet() {
        let (_, placed) = postings(bet(P, "evo", bhd(777)));
        let (_, reversed) = postings(bet_rollback(P, "evo", bhd(777)));
        let negated: Vec<_> = placed
            .into_iter()
            .map(|(account, amount)| (account, amount.negated()))
            .collect();
        assert_eq!(reversed, negated);
    }

    #[test]
    fn every_recipe_refuses_zero_and_negative_amounts() {
        for amount in [bhd(0), bhd(-1)] {
            assert_eq!(deposit(P, "acme", amount), Err(LedgerError::NotPositive));
            assert_eq!(withdrawal_hold(P, amount), Err(LedgerError::NotPositive));
            assert_eq!(withdrawal_release(P, amount), Err(LedgerError::NotPositive));
            assert_eq!(
                withdrawal_paid(P, "acme", amount),
                Err(LedgerError::NotPositive)
            );
            assert_eq!(
                payout_reversal(P, "acme", amount),
                Err(LedgerError::NotPositive)
            );
            assert_eq!(bet(P, "evo", amount), Err(LedgerError::NotPositive));
            assert_eq!(win(P, "evo", amount), Err(LedgerError::NotPositive));
            assert_eq!(
                bet_rollback(P, "evo", amount),
                Err(LedgerError::NotPositive)
            );
        }
    }

    #[test]
    fn a_provider_is_required() {
        assert!(matches!(
            deposit(P, "", bhd(1)),
            Err(LedgerError::InvalidAccount(_))
        ));
        for recipe in [bet, win, bet_rollback] {
            assert!(matches!(
                recipe(P, "", bhd(1)),
                Err(LedgerError::InvalidAccount(_))
            ));
        }
    }
}
